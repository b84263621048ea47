import t from 'tap'
import { addFacility, build, databaseOf, forEachDatabase } from '../helper.js'

forEachDatabase(t, 'GET /v1/facilities', async (t, engine) => {
  const app = await build(t, engine)

  t.test('kindergartens include 融湖盛世幼儿园, opened May 2022', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?category=kindergarten' })
    t.equal(response.statusCode, 200)
    const { data, page } = response.json()
    t.same(page, { limit: 20, nextCursor: null })
    t.equal(data.length, 1)
    t.match(data[0], {
      slug: 'ronghu-shengshi-kindergarten',
      category: 'kindergarten',
      kind: 'service',
      name: '融湖盛世幼儿园',
      names: { 'zh-Hans': '融湖盛世幼儿园', en: 'Ronghu Shengshi Kindergarten' },
      categoryLabel: '幼儿园',
      status: 'operational',
      statusLabel: '运营中',
      hours: null,
      statusEffective: { edtf: '2022-05', precision: 'month', earliest: '2022-05-01', latest: '2022-05-31' },
      area: { id: 'pinghu', level: 'street', name: '平湖街道' },
      location: { crs: 'WGS84', precision: 'approximate' },
      dates: {
        opening: {
          actual: { edtf: '2022-05', precision: 'month', earliest: '2022-05-01', latest: '2022-05-31', sourceText: '5月建成投入使用' },
          delayed: null,
        },
      },
    })
  })

  t.test('launched projects (已启动, the article’s word) include 机荷高速改扩建', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?status=launched&limit=100' })
    t.equal(response.statusCode, 200)
    const { data } = response.json()
    const names = data.map((facility: { name: string }) => facility.name)
    t.ok(names.includes('机荷高速改扩建'), 'lists 机荷高速改扩建')
    t.ok(
      data.every(
        (facility: { status: string; statusLabel: string }) => facility.status === 'launched' && facility.statusLabel === '已启动',
      ),
    )
  })

  t.test('category and status combine', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?category=expressway&status=launched' })
    t.same(
      response.json().data.map((facility: { slug: string }) => facility.slug),
      ['jihe-expressway-reconstruction-expansion'],
    )
  })

  t.test('a facility in full says where each fact comes from', async (t) => {
    const [school] = (await app.inject({ url: '/v1/facilities?q=南科大附属学校' })).json().data
    const response = await app.inject({ url: `/v1/facilities/${school.id}` })
    t.equal(response.statusCode, 200)
    const quote = '加快推动深圳外国语学校、南科大附属学校、文化体验中心、科技体育中心等高水平民生配套项目落地'
    const none = { source: null, quote: null, note: null, by: null, at: null }
    t.same(response.json().provenance, [
      {
        ...none,
        field: '/aliases/0',
        basis: 'inferred',
        note: 'Not in the article: 南科大 is the usual short form of 南方科技大学 (Southern University of Science and Technology).',
      },
      { ...none, field: '/description', basis: 'summary', note: 'Written by the editors from the cited sentences.' },
      { ...none, field: '/location', basis: 'inferred', note: 'Not from the source: the approximate centre of Pinghu Subdistrict.' },
      { ...none, field: '/name/en', basis: 'translation', note: 'Translated from the Chinese name; the source is in Chinese.' },
      { ...none, field: '/name/zh', basis: 'source', source: 'pinghu-2022-10', quote },
      { ...none, field: '/status', basis: 'source', source: 'pinghu-2022-10', quote, note: '"项目落地": planned' },
    ])
  })

  t.test('paging walks every facility once, in a stable order', async (t) => {
    const seen: string[] = []
    let url: string | undefined = '/v1/facilities?limit=7'
    let pages = 0
    while (url !== undefined) {
      const response = await app.inject({ url })
      t.equal(response.statusCode, 200)
      const { data, page } = response.json()
      seen.push(...data.map((facility: { id: string }) => facility.id))
      pages += 1
      const link = response.headers.link as string | undefined
      if (page.nextCursor === null) {
        t.equal(link, undefined, 'no next link on the last page')
        url = undefined
      } else {
        const linked = /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1]
        t.equal(linked, `/v1/facilities?limit=7&cursor=${page.nextCursor}`)
        url = linked
      }
    }
    t.equal(pages, 5)
    t.equal(seen.length, 30)
    t.equal(new Set(seen).size, 30, 'no facility repeated')
    t.same(seen, [...seen].sort(), 'ordered by id')
  })

  t.test('a facility created between pages appears exactly once', async (t) => {
    const first = (await app.inject({ url: '/v1/facilities?limit=10' })).json()
    await addFacility(app, { slug: 'late-arrival', category: 'school', name: { zh: '新学校' }, status: 'operational' })
    const rest: string[] = []
    let cursor: string | null = first.page.nextCursor
    while (cursor !== null) {
      const page = (await app.inject({ url: `/v1/facilities?limit=10&cursor=${cursor}` })).json()
      rest.push(...page.data.map((facility: { slug: string }) => facility.slug))
      cursor = page.page.nextCursor
    }
    const all = [...first.data.map((facility: { slug: string }) => facility.slug), ...rest]
    t.equal(all.length, 31)
    t.equal(all.filter((slug) => slug === 'late-arrival').length, 1)
  })

  t.test('bad parameters are 400 problems naming the parameter', async (t) => {
    const cases: [string, string][] = [
      ['status=open', 'status'],
      ['category=zoo', 'category'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['categroy=school', 'categroy'],
    ]
    for (const [query, parameter] of cases) {
      const response = await app.inject({ url: `/v1/facilities?${query}` })
      t.equal(response.statusCode, 400, query)
      t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
      const problem = response.json()
      t.match(problem, {
        type: 'urn:linli:problem:validation_failed',
        title: 'The request is not valid',
        status: 400,
        code: 'validation_failed',
        instance: '/v1/facilities',
        errors: [{ in: 'query', name: parameter }],
      })
      t.match(problem.detail, parameter)
    }
  })

  t.test('the status error lists the allowed values', async (t) => {
    const problem = (await app.inject({ url: '/v1/facilities?status=open' })).json()
    t.match(problem.errors[0].message, /^must be one of: planned, in_preparation, launched, under_construction/)
  })

  t.test('a tampered cursor or one from another query is refused', async (t) => {
    const { page } = (await app.inject({ url: '/v1/facilities?limit=5' })).json()
    const otherQuery = await app.inject({ url: `/v1/facilities?limit=5&category=school&cursor=${page.nextCursor}` })
    t.equal(otherQuery.statusCode, 400)
    t.match(otherQuery.json(), { code: 'invalid_cursor', errors: [{ in: 'query', name: 'cursor' }] })
    t.match(otherQuery.json().detail, /another query|other filters/)

    const decoded = JSON.parse(Buffer.from(page.nextCursor, 'base64url').toString())
    const edited = Buffer.from(JSON.stringify({ ...decoded, after: "x' OR 1=1" })).toString('base64url')
    for (const cursor of [edited, 'not-a-cursor', 'eyJ9']) {
      const response = await app.inject({ url: `/v1/facilities?limit=5&cursor=${cursor}` })
      t.equal(response.statusCode, 400, cursor)
      t.equal(response.json().code, 'invalid_cursor')
    }
  })

  t.test('a different limit keeps the cursor valid', async (t) => {
    const all = (await app.inject({ url: '/v1/facilities?limit=100' })).json().data
    const { page } = (await app.inject({ url: '/v1/facilities?limit=5' })).json()
    const response = await app.inject({ url: `/v1/facilities?limit=50&cursor=${page.nextCursor}` })
    t.equal(response.statusCode, 200)
    t.same(
      response.json().data.map((facility: { id: string }) => facility.id),
      all.slice(5).map((facility: { id: string }) => facility.id),
    )
  })

  t.test('deleted facilities are not listed', async (t) => {
    const late = await databaseOf(app).prisma.facility.findUniqueOrThrow({ where: { slug: 'late-arrival' } })
    await app.facilities.remove(late.id, { actor: { name: 'test' }, ifMatch: 'any' })
    const { data } = (await app.inject({ url: '/v1/facilities?category=school&limit=100' })).json()
    t.notOk(data.some((facility: { slug: string }) => facility.slug === 'late-arrival'))
  })
})

forEachDatabase(t, 'GET /v1/facilities/{id}', async (t, engine) => {
  const app = await build(t, engine)
  const { data } = (await app.inject({ url: '/v1/facilities?category=school&limit=100' })).json()
  const school = data.find((facility: { slug: string }) => facility.slug === 'longgang-experimental-senior-high-school')

  t.test('returns the full record with its source sentence', async (t) => {
    const response = await app.inject({ url: `/v1/facilities/${school.id}` })
    t.equal(response.statusCode, 200)
    const facility = response.json()
    t.match(facility, {
      id: school.id,
      slug: 'longgang-experimental-senior-high-school',
      name: '龙岗区实验高级中学',
      status: 'operational',
      externalId: null,
      attributes: { placesAdded: 400 },
      timeZone: 'Asia/Shanghai',
      contact: { phone: null, website: null },
      capacity: [],
      version: 1,
      verifiedAt: null,
    })
    t.same(facility.citations[0], {
      source: { id: 'pinghu-2022-10', title: '龙岗"西核"起风潮 幸福平湖"蝶变"来', publishedOn: '2022-10' },
      quote: '龙岗区实验高级中学完成改扩建，新增学位 400人',
    })
  })

  t.test('accepts an upper-case id', async (t) => {
    const response = await app.inject({ url: `/v1/facilities/${school.id.toUpperCase()}` })
    t.equal(response.statusCode, 200)
    t.equal(response.json().id, school.id)
  })

  t.test('an unknown id is a 404 problem', async (t) => {
    const response = await app.inject({ url: '/v1/facilities/01890000-0000-7000-8000-000000000000' })
    t.equal(response.statusCode, 404)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(response.json(), {
      type: 'urn:linli:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: 'There is no facility with id 01890000-0000-7000-8000-000000000000',
      code: 'not_found',
      instance: '/v1/facilities/01890000-0000-7000-8000-000000000000',
      requestId: response.headers['x-request-id'],
    })
  })

  t.test('an id that is not a UUID is a 400 naming the parameter', async (t) => {
    const response = await app.inject({ url: '/v1/facilities/huanan' })
    t.equal(response.statusCode, 400)
    t.match(response.json(), { code: 'validation_failed', errors: [{ in: 'path', name: 'id' }] })
  })

  t.test('a deleted facility is a 404', async (t) => {
    await app.inject({ url: `/v1/facilities/${school.id}` })
    await app.facilities.remove(school.id, { actor: { name: 'test' }, ifMatch: 'any' })
    const response = await app.inject({ url: `/v1/facilities/${school.id}` })
    t.equal(response.statusCode, 404)
  })
})
