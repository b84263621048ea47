import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { readSeed, seedDatabase, seedDir } from '../../src/seed/seed.js'
import { forEachDatabase, preparedTestDatabase } from '../helper.js'

forEachDatabase(t, 'seeding', async (t, engine) => {
  const database = await preparedTestDatabase(t, engine, { seed: false })
  const { prisma } = database

  t.test('the first run loads the areas, the source and every facility', async (t) => {
    t.same(await seedDatabase(prisma), {
      areas: { created: 5, kept: 0 },
      sources: { created: 1, kept: 0 },
      facilities: { created: 29, kept: 0 },
    })
    t.equal(await prisma.facility.count(), 29)
    t.equal(await prisma.change.count({ where: { action: 'create', actor: 'seed' } }), 29, 'each creation is in the change log')
    t.equal(await prisma.statusChange.count(), 29, 'each initial status is in the status history')
  })

  t.test('a second run changes nothing', async (t) => {
    const before = await prisma.facility.findMany({ orderBy: { id: 'asc' } })
    t.same(await seedDatabase(prisma), {
      areas: { created: 0, kept: 5 },
      sources: { created: 0, kept: 1 },
      facilities: { created: 0, kept: 29 },
    })
    t.same(await prisma.facility.findMany({ orderBy: { id: 'asc' } }), before)
    t.equal(await prisma.change.count(), 29)
  })

  t.test('a staff edit is not overwritten by seeding again', async (t) => {
    await prisma.facility.update({
      where: { slug: 'ronghu-shengshi-kindergarten' },
      data: { nameEn: 'Ronghu Shengshi Kindergarten (edited)', version: { increment: 1 } },
    })
    await seedDatabase(prisma)
    const kindergarten = await prisma.facility.findUniqueOrThrow({ where: { slug: 'ronghu-shengshi-kindergarten' } })
    t.equal(kindergarten.nameEn, 'Ronghu Shengshi Kindergarten (edited)')
    t.equal(kindergarten.version, 2)
  })

  t.test('a deleted facility is not brought back', async (t) => {
    const seafood = await prisma.facility.findFirstOrThrow({ where: { nameZh: '深圳国际海鲜城' } })
    await prisma.facility.update({ where: { id: seafood.id }, data: { deletedAt: new Date() } })
    await seedDatabase(prisma)
    t.equal(await prisma.facility.count({ where: { nameZh: '深圳国际海鲜城' } }), 1)
    t.not((await prisma.facility.findUniqueOrThrow({ where: { id: seafood.id } })).deletedAt, null)
  })
})

t.test('the seed data is true to its source', async (t) => {
  const { facilities, sources } = await readSeed()
  const texts = new Map<string, string>()
  for (const source of sources) {
    // The article is hard-wrapped; a quoted sentence may run across lines.
    texts.set(source.id, (await readFile(path.join(seedDir, 'sources', `${source.id}.txt`), 'utf8')).replace(/\n/g, ''))
  }

  t.test('every facility cites at least one sentence, found verbatim in its source', async (t) => {
    for (const facility of facilities) {
      t.ok((facility.citations ?? []).length > 0, `${facility.slug} cites its source`)
      for (const citation of facility.citations ?? []) {
        t.ok(texts.get(citation.source)?.includes(citation.quote), `${facility.slug}: "${citation.quote}"`)
      }
    }
  })

  t.test('every date is backed by the source’s own words', async (t) => {
    for (const facility of facilities) {
      for (const bases of Object.values(facility.dates ?? {})) {
        for (const date of Object.values(bases ?? {})) {
          if (date === undefined) continue
          t.ok(date.text !== undefined && texts.get('pinghu-2022-10')?.includes(date.text), `${facility.slug}: ${date.text}`)
        }
      }
    }
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
    ]) {
      t.match(names, expected, expected)
    }
  })

  t.test('every facility has an English name and nothing the source does not give', async (t) => {
    for (const facility of facilities) {
      t.ok(facility.name.en, `${facility.slug} has an English name`)
      t.equal(facility.phone, undefined, `${facility.slug} has no invented phone number`)
      t.equal(facility.openingHours, undefined, `${facility.slug} has no invented opening hours`)
    }
  })
})
