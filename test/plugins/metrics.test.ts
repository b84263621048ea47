// Operations through real HTTP (inject): GET /metrics in Prometheus's format — requests by route
// pattern and status, the database pools, scheduled status changes, the process — never
// rate-limited and, with a token, only for its bearer; and request ids on every response header,
// problem body and log line of a request.
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import type { DatabaseEngine } from '../../src/db/database.js'
import { enforceContract } from '../contract.js'
import { create, forEachDatabase, keyFor, postStatus, preparedTestDatabase, takeDatabaseAway, type App } from '../helper.js'

/** An app as the server builds it on a prepared database, its log lines kept. */
async function appWith(
  t: Test,
  engine: DatabaseEngine,
  options: { rateLimits?: false | { anonymous: number }; metricsToken?: string } = {},
) {
  const database = await preparedTestDatabase(t, engine)
  const lines: string[] = []
  const rateLimits =
    options.rateLimits === undefined
      ? undefined
      : options.rateLimits === false
        ? false
        : { anonymous: options.rateLimits.anonymous, reader: 10, editor: 10, admin: 10 }
  const app = (await buildApp({
    database,
    logLevel: 'info',
    logStream: { write: (line: string) => void lines.push(line) },
    rateLimits,
    metricsToken: options.metricsToken,
  })) as unknown as App
  t.teardown(() => app.close())
  await app.ready()
  enforceContract(app)
  return { app, lines, database }
}

/** The value of one series of the exposition, or undefined when it is absent. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

forEachDatabase(t, 'GET /metrics', async (t, engine) => {
  const { app } = await appWith(t, engine, { rateLimits: { anonymous: 2 } })
  // Staff requests (their key's budget): the anonymous budget is left for the scrapes.
  const editor = await keyFor(app, 'editor')
  await app.inject({ url: '/v1/facilities/01890000-0000-7000-8000-000000000000', headers: editor })
  await app.inject({ url: '/v1/facilities/01890000-0000-7000-8000-000000000001', headers: editor })
  await app.inject({ url: '/no/such/thing' })
  const created = await create(app, editor)
  const scheduled = await postStatus(
    app,
    created.json().id,
    { ...editor, 'if-match': created.headers.etag as string },
    {
      status: 'temporarily_closed',
      effectiveAt: '2099-01-01T00:00:00Z',
      reason: 'a test of the metrics',
    },
  )
  t.equal(scheduled.statusCode, 202)

  // More scrapes than the anonymous budget (2 a minute) allows: never limited.
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/metrics' })).statusCode, 200)
  const response = await app.inject({ url: '/metrics' })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(response.headers['cache-control'], 'no-store')
  t.notOk(response.headers['ratelimit-limit'], 'not counted against any budget')
  const metrics = response.body

  t.equal(
    sample(metrics, 'http_request_duration_seconds_count{method="GET",route="/v1/facilities/:id",status_code="404"}'),
    2,
    'by route pattern, not by path',
  )
  t.equal(sample(metrics, 'http_request_duration_seconds_count{method="GET",route="(no route)",status_code="404"}'), 1)
  t.equal(sample(metrics, 'http_request_duration_seconds_count{method="GET",route="/metrics",status_code="200"}'), 3)
  t.ok(
    (sample(metrics, 'http_request_duration_seconds_sum{method="GET",route="/v1/facilities/:id",status_code="404"}') ?? 0) > 0,
    'with their durations',
  )
  t.equal(sample(metrics, 'linli_scheduled_status_changes{state="pending"}'), 1)
  t.equal(sample(metrics, 'linli_scheduled_status_changes{state="due"}'), 0)
  t.ok(sample(metrics, 'process_resident_memory_bytes'), 'process metrics')
  t.ok(metrics.includes('# TYPE nodejs_eventloop_lag_seconds gauge'))
  if (engine === 'postgresql') {
    t.ok(sample(metrics, 'linli_database_connections{pool="primary",state="idle"}') !== undefined, 'the pool, idle')
    t.equal(sample(metrics, 'linli_database_connections{pool="primary",state="in_use"}'), 0, 'none in use between requests')
    t.equal(sample(metrics, 'linli_database_waiting_queries{pool="primary"}'), 0)
    t.notOk(metrics.includes('pool="replica"'), 'no replica configured')
  } else {
    t.notOk(metrics.includes('linli_database_connections{'), 'the embedded database has no pool')
  }
})

t.test('with METRICS_TOKEN, /metrics answers only its bearer', async (t) => {
  const token = 'a-metrics-token-of-some-length'
  const { app } = await appWith(t, 'pglite', { metricsToken: token })
  const refused = await app.inject({ url: '/metrics' })
  t.equal(refused.statusCode, 401)
  t.same(refused.json(), {
    type: 'urn:linli:problem:unauthorized',
    title: 'An API key is required',
    status: 401,
    detail: 'The metrics need the Authorization: Bearer <METRICS_TOKEN> header',
    code: 'unauthorized',
    instance: '/metrics',
    requestId: refused.headers['x-request-id'],
  })
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer a-metrics-token-of-some-lengtx' } })).statusCode, 401)
  const allowed = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })
  t.equal(allowed.statusCode, 200)
  t.match(allowed.body, /^# HELP /)
})

t.test('request ids', async (t) => {
  const { app } = await appWith(t, 'pglite', { rateLimits: false })
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

  t.test('a new UUID for each request, in X-Request-Id', async (t) => {
    const first = await app.inject({ url: '/health/live' })
    const second = await app.inject({ url: '/health/live' })
    t.match(first.headers['x-request-id'], uuid)
    t.match(second.headers['x-request-id'], uuid)
    t.not(first.headers['x-request-id'], second.headers['x-request-id'])
  })

  t.test("a well-formed incoming X-Request-Id is the request's id; a malformed one is replaced", async (t) => {
    const given = await app.inject({ url: '/v1/areas', headers: { 'x-request-id': 'proxy-7f3a:42' } })
    t.equal(given.headers['x-request-id'], 'proxy-7f3a:42')
    const malformed = await app.inject({ url: '/v1/areas', headers: { 'x-request-id': 'two words\u0007' } })
    t.match(malformed.headers['x-request-id'], uuid)
    const tooLong = await app.inject({ url: '/v1/areas', headers: { 'x-request-id': 'x'.repeat(129) } })
    t.match(tooLong.headers['x-request-id'], uuid)
  })

  t.test('every problem carries it, and every log line of the request', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?status=open', headers: { 'x-request-id': 'trace-0042' } })
    t.equal(response.statusCode, 400)
    t.equal(response.headers['x-request-id'], 'trace-0042')
    t.match(response.json(), { code: 'validation_failed', instance: '/v1/facilities', requestId: 'trace-0042' })

    // A request that logs on its way: the database is gone, so it warns, and answers 503.
    const gone = await appWith(t, 'pglite')
    await takeDatabaseAway(gone.database)
    gone.lines.length = 0
    const unavailable = await gone.app.inject({ url: '/v1/areas', headers: { 'x-request-id': 'trace-0043' } })
    t.equal(unavailable.statusCode, 503)
    t.match(unavailable.json(), { code: 'service_unavailable', requestId: 'trace-0043' })
    const logged = gone.lines.map((line) => JSON.parse(line) as { requestId?: string; msg: string })
    t.match(
      logged.map((line) => line.msg),
      ['incoming request', 'could not apply scheduled status changes', 'the database is unavailable', 'request completed'],
    )
    t.ok(
      logged.every((line) => line.requestId === 'trace-0043'),
      'each line names the request',
    )
  })
})
