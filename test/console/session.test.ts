// Staff sessions on both databases: a key exchanged for a cookie (HttpOnly, SameSite=Strict,
// Path=/staff, Secure behind a trusted TLS proxy), resolving to the key's own client with its
// role and scope; CSRF tokens on every state-changing request; idle and absolute expiry; sign
// out; revoking the key ends its sessions; failed sign-ins limited per address. And the key
// administration routes for admins.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { enforceContract } from '../contract.js'
import { buildClocked, create, forEachDatabase, keyFor, preparedTestDatabase, type App } from '../helper.js'

const form = { 'content-type': 'application/x-www-form-urlencoded' }

const keyOf = (headers: { authorization: string }) => headers.authorization.slice('Bearer '.length)

async function signIn(app: App, key: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/staff/session',
    headers: { 'content-type': 'application/json' },
    payload: { key },
  })
  const cookie = String(response.headers['set-cookie']).split(';')[0] as string
  return { response, cookie, csrfToken: (response.json() as { csrfToken: string }).csrfToken }
}

forEachDatabase(t, 'a staff member signs in with a key, acts as that key, and signs out', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const admin = await keyFor(app, 'admin')

  const page = await app.inject({ url: '/staff' })
  t.equal(page.statusCode, 200)
  t.match(page.body, /<form method="post" action="\/staff\/session">/, 'a sign-in form that needs no JavaScript')

  const wrong = await app.inject({ method: 'POST', url: '/staff/session', headers: form, payload: 'key=lk_nope' })
  t.equal(wrong.statusCode, 303)
  t.equal(wrong.headers.location, '/staff?signIn=failed')
  t.equal(wrong.headers['set-cookie'], undefined)
  const again = await app.inject({ url: '/staff?signIn=failed' })
  t.equal(again.statusCode, 401)
  t.match(again.body, /role="alert" id="key-error" class="error-message">密钥无效或已撤销</, 'the form again, with why')
  t.match(again.body, /aria-describedby="key-error"/)

  const signedIn = await app.inject({
    method: 'POST',
    url: '/staff/session',
    headers: form,
    payload: `key=${encodeURIComponent(keyOf(admin))}`,
  })
  t.equal(signedIn.statusCode, 303)
  t.equal(signedIn.headers.location, '/staff')
  const setCookie = String(signedIn.headers['set-cookie'])
  t.match(setCookie, /^linli_staff=[A-Za-z0-9_-]{43}; Path=\/staff; HttpOnly; SameSite=Strict; Max-Age=43200$/, 'no Secure over plain HTTP')
  t.notMatch(setCookie, new RegExp(keyOf(admin)), 'the key itself is not in the cookie')
  const cookie = setCookie.split(';')[0] as string

  const home = await app.inject({ url: '/staff', headers: { cookie } })
  t.match(home.body, /已登录：test admin（管理员）/)
  const session = await app.inject({ url: '/staff/session', headers: { cookie } })
  t.equal(session.statusCode, 200)
  const { client, csrfToken, expiresAt } = session.json() as {
    client: { role: string; name: string }
    csrfToken: string
    expiresAt: string
  }
  t.same(client.role, 'admin')
  t.equal(expiresAt, '2026-11-28T14:00:00.000Z')
  t.match(home.body, new RegExp(`name="_csrf" value="${csrfToken}"`))
  t.equal(
    (await app.inject({ url: '/v1/clients', headers: { cookie } })).statusCode,
    401,
    'the cookie is for /staff only: the API needs the key',
  )

  const noToken = await app.inject({ method: 'POST', url: '/staff/sign-out', headers: { ...form, cookie }, payload: '' })
  t.equal(noToken.statusCode, 403, 'no CSRF token: refused')
  t.match(noToken.json(), { code: 'forbidden', detail: /CSRF token/ })
  const wrongToken = await app.inject({ method: 'POST', url: '/staff/sign-out', headers: { ...form, cookie }, payload: '_csrf=forged' })
  t.equal(wrongToken.statusCode, 403, 'a wrong CSRF token: refused')
  t.equal((await app.inject({ url: '/staff/session', headers: { cookie } })).statusCode, 200, 'still signed in')

  setNow('2026-11-28T02:20:00Z')
  t.equal((await app.inject({ url: '/staff/session', headers: { cookie } })).statusCode, 200, 'within the idle time')
  const out = await app.inject({ method: 'POST', url: '/staff/sign-out', headers: { ...form, cookie }, payload: `_csrf=${csrfToken}` })
  t.equal(out.statusCode, 303)
  t.equal(out.headers['set-cookie'], 'linli_staff=; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=0')
  const after = await app.inject({ url: '/staff/session', headers: { cookie } })
  t.equal(after.statusCode, 401, 'signed out: the cookie no longer works')
  t.match(after.json(), { code: 'unauthorized' })
})

forEachDatabase(t, 'sessions expire when idle and at their absolute end, and end with their key', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const admin = await keyFor(app, 'admin')
  const idle = await signIn(app, keyOf(editor))
  t.equal(idle.response.statusCode, 201)
  setNow('2026-11-28T02:31:00Z')
  t.equal((await app.inject({ url: '/staff/session', headers: { cookie: idle.cookie } })).statusCode, 401, 'idle for 31 minutes')

  const busy = await signIn(app, keyOf(editor))
  // A request every 20 minutes keeps it from going idle, until its absolute end (02:31 + 12 h).
  const alive: number[] = []
  for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
    setNow(new Date(Date.parse('2026-11-28T02:31:00Z') + minutes * 60_000).toISOString())
    alive.push((await app.inject({ url: '/staff/session', headers: { cookie: busy.cookie } })).statusCode)
  }
  t.same(new Set(alive), new Set([200]), 'busy for almost twelve hours')
  setNow('2026-11-28T14:31:00Z')
  t.equal((await app.inject({ url: '/staff/session', headers: { cookie: busy.cookie } })).statusCode, 401, 'twelve hours at most')

  setNow('2026-11-29T02:00:00Z')
  const revoked = await signIn(app, keyOf(editor))
  t.equal((await app.inject({ url: '/staff/session', headers: { cookie: revoked.cookie } })).statusCode, 200)
  const list = (await app.inject({ url: '/v1/clients', headers: admin })).json() as { items: { id: string; name: string; role: string }[] }
  const editorId = list.items.find((c) => c.role === 'editor')?.id as string
  const revoke = await app.inject({ method: 'POST', url: `/v1/clients/${editorId}/revoke`, headers: admin })
  t.equal(revoke.statusCode, 200)
  t.equal((revoke.json() as { revokedAt: string }).revokedAt, '2026-11-29T02:00:00.000Z')
  t.equal(
    (await app.inject({ url: '/staff/session', headers: { cookie: revoked.cookie } })).statusCode,
    401,
    'revoking the key ends its sessions',
  )
  t.equal((await signIn(app, keyOf(editor))).response.statusCode, 401, 'and it cannot sign in again')
})

forEachDatabase(t, "a session moderates with its key's scope, and only with a CSRF token", async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const writer = await keyFor(app, 'editor')
  const id = ((await create(app, writer)).json() as { id: string }).id // a kindergarten in hehua
  const submit = async (message: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/suggestions',
      headers: { 'content-type': 'application/json' },
      payload: { facilityId: id, message },
    })
  await submit('电话变了')
  await submit('门口在施工')
  const items = ((await app.inject({ url: '/v1/suggestions', headers: writer })).json() as { items: { id: string }[] }).items
  const [first, second] = items as [{ id: string }, { id: string }]

  const outsider = await signIn(app, keyOf(await keyFor(app, 'editor', { areaIds: ['shanxia'] })))
  const outside = await app.inject({
    method: 'POST',
    url: `/staff/suggestions/${first.id}/reject`,
    headers: { ...form, cookie: outsider.cookie },
    payload: `_csrf=${outsider.csrfToken}&reason=no`,
  })
  t.equal(outside.statusCode, 403, "a session from another area's key cannot moderate outside its scope")
  t.match(outside.json(), { detail: /may edit only facilities in shanxia, not in hehua/ })

  const reader = await signIn(app, keyOf(await keyFor(app, 'reader')))
  const byReader = await app.inject({
    method: 'POST',
    url: `/staff/suggestions/${first.id}/reject`,
    headers: { ...form, cookie: reader.cookie },
    payload: `_csrf=${reader.csrfToken}&reason=no`,
  })
  t.equal(byReader.statusCode, 403, "a reader's session cannot moderate")

  const insider = await signIn(app, keyOf(await keyFor(app, 'editor', { areaIds: ['hehua'] })))
  const forged = await app.inject({
    method: 'POST',
    url: `/staff/suggestions/${first.id}/reject`,
    headers: { ...form, cookie: insider.cookie },
    payload: 'reason=no',
  })
  t.equal(forged.statusCode, 403, 'no CSRF token: refused')
  const crossSession = await app.inject({
    method: 'POST',
    url: `/staff/suggestions/${first.id}/reject`,
    headers: { ...form, cookie: insider.cookie },
    payload: `_csrf=${outsider.csrfToken}&reason=no`,
  })
  t.equal(crossSession.statusCode, 403, "another session's CSRF token: refused")
  t.equal(((await app.inject({ url: `/v1/suggestions/${first.id}`, headers: writer })).json() as { state: string }).state, 'pending')

  const rejected = await app.inject({
    method: 'POST',
    url: `/staff/suggestions/${first.id}/reject`,
    headers: { ...form, cookie: insider.cookie },
    payload: `_csrf=${insider.csrfToken}&reason=${encodeURIComponent('已核实，电话没变')}`,
  })
  t.equal(rejected.statusCode, 303)
  const decided = (await app.inject({ url: `/v1/suggestions/${first.id}`, headers: writer })).json() as {
    state: string
    decision: { reason: string; by: { name: string } }
  }
  t.same([decided.state, decided.decision.reason, decided.decision.by.name], ['rejected', '已核实，电话没变', 'test editor'])

  const accepted = await app.inject({
    method: 'POST',
    url: `/staff/suggestions/${second.id}/accept`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: insider.cookie, 'x-csrf-token': insider.csrfToken },
    payload: 'version=1',
  })
  t.equal(accepted.statusCode, 303, 'the token may come as a header too')
  t.equal(((await app.inject({ url: `/v1/suggestions/${second.id}`, headers: writer })).json() as { state: string }).state, 'accepted')
})

forEachDatabase(t, 'admins administer keys; editors cannot', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const admin = await keyFor(app, 'admin')
  const editor = await keyFor(app, 'editor')
  t.equal((await app.inject({ url: '/v1/clients' })).statusCode, 401)
  t.equal((await app.inject({ url: '/v1/clients', headers: editor })).statusCode, 403, 'an editor cannot reach admin routes')
  const byEditor = await app.inject({ method: 'POST', url: '/v1/clients', headers: editor, payload: { name: 'x', role: 'admin' } })
  t.equal(byEditor.statusCode, 403)
  const editorSession = await signIn(app, keyOf(editor))
  t.equal(editorSession.response.statusCode, 201)

  const created = await app.inject({
    method: 'POST',
    url: '/v1/clients',
    headers: admin,
    payload: { name: '禾花社区工作站', role: 'editor', areas: ['hehua'], categories: ['kindergarten'] },
  })
  t.equal(created.statusCode, 201)
  const { client, key } = created.json() as { client: { id: string; keyPrefix: string }; key: string }
  t.match(key, /^lk_[A-Za-z0-9_-]{43}$/)
  t.same(client, {
    id: client.id,
    name: '禾花社区工作站',
    role: 'editor',
    keyPrefix: key.slice(0, 11),
    areas: ['hehua'],
    categories: ['kindergarten'],
    rateLimitPerMinute: null,
    createdAt: client.id === '' ? '' : (client as unknown as { createdAt: string }).createdAt,
    lastUsedAt: null,
    revokedAt: null,
  })
  t.equal(
    (await app.inject({ url: '/v1/facilities?limit=1', headers: { authorization: `Bearer ${key}` } })).statusCode,
    200,
    'the new key works',
  )
  const listed = (await app.inject({ url: '/v1/clients', headers: admin })).json() as { items: { id: string; lastUsedAt: string | null }[] }
  t.equal(listed.items.length, 3)
  t.notMatch(JSON.stringify(listed), new RegExp(key), 'never the key itself')
  t.equal(listed.items.find((c) => c.id === client.id)?.lastUsedAt === null, false, 'its last use is shown')

  const badArea = await app.inject({
    method: 'POST',
    url: '/v1/clients',
    headers: admin,
    payload: { name: 'x', role: 'editor', areas: ['atlantis'] },
  })
  t.equal(badArea.statusCode, 400)
  t.same((badArea.json() as { errors: unknown }).errors, [
    { in: 'body', name: '/areas/0', message: 'there is no area atlantis; GET /v1/areas lists them' },
  ])
  t.equal(
    (await app.inject({ method: 'POST', url: '/v1/clients/00000000-0000-7000-8000-000000000000/revoke', headers: admin })).statusCode,
    404,
  )
})

forEachDatabase(t, 'sign-ins are limited per address; behind a trusted proxy the cookie is Secure', async (t, engine) => {
  const database = await preparedTestDatabase(t, engine)
  const app = (await buildApp({
    database,
    logLevel: 'silent',
    trustProxy: true,
    rateLimits: { anonymous: 100, reader: 100, editor: 100, admin: 100, signIns: 3 },
  })) as App
  t.teardown(() => app.close())
  await app.ready()
  enforceContract(app)
  const { key } = await app.clients.create({ name: 'staff', role: 'editor' })
  const viaProxy = await app.inject({
    method: 'POST',
    url: '/staff/session',
    headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
    payload: { key },
  })
  t.equal(viaProxy.statusCode, 201)
  t.match(String(viaProxy.headers['set-cookie']), /; Secure$/, 'over TLS at the proxy: Secure')
  for (let attempt = 0; attempt < 2; attempt++) {
    const failed = await app.inject({
      method: 'POST',
      url: '/staff/session',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      payload: { key: 'lk_wrong' },
    })
    t.equal(failed.statusCode, 401)
  }
  const limited = await app.inject({
    method: 'POST',
    url: '/staff/session',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
    payload: { key },
  })
  t.equal(limited.statusCode, 429)
  t.match(limited.json(), { code: 'rate_limited', detail: /^This address may make 3 sign-in attempts per 900 s/ })
  const elsewhere = await app.inject({
    method: 'POST',
    url: '/staff/session',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1' },
    payload: { key },
  })
  t.equal(elsewhere.statusCode, 201, 'the address the trusted proxy names is the one counted')
})
