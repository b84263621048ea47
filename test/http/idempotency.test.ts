// Idempotency-Key on both databases: a retried write replays its first answer instead of writing
// twice; the same key with another request, or while the first is still being answered, is refused;
// keys belong to their client and last a day.
import t from 'tap'
import { buildClocked, create, databaseOf, forEachDatabase, keyFor, kindergarten, postStatus, type App } from '../helper.js'

/** How many facilities have the slug (0 or 1: slugs are unique), through the API. */
async function facilitiesWithSlug(app: App, slug: string): Promise<number> {
  const found = await app.inject({ url: `/v1/facilities?q=${encodeURIComponent(kindergarten.name.zh)}` })
  return (found.json() as { data: { slug: string }[] }).data.filter((f) => f.slug === slug).length
}

async function changesOf(app: App, id: string): Promise<string[]> {
  const feed = (await app.inject({ url: '/v1/changes?limit=500' })).json() as { data: { facilityId: string; action: string }[] }
  return feed.data.filter((c) => c.facilityId === id).map((c) => c.action)
}

forEachDatabase(t, 'a create retried with its key is answered once', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const key = { ...editor, 'idempotency-key': '"5b0d1c2e-create-kindergarten"' }

  const first = await create(app, key)
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotent-replayed'], 'the first answer is not a replay')
  const id = (first.json() as { id: string }).id

  const again = await create(app, key)
  t.equal(again.statusCode, 201, 'the retry gets the first answer')
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.body, first.body, 'byte for byte')
  t.equal(again.headers.location, first.headers.location)
  t.equal(again.headers.etag, first.headers.etag, 'the ETag, good for the next write')
  t.match(again.headers['content-type'], /^application\/json/)
  t.equal(await facilitiesWithSlug(app, kindergarten.slug), 1, 'one facility, not two')
  t.same(await changesOf(app, id), ['create'], 'one change in the feed')

  const unquoted = await create(app, { ...editor, 'idempotency-key': '5b0d1c2e-create-kindergarten' })
  t.equal(unquoted.headers['idempotent-replayed'], 'true', 'a bare key and its quoted form are the same key')

  const otherBody = await create(app, key, { ...kindergarten, slug: 'another-kindergarten', externalId: 'LG-KG-0043' })
  t.equal(otherBody.statusCode, 422)
  t.match(otherBody.json(), { code: 'idempotency_key_reused', detail: /another request/ })
  t.equal(await facilitiesWithSlug(app, 'another-kindergarten'), 0, 'nothing written')

  const otherClient = await create(
    app,
    { ...(await keyFor(app, 'editor')), 'idempotency-key': '"5b0d1c2e-create-kindergarten"' },
    {
      ...kindergarten,
      slug: 'another-kindergarten',
      externalId: 'LG-KG-0043',
    },
  )
  t.equal(otherClient.statusCode, 201, "another client's key of the same name is its own")
  t.notOk(otherClient.headers['idempotent-replayed'])

  const plain = await create(app, editor)
  t.equal(plain.statusCode, 409, 'without a key the same body is a second write, refused as a duplicate slug')

  setNow('2026-12-01T02:00:01Z')
  const dayLater = await create(app, key, { ...kindergarten, slug: 'third-kindergarten', externalId: 'LG-KG-0044' })
  t.equal(dayLater.statusCode, 201, 'after 24 hours the key is free again')
  t.notOk(dayLater.headers['idempotent-replayed'])
})

forEachDatabase(t, 'a status change retried with its key happens once, refusals replay too', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  const { id } = created.json() as { id: string }
  const headers = { ...editor, 'if-match': created.headers.etag as string, 'idempotency-key': 'close-for-renovation' }
  const body = { status: 'temporarily_closed', reason: 'renovation' }

  const first = await postStatus(app, id, headers, body)
  t.equal(first.statusCode, 201)
  const again = await postStatus(app, id, headers, body)
  t.equal(again.statusCode, 201, 'not 412 for the If-Match the first request used up')
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json())
  t.same(await changesOf(app, id), ['create', 'status_change'], 'one status change')

  const refusedHeaders = { ...editor, 'if-match': '"2"', 'idempotency-key': 'back-to-planned' }
  const refused = await postStatus(app, id, refusedHeaders, { status: 'planned', reason: 'oops' })
  t.equal(refused.statusCode, 422)
  t.match(refused.json(), { code: 'transition_not_allowed' })
  const refusedAgain = await postStatus(app, id, refusedHeaders, { status: 'planned', reason: 'oops' })
  t.equal(refusedAgain.headers['idempotent-replayed'], 'true', 'a refusal is an answer too')
  t.same(refusedAgain.json(), refused.json())
})

forEachDatabase(t, 'a key whose first request is unanswered is refused, and says why', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const editor = await keyFor(app, 'editor')

  // A request racing itself: the loser is told to retry, or gets the winner's answer.
  const body = { ...kindergarten, slug: 'raced-kindergarten', externalId: 'LG-KG-0099' }
  const raced = await Promise.all([0, 1].map(() => create(app, { ...editor, 'idempotency-key': 'raced' }, body)))
  const statuses = raced.map((r) => r.statusCode).sort()
  t.ok(
    (statuses[0] === 201 && statuses[1] === 201 && raced.some((r) => r.headers['idempotent-replayed'] === 'true')) ||
      (statuses[0] === 201 && statuses[1] === 409),
    `one write, the other replayed or told to retry (got ${statuses.join(', ')})`,
  )
  const loser = raced.find((r) => r.statusCode === 409)
  if (loser !== undefined) t.match(loser.json(), { code: 'idempotency_key_in_use', detail: /still being answered/ })
  t.equal(await facilitiesWithSlug(app, 'raced-kindergarten'), 1)

  // A process that died after the write and before storing its answer leaves the key claimed
  // without one, as here.
  const stuck = { ...editor, 'idempotency-key': 'stuck' }
  t.equal((await create(app, stuck)).statusCode, 201)
  await databaseOf(app).prisma.idempotencyKey.updateMany({ where: { key: 'stuck' }, data: { status: null, body: null } })
  const soon = await create(app, stuck)
  t.equal(soon.statusCode, 409)
  t.match(soon.json(), { code: 'idempotency_key_in_use', detail: /still being answered/ })
  setNow('2026-11-30T02:05:00Z')
  const later = await create(app, stuck)
  t.equal(later.statusCode, 409)
  t.match(later.json(), { code: 'idempotency_key_in_use', detail: /whether it took effect is unknown/ })
  t.equal(await facilitiesWithSlug(app, kindergarten.slug), 1, 'never written twice')
})

forEachDatabase(t, 'a malformed key is refused where the header is named', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const editor = await keyFor(app, 'editor')
  for (const bad of ['', '""', 'x'.repeat(256), 'naïve', 'two words']) {
    const answer = await create(app, { ...editor, 'idempotency-key': bad })
    t.equal(answer.statusCode, 400, JSON.stringify(bad.slice(0, 20)))
    t.match(answer.json(), { code: 'validation_failed', errors: [{ in: 'header', name: 'idempotency-key' }] })
  }
  t.equal(await facilitiesWithSlug(app, kindergarten.slug), 0)
})
