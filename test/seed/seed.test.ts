import { cp, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t, { type Test } from 'tap'
import { parse, stringify } from 'yaml'
import { readSeed, SeedFileError, seedDatabase, seedDir } from '../../src/seed/seed.js'
import { forEachDatabase, preparedTestDatabase, tempDir } from '../helper.js'

const seededCount = 30

forEachDatabase(t, 'seeding', async (t, engine) => {
  const database = await preparedTestDatabase(t, engine, { seed: false })
  const { prisma } = database

  t.test('the first run loads the areas, the source and every facility', async (t) => {
    t.same(await seedDatabase(prisma), {
      revision: '2026-11-30-fact-check',
      areas: { created: 5, kept: 0 },
      sources: { created: 1, kept: 0 },
      facilities: { created: seededCount, revised: 0, kept: 0 },
    })
    t.equal(await prisma.facility.count(), seededCount)
    t.equal(await prisma.change.count({ where: { action: 'create', actor: 'seed' } }), seededCount, 'each creation is in the change log')
    t.equal(await prisma.statusChange.count(), seededCount, 'each initial status is in the status history')
    const community = await prisma.area.findUniqueOrThrow({ where: { id: 'pinghu-community' } })
    t.same(community.facts, [
      {
        text: { zh: '市级儿童友好社区', en: 'Municipal-level child-friendly community' },
        source: 'pinghu-2022-10',
        quote: '平湖社区获评市级儿童友好社区',
      },
    ])
  })

  t.test('a second run changes nothing', async (t) => {
    const before = await prisma.facility.findMany({ orderBy: { id: 'asc' } })
    t.same(await seedDatabase(prisma), {
      revision: '2026-11-30-fact-check',
      areas: { created: 0, kept: 5 },
      sources: { created: 0, kept: 1 },
      facilities: { created: 0, revised: 0, kept: seededCount },
    })
    t.same(await prisma.facility.findMany({ orderBy: { id: 'asc' } }), before)
    t.equal(await prisma.change.count(), seededCount)
  })

  t.test('a correction reaches a database seeded before, as audited changes naming the revision', async (t) => {
    // The database as an earlier seed left it: 丹平快速路二期 "under construction", as the seed
    // once said, with a description to match.
    const road = await prisma.facility.findUniqueOrThrow({ where: { slug: 'danping-express-road-phase-2' } })
    const { correctStatusIn } = await import('../../src/facilities/status-changes.js')
    const { updateIn, transactionOptions } = await import('../../src/facilities/writes.js')
    await prisma.$transaction(async (tx) => {
      const earlier = { actor: { name: 'seed' }, reason: 'seed data' }
      await correctStatusIn(tx, road.id, { status: 'under_construction' }, earlier)
      await updateIn(tx, road.id, (d) => ({ ...d, description: { zh: '平湖正加紧推进的道路建设项目之一。' } }), {
        ...earlier,
        ifMatch: 'any',
        provenanceGiven: true,
      })
    }, transactionOptions)
    const lastBefore = await prisma.change.findFirstOrThrow({ orderBy: { id: 'desc' } })

    t.match(await seedDatabase(prisma), { facilities: { created: 0, revised: 1, kept: seededCount - 1 } })
    const after = await prisma.facility.findUniqueOrThrow({ where: { id: road.id } })
    t.equal(after.status, 'launched')
    t.match(after.descriptionZh, /文章未说明处于哪一阶段/)
    const changes = await prisma.change.findMany({
      where: { id: { gt: lastBefore.id } },
      include: { fields: true },
      orderBy: { id: 'asc' },
    })
    t.same(
      changes.map((c) => [c.action, c.actor, c.reason?.slice(0, 36), c.fields.map((f) => f.field).sort()]),
      [
        ['status_change', 'seed', 'seed revision 2026-11-30-fact-check:', ['status']],
        ['update', 'seed', 'seed revision 2026-11-30-fact-check:', ['description']],
      ],
    )
    const history = await prisma.statusChange.findFirstOrThrow({ where: { facilityId: road.id }, orderBy: { id: 'desc' } })
    t.match(history, { fromStatus: 'under_construction', toStatus: 'launched', reason: /^seed revision 2026-11-30-fact-check/ })
  })

  t.test('a staff edit is not overwritten by seeding again', async (t) => {
    const { updateFacility } = await import('../../src/facilities/writes.js')
    const kindergarten = await prisma.facility.findUniqueOrThrow({ where: { slug: 'ronghu-shengshi-kindergarten' } })
    await updateFacility(prisma, kindergarten.id, (d) => ({ ...d, name: { ...d.name, en: 'Ronghu Shengshi Kindergarten (edited)' } }), {
      actor: { name: 'a staff member' },
      ifMatch: 'any',
    })
    await seedDatabase(prisma)
    const after = await prisma.facility.findUniqueOrThrow({ where: { slug: 'ronghu-shengshi-kindergarten' } })
    t.equal(after.nameEn, 'Ronghu Shengshi Kindergarten (edited)')
    t.equal(after.version, 2)
    t.match(after.provenance, [
      { field: '/ageRange' },
      { field: '/dates/opening/actual' },
      { field: '/description' },
      { field: '/location' },
      { field: '/name', basis: 'staff', by: 'a staff member' },
    ])
  })

  t.test('a deleted facility is not brought back', async (t) => {
    const seafood = await prisma.facility.findFirstOrThrow({ where: { nameZh: '深圳国际海鲜城' } })
    await prisma.facility.update({ where: { id: seafood.id }, data: { deletedAt: new Date() } })
    await seedDatabase(prisma)
    t.equal(await prisma.facility.count({ where: { nameZh: '深圳国际海鲜城' } }), 1)
    t.not((await prisma.facility.findUniqueOrThrow({ where: { id: seafood.id } })).deletedAt, null)
  })
})

/** A copy of the seed with one facility (or area) changed, for the loader to refuse. */
async function seedWith(
  t: Test,
  change: { facility?: (entries: Record<string, unknown>[]) => void; areas?: (entries: Record<string, unknown>[]) => void },
) {
  const dir = await tempDir(t)
  await cp(seedDir, dir, { recursive: true })
  for (const [file, edit] of [
    ['facilities.yaml', change.facility],
    ['areas.yaml', change.areas],
  ] as const) {
    if (edit === undefined) continue
    const entries = parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, unknown>[]
    edit(entries)
    await writeFile(path.join(dir, file), stringify(entries))
  }
  return dir
}

const bySlug = (slug: string) => (entries: Record<string, unknown>[]) => {
  const entry = entries.find((e) => e.slug === slug)
  if (entry === undefined) throw new Error(`no ${slug}`)
  return entry
}

t.test('the loader refuses what its source does not say', async (t) => {
  const refusal = async (t: Test, change: Parameters<typeof seedWith>[1], message: RegExp) => {
    const dir = await seedWith(t, change)
    await t.rejects(readSeed(dir), { constructor: SeedFileError, message })
  }

  t.test('a quote not verbatim in its source', (t) =>
    refusal(
      t,
      {
        facility: (e) => {
          bySlug('south-china-hospital')(e).citations = [{ source: 'pinghu-2022-10', quote: '建成深圳大学附属华南医院，24小时开放' }]
        },
      },
      /south-china-hospital\): the quote is not in pinghu-2022-10 verbatim: "建成深圳大学附属华南医院，24小时开放"/,
    ),
  )

  t.test('a date text not verbatim in its source', (t) =>
    refusal(
      t,
      {
        facility: (e) => {
          bySlug('shenzhen-international-seafood-city')(e).dates = { opening: { expected: { edtf: '2022-12', text: '预计12月开业' } } }
        },
      },
      /the date text of \/dates\/opening\/expected is not in the source verbatim: "预计12月开业"/,
    ),
  )

  for (const [field, value] of [
    ['phone', '0755-12345678'],
    ['website', 'https://example.org/'],
    ['address', { zh: '平湖街道某路1号' }],
    ['capacity', [{ unit: 'school_places', total: 400 }]],
    ['location', { lat: 39.9, lng: 116.4, precision: 'exact' }],
  ] as const) {
    t.test(`${field} without provenance of its own`, (t) =>
      refusal(
        t,
        {
          facility: (e) => {
            bySlug('longgang-experimental-senior-high-school')(e)[field] = value
          },
        },
        new RegExp(`${field} is not something the source gives: leave it out, or give /${field} provenance of its own`),
      ),
    )
  }

  t.test('exact coordinates with provenance of their own are taken as given', async (t) => {
    const dir = await seedWith(t, {
      facility: (e) => {
        const school = bySlug('longgang-experimental-senior-high-school')(e)
        school.location = { lat: 22.69, lng: 114.13, precision: 'exact' }
        school.provenance = [{ field: '/location', basis: 'staff', by: 'a surveyor', at: '2026-11-30T00:00:00Z' }]
      },
    })
    const { facilities } = await readSeed(dir)
    const school = facilities.find((f) => f.slug === 'longgang-experimental-senior-high-school')
    t.same(school?.location, { lat: 22.69, lng: 114.13, precision: 'exact' })
  })

  t.test('an unknown field (the seed schema is closed)', (t) =>
    refusal(
      t,
      {
        facility: (e) => {
          bySlug('south-china-hospital')(e).beds = 1000
        },
      },
      /seed\/facilities.yaml, entry 1: \/ must not have additional properties|entry 1/,
    ),
  )

  t.test('a status the cited words do not support', (t) =>
    refusal(
      t,
      {
        facility: (e) => {
          bySlug('danping-express-road-phase-2')(e).status = 'under_construction'
        },
      },
      /the status under_construction is not what its cited sentences say: they say "建设和前期工作" \(launched\)/,
    ),
  )

  t.test('a status no cited words speak of', (t) =>
    refusal(
      t,
      {
        facility: (e) => {
          const hospital = bySlug('south-china-hospital')(e)
          hospital.citations = [{ source: 'pinghu-2022-10', quote: '深圳大学附属华南医院' }]
        },
      },
      /the status operational is not what its cited sentences say: none of them has words the seed maps to a status/,
    ),
  )

  t.test('a name that is in none of its sentences, without provenance', (t) =>
    refusal(
      t,
      {
        facility: (e) => {
          bySlug('south-china-hospital')(e).aliases = ['华南医院', '南方医院']
        },
      },
      /the alias "南方医院" is in none of its cited sentences/,
    ),
  )

  t.test('an attribute the sentences do not give', (t) =>
    refusal(
      t,
      {
        facility: (e) => {
          bySlug('longhu-garden-piped-gas-conversion')(e).attributes = { firstInDistrict: true }
        },
      },
      /\/attributes\/firstInDistrict \(true\) is not in its cited sentences/,
    ),
  )

  t.test('an area centre outside the district', (t) =>
    refusal(
      t,
      {
        areas: (e) => {
          const pinghu = e.find((a) => a.id === 'pinghu')
          if (pinghu) pinghu.centre = { lat: 39.9042, lng: 116.4074 }
        },
      },
      /seed\/areas.yaml, entry 3 \(pinghu\): its centre 39.9042,116.4074 is outside longgang's bounds/,
    ),
  )

  t.test("an area fact not in the source's words", (t) =>
    refusal(
      t,
      {
        areas: (e) => {
          const hehua = e.find((a) => a.id === 'hehua')
          if (hehua)
            hehua.facts = [{ text: { zh: '全国首家', en: 'first in China' }, source: 'pinghu-2022-10', quote: '禾花社区成为全国首家' }]
        },
      },
      /\(hehua\): the fact's quote is not in pinghu-2022-10 verbatim/,
    ),
  )
})

t.test('the seed data is true to its source', async (t) => {
  const { facilities } = await readSeed()

  t.test('every fact field has its provenance', async (t) => {
    for (const facility of facilities) {
      const fields = (facility.provenance ?? []).map((entry) => entry.field)
      for (const field of ['/name/zh', '/name/en', '/status', '/location']) {
        t.ok(fields.includes(field), `${facility.slug}: ${field}`)
      }
    }
  })

  t.test('statuses are the article’s words', async (t) => {
    const expected: Record<string, string> = {
      丹平快速路二期: 'launched',
      中环大道三期: 'launched',
      跨境电商总部大厦: 'in_preparation',
      机荷高速改扩建: 'launched',
      深大城际: 'launched',
      深惠城际: 'launched',
      平湖南国家物流枢纽: 'launched',
      深圳国际海鲜城: 'planned',
    }
    const statusOf = (name: string) => facilities.find((f) => f.name.zh === name)?.status
    t.same(Object.fromEntries(Object.keys(expected).map((name) => [name, statusOf(name)])), expected)
  })

  t.test('what the issue found marked for what it is', async (t) => {
    const entry = (slug: string, field: string) => facilities.find((f) => f.slug === slug)?.provenance?.find((p) => p.field === field)
    t.match(entry('pinghu-new-affordable-childcare-centre', '/name/zh'), { basis: 'descriptive' })
    t.match(entry('sustech-affiliated-school', '/aliases/0'), { basis: 'inferred' })
    t.match(entry('south-china-hospital', '/name/en'), { basis: 'translation' })
    t.same(facilities.find((f) => f.slug === 'longhu-garden-piped-gas-conversion')?.attributes, { honours: ['全区首批完成竣工验收的项目'] })
  })

  t.test('every facility and project the product names is there', async (t) => {
    const names = facilities.flatMap((facility) => [facility.name.zh, ...(facility.aliases ?? [])]).join('|')
    for (const expected of [
      '深圳大学附属华南医院',
      '龙岗区实验高级中学',
      '融湖盛世幼儿园',
      '普惠性托育园',
      '养老服务中心',
      '社区养老服务站',
      '小区长者服务点',
      '华南师范大学附属平湖学校',
      '丹平快速一期北延',
      '西宝线平湖段改造',
      '富康路跨铁路桥',
      '惠华路四期',
      '机荷高速改扩建',
      '丹平快速路二期',
      '中环大道三期',
      '深大城际',
      '深惠城际',
      '地铁10号线东延段',
      '平湖南国家物流枢纽',
      '深圳外国语学校',
      '南科大附属学校',
      '文化体验中心',
      '科技体育中心',
      '深圳国际海鲜城',
      '瓶改管',
      '龙湖花园',
      '平湖交通安全培训基地',
      '劳动争议调解中心',
      '跨境电商总部大厦',
      '华南城',
    ]) {
      t.match(names, expected, expected)
    }
  })

  t.test('nothing the source does not give', async (t) => {
    for (const facility of facilities) {
      t.equal(facility.phone, undefined, `${facility.slug} has no invented phone number`)
      t.equal(facility.openingHours, undefined, `${facility.slug} has no invented opening hours`)
      t.equal(facility.location?.precision, 'approximate', `${facility.slug} is placed approximately`)
    }
  })
})
