// The administrative areas (city → district → street → community), published as `fastify.areas`.
import type { Area, PrismaClient } from '../generated/prisma/client.js'

export interface AreaNode {
  id: string
  level: Area['level']
  name: { 'zh-Hans': string; en: string }
  facts: AreaFact[]
  children: AreaNode[]
}

/** What a source says about the area itself, with its sentence (seed/areas.yaml). */
export interface AreaFact {
  text: { 'zh-Hans': string; en: string }
  source: string
  quote: string
}

const factsOf = (facts: unknown): AreaFact[] =>
  (Array.isArray(facts) ? (facts as { text: { zh: string; en: string }; source: string; quote: string }[]) : []).map((fact) => ({
    text: { 'zh-Hans': fact.text.zh, en: fact.text.en },
    source: fact.source,
    quote: fact.quote,
  }))

/** The areas as a tree: each holds the areas within it. */
export function areaTree(areas: Area[]): AreaNode[] {
  const nodes = new Map<string, AreaNode>(
    areas.map((area) => [
      area.id,
      { id: area.id, level: area.level, name: { 'zh-Hans': area.nameZh, en: area.nameEn }, facts: factsOf(area.facts), children: [] },
    ]),
  )
  const roots: AreaNode[] = []
  for (const area of areas) {
    const node = nodes.get(area.id)
    if (node === undefined) continue
    const parent = area.parentId === null ? undefined : nodes.get(area.parentId)
    ;(parent?.children ?? roots).push(node)
  }
  return roots
}

/** A place a resident typed ("禾花", "Hehua Community"), found among the areas, with where it is. */
export interface Place {
  area: Area
  /** The approximate centre distances are measured from: the area's own, or its nearest ancestor's. */
  centre: { lat: number; lng: number }
  /** The area whose centre that is (the area itself, or an ancestor when its own is not known). */
  centreOf: Area
}

const placeSuffixes = /(社区居委会|居委会|社区|街道办事处|街道办|街道|community|subdistrict|street)$/

const normalisePlace = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_·.,，。、'’]/g, '')

/** The forms of an area's names a resident might type: 禾花社区 / 禾花, hehua community / hehua, its id. */
function placeKeys(area: Area): string[] {
  const names = [area.id, area.nameZh, area.nameEn].map(normalisePlace)
  return [...new Set([...names, ...names.map((name) => name.replace(placeSuffixes, ''))])].filter((key) => key.length > 0)
}

/**
 * The street or community a text names: its whole name or id first (平湖街道 is the street), then
 * its name without 社区 / 街道 / Community … (平湖), else the one whose name the text contains
 * (禾花社区居委会 → 禾花).
 * Communities before streets when both would do. Null when none does, or when neither the area
 * nor any area above it has a centre.
 */
export function findPlace(areas: Area[], text: string): Place | null {
  const typed = normalisePlace(text)
  const bare = typed.replace(placeSuffixes, '')
  if (bare.length === 0) return null
  const candidates = areas
    .filter((area) => area.level === 'community' || area.level === 'street')
    .sort((a, b) => (a.level === b.level ? a.id.localeCompare(b.id) : a.level === 'community' ? -1 : 1))
  const fullNames = (area: Area) => [area.id, area.nameZh, area.nameEn].map(normalisePlace)
  const exact = candidates.find((area) => fullNames(area).includes(typed))
  const whole = candidates.find((area) => placeKeys(area).some((key) => key === typed || key === bare))
  const within = candidates.find((area) => placeKeys(area).some((key) => key.length >= 2 && typed.includes(key)))
  const area = exact ?? whole ?? within
  if (area === undefined) return null
  const byId = new Map(areas.map((a) => [a.id, a]))
  for (let at: Area | undefined = area, steps = 0; at !== undefined && steps < 10; at = byId.get(at.parentId ?? ''), steps++) {
    if (at.centreLat !== null && at.centreLng !== null) return { area, centre: { lat: at.centreLat, lng: at.centreLng }, centreOf: at }
  }
  return null
}

/** The ids of areas within some areas (and those areas), at any depth. */
export async function areasWithin(prisma: PrismaClient, roots: readonly string[]): Promise<string[]> {
  const areas = await prisma.area.findMany({ select: { id: true, parentId: true } })
  const within = new Set(roots)
  for (let grew = true; grew; ) {
    grew = false
    for (const area of areas) {
      if (area.parentId !== null && within.has(area.parentId) && !within.has(area.id)) {
        within.add(area.id)
        grew = true
      }
    }
  }
  return [...within]
}

export function areaDirectory(prisma: PrismaClient) {
  return {
    /** The street or community a resident typed, with the approximate centre to measure from (findPlace). */
    async place(text: string): Promise<Place | null> {
      return findPlace(await prisma.area.findMany({ orderBy: { id: 'asc' } }), text)
    },
    /** The documents areas' facts (and facilities) are quoted from: id, title, date. */
    sources: () => prisma.source.findMany({ orderBy: { id: 'asc' }, select: { id: true, title: true, publishedOn: true } }),
    /** Every area, in id order. */
    all: () => prisma.area.findMany({ orderBy: { id: 'asc' } }),
    async exists(id: string) {
      return (await prisma.area.findUnique({ where: { id }, select: { id: true } })) !== null
    },
    /**
     * A test of whether an area lies within (or is) one of some areas, from the areas as they
     * are now: read once, then asked without the database (inside a write transaction, where
     * the embedded database could not answer a second query).
     */
    async containment(): Promise<(area: string, within: readonly string[]) => boolean> {
      const areas = await prisma.area.findMany({ select: { id: true, parentId: true } })
      const parent = new Map(areas.map((area) => [area.id, area.parentId]))
      return (area, within) => {
        const lineage: string[] = []
        for (let id: string | null | undefined = area; id != null && !lineage.includes(id); id = parent.get(id)) lineage.push(id)
        return within.some((id) => lineage.includes(id))
      }
    },
  }
}

export type AreaDirectory = ReturnType<typeof areaDirectory>
