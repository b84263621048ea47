// Webhooks end to end, with a real HTTP receiver on 127.0.0.1 (so the apps allow private targets,
// except where refusing them is the point): subscriptions are an admin's, deliveries are signed
// and verify with the standardwebhooks library, arrive in order per facility, survive a receiver
// that is down and a process that stops before delivering, and two processes on one PostgreSQL
// deliver each event once. Retries are spaced in milliseconds here, not hours.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { openPostgresDatabase, type Database } from '../../src/db/database.js'
import type { WebhookDeliveryOptions } from '../../src/plugins/webhook-delivery.js'
import { defaultRetryPolicy, retryDelay } from '../../src/webhooks/service.js'
import { refusalOf } from '../../src/webhooks/targets.js'
import { enforceContract } from '../contract.js'
import {
  create,
  forEachDatabase,
  keyFor,
  kindergarten,
  patch,
  postgresUrlOf,
  postStatus,
  preparedTestDatabase,
  testEngines,
} from '../helper.js'

interface Received {
  id: string
  timestamp: string
  signature: string
  body: string
  payload: {
    type: string
    timestamp: string
    data: {
      facility: { id: string; status: string }
      change: { id: string; version: number; fields: string[] }
      status?: unknown
      suggestion?: unknown
    }
  }
}

/** A webhook receiver: records what it is sent; can answer with another status, hang, or go away and come back on its port. */
async function receiver(t: Test) {
  const received: Received[] = []
  let answer = 200
  let hang = false
  const hanging: http.ServerResponse[] = []
  const listening = new Set<http.Server>()
  let port = 0
  const handler: http.RequestListener = (request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      received.push({
        id: String(request.headers['webhook-id']),
        timestamp: String(request.headers['webhook-timestamp']),
        signature: String(request.headers['webhook-signature']),
        body,
        payload: JSON.parse(body),
      })
      if (hang) hanging.push(response)
      else response.writeHead(answer).end('ok')
    })
  }
  async function start() {
    const server = http.createServer(handler)
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
    listening.add(server)
    return server
  }
  let server = await start()
  const stop = async () => {
    for (const response of hanging.splice(0)) response.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    listening.delete(server)
  }
  t.teardown(async () => {
    if (listening.size > 0) await stop()
  })
  return {
    received,
    url: () => `http://127.0.0.1:${port}/hooks`,
    answerWith: (status: number) => {
      answer = status
    },
    hangRequests: (value: boolean) => {
      hang = value
    },
    release: () => {
      for (const response of hanging.splice(0)) response.writeHead(200).end('ok')
    },
    down: stop,
    up: async () => {
      server = await start()
    },
  }
}

// Quick polls and retries; but a generous timeout and lease: a delivery that takes longer (a busy
// machine, the embedded database holding the event loop) is sent again, and the tests that count
// deliveries would see it twice.
const fast: WebhookDeliveryOptions = {
  allowPrivateTargets: true,
  pollMs: 25,
  leaseMs: 20_000,
  timeoutMs: 10_000,
  retry: { firstDelayMs: 40, maxDelayMs: 160, windowMs: 60_000 },
}

/** The app as the server builds it, on a given database, with webhook options. */
async function appOn(
  t: Test,
  database: Database,
  webhooks: WebhookDeliveryOptions = fast,
  logStream?: { write(line: string): void },
  clock?: () => Date,
) {
  const app = await buildApp({ database, logLevel: logStream === undefined ? 'silent' : 'debug', logStream, webhooks, clock })
  t.teardown(() => app.close())
  await app.ready()
  enforceContract(app)
  return app
}
type App = Awaited<ReturnType<typeof appOn>>

async function until(t: Test, what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const start = Date.now()
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) {
      t.fail(`timed out waiting: ${what}`)
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const json = { 'content-type': 'application/json' }

async function subscribe(app: App, admin: Record<string, string>, body: Record<string, unknown>) {
  const response = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: { ...admin, ...json }, payload: JSON.stringify(body) })
  return response
}

async function subscribed(app: App, admin: Record<string, string>, body: Record<string, unknown>) {
  const response = await subscribe(app, admin, body)
  if (response.statusCode !== 201) throw new Error(`subscribing failed: ${response.body}`)
  return response.json() as { subscription: { id: string }; secret: string }
}

const allEvents = ['facility.created', 'facility.updated', 'facility.status_changed', 'facility.deleted', 'suggestion.accepted']

const deliveriesOf = async (app: App, admin: Record<string, string>, id: string, query = '') =>
  (await app.inject({ url: `/v1/webhooks/${id}/deliveries${query}`, headers: admin })).json() as {
    items: { eventId: string; type: string; status: string; attempts: number; responseStatus: number | null; lastError: string | null }[]
    next: string | null
  }

const ids = (received: Received[]) => received.map((r) => r.id)

t.test('which addresses may receive deliveries', async (t) => {
  for (const address of [
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
  ]) {
    t.not(refusalOf(address), null, `${address} is refused`)
  }
  for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700::1111']) t.equal(refusalOf(address), null, `${address} is public`)
})

t.test('retries: exponential backoff with jitter, for about a day', async (t) => {
  const policy = defaultRetryPolicy
  t.equal(
    retryDelay(policy, 1, () => 1),
    30_000,
    'after the first failure: 30 s at most',
  )
  t.equal(
    retryDelay(policy, 1, () => 0),
    15_000,
    '…and half of it at least',
  )
  t.equal(
    retryDelay(policy, 2, () => 1),
    60_000,
    'doubling',
  )
  t.equal(
    retryDelay(policy, 12, () => 1),
    6 * 3_600_000,
    'up to 6 h',
  )
  t.equal(
    retryDelay(policy, 40, () => 0.5),
    4.5 * 3_600_000,
  )
  // How many attempts fit in the window, with the longest and the shortest waits.
  const attemptsWithin = (random: () => number) => {
    let elapsed = 0
    let attempts = 1
    for (;;) {
      const wait = retryDelay(policy, attempts, random)
      if (elapsed + wait > policy.windowMs) return { attempts, lastAt: elapsed }
      elapsed += wait
      attempts += 1
    }
  }
  const longest = attemptsWithin(() => 1)
  const shortest = attemptsWithin(() => 0)
  // 30 s × (1 + 2 + … + 512) = 8.5 h in ten doubling waits, then two of 6 h: 13 attempts, the last 20.5 h after the first.
  t.same(longest, { attempts: 13, lastAt: (30 * 1023 + 2 * 6 * 3600) * 1000 }, 'longest waits')
  t.ok(shortest.attempts > longest.attempts && shortest.lastAt > 20 * 3_600_000, `shortest waits: ${shortest.attempts} attempts`)
})

forEachDatabase(t, 'only admins manage subscriptions; the secret is shown once', async (t, engine) => {
  const app = await appOn(t, await preparedTestDatabase(t, engine))
  const admin = await keyFor(app, 'admin')
  const body = { url: 'https://93.184.215.14/hooks', events: ['facility.updated'], categories: ['kindergarten'], areas: ['hehua'] }
  t.equal((await subscribe(app, {}, body)).statusCode, 401, 'no key')
  t.equal((await subscribe(app, await keyFor(app, 'reader'), body)).statusCode, 403, 'a reader')
  t.equal((await subscribe(app, await keyFor(app, 'editor'), body)).statusCode, 403, 'an editor')
  t.equal((await app.inject({ url: '/v1/webhooks', headers: await keyFor(app, 'editor') })).statusCode, 403, 'an editor cannot list')

  const created = await subscribe(app, admin, { ...body, description: 'map app' })
  t.equal(created.statusCode, 201)
  const { subscription, secret } = created.json() as { subscription: Record<string, unknown> & { id: string }; secret: string }
  t.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'a Standard Webhooks secret')
  t.equal(created.headers.location, `/v1/webhooks/${subscription.id}`)
  t.match(subscription, {
    url: body.url,
    events: body.events,
    categories: ['kindergarten'],
    areas: ['hehua'],
    enabled: true,
    disabledReason: null,
  })
  const listed = await app.inject({ url: '/v1/webhooks', headers: admin })
  t.same(listed.json(), { items: [subscription] })
  t.notOk(listed.body.includes(secret), 'never shown again')
  t.notOk((await app.inject({ url: `/v1/webhooks/${subscription.id}`, headers: admin })).body.includes(secret))

  const unknownArea = await subscribe(app, admin, { ...body, areas: ['atlantis'] })
  t.equal(unknownArea.statusCode, 400)
  t.match(unknownArea.json(), { code: 'validation_failed', errors: [{ name: '/areas/0' }] })
  t.equal((await subscribe(app, admin, { ...body, events: ['facility.exploded'] })).statusCode, 400, 'an unknown event type')

  const patchWebhook = (payload: unknown, headers = admin) =>
    app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${subscription.id}`,
      headers: { ...headers, 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify(payload),
    })
  t.equal((await patchWebhook({ enabled: false }, await keyFor(app, 'editor'))).statusCode, 403)
  const disabled = await patchWebhook({ enabled: false, categories: [] })
  t.match(disabled.json(), { enabled: false, disabledReason: 'disabled by an admin', categories: [] })
  t.match((await patchWebhook({ enabled: true, description: null })).json(), {
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    description: null,
  })

  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/webhooks/${subscription.id}`, headers: await keyFor(app, 'editor') })).statusCode,
    403,
  )
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${subscription.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ url: `/v1/webhooks/${subscription.id}`, headers: admin })).statusCode, 404)
  t.equal((await patchWebhook({ enabled: true })).statusCode, 404)
})

forEachDatabase(
  t,
  'private targets are refused without WEBHOOK_ALLOW_PRIVATE_TARGETS, when subscribing and when delivering',
  async (t, engine) => {
    const database = await preparedTestDatabase(t, engine)
    const strict = await appOn(t, database, { ...fast, allowPrivateTargets: false, deliver: false })
    const admin = await keyFor(strict, 'admin')
    for (const url of [
      'http://127.0.0.1:8080/hooks',
      'http://localhost/hooks',
      'http://[::1]/hooks',
      'http://169.254.169.254/latest',
      'http://10.0.0.7/hooks',
    ]) {
      const refused = await subscribe(strict, admin, { url, events: ['facility.updated'] })
      t.equal(refused.statusCode, 400, url)
      t.match(refused.json(), {
        code: 'validation_failed',
        errors: [{ in: 'body', name: '/url', message: /private, loopback, link-local/ }],
      })
    }
    t.match((await subscribe(strict, admin, { url: 'ftp://93.184.215.14/x', events: ['facility.updated'] })).json(), {
      errors: [{ name: '/url', message: 'must be an http:// or https:// URL' }],
    })
    t.match((await subscribe(strict, admin, { url: 'https://user:pw@93.184.215.14/x', events: ['facility.updated'] })).json(), {
      errors: [{ name: '/url' }],
    })
    await strict.close()

    // A subscription made where private targets were allowed is still refused by a process that does not allow them.
    const hooks = await receiver(t)
    const lenient = await appOn(t, database, { ...fast, deliver: false })
    const { subscription } = await subscribed(lenient, admin, { url: hooks.url(), events: ['facility.created'] })
    // A host name is judged by the addresses DNS gives for it at the delivery.
    const byName = await subscribed(lenient, admin, { url: hooks.url().replace('127.0.0.1', 'localhost'), events: ['facility.created'] })
    await create(lenient, await keyFor(lenient, 'editor'))
    await lenient.close()
    const delivering = await appOn(t, database, { ...fast, allowPrivateTargets: false })
    await until(
      t,
      'a refused attempt',
      async () => ((await deliveriesOf(delivering, admin, subscription.id)).items[0]?.lastError ?? null) !== null,
    )
    t.match((await deliveriesOf(delivering, admin, subscription.id)).items, [
      { type: 'facility.created', status: 'pending', responseStatus: null, lastError: /^refused: 127\.0\.0\.1 is a private, loopback/ },
    ])
    await until(
      t,
      'a refused attempt by name',
      async () => ((await deliveriesOf(delivering, admin, byName.subscription.id)).items[0]?.lastError ?? null) !== null,
    )
    t.match((await deliveriesOf(delivering, admin, byName.subscription.id)).items, [
      { status: 'pending', responseStatus: null, lastError: /^refused: localhost resolves to (127\.0\.0\.1|::1), a private, loopback/ },
    ])
    t.same(hooks.received, [], 'nothing reached the receiver')
  },
)

forEachDatabase(t, 'signed deliveries, in order, filtered by event type, category and area; the delivery log', async (t, engine) => {
  const app = await appOn(t, await preparedTestDatabase(t, engine))
  const hooks = await receiver(t)
  const admin = await keyFor(app, 'admin')
  const editor = await keyFor(app, 'editor')
  const everything = await subscribed(app, admin, { url: hooks.url(), events: allEvents })
  const otherHooks = await receiver(t)
  // Only status changes of facilities in Pinghu Street (hehua is a community within it) that are kindergartens.
  const statusOnly = await subscribed(app, admin, {
    url: otherHooks.url(),
    events: ['facility.status_changed'],
    categories: ['kindergarten'],
    areas: ['pinghu'],
  })
  const elsewhere = await subscribed(app, admin, { url: otherHooks.url(), events: allEvents, areas: ['pinghu-community'] })

  const kindergartenId = ((await create(app, editor)).json() as { id: string }).id
  t.equal((await patch(app, kindergartenId, { ...editor, 'if-match': '"1"' }, { phone: '0755-84000000' })).statusCode, 200)
  const closing = await postStatus(app, kindergartenId, { ...editor, 'if-match': '"2"' }, { status: 'temporarily_closed', reason: '装修' })
  t.equal(closing.statusCode, 201)
  const suggestion = await app.inject({
    method: 'POST',
    url: '/v1/suggestions',
    headers: json,
    payload: JSON.stringify({ facilityId: kindergartenId, proposal: { openingHours: 'Mo-Fr 08:00-17:00' } }),
  })
  t.equal(suggestion.statusCode, 202)
  const pending = (await app.inject({ url: '/v1/suggestions?state=pending', headers: editor })).json() as { items: { id: string }[] }
  const accepted = await app.inject({
    method: 'POST',
    url: `/v1/suggestions/${pending.items[0]!.id}/accept`,
    headers: { ...editor, 'if-match': '"3"' },
  })
  t.equal(accepted.statusCode, 200)
  const deleted = await app.inject({ method: 'DELETE', url: `/v1/facilities/${kindergartenId}`, headers: { ...admin, 'if-match': '"4"' } })
  t.equal(deleted.statusCode, 204)

  await until(t, 'six deliveries', () => hooks.received.length >= 6)
  await until(t, 'the status change to the filtered subscription', () => otherHooks.received.length >= 1)
  t.same(
    hooks.received.map((r) => r.payload.type),
    ['facility.created', 'facility.updated', 'facility.status_changed', 'facility.updated', 'suggestion.accepted', 'facility.deleted'],
    'in the order they happened',
  )
  const verifier = new Webhook(everything.secret)
  for (const delivery of hooks.received) {
    const headers = { 'webhook-id': delivery.id, 'webhook-timestamp': delivery.timestamp, 'webhook-signature': delivery.signature }
    t.same(verifier.verify(delivery.body, headers), delivery.payload, `${delivery.payload.type} verifies`)
    t.throws(() => new Webhook(statusOnly.secret).verify(delivery.body, headers), 'not with another secret')
    t.throws(() => verifier.verify(delivery.body.replace('hehua', 'pinghu'), headers), 'not once changed')
  }
  t.equal(new Set(ids(hooks.received)).size, 6, 'each event its own webhook-id')
  const facility = { id: kindergartenId, slug: kindergarten.slug, category: 'kindergarten', area: 'hehua' }
  t.match(hooks.received[0]!.payload.data, {
    facility: { ...facility, status: 'operational' },
    change: { action: 'create', version: 1, reason: null },
  })
  t.ok(
    ['area', 'category', 'name', 'slug'].every((field) => hooks.received[0]!.payload.data.change.fields.includes(field)),
    'the fields a creation set',
  )
  t.match(hooks.received[1]!.payload.data, { change: { action: 'update', version: 2, fields: ['phone', 'provenance'] } })
  t.same(hooks.received[2]!.payload.data.status, { from: 'operational', to: 'temporarily_closed' })
  t.same(hooks.received[2]!.payload.data.change.fields, ['provenance', 'status', 'statusEffective'])
  t.match(hooks.received[2]!.payload.data, { facility: { status: 'temporarily_closed' }, change: { version: 3, reason: '装修' } })
  t.same(hooks.received[4]!.payload.data.suggestion, { id: pending.items[0]!.id, facilityVersion: 4 })
  t.match(hooks.received[5]!.payload.data, { facility, change: { action: 'delete', version: 5, fields: [] } })
  // The change id leads to the change feed's record of it.
  const changeId = hooks.received[1]!.payload.data.change.id as string
  const feed = (await app.inject({ url: `/v1/changes?after=${BigInt(changeId) - 1n}&limit=1` })).json() as { data: unknown[] }
  t.match(feed.data, [{ cursor: changeId, facilityId: kindergartenId, action: 'update' }])

  t.same(
    otherHooks.received.map((r) => r.payload.type),
    ['facility.status_changed'],
    'only what the filters let through',
  )
  t.same((await deliveriesOf(app, admin, elsewhere.subscription.id)).items, [], 'another area: nothing')

  // The receiver has them; the sender records each answer right after.
  await until(t, 'all six recorded', async () =>
    (await deliveriesOf(app, admin, everything.subscription.id)).items.every((d) => d.status === 'succeeded'),
  )
  const log = await deliveriesOf(app, admin, everything.subscription.id, '?limit=4')
  t.same(
    log.items.map((d) => [d.type, d.status, d.attempts, d.responseStatus, d.lastError]),
    [
      ['facility.deleted', 'succeeded', 1, 200, null],
      ['suggestion.accepted', 'succeeded', 1, 200, null],
      ['facility.updated', 'succeeded', 1, 200, null],
      ['facility.status_changed', 'succeeded', 1, 200, null],
    ],
    'newest first',
  )
  t.same(
    log.items.map((d) => d.eventId),
    ids(hooks.received).slice(2).reverse(),
  )
  const rest = await app.inject({ url: log.next!, headers: admin })
  t.equal((rest.json() as { items: unknown[]; next: null }).items.length, 2)
  t.equal(
    (await app.inject({ url: `/v1/webhooks/${everything.subscription.id}/deliveries?status=failed`, headers: admin })).json().items.length,
    0,
  )
})

forEachDatabase(t, 'a scheduled status change is announced when it comes due', async (t, engine) => {
  let now = new Date()
  const app = await appOn(t, await preparedTestDatabase(t, engine), fast, undefined, () => now)
  const hooks = await receiver(t)
  const admin = await keyFor(app, 'admin')
  const editor = await keyFor(app, 'editor')
  await subscribed(app, admin, { url: hooks.url(), events: ['facility.status_changed'] })
  const id = ((await create(app, editor)).json() as { id: string }).id
  const effectiveAt = new Date(now.getTime() + 3_600_000)
  const scheduled = await postStatus(
    app,
    id,
    { ...editor, 'if-match': '"1"' },
    {
      status: 'temporarily_closed',
      reason: '暑期检修',
      effectiveAt: effectiveAt.toISOString(),
    },
  )
  t.equal(scheduled.statusCode, 202)
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(hooks.received, [], 'nothing before its moment')
  now = new Date(effectiveAt.getTime() + 60_000)
  t.equal((await app.inject({ url: `/v1/facilities/${id}` })).json().status, 'temporarily_closed', 'applied at its moment')
  await until(t, 'the event', () => hooks.received.length === 1)
  t.match(hooks.received[0]!.payload, {
    type: 'facility.status_changed',
    timestamp: effectiveAt.toISOString(),
    data: {
      facility: { id, status: 'temporarily_closed' },
      status: { from: 'operational', to: 'temporarily_closed' },
      change: { reason: '暑期检修', version: 2 },
    },
  })
})

forEachDatabase(t, 'a receiver that is down for a while gets everything, once, when it is back', async (t, engine) => {
  const app = await appOn(t, await preparedTestDatabase(t, engine))
  const hooks = await receiver(t)
  const admin = await keyFor(app, 'admin')
  const editor = await keyFor(app, 'editor')
  const { subscription } = await subscribed(app, admin, { url: hooks.url(), events: allEvents })
  await hooks.down()
  const first = ((await create(app, editor)).json() as { id: string }).id
  const second = (
    (await create(app, editor, { ...kindergarten, slug: 'second-kindergarten', externalId: 'LG-KG-0043' })).json() as { id: string }
  ).id
  await patch(app, first, { ...editor, 'if-match': '"1"' }, { phone: '0755-84000001' })
  await until(t, 'failed attempts', async () => (await deliveriesOf(app, admin, subscription.id)).items.some((d) => d.attempts >= 3))
  const waiting = await deliveriesOf(app, admin, subscription.id)
  t.ok(
    waiting.items.every(
      (d) => d.status === 'pending' && d.responseStatus === null && (d.attempts === 0 || /ECONNREFUSED/.test(d.lastError ?? '')),
    ),
    'refused connections, retried',
  )
  t.match(
    waiting.items.find((d) => d.type === 'facility.updated'),
    { attempts: 0 },
    "the first facility's update waits for its creation to be delivered",
  )
  await hooks.up()
  await until(t, 'three deliveries', () => hooks.received.length >= 3)
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(hooks.received.length, 3, 'each once')
  const order = (id: string) => hooks.received.filter((r) => r.payload.data.facility.id === id).map((r) => r.payload.type)
  t.same(order(first), ['facility.created', 'facility.updated'])
  t.same(order(second), ['facility.created'])
  await until(t, 'all recorded', async () => (await deliveriesOf(app, admin, subscription.id)).items.every((d) => d.status === 'succeeded'))
  const log = await deliveriesOf(app, admin, subscription.id)
  t.ok(log.items.every((d) => d.status === 'succeeded' && d.responseStatus === 200 && d.lastError === null))
})

forEachDatabase(
  t,
  'retries run out: the delivery fails, the subscription is disabled with the reason, an admin enables it and redelivers',
  async (t, engine) => {
    const app = await appOn(t, await preparedTestDatabase(t, engine), {
      ...fast,
      retry: { firstDelayMs: 20, maxDelayMs: 40, windowMs: 250 },
    })
    const hooks = await receiver(t)
    hooks.answerWith(500)
    const admin = await keyFor(app, 'admin')
    const editor = await keyFor(app, 'editor')
    const { subscription } = await subscribed(app, admin, { url: hooks.url(), events: allEvents })
    const id = ((await create(app, editor)).json() as { id: string }).id
    const get = async () =>
      (await app.inject({ url: `/v1/webhooks/${subscription.id}`, headers: admin })).json() as {
        enabled: boolean
        disabledReason: string | null
      }
    await until(t, 'the subscription disabled', async () => (await get()).enabled === false)
    t.match(await get(), {
      enabled: false,
      disabledReason: /^event [0-9a-f-]{36} could not be delivered in \d+ attempts over 0 h \(last: the receiver answered 500\)/,
    })
    const [failed] = (await deliveriesOf(app, admin, subscription.id)).items
    t.match(failed, { type: 'facility.created', status: 'failed', responseStatus: 500, lastError: 'the receiver answered 500' })
    t.ok(failed!.attempts >= 2, `retried (${failed!.attempts} attempts)`)
    const attemptsBefore = hooks.received.length
    t.ok(
      hooks.received.every((r) => r.id === failed!.eventId),
      'every attempt carried the same webhook-id',
    )

    hooks.answerWith(204)
    // Meanwhile the facility changes: queued, not sent while disabled.
    await patch(app, id, { ...editor, 'if-match': '"1"' }, { phone: '0755-84000002' })
    await new Promise((resolve) => setTimeout(resolve, 150))
    t.equal(hooks.received.length, attemptsBefore, 'nothing is sent to a disabled subscription')
    const enabled = await app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${subscription.id}`,
      headers: { ...admin, 'content-type': 'application/merge-patch+json' },
      payload: '{"enabled":true}',
    })
    t.match(enabled.json(), { enabled: true, disabledReason: null })
    await until(t, 'the queued update', () => hooks.received.length === attemptsBefore + 1)
    t.equal(hooks.received.at(-1)!.payload.type, 'facility.updated')

    const redelivered = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/${subscription.id}/deliveries/${failed!.eventId}/redeliver`,
      headers: admin,
    })
    t.equal(redelivered.statusCode, 202)
    t.match(redelivered.json(), { eventId: failed!.eventId, status: 'pending' })
    // A delivery the receiver has had stays pending until its answer is stored, and redelivering
    // "since" leaves pending ones alone: on a busy machine the request below came in that gap.
    await until(
      t,
      'the redelivery, recorded',
      async () =>
        hooks.received.length === attemptsBefore + 2 &&
        (await deliveriesOf(app, admin, subscription.id)).items.every((delivery) => delivery.status !== 'pending'),
    )
    t.equal(hooks.received.at(-1)!.id, failed!.eventId, 'the same webhook-id: a receiver that had it can tell')

    const since = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/${subscription.id}/redeliver`,
      headers: { ...admin, ...json },
      payload: JSON.stringify({ since: '2000-01-01T00:00:00Z' }),
    })
    t.same(since.json(), { queued: 2 })
    await until(t, 'both again', () => hooks.received.length === attemptsBefore + 4)
    t.same(
      hooks.received.slice(-2).map((r) => r.payload.type),
      ['facility.created', 'facility.updated'],
      'in order',
    )
    const unknown = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/${subscription.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`,
      headers: admin,
    })
    t.equal(unknown.statusCode, 404)
    const later = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/${subscription.id}/redeliver`,
      headers: { ...admin, ...json },
      payload: JSON.stringify({ since: '2999-01-01T00:00:00Z' }),
    })
    t.same(later.json(), { queued: 0 })
  },
)

forEachDatabase(t, 'a write does not wait for the receiver; a silent receiver times out, a talkative one is cut off', async (t, engine) => {
  const app = await appOn(t, await preparedTestDatabase(t, engine), { ...fast, timeoutMs: 300, leaseMs: 1_000, maxResponseBytes: 1024 })
  const hooks = await receiver(t)
  hooks.hangRequests(true)
  const admin = await keyFor(app, 'admin')
  const editor = await keyFor(app, 'editor')
  const { subscription } = await subscribed(app, admin, { url: hooks.url(), events: ['facility.created', 'facility.updated'] })
  const id = ((await create(app, editor)).json() as { id: string }).id
  await until(t, 'the receiver holds the delivery', () => hooks.received.length === 1)
  const during = await patch(app, id, { ...editor, 'if-match': '"1"' }, { phone: '0755-84000003' })
  t.equal(during.statusCode, 200, 'the write is answered while the receiver keeps its delivery waiting')
  await until(t, 'the timeout recorded', async () =>
    (await deliveriesOf(app, admin, subscription.id)).items.some((d) => d.lastError !== null),
  )
  t.match((await deliveriesOf(app, admin, subscription.id)).items.at(-1), {
    status: 'pending',
    lastError: 'no answer within 300 ms',
    responseStatus: null,
  })
  hooks.hangRequests(false)
  await until(t, 'both delivered', async () =>
    (await deliveriesOf(app, admin, subscription.id)).items.every((d) => d.status === 'succeeded'),
  )

  // A receiver answering 200 with an endless body: the delivery counts, the body is not read to its end.
  let sentBytes = 0
  const talkative = http.createServer((_request, response) => {
    response.writeHead(200)
    const chunk = Buffer.alloc(16 * 1024, 'x')
    const push = () => {
      while (!response.destroyed && response.write(chunk)) sentBytes += chunk.length
      if (!response.destroyed && sentBytes < 64 * 1024 * 1024) response.once('drain', push)
    }
    push()
  })
  await new Promise<void>((resolve) => talkative.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    talkative.closeAllConnections()
    talkative.close()
  })
  const loud = await subscribed(app, admin, {
    url: `http://127.0.0.1:${(talkative.address() as AddressInfo).port}/`,
    events: ['facility.updated'],
  })
  await patch(app, id, { ...editor, 'if-match': '"2"' }, { phone: '0755-84000004' })
  await until(t, 'delivered', async () => (await deliveriesOf(app, admin, loud.subscription.id)).items[0]?.status === 'succeeded')
  t.ok(sentBytes < 64 * 1024 * 1024, `the sender stopped reading (${sentBytes} bytes were written before the connection closed)`)
})

forEachDatabase(t, 'an event committed but not delivered when its process stops is delivered by the next one', async (t, engine) => {
  const database = await preparedTestDatabase(t, engine)
  const hooks = await receiver(t)
  const stopping = await appOn(t, database, { ...fast, deliver: false })
  const admin = await keyFor(stopping, 'admin')
  const editor = await keyFor(stopping, 'editor')
  const { subscription } = await subscribed(stopping, admin, { url: hooks.url(), events: allEvents })
  const id = ((await create(stopping, editor)).json() as { id: string }).id
  await patch(stopping, id, { ...editor, 'if-match': '"1"' }, { phone: '0755-84000005' })
  // The first event is taken by a worker that then dies before posting it: its lease runs out.
  const [held] = await stopping.webhooks.claim(new Date(), 500, 1)
  t.ok(held, 'a delivery held by the dying process')
  await stopping.close()
  t.same(hooks.received, [], 'nothing was sent')

  const next = await appOn(t, database)
  await until(t, 'both events', () => hooks.received.length >= 2)
  t.same(
    hooks.received.map((r) => r.payload.type),
    ['facility.created', 'facility.updated'],
  )
  t.equal(hooks.received[0]!.id, held!.eventId, 'the held one, once its lease ran out')
  await until(t, 'both recorded', async () =>
    (await deliveriesOf(next, admin, subscription.id)).items.every((d) => d.status === 'succeeded'),
  )
  t.match((await deliveriesOf(next, admin, subscription.id)).items, [
    { type: 'facility.updated', status: 'succeeded', attempts: 1 },
    { type: 'facility.created', status: 'succeeded', attempts: 2 },
  ])
})

t.test(
  'two server processes on one PostgreSQL deliver each event exactly once',
  { skip: !testEngines.includes('postgresql') && 'PostgreSQL is not under test' },
  async (t) => {
    const database = await preparedTestDatabase(t, 'postgresql')
    const other = await openPostgresDatabase(postgresUrlOf(database), 4)
    t.teardown(() => other.close())
    const options = { ...fast, pollMs: 10, batchSize: 3 }
    // Each process's log says which deliveries it made.
    const delivered = [0, 0]
    const counting = (process: number) => ({
      write(line: string) {
        if (line.includes('"msg":"webhook delivered"')) delivered[process]! += 1
      },
    })
    const one = await appOn(t, database, options, counting(0))
    const two = await appOn(t, other, options, counting(1))
    const hooks = await receiver(t)
    const admin = await keyFor(one, 'admin')
    const editor = await keyFor(one, 'editor')
    await subscribed(one, admin, { url: hooks.url(), events: allEvents })
    const facilities: string[] = []
    for (let i = 0; i < 4; i += 1) {
      const app = i % 2 === 0 ? one : two
      const created = await create(app, editor, { ...kindergarten, slug: `kindergarten-${i}`, externalId: `LG-KG-10${i}` })
      facilities.push((created.json() as { id: string }).id)
    }
    for (let round = 1; round <= 4; round += 1) {
      await Promise.all(
        facilities.map((id, i) =>
          patch(i % 2 === 0 ? two : one, id, { ...editor, 'if-match': `"${round}"` }, { phone: `0755-8400${round}${i}00` }),
        ),
      )
    }
    await until(t, 'twenty deliveries', () => hooks.received.length >= 20)
    await new Promise((resolve) => setTimeout(resolve, 300))
    t.equal(hooks.received.length, 20, 'twenty events, twenty deliveries')
    t.equal(new Set(ids(hooks.received)).size, 20, 'none twice')
    t.equal(delivered[0]! + delivered[1]!, 20, `the two processes delivered ${delivered[0]} and ${delivered[1]}`)
    for (const id of facilities) {
      t.same(
        hooks.received.filter((r) => r.payload.data.facility.id === id).map((r) => r.payload.data.change.version),
        [1, 2, 3, 4, 5],
        'each facility in order',
      )
    }
  },
)
