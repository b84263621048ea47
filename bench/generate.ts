// Fills a PostgreSQL database with N synthetic facilities for load tests, reproducibly: the same
// --count gives the same rows (names, places, ids) every time, from a seeded PRNG.
//
//   npx tsx bench/generate.ts [--count 100000] [--database-url postgresql://…/linli_bench] [--fresh]
//
// The database is created if missing (dropped and recreated with --fresh), migrated and seeded
// with the real seed (so the areas exist), then the synthetic rows are inserted straight through
// `pg` in multi-row INSERTs. Every synthetic row has a slug starting with "bench-" and
// attributes {"synthetic": true}, so it can never be mistaken for real data.
import { parseArgs } from 'node:util'
import pg from 'pg'
import { pinyin } from 'pinyin-pro'
import { openPostgresDatabase } from '../src/db/database.js'
import { prepareDatabase } from '../src/prepare.js'
import { kindOfCategory } from '../src/domain/categories.js'
import { statusesOfKind } from '../src/domain/lifecycle.js'
import { parseUncertainDate } from '../src/domain/uncertain-date.js'
import { namePinyinOf, searchTextOf } from '../src/facilities/search/text.js'
import type { AccessibilityFeature, CapacityUnit, ElderCareTier, FacilityCategory, FacilityStatus } from '../src/generated/prisma/enums.js'

export const defaultDatabaseUrl = 'postgresql://postgres@127.0.0.1:5432/linli_bench'

// ---------------------------------------------------------------------------------------------
// Reproducible randomness

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed always gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Random {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  float(min: number, max: number): number {
    return min + this.next() * (max - min)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }
  weighted<T extends string>(weights: Readonly<Partial<Record<T, number>>>): T {
    const entries = Object.entries(weights) as [T, number][]
    const total = entries.reduce((sum, [, w]) => sum + w, 0)
    let r = this.next() * total
    for (const [value, w] of entries) {
      r -= w
      if (r < 0) return value
    }
    return entries[entries.length - 1]![0]
  }
  /** Roughly normal (sum of uniforms), mean 0, standard deviation ~1. */
  gaussian(): number {
    return this.next() + this.next() + this.next() + this.next() - 2
  }
  /** A version-4-shaped UUID from this generator, so ids are reproducible too. */
  uuid(): string {
    const hex = Array.from({ length: 4 }, () =>
      Math.floor(this.next() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join('')
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Street and community names of Shenzhen, plus a few common place words. */
const places = [
  '龙城',
  '坂田',
  '布吉',
  '平湖',
  '横岗',
  '园山',
  '宝龙',
  '龙岗',
  '南湾',
  '吉华',
  '坪地',
  '南澳',
  '葵涌',
  '大鹏',
  '福田',
  '罗湖',
  '南山',
  '西乡',
  '沙井',
  '松岗',
  '观澜',
  '龙华',
  '民治',
  '大浪',
  '石岩',
  '光明',
  '公明',
  '华南',
  '禾花',
  '山厦',
  '良安田',
  '新木',
  '鹅公岭',
  '白坭坑',
  '力昌',
  '凤凰',
  '上木古',
  '辅城坳',
  '新南',
  '新厦',
  '守珍',
  '华侨城',
  '蛇口',
  '梅林',
  '莲花',
  '香蜜湖',
  '景田',
  '笋岗',
  '东门',
  '翠竹',
  '黄贝',
  '东晓',
  '清水河',
  '沙头角',
  '盐田',
  '梅沙',
  '海山',
  '新安',
  '福永',
  '航城',
  '新桥',
  '燕罗',
  '石龙',
  '龙田',
  '坪山',
  '碧岭',
  '马峦',
  '坑梓',
  '宝安',
  '新湖',
  '凤岗',
  '清湖',
  '樟坑径',
  '丹竹头',
  '爱联',
  '五联',
  '南联',
  '同乐',
  '荷坳',
  '六约',
  '安良',
]

/** Two-character "good" words used in names of schools, kindergartens, venues. */
const niceWords = [
  '阳光',
  '育才',
  '实验',
  '启智',
  '童心',
  '新星',
  '博雅',
  '明德',
  '启航',
  '未来',
  '彩虹',
  '春晖',
  '晨曦',
  '华英',
  '书香',
  '爱心',
  '金色',
  '欢乐',
  '丽景',
  '雅苑',
  '翠园',
  '碧海',
  '锦绣',
  '和谐',
  '康乐',
  '悦康',
  '颐年',
  '福寿',
  '东方',
  '星河',
  '中心',
  '嘉华',
  '天骄',
  '宏远',
  '振兴',
  '英才',
  '花园',
  '海韵',
  '怡景',
  '美丽',
]

const roadWords = [
  '深惠',
  '龙平',
  '平安',
  '富民',
  '建设',
  '人民',
  '龙翔',
  '吉华',
  '布龙',
  '清平',
  '丹平',
  '新区',
  '环城',
  '宝荷',
  '坂雪岗',
  '五和',
  '华为',
  '沙河',
  '横坪',
  '碧新',
]

const ordinals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二']

const englishPlace = new Map<string, string>()
function english(word: string): string {
  let cached = englishPlace.get(word)
  if (cached === undefined) {
    const syllables = pinyin(word, { toneType: 'none', type: 'array', v: true }).join('')
    cached = syllables.charAt(0).toUpperCase() + syllables.slice(1)
    englishPlace.set(word, cached)
  }
  return cached
}

/** Categories weighted roughly like a real district: many kindergartens, schools and elder care. */
const categoryWeights: Record<FacilityCategory, number> = {
  kindergarten: 22,
  school: 13,
  elder_care: 13,
  childcare: 8,
  public_service: 11,
  market: 6,
  culture_venue: 5,
  sports_venue: 5,
  hospital: 3,
  road: 6,
  bridge: 1.5,
  expressway: 0.4,
  intercity_rail: 0.3,
  metro: 1,
  logistics_hub: 0.8,
  utility: 3,
  commercial_building: 2,
}

const serviceStatusWeights: Partial<Record<FacilityStatus, number>> = {
  operational: 82,
  temporarily_closed: 3,
  under_construction: 6,
  planned: 6,
  permanently_closed: 3,
}
const projectStatusWeights: Partial<Record<FacilityStatus, number>> = {
  in_service: 45,
  completed: 10,
  under_construction: 20,
  planned: 10,
  in_preparation: 8,
  suspended: 4,
  cancelled: 3,
}
for (const [kind, weights] of [
  ['service', serviceStatusWeights],
  ['project', projectStatusWeights],
] as const) {
  for (const status of Object.keys(weights) as FacilityStatus[]) {
    if (!statusesOfKind[kind].includes(status)) throw new Error(`${status} is not a ${kind} status`)
  }
}

const openingHoursChoices = [
  'Mo-Fr 08:00-17:30; Sa 09:00-12:00; PH off',
  'Mo-Fr 07:30-18:00; PH off',
  'Mo-Su 09:00-21:00',
  'Mo-Fr 09:00-12:00,14:00-18:00; PH off',
  'Tu-Su 09:00-17:00; Mo off',
  'Mo-Su 06:00-22:00',
  '24/7',
]

const accessibilityFeatures: AccessibilityFeature[] = [
  'step_free_entrance',
  'lift',
  'accessible_toilet',
  'accessible_parking',
  'hearing_loop',
  'braille_signage',
  'wheelchair_loan',
]

/** The areas the real seed creates that facilities can belong to. */
const areaIds = ['pinghu', 'pinghu-community', 'hehua'] as const

/** Town centres facilities cluster around (lat, lng); the rest spread evenly over the city. */
const centres: [number, number][] = [
  [22.6866, 114.124], // Pinghu
  [22.72, 114.24], // Longcheng
  [22.63, 114.06], // Bantian
  [22.54, 114.06], // Futian
  [22.55, 113.93], // Nanshan
  [22.58, 113.86], // Xixiang
  [22.66, 114.03], // Longhua
  [22.72, 114.34], // Pingshan
]

// ---------------------------------------------------------------------------------------------
// One synthetic facility

interface Names {
  zh: string
  en: string
}

function namesFor(random: Random, category: FacilityCategory): Names {
  const place = random.pick(places)
  const placeEn = english(place)
  const nice = random.pick(niceWords)
  const niceEn = english(nice)
  const n = random.int(1, ordinals.length)
  const ordinal = ordinals[n - 1]!
  switch (category) {
    case 'kindergarten':
      return random.pick<() => Names>([
        () => ({ zh: `${place}第${ordinal}幼儿园`, en: `${placeEn} No. ${n} Kindergarten` }),
        () => ({ zh: `${place}${nice}幼儿园`, en: `${placeEn} ${niceEn} Kindergarten` }),
        () => ({ zh: `${place}社区${nice}幼儿园`, en: `${placeEn} Community ${niceEn} Kindergarten` }),
        () => ({ zh: `${place}${nice}实验幼儿园`, en: `${placeEn} ${niceEn} Experimental Kindergarten` }),
      ])()
    case 'school':
      return random.pick<() => Names>([
        () => ({ zh: `${place}第${ordinal}小学`, en: `${placeEn} No. ${n} Primary School` }),
        () => ({ zh: `${place}${nice}小学`, en: `${placeEn} ${niceEn} Primary School` }),
        () => ({ zh: `${place}中学`, en: `${placeEn} Middle School` }),
        () => ({ zh: `${place}${nice}实验学校`, en: `${placeEn} ${niceEn} Experimental School` }),
        () => ({ zh: `${place}外国语学校`, en: `${placeEn} Foreign Languages School` }),
      ])()
    case 'elder_care':
      return random.pick<() => Names>([
        () => ({ zh: `${place}社区养老服务站`, en: `${placeEn} Community Elder Care Station` }),
        () => ({ zh: `${place}街道长者服务中心`, en: `${placeEn} Subdistrict Elderly Service Centre` }),
        () => ({ zh: `${place}${nice}颐养院`, en: `${placeEn} ${niceEn} Elder Care Home` }),
        () => ({ zh: `${place}居家养老服务点`, en: `${placeEn} Home Elder Care Point` }),
      ])()
    case 'childcare':
      return random.pick<() => Names>([
        () => ({ zh: `${place}${nice}托育中心`, en: `${placeEn} ${niceEn} Childcare Centre` }),
        () => ({ zh: `${place}社区托育园`, en: `${placeEn} Community Nursery` }),
      ])()
    case 'hospital':
      return random.pick<() => Names>([
        () => ({ zh: `${place}人民医院`, en: `${placeEn} People's Hospital` }),
        () => ({ zh: `${place}中医院`, en: `${placeEn} Traditional Chinese Medicine Hospital` }),
        () => ({ zh: `${place}妇幼保健院`, en: `${placeEn} Maternal and Child Health Hospital` }),
        () => ({ zh: `${place}社区健康服务中心`, en: `${placeEn} Community Health Centre` }),
      ])()
    case 'culture_venue':
      return random.pick<() => Names>([
        () => ({ zh: `${place}图书馆`, en: `${placeEn} Library` }),
        () => ({ zh: `${place}文化中心`, en: `${placeEn} Cultural Centre` }),
        () => ({ zh: `${place}${nice}书城`, en: `${placeEn} ${niceEn} Book City` }),
        () => ({ zh: `${place}文体广场`, en: `${placeEn} Culture and Sports Square` }),
      ])()
    case 'sports_venue':
      return random.pick<() => Names>([
        () => ({ zh: `${place}体育中心`, en: `${placeEn} Sports Centre` }),
        () => ({ zh: `${place}游泳馆`, en: `${placeEn} Swimming Hall` }),
        () => ({ zh: `${place}体育公园`, en: `${placeEn} Sports Park` }),
      ])()
    case 'public_service':
      return random.pick<() => Names>([
        () => ({ zh: `${place}社区党群服务中心`, en: `${placeEn} Community Party-Masses Service Centre` }),
        () => ({ zh: `${place}社区服务中心`, en: `${placeEn} Community Service Centre` }),
        () => ({ zh: `${place}政务服务中心`, en: `${placeEn} Government Service Centre` }),
        () => ({ zh: `${place}派出所`, en: `${placeEn} Police Station` }),
      ])()
    case 'market':
      return random.pick<() => Names>([
        () => ({ zh: `${place}农贸市场`, en: `${placeEn} Farmers' Market` }),
        () => ({ zh: `${place}${nice}肉菜市场`, en: `${placeEn} ${niceEn} Wet Market` }),
      ])()
    case 'road': {
      const road = random.pick(roadWords)
      const roadEn = english(road)
      return random.pick<() => Names>([
        () => ({ zh: `${road}路市政化改造工程`, en: `${roadEn} Road Upgrade` }),
        () => ({ zh: `${road}大道（${place}段）新建工程`, en: `${roadEn} Avenue (${placeEn} Section) Construction` }),
        () => ({ zh: `${place}${road}路拓宽工程`, en: `${placeEn} ${roadEn} Road Widening` }),
      ])()
    }
    case 'bridge':
      return { zh: `${place}${random.pick(['立交', '大桥', '人行天桥'])}工程`, en: `${placeEn} Bridge Project` }
    case 'expressway':
      return { zh: `${random.pick(roadWords)}高速公路${place}段改扩建工程`, en: `${placeEn} Expressway Section Expansion` }
    case 'intercity_rail':
      return { zh: `深大城际${place}站`, en: `Shenzhen–Dayawan Intercity ${placeEn} Station` }
    case 'metro':
      return { zh: `地铁${n + 10}号线${place}站`, en: `Metro Line ${n + 10} ${placeEn} Station` }
    case 'logistics_hub':
      return { zh: `${place}${nice}物流园`, en: `${placeEn} ${niceEn} Logistics Park` }
    case 'utility':
      return random.pick<() => Names>([
        () => ({ zh: `${place}水质净化厂`, en: `${placeEn} Water Purification Plant` }),
        () => ({ zh: `${place}110千伏变电站`, en: `${placeEn} 110 kV Substation` }),
        () => ({ zh: `${place}垃圾转运站`, en: `${placeEn} Waste Transfer Station` }),
      ])()
    case 'commercial_building':
      return { zh: `${place}${nice}大厦`, en: `${placeEn} ${niceEn} Tower` }
  }
}

function tierOf(nameZh: string): ElderCareTier {
  if (nameZh.includes('长者服务中心')) return 'street_centre'
  if (nameZh.includes('养老服务站')) return 'community_station'
  return 'residential_point'
}

const capacityUnitOf: Partial<Record<FacilityCategory, CapacityUnit>> = {
  kindergarten: 'places',
  childcare: 'childcare_places',
  elder_care: 'elder_care_beds',
}

const quarterCodes = ['33', '34', '35', '36']
const pad2 = (n: number) => String(n).padStart(2, '0')
const startOfDayInShanghai = (day: string) => new Date(`${day}T00:00:00+08:00`)

interface Row {
  facility: unknown[]
  capacity: unknown[] | null
  date: unknown[] | null
}

const facilityColumns = [
  'id',
  'slug',
  'category',
  'name_zh',
  'name_en',
  'aliases',
  'status',
  'status_effective_at',
  'status_effective_edtf',
  'area_id',
  'address_zh',
  'address_en',
  'latitude',
  'longitude',
  'location_precision',
  'elder_care_tier',
  'age_min_months',
  'age_max_months',
  'accessibility',
  'opening_hours',
  'phone',
  'attributes',
  'verified_at',
  'created_at',
  'updated_at',
  'search_text',
  'name_pinyin',
  'opening_on',
]
const capacityColumns = ['facility_id', 'unit', 'total', 'available', 'as_of']
const dateColumns = ['facility_id', 'milestone', 'basis', 'edtf', 'precision', 'earliest', 'latest', 'source_text', 'recorded_at']

/** A fixed "now", so the rows do not depend on when they were generated. */
const baseTime = Date.parse('2026-06-01T00:00:00+08:00')

function makeRow(index: number, random: Random, ids: Random): Row {
  const id = ids.uuid()
  const category = random.weighted(categoryWeights)
  const kind = kindOfCategory[category]
  const status = random.weighted(kind === 'service' ? serviceStatusWeights : projectStatusWeights)
  const names = namesFor(random, category)
  const aliases: string[] = []
  const slug = `bench-${String(index + 1).padStart(6, '0')}-${category.replace(/_/g, '-')}`

  let lat: number
  let lng: number
  if (random.chance(0.6)) {
    const [clat, clng] = random.pick(centres)
    lat = clat + random.gaussian() * 0.03
    lng = clng + random.gaussian() * 0.035
  } else {
    lat = random.float(22.45, 22.85)
    lng = random.float(113.75, 114.6)
  }
  lat = Math.min(22.85, Math.max(22.45, Number(lat.toFixed(6))))
  lng = Math.min(114.6, Math.max(113.75, Number(lng.toFixed(6))))

  const street = random.pick(roadWords)
  const number = random.int(1, 999)
  const addressZh = `深圳市龙岗区${random.pick(places)}${street}路${number}号`
  const addressEn = `${number} ${english(street)} Road, Longgang District, Shenzhen`

  const isCare = category === 'kindergarten' || category === 'childcare'
  const ageMin = category === 'kindergarten' ? 36 : category === 'childcare' ? random.pick([0, 6, 12]) : null
  const ageMax = category === 'kindergarten' ? 72 : category === 'childcare' ? 36 : null
  const accessibility = kind === 'service' && random.chance(0.4) ? accessibilityFeatures.filter(() => random.chance(0.35)) : []
  const openingHours = kind === 'service' && random.chance(0.7) ? random.pick(openingHoursChoices) : null
  const phone = kind === 'service' && random.chance(0.5) ? `0755-${random.int(2000_0000, 8999_9999)}` : null
  const createdAt = new Date(baseTime - random.int(0, 3 * 365) * 86_400_000)
  const updatedAt = new Date(createdAt.getTime() + random.int(0, 200) * 86_400_000)
  const verifiedAt = random.chance(0.5) ? updatedAt : null

  // An opening date for about a quarter: actual for open facilities, expected for future ones.
  let date: unknown[] | null = null
  let statusEffectiveEdtf: string | null = null
  let statusEffectiveAt: Date | null = null
  let openingOn: string | null = null
  const open = status === 'operational' || status === 'in_service'
  const future = status === 'planned' || status === 'under_construction' || status === 'in_preparation'
  if ((open || future) && random.chance(0.25)) {
    const edtf = open
      ? `${random.int(2003, 2025)}-${pad2(random.int(1, 12))}`
      : random.pick([
          () => `${random.int(2026, 2029)}-${random.pick(quarterCodes)}`,
          () => `${random.int(2026, 2029)}`,
          () => `${random.int(2026, 2028)}-${pad2(random.int(1, 12))}`,
        ])()
    const parsed = parseUncertainDate(edtf)
    date = [id, 'opening', open ? 'actual' : 'expected', parsed.edtf, parsed.precision, parsed.earliest, parsed.latest, null, updatedAt]
    openingOn = parsed.earliest
    if (open) {
      statusEffectiveEdtf = parsed.edtf
      statusEffectiveAt = startOfDayInShanghai(parsed.earliest)
    }
  }

  let capacity: unknown[] | null = null
  const unit = capacityUnitOf[category]
  if (unit !== undefined && random.chance(0.4)) {
    const total = isCare ? random.int(6, 24) * 30 : random.int(10, 300)
    const available = random.chance(0.8) ? random.int(0, Math.floor(total * 0.2)) : null
    capacity = [id, unit, total, available, updatedAt]
  }

  const nameZh = names.zh
  const nameEn = names.en
  const facility = [
    id,
    slug,
    category,
    nameZh,
    nameEn,
    aliases,
    status,
    statusEffectiveAt,
    statusEffectiveEdtf,
    random.pick(areaIds),
    addressZh,
    addressEn,
    lat,
    lng,
    'exact',
    category === 'elder_care' ? tierOf(nameZh) : null,
    ageMin,
    ageMax,
    accessibility,
    openingHours,
    phone,
    JSON.stringify({ synthetic: true }),
    verifiedAt,
    createdAt,
    updatedAt,
    searchTextOf({ nameZh, nameEn, aliases }),
    namePinyinOf(nameZh),
    openingOn,
  ]
  return { facility, capacity, date }
}

// ---------------------------------------------------------------------------------------------
// Database

function valuesClause(rows: unknown[][], width: number): string {
  const tuples: string[] = []
  for (let r = 0; r < rows.length; r += 1) {
    const placeholders: string[] = []
    for (let c = 0; c < width; c += 1) placeholders.push(`$${r * width + c + 1}`)
    tuples.push(`(${placeholders.join(',')})`)
  }
  return tuples.join(',')
}

async function insertMany(client: pg.PoolClient | pg.Client, table: string, columns: string[], rows: unknown[][]) {
  if (rows.length === 0) return
  const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${valuesClause(rows, columns.length)}`
  await client.query(sql, rows.flat())
}

async function ensureDatabase(url: string, fresh: boolean): Promise<void> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`)
  const adminUrl = new URL(url)
  adminUrl.pathname = '/postgres'
  const admin = new pg.Client({ connectionString: adminUrl.toString() })
  await admin.connect()
  try {
    if (fresh) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      console.log(`dropped database ${name}`)
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}"`)
      console.log(`created database ${name}`)
    }
  } finally {
    await admin.end()
  }
}

const silentLog = { info: (...args: unknown[]) => console.log('prepare:', JSON.stringify(args[0])) }

async function main() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? defaultDatabaseUrl },
      fresh: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '1000' },
      seed: { type: 'string', default: '20261128' },
    },
  })
  const count = Number(values.count)
  const batchSize = Number(values['batch-size'])
  const seed = Number(values.seed)
  if (!Number.isInteger(count) || count < 0) throw new Error('--count must be a whole number')
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize * facilityColumns.length > 65_000) {
    throw new Error(`--batch-size must be 1..${Math.floor(65_000 / facilityColumns.length)}`)
  }
  const url = values['database-url']!
  const started = performance.now()

  await ensureDatabase(url, values.fresh!)
  const database = await openPostgresDatabase(url, 2)
  try {
    await prepareDatabase(database, { seed: true, log: silentLog })
  } finally {
    await database.close()
  }
  const prepared = performance.now()
  console.log(`migrated and seeded in ${((prepared - started) / 1000).toFixed(1)} s`)

  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const existing = await client.query<{ n: string }>(`SELECT count(*) AS n FROM facility WHERE slug LIKE 'bench-%'`)
    if (Number(existing.rows[0]!.n) > 0) {
      throw new Error(`the database already holds ${existing.rows[0]!.n} synthetic facilities; run with --fresh to start over`)
    }
    const random = new Random(mulberry32(seed))
    const ids = new Random(mulberry32(seed ^ 0x5eed1d5))
    let done = 0
    let capacities = 0
    let dates = 0
    // One transaction per ~10 batches: few commits, yet progress is visible and durable.
    while (done < count) {
      await client.query('BEGIN')
      for (let b = 0; b < 10 && done < count; b += 1) {
        const size = Math.min(batchSize, count - done)
        const rows = Array.from({ length: size }, (_, i) => makeRow(done + i, random, ids))
        await insertMany(
          client,
          'facility',
          facilityColumns,
          rows.map((r) => r.facility),
        )
        const capacityRows = rows.flatMap((r) => (r.capacity === null ? [] : [r.capacity]))
        const dateRows = rows.flatMap((r) => (r.date === null ? [] : [r.date]))
        await insertMany(client, 'capacity', capacityColumns, capacityRows)
        await insertMany(client, 'facility_date', dateColumns, dateRows)
        capacities += capacityRows.length
        dates += dateRows.length
        done += size
      }
      await client.query('COMMIT')
      const seconds = (performance.now() - prepared) / 1000
      process.stdout.write(`\rinserted ${done}/${count} facilities (${Math.round(done / seconds)}/s)   `)
    }
    process.stdout.write('\n')
    const inserted = performance.now()
    await client.query('ANALYZE')
    const analyzed = performance.now()
    console.log(
      `inserted ${done} facilities, ${capacities} capacity rows, ${dates} opening dates in ` +
        `${((inserted - prepared) / 1000).toFixed(1)} s; ANALYZE ${((analyzed - inserted) / 1000).toFixed(1)} s; ` +
        `total ${((analyzed - started) / 1000).toFixed(1)} s`,
    )
  } finally {
    await client.end()
  }
}

await main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
