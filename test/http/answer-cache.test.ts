// Answers kept in memory (src/http/answer-cache.ts): a read asked a second time is kept, and a third
// gets its bytes and route headers, with its own request id and rate-limit headers; a write, in this process or in
// another one, is seen by the next read once the read index has applied it; the clock's minute
// moves answers on; nothing is kept without the index, nor any answer but a 200.
import t from 'tap'
import Fastify, { type LightMyRequestResponse } from 'fastify'
import fp from 'fastify-plugin'
import { Registry } from 'prom-client'
import { buildApp } from '../../src/app.js'
import answerCache from '../../src/http/answer-cache.js'
import caching from '../../src/http/caching.js'
import { enforceContract } from '../contract.js'
import { buildClocked, type App, create, databaseOf, forEachDatabase, keyFor, patch } from '../helper.js'

/** The answer cache's lookups by outcome, as /metrics reports them. */
async function lookups(app: App): Promise<Record<'hit' | 'miss' | 'bypass', number>> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const count = (outcome: string) =>
    Number(new RegExp(`^linli_answer_cache_lookups_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0)
  return { hit: count('hit'), miss: count('miss'), bypass: count('bypass') }
}

const get = (app: App, url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })

/** What a client can compare of two answers: everything but what is the request's own (its id, moment and rate limit). */
function comparable(response: LightMyRequestResponse) {
  const { 'x-request-id': _id, date: _date, 'ratelimit-remaining': _remaining, 'ratelimit-reset': _reset, ...headers } = response.headers
  return { status: response.statusCode, headers, body: response.body }
}

async function anyFacilityId(app: App): Promise<string> {
  const id = (await get(app, '/v1/facilities?limit=1')).json<{ data: { id: string }[] }>().data[0]?.id
  if (id === undefined) throw new Error('the seed has no facility')
  return id
}

forEachDatabase(t, 'a repeated read is sent from memory, the same but for its request id', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const id = await anyFacilityId(app)
  for (const [url, headers] of [
    [`/v1/facilities/${id}`, {}],
    [`/v1/facilities/${id}`, { 'accept-language': 'en' }],
    ['/v1/facilities?q=%E5%B9%BC%E5%84%BF%E5%9B%AD&limit=2', {}],
    ['/v1/facilities?q=%E5%B9%BC%E5%84%BF%E5%9B%AD&limit=2', { accept: 'application/geo+json' }],
    ['/v1/facilities/facets', {}],
    ['/search?q=%E5%B9%BC%E5%84%BF%E5%9B%AD', {}],
    ['/en/search?q=kindergarten', {}],
  ] as const) {
    const before = await lookups(app)
    const first = await get(app, url, headers)
    const second = await get(app, url, headers)
    const afterTwo = await lookups(app)
    const third = await get(app, url, headers)
    const after = await lookups(app)
    t.equal(first.statusCode, 200, `${url} ${JSON.stringify(headers)}`)
    t.same([afterTwo.miss - before.miss, afterTwo.hit - before.hit], [2, 0], 'asked once, nothing is kept: the second is read too')
    t.same(comparable(second), comparable(first), `${url} ${JSON.stringify(headers)}: read twice, the same answer`)
    t.same(comparable(third), comparable(first), `${url} ${JSON.stringify(headers)}: the same answer from memory`)
    t.not(third.headers['x-request-id'], second.headers['x-request-id'], 'each answer names its own request')
    t.equal(Number(third.headers['ratelimit-remaining']), Number(second.headers['ratelimit-remaining']) - 1, 'and is counted')
    t.same([after.miss - afterTwo.miss, after.hit - afterTwo.hit], [0, 1], 'the third was sent from memory')
  }

  // Two languages, two representations: each kept apart.
  const zh = await get(app, `/v1/facilities/${id}`)
  const en = await get(app, `/v1/facilities/${id}`, { 'accept-language': 'en' })
  t.equal(zh.headers['content-language'], 'zh-Hans')
  t.equal(en.headers['content-language'], 'en')
  t.not(zh.body, en.body)

  // A kept answer still answers If-None-Match with a 304.
  const etag = String(zh.headers.etag)
  const conditional = await get(app, `/v1/facilities/${id}`, { 'if-none-match': etag })
  t.equal(conditional.statusCode, 304)
  t.equal(conditional.body, '')
})

forEachDatabase(t, "a write is seen by this process's next read", async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  t.equal(created.statusCode, 201)
  const { id } = created.json<{ id: string }>()
  const search = '/v1/facilities?q=%E7%A6%BE%E8%8A%B1%E9%98%B3%E5%85%89'
  const page = '/search?q=%E7%A6%BE%E8%8A%B1%E9%98%B3%E5%85%89'
  for (const url of [`/v1/facilities/${id}`, search, page]) {
    for (let ask = 0; ask < 3; ask += 1) await get(app, url)
  }
  const { hit } = await lookups(app)
  t.ok(hit >= 3, 'the three answers were kept')

  const renamed = await patch(app, id, { ...editor, 'if-match': String(created.headers.etag) }, { name: { zh: '禾花阳光第二幼儿园' } })
  t.equal(renamed.statusCode, 200)
  const read = await get(app, `/v1/facilities/${id}`)
  t.equal(read.json<{ name: string }>().name, '禾花阳光第二幼儿园', 'the facility as written')
  t.equal(read.headers.etag, renamed.headers.etag, 'the ETag the write answered with')
  t.match(
    (await get(app, search)).json<{ data: { name: string }[] }>().data.map((item) => item.name),
    ['禾花阳光第二幼儿园'],
  )
  t.match((await get(app, page)).body, '禾花阳光第二幼儿园')
})

forEachDatabase(t, "another process's write is seen once this one's read index has applied it", async (t, engine) => {
  const { app: writer } = await buildClocked(t, engine)
  // A second app on the same database: another server process, as far as the answers go.
  const reader = (await buildApp({ database: databaseOf(writer), logLevel: 'silent' })) as unknown as App
  t.teardown(() => reader.close())
  await reader.ready()
  enforceContract(reader)

  const editor = await keyFor(writer, 'editor')
  const id = await anyFacilityId(reader)
  const first = await get(reader, `/v1/facilities/${id}`)
  await get(reader, `/v1/facilities/${id}`)
  await get(reader, `/v1/facilities/${id}`)
  const renamed = await patch(writer, id, { ...editor, 'if-match': String(first.headers.etag) }, { name: { zh: '改过名字的设施' } })
  t.equal(renamed.statusCode, 200)

  // The reader's index follows the log (NOTIFY, or its poll each second); once it has applied the
  // write, no answer older than it may be sent.
  const applied = writer.facilities.readIndex.stats().changeId
  const deadline = Date.now() + 10_000
  while (reader.facilities.readIndex.stats().changeId !== applied && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(reader.facilities.readIndex.stats().changeId, applied, "the reader's index applied the write")
  const after = await get(reader, `/v1/facilities/${id}`)
  t.equal(after.json<{ name: string }>().name, '改过名字的设施')
  t.equal(after.headers.etag, renamed.headers.etag)
})

forEachDatabase(t, 'answers are kept within the minute, since opening hours change by the minute', async (t, engine) => {
  // 07:29:30 on a Thursday in Shenzhen; the kindergarten opens at 07:30.
  const { app, setNow } = await buildClocked(t, engine, '2026-03-04T23:29:30Z')
  const created = await create(app, await keyFor(app, 'editor'))
  const url = `/v1/facilities/${created.json<{ id: string }>().id}`
  const openNow = async () => (await get(app, url)).json<{ hours: { openNow: boolean } }>().hours.openNow
  t.equal(await openNow(), false, 'closed at 07:29:30')
  t.equal(await openNow(), false, 'asked again: kept')
  setNow('2026-03-04T23:29:59Z')
  const before = await lookups(app)
  t.equal(await openNow(), false, 'still closed at 07:29:59')
  t.equal((await lookups(app)).hit - before.hit, 1, 'sent from memory within the minute')
  setNow('2026-03-04T23:30:00Z')
  t.equal(await openNow(), true, 'open at 07:30:00: the minute moved on, and the answer with it')
})

forEachDatabase(t, 'only a 200 is kept, and nothing without the read index', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const created = await create(app, await keyFor(app, 'editor'))
  const { id } = created.json<{ id: string }>()
  const before = await lookups(app)
  // A 304 first (the write's ETag is the read's): the 200 after it is read in full, not a kept empty body.
  t.equal((await get(app, `/v1/facilities/${id}`, { 'if-none-match': String(created.headers.etag) })).statusCode, 304)
  const full = await get(app, `/v1/facilities/${id}`)
  t.equal(full.statusCode, 200)
  t.ok(full.json<{ id: string }>().id === id)
  const missing = '/v1/facilities/00000000-0000-4000-8000-000000000000'
  t.equal((await get(app, missing)).statusCode, 404)
  t.equal((await get(app, missing)).statusCode, 404)
  const after = await lookups(app)
  t.equal(after.hit - before.hit, 0, 'no hit: neither the 304 nor the 404 was kept')

  const { app: withoutIndex } = await buildClocked(t, engine, undefined, { searchIndex: false })
  await get(withoutIndex, `/v1/facilities/${id}`)
  await get(withoutIndex, `/v1/facilities/${id}`)
  const counted = await lookups(withoutIndex)
  t.same(counted, { hit: 0, miss: 0, bypass: 2 }, 'without the index nothing can tell what is current')
})

forEachDatabase(t, 'the memory is bounded; the least recently used answers go first', async (t, engine) => {
  const maxBytes = 60_000
  const { app } = await buildClocked(t, engine, undefined, { answerCacheBytes: maxBytes })
  const ids = (await get(app, '/v1/facilities?limit=50')).json<{ data: { id: string }[] }>().data.map((item) => item.id)
  let read = 0
  for (const id of ids) {
    await get(app, `/v1/facilities/${id}`)
    read += (await get(app, `/v1/facilities/${id}`)).rawPayload.length
  }
  t.ok(read > maxBytes, `${read} bytes read: more than can be kept`)
  const kept = Number(/^linli_answer_cache_bytes (\d+)/m.exec((await get(app, '/metrics')).body)?.[1])
  t.ok(kept > 0 && kept <= maxBytes, `${kept} bytes kept, at most ${maxBytes}`)
  const before = await lookups(app)
  await get(app, `/v1/facilities/${ids.at(-1)}`)
  const afterLast = await lookups(app)
  t.equal(afterLast.hit - before.hit, 1, 'the most recent answer is still kept')
  await get(app, `/v1/facilities/${ids[0]}`)
  t.equal((await lookups(app)).miss - afterLast.miss, 1, 'the oldest one is gone')
})

forEachDatabase(t, 'an answer asked only once is not kept', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const ids = (await get(app, '/v1/facilities?limit=20')).json<{ data: { id: string }[] }>().data.map((item) => item.id)
  for (const id of ids) await get(app, `/v1/facilities/${id}`)
  const kept = () => get(app, '/metrics').then((response) => Number(/^linli_answer_cache_bytes (\d+)/m.exec(response.body)?.[1]))
  t.equal(await kept(), 0, 'twenty answers each asked once: none kept')
  await get(app, `/v1/facilities/${ids[0]}`)
  t.ok((await kept()) > 0, 'the one asked again is')
})

forEachDatabase(t, 'reads racing a write are never kept past it', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  const url = `/v1/facilities/${created.json<{ id: string }>().id}`
  let etag = String(created.headers.etag)
  for (let round = 1; round <= 5; round += 1) {
    const name = `禾花阳光幼儿园第${round}次改名`
    // Reads before, during and after the write, all in flight together.
    const before = Array.from({ length: 10 }, () => get(app, url))
    const written = patch(app, url.split('/').at(-1) as string, { ...editor, 'if-match': etag }, { name: { zh: name } })
    const during = Array.from({ length: 10 }, () => get(app, url))
    const response = await written
    t.equal(response.statusCode, 200)
    etag = String(response.headers.etag)
    await Promise.all([...before, ...during])
    const after = await get(app, url)
    t.equal(after.json<{ name: string }>().name, name, `round ${round}: the read after the write's answer has it`)
    t.equal(after.headers.etag, etag)
  }
})

t.test('an answer read before the generation moved on is not kept, whenever it ends', async (t) => {
  // The interleaving a server meets under load, made to happen: A reads, the directory changes, B
  // reads the change and is answered, then A ends. A's older answer must not be kept for C.
  let generation = '1'
  let value = 'old'
  let release = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let aRead = () => {}
  const aHasRead = new Promise<void>((resolve) => {
    aRead = resolve
  })
  const app = Fastify()
  app.decorate('clock', () => new Date('2026-12-01T00:00:00Z'))
  await app.register(
    fp(
      async (instance) => {
        instance.decorate('metrics', new Registry())
      },
      { name: 'metrics' },
    ),
  )
  await app.register(caching)
  await app.register(answerCache, { maxBytes: 1 << 20, generation: () => generation })
  app.get('/value', { config: { keepAnswers: true } }, async (request) => {
    const read = value
    if (request.headers['x-slow'] !== undefined) {
      aRead()
      await gate
    }
    return { value: read }
  })
  t.teardown(() => app.close())

  // Asked once before, so A's answer is one to keep.
  t.same((await app.inject({ url: '/value' })).json(), { value: 'old' })
  const a = app.inject({ url: '/value', headers: { 'x-slow': '1' } })
  await aHasRead
  generation = '2'
  value = 'new'
  t.same((await app.inject({ url: '/value' })).json(), { value: 'new' }, 'B reads the change')
  release()
  t.same((await a).json(), { value: 'old' }, 'A ends with what it read')
  t.same((await app.inject({ url: '/value' })).json(), { value: 'new' }, 'C is not sent A’s older answer')
  t.same((await app.inject({ url: '/value' })).json(), { value: 'new' }, 'nor is D, sent what C kept')
})
