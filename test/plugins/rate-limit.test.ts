// Rate limits through real HTTP (inject): budgets per anonymous address and per key, the
// RateLimit-* headers, the 429 problem, the endpoints never limited, the window resetting, and a
// Redis store shared by two processes. The limits do not depend on the database, so every app
// here shares one PGlite database, migrated once.
import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import type { RateLimits } from '../../src/config.js'
import { keyFor, preparedTestDatabase, type App } from '../helper.js'
import { relayTo } from '../relay.js'

const small: RateLimits = { anonymous: 3, reader: 5, editor: 4, admin: 6 }
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

const read = (app: App, remoteAddress: string, headers: Record<string, string> = {}) =>
  app.inject({ url: '/v1/areas', remoteAddress, headers })

/** Why the Redis test cannot run, or false when it can. */
async function redisMissing(): Promise<string | false> {
  const probe = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false })
  probe.on('error', () => {})
  try {
    await probe.connect()
    await probe.quit()
    return false
  } catch (error) {
    probe.disconnect()
    return `Redis is not reachable at ${redisUrl} (${(error as Error).message}; set TEST_REDIS_URL): the shared store is not tested`
  }
}

// Asked before any test runs: a busy event loop would make the connection time out.
const redisSkipReason = await redisMissing()
const database = await preparedTestDatabase(t, 'pglite', { seed: false })

/** An app with these limits (undefined: the defaults), as the server builds it, closed after the test. */
async function appWith(t: Test, rateLimits: RateLimits | false | undefined): Promise<App> {
  const app = (await buildApp({ database, logLevel: 'silent', rateLimits })) as unknown as App
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** The draft-spec headers of a response, as numbers. */
const budget = (response: Awaited<ReturnType<App['inject']>>) => ({
  limit: Number(response.headers['ratelimit-limit']),
  remaining: Number(response.headers['ratelimit-remaining']),
})

/** An address no other test run uses, since a Redis store outlives the test. */
const freshAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`

t.test('anonymous callers have a budget per address, counted down in the headers', async (t) => {
  const app = await appWith(t, small)

  for (const remaining of [2, 1, 0]) {
    const response = await read(app, '10.0.0.1')
    t.equal(response.statusCode, 200)
    t.same(budget(response), { limit: 3, remaining })
    t.ok(
      Number(response.headers['ratelimit-reset']) > 0 && Number(response.headers['ratelimit-reset']) <= 60,
      'seconds until the window resets',
    )
    t.notOk(response.headers['retry-after'], 'Retry-After only when refused')
  }

  const refused = await read(app, '10.0.0.1')
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.same(budget(refused), { limit: 3, remaining: 0 })
  t.equal(refused.headers['retry-after'], refused.headers['ratelimit-reset'])
  const problem = refused.json()
  t.match(problem.detail, /^This address may make 3 requests per 60 s; retry in (1 minute|\d+ seconds)\.$/)
  t.same(problem, {
    type: 'urn:linli:problem:rate_limited',
    title: 'Too many requests',
    status: 429,
    detail: problem.detail,
    code: 'rate_limited',
    instance: '/v1/areas',
    requestId: refused.headers['x-request-id'],
  })

  t.same(budget(await read(app, '10.0.0.2')), { limit: 3, remaining: 2 }, 'another address has its own budget')
  t.equal(
    (await app.inject({ url: '/v1/facilities/no-such-facility', remoteAddress: '10.0.0.1' })).statusCode,
    429,
    'every limited endpoint shares the budget',
  )
})

t.test("a key has its role's budget wherever it calls from, counted apart from anonymous calls", async (t) => {
  const app = await appWith(t, small)
  const reader = await keyFor(app, 'reader')

  for (const remaining of [4, 3, 2, 1, 0]) {
    t.same(budget(await read(app, `10.0.1.${remaining}`, reader)), { limit: 5, remaining })
  }
  const refused = await read(app, '10.0.1.9', reader)
  t.equal(refused.statusCode, 429)
  t.match(refused.json(), { code: 'rate_limited', detail: /^The key "test reader" may make 5 requests per 60 s; retry in / })

  t.same(budget(await read(app, '10.0.1.0')), { limit: 3, remaining: 2 }, 'anonymous calls from the same address count apart')
  t.same(
    budget(await read(app, '10.0.1.0', await keyFor(app, 'reader'))),
    { limit: 5, remaining: 4 },
    'another key of the role counts apart',
  )
  t.same(budget(await read(app, '10.0.1.0', await keyFor(app, 'editor'))), { limit: 4, remaining: 3 })
  t.same(budget(await read(app, '10.0.1.0', await keyFor(app, 'admin'))), { limit: 6, remaining: 5 })
})

t.test("a key's own rateLimitPerMinute overrides its role's", async (t) => {
  const app = await appWith(t, small)
  const integration = await keyFor(app, 'reader', { rateLimitPerMinute: 2 })
  t.same(budget(await read(app, '10.0.2.1', integration)), { limit: 2, remaining: 1 })
  t.same(budget(await read(app, '10.0.2.1', integration)), { limit: 2, remaining: 0 })
  t.equal((await read(app, '10.0.2.1', integration)).statusCode, 429)

  const generous = await keyFor(app, 'editor', { rateLimitPerMinute: 100 })
  t.same(budget(await read(app, '10.0.2.1', generous)), { limit: 100, remaining: 99 })
})

t.test('health and the OpenAPI document are never limited', async (t) => {
  const app = await appWith(t, { ...small, anonymous: 1 })
  await read(app, '10.0.3.1')
  t.equal((await read(app, '10.0.3.1')).statusCode, 429)
  for (const url of ['/health/live', '/health/ready', '/openapi.json']) {
    const response = await app.inject({ url, remoteAddress: '10.0.3.1' })
    t.equal(response.statusCode, 200, url)
    t.notOk(response.headers['ratelimit-limit'], `${url} carries no budget`)
  }
})

t.test('the budget comes back when the window ends', async (t) => {
  const app = await appWith(t, { ...small, anonymous: 1, windowMs: 1500 })
  t.equal((await read(app, '10.0.4.1')).statusCode, 200)
  const refused = await read(app, '10.0.4.1')
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['retry-after'], /^[12]$/, 'whole seconds, rounded up')
  await sleep(1600)
  const again = await read(app, '10.0.4.1')
  t.equal(again.statusCode, 200)
  t.same(budget(again), { limit: 1, remaining: 0 })
})

t.test('apps are built with the default limits unless told otherwise', async (t) => {
  const app = await appWith(t, undefined)
  t.same(budget(await read(app, '10.0.5.1')), { limit: 120, remaining: 119 })
  t.same(budget(await read(app, '10.0.5.1', await keyFor(app, 'reader'))), { limit: 1200, remaining: 1199 })
  t.same(budget(await read(app, '10.0.5.1', await keyFor(app, 'editor'))), { limit: 600, remaining: 599 })

  const unlimited = await appWith(t, false)
  const response = await read(unlimited, '10.0.5.1')
  t.equal(response.statusCode, 200)
  t.notOk(response.headers['ratelimit-limit'])
})

t.test('a Redis store shares the budgets between server processes', { skip: redisSkipReason }, async (t) => {
  const sockets = () => process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length
  const socketsBefore = sockets()

  // Two server processes: each its own app and Redis connection.
  const limits: RateLimits = { ...small, windowMs: 3000, redisUrl }
  const [first, second] = [await appWith(t, limits), await appWith(t, limits)]
  t.equal(sockets(), socketsBefore + 2, 'one Redis connection per app')

  const address = freshAddress()
  t.same(budget(await read(first, address)), { limit: 3, remaining: 2 })
  t.same(budget(await read(second, address)), { limit: 3, remaining: 1 })
  t.same(budget(await read(first, address)), { limit: 3, remaining: 0 })
  const refused = await read(second, address)
  t.equal(refused.statusCode, 429)
  t.ok(['1', '2', '3'].includes(String(refused.headers['retry-after'])), 'what is left of the window, in Redis')

  const editor = await keyFor(first, 'editor', { rateLimitPerMinute: 1 })
  t.equal((await read(first, freshAddress(), editor)).statusCode, 200)
  t.equal((await read(second, freshAddress(), editor)).statusCode, 429, 'a key is counted across processes too')

  await sleep(Number(refused.headers['retry-after']) * 1000 + 100)
  t.same(budget(await read(second, address)), { limit: 3, remaining: 2 }, 'the window ends in Redis as in memory')

  await second.close()
  await first.close()
  for (let tries = 0; sockets() > socketsBefore && tries < 50; tries++) await sleep(20)
  t.equal(sockets(), socketsBefore, 'closing the apps closes their Redis connections')
})

t.test('an unreachable Redis stops the app from starting, naming the variable', async (t) => {
  await t.rejects(appWith(t, { ...small, redisUrl: 'redis://127.0.0.1:1' }), {
    message: 'the rate-limit store RATE_LIMIT_REDIS_URL cannot be reached: connect ECONNREFUSED 127.0.0.1:1',
  })
})

t.test('while Redis is unreachable, requests are served uncounted rather than refused', { skip: redisSkipReason }, async (t) => {
  // A relay between the app and Redis, which the test cuts.
  const relay = await relayTo(t, new URL(redisUrl), 6379)
  const app = await appWith(t, { ...small, anonymous: 1, redisUrl: `redis://127.0.0.1:${relay.port}` })

  const address = freshAddress()
  t.equal((await read(app, address)).statusCode, 200)
  t.equal((await read(app, address)).statusCode, 429)
  relay.cut()
  const served = await read(app, address)
  t.equal(served.statusCode, 200)
  t.same(budget(served), { limit: 1, remaining: 1 }, 'nothing could be counted')
})

t.test('requests with an unknown or malformed key count against their address, and an unknown key is looked up once', async (t) => {
  const app = await appWith(t, { ...small, anonymous: 2 })
  let lookups = 0
  const ofKey = app.clients.ofKey
  app.clients.ofKey = async (key: string) => {
    lookups += 1
    return ofKey(key)
  }
  const address = freshAddress()
  const guesses = [
    await read(app, address, { authorization: 'Bearer lk_guess' }),
    await read(app, address, { authorization: 'Bearer lk_guess' }),
    await read(app, address, { authorization: 'Basic dXNlcjpwYXNz' }),
  ]
  t.same(
    guesses.map((response) => [response.statusCode, response.json().code]),
    [
      [401, 'invalid_key'],
      [401, 'invalid_key'],
      [429, 'rate_limited'],
    ],
    'refused keys spend the address budget; past it, the limiter answers first',
  )
  t.same(budget(guesses[0]!), { limit: 2, remaining: 1 })
  t.equal(lookups, 1, 'the second request with the same unknown key did not ask the database')
  const write = await app.inject({
    method: 'POST',
    url: '/v1/facilities',
    remoteAddress: freshAddress(),
    headers: { authorization: 'Bearer lk_other', 'content-type': 'application/json' },
    payload: '{}',
  })
  t.same([write.statusCode, write.json().code], [401, 'invalid_key'], 'a write with a refused key says the key is the problem')
})
