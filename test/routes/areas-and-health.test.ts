import t from 'tap'
import { databaseOf, build, forEachDatabase, takeDatabaseAway } from '../helper.js'

forEachDatabase(t, 'areas and health', async (t, engine) => {
  const app = await build(t, engine)

  t.test('GET /v1/areas is the tree Shenzhen → Longgang → Pinghu → communities', async (t) => {
    const response = await app.inject({ url: '/v1/areas' })
    t.equal(response.statusCode, 200)
    t.same(response.json(), {
      data: [
        {
          id: 'shenzhen',
          level: 'city',
          name: { 'zh-Hans': '深圳市', en: 'Shenzhen' },
          facts: [],
          children: [
            {
              id: 'longgang',
              level: 'district',
              name: { 'zh-Hans': '龙岗区', en: 'Longgang District' },
              facts: [],
              children: [
                {
                  id: 'pinghu',
                  level: 'street',
                  name: { 'zh-Hans': '平湖街道', en: 'Pinghu Subdistrict' },
                  facts: [],
                  children: [
                    {
                      id: 'hehua',
                      level: 'community',
                      name: { 'zh-Hans': '禾花社区', en: 'Hehua Community' },
                      facts: [
                        {
                          text: {
                            'zh-Hans': '全市首家社区级基层治理专家人才智库',
                            en: "The city's first community-level expert think tank on grassroots governance",
                          },
                          source: 'pinghu-2022-10',
                          quote: '禾花社区基层治理“专家人才智库”成为全市首家社区级基层治理专家人才智库',
                        },
                      ],
                      children: [],
                    },
                    {
                      id: 'pinghu-community',
                      level: 'community',
                      name: { 'zh-Hans': '平湖社区', en: 'Pinghu Community' },
                      facts: [
                        {
                          text: { 'zh-Hans': '市级儿童友好社区', en: 'Municipal-level child-friendly community' },
                          source: 'pinghu-2022-10',
                          quote: '平湖社区获评市级儿童友好社区',
                        },
                      ],
                      children: [],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    })
  })

  t.test('GET /v1/areas rejects unknown parameters', async (t) => {
    const response = await app.inject({ url: '/v1/areas?depth=2' })
    t.equal(response.statusCode, 400)
    t.match(response.json(), { code: 'validation_failed', errors: [{ in: 'query', name: 'depth' }] })
  })

  t.test('liveness and readiness', async (t) => {
    t.same((await app.inject({ url: '/health/live' })).json(), { status: 'ok' })
    const ready = await app.inject({ url: '/health/ready' })
    t.equal(ready.statusCode, 200)
    t.same(ready.json(), { status: 'ok' })
  })

  t.test('health answers are never cached: a cache could report ready after the database died', async (t) => {
    for (const url of ['/health/live', '/health/ready']) {
      t.equal((await app.inject({ url })).headers['cache-control'], 'no-store', url)
    }
  })

  t.test('a 304 has no body, and so no Content-Type', async (t) => {
    const first = await app.inject({ url: '/v1/areas' })
    const again = await app.inject({ url: '/v1/areas', headers: { 'if-none-match': String(first.headers.etag) } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
    t.equal(again.headers['content-type'], undefined)
    t.equal(again.headers.etag, first.headers.etag)
  })

  t.test('an unknown endpoint is a 404 problem', async (t) => {
    const response = await app.inject({ url: '/v2/facilities' })
    t.equal(response.statusCode, 404)
    t.same(response.json(), {
      type: 'urn:linli:problem:route_not_found',
      title: 'No such endpoint',
      status: 404,
      detail: 'GET /v2/facilities is not an endpoint of this API',
      code: 'route_not_found',
      instance: '/v2/facilities',
      requestId: response.headers['x-request-id'],
    })
  })

  t.test('readiness and reads are a 503 problem when the database is gone', async (t) => {
    await takeDatabaseAway(databaseOf(app))
    const response = await app.inject({ url: '/health/ready' })
    t.equal(response.statusCode, 503)
    t.match(response.json(), { code: 'service_unavailable', status: 503, detail: 'The database does not answer' })
    t.same((await app.inject({ url: '/health/live' })).json(), { status: 'ok' }, 'still alive')
    for (const url of ['/v1/facilities?q=hnyy', '/v1/areas', '/v1/changes', '/v1/facilities/export.ndjson']) {
      const read = await app.inject({ url })
      t.equal(read.statusCode, 503, `${url}: a 503, not a 500`)
      t.match(read.json(), { code: 'service_unavailable' })
      t.equal(read.headers['retry-after'], '5', 'with when to try again')
    }
  })
})
