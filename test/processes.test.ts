// Several server processes on one PostgreSQL database keep nothing to themselves: what one writes
// the other reads at once (facilities, the change feed, API keys, ETags for the next write), a
// status change scheduled through one is applied by whichever process is asked when it comes due,
// and each process reports its own metrics and names its own requests. (Rate limits shared
// across processes through Redis: test/plugins/rate-limit.test.ts.)
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { appOnPostgres, create, keyFor, patch, postStatus, postgresUrlOf, preparedTestDatabase, testEngines, type App } from './helper.js'

t.test('two server processes on one PostgreSQL database', { skip: !testEngines.includes('postgresql') }, async (t) => {
  const shared = await preparedTestDatabase(t, 'postgresql')
  let now = new Date('2026-11-28T02:00:00Z')
  /** A process of its own: its own connections, its own app, the same clock for the test. */
  const serverProcess = () => appOnPostgres(t, postgresUrlOf(shared), { clock: () => now })
  const first = await serverProcess()
  const second = await serverProcess()
  const editor = await keyFor(first, 'editor')

  const created = await create(first, editor)
  t.equal(created.statusCode, 201)
  const id = created.json().id as string

  t.test('what one writes the other reads at once', async (t) => {
    const read = await second.inject({ url: `/v1/facilities/${id}` })
    t.equal(read.statusCode, 200)
    t.equal(read.headers.etag, created.headers.etag, 'the same version and ETag')
    const found = await second.inject({ url: '/v1/facilities?q=禾花阳光' })
    t.same(
      found.json().data.map((facility: { id: string }) => facility.id),
      [id],
    )
    const feed = (await second.inject({ url: '/v1/changes?limit=100' })).json().data as { facilityId: string; action: string }[]
    t.same(
      feed.filter((change) => change.facilityId === id).map((change) => change.action),
      ['create'],
    )
  })

  t.test("a key made through one works on the other, and one's ETag is the other's If-Match", async (t) => {
    const changed = await patch(second, id, { ...editor, 'if-match': created.headers.etag as string }, { phone: '0755-12345678' })
    t.equal(changed.statusCode, 200)
    const stale = await patch(first, id, { ...editor, 'if-match': created.headers.etag as string }, { phone: '0755-87654321' })
    t.equal(stale.statusCode, 412, 'the first process knows the version moved on')
    t.equal((await first.inject({ url: `/v1/facilities/${id}` })).json().contact.phone, '0755-12345678')
  })

  t.test('a status change scheduled through one is applied by the other when it comes due', async (t) => {
    const current = await first.inject({ url: `/v1/facilities/${id}` })
    const scheduled = await postStatus(
      first,
      id,
      { ...editor, 'if-match': current.headers.etag as string },
      {
        status: 'temporarily_closed',
        effectiveAt: '2026-12-01T00:00:00+08:00',
        reason: 'closed for the holidays',
      },
    )
    t.equal(scheduled.statusCode, 202)
    now = new Date('2026-12-01T01:00:00Z')
    // Each process looks up the next due change at most once a second (src/plugins/scheduler.ts):
    // one scheduled elsewhere is known here a second later at the latest.
    await sleep(1100)
    t.equal((await second.inject({ url: `/v1/facilities/${id}` })).json().status, 'temporarily_closed')
    t.equal((await first.inject({ url: `/v1/facilities/${id}` })).json().status, 'temporarily_closed')
    const history = (await first.inject({ url: `/v1/facilities/${id}/status-changes` })).json().data as {
      toStatus: string
      state: string
    }[]
    t.same(
      history.map((change) => `${change.toStatus} ${change.state}`),
      ['temporarily_closed applied', 'operational applied'],
      'applied once',
    )
  })

  t.test('each process counts its own requests and names them', async (t) => {
    const writes = (app: App) =>
      app
        .inject({ url: '/metrics' })
        .then(
          (response) =>
            /^http_request_duration_seconds_count\{method="POST",route="\/v1\/facilities",status_code="201"\} (\d+)$/m.exec(
              response.body,
            )?.[1],
        )
    t.equal(await writes(first), '1', 'the create was the first process’s')
    t.equal(await writes(second), undefined, 'not the second’s')
    const ids = [
      (await first.inject({ url: '/health/live' })).headers['x-request-id'],
      (await second.inject({ url: '/health/live' })).headers['x-request-id'],
    ]
    t.not(ids[0], ids[1])
    t.equal((await second.inject({ url: '/health/live', headers: { 'x-request-id': 'lb-1234' } })).headers['x-request-id'], 'lb-1234')
  })
})
