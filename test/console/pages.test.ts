// The staff console's pages through HTTP, on both databases: what a signed-in staff member sees
// and what each form does — with the session's key's role and scope, through the same services as
// the API — and each form's answer to bad input (the form again, the person's values kept, a
// message next to each wrong field). Security: no CSRF token → refused; a session of another
// key's scope cannot edit outside it; an editor cannot reach the admin pages; a suggestion writes
// nothing by itself.
import t, { type Test } from 'tap'
import type { DatabaseEngine } from '../../src/db/database.js'
import { type App, buildClocked, create, forEachDatabase, keyFor } from '../helper.js'

const formType = { 'content-type': 'application/x-www-form-urlencoded' }

interface Session {
  cookie: string
  csrfToken: string
}

async function signIn(app: App, headers: { authorization: string }): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/staff/session',
    headers: { 'content-type': 'application/json' },
    payload: { key: headers.authorization.slice('Bearer '.length) },
  })
  const cookie = String(response.headers['set-cookie']).split(';')[0] as string
  return { cookie, csrfToken: (response.json() as { csrfToken: string }).csrfToken }
}

const get = (app: App, session: Session | null, url: string) =>
  app.inject({ url, headers: session === null ? {} : { cookie: session.cookie } })

/** A form post as a browser sends it, with the session's CSRF token unless told otherwise. */
function post(app: App, session: Session, url: string, fields: Record<string, string>, withToken = true) {
  const { _csrf: _ignored, ...rest } = fields
  const body = new URLSearchParams({ ...(withToken ? { _csrf: fields._csrf ?? session.csrfToken } : {}), ...rest })
  return app.inject({ method: 'POST', url, headers: { ...formType, cookie: session.cookie }, payload: body.toString() })
}

/** Every value of a form on a page, as the browser would send it (text inputs, selects, textareas, hidden fields, checked boxes). */
function formFields(page: string, action: string): Record<string, string> {
  const start = page.indexOf(`action="${action}"`)
  const form = page.slice(start, page.indexOf('</form>', start))
  const fields: Record<string, string> = {}
  const unescapeHtml = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  for (const [, tag] of form.matchAll(/<input ([^>]*)>/g)) {
    const name = /name="([^"]*)"/.exec(tag as string)?.[1]
    const value = /value="([^"]*)"/.exec(tag as string)?.[1] ?? ''
    const type = /type="([^"]*)"/.exec(tag as string)?.[1]
    if (name === undefined) continue
    if ((type === 'checkbox' || type === 'radio') && !/ checked/.test(tag as string)) continue
    fields[unescapeHtml(name)] = unescapeHtml(value)
  }
  for (const [, name, body] of form.matchAll(/<textarea [^>]*name="([^"]*)"[^>]*>([^<]*)<\/textarea>/g))
    fields[name as string] = unescapeHtml(body as string)
  for (const [, name, options] of form.matchAll(/<select [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    fields[name as string] = unescapeHtml(/<option value="([^"]*)" selected>/.exec(options as string)?.[1] ?? '')
  }
  return fields
}

async function setUp(t: Test, engine: DatabaseEngine) {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const admin = await keyFor(app, 'admin')
  const created = await create(app, admin)
  const facility = created.json() as { id: string; version: number }
  const hehuaEditor = await keyFor(app, 'editor', { areaIds: ['hehua'] })
  const shanxiaEditor = await keyFor(app, 'editor', { areaIds: ['shanxia'] })
  return { app, setNow, admin, facility, hehuaEditor, shanxiaEditor }
}

forEachDatabase(t, 'my facilities: the scope, search, and what needs attention', async (t, engine) => {
  const { app, admin, facility, hehuaEditor, shanxiaEditor } = await setUp(t, engine)
  const signedOut = await get(app, null, `/staff/facilities/${facility.id}`)
  t.equal(signedOut.statusCode, 303, 'a page without a session: to the sign-in form')
  t.equal(signedOut.headers.location, '/staff')

  const hehua = await signIn(app, hehuaEditor)
  const home = await get(app, hehua, '/staff')
  t.equal(home.statusCode, 200)
  t.match(home.headers['content-security-policy'], /script-src 'self'/)
  t.match(home.body, /<h1>我的设施<\/h1>/)
  t.match(home.body, new RegExp(`<a href="/staff/facilities/${facility.id}">禾花阳光幼儿园</a>`), 'its own facility is listed')
  const shanxia = await signIn(app, shanxiaEditor)
  const elsewhere = await get(app, shanxia, '/staff')
  t.notMatch(elsewhere.body, /禾花阳光幼儿园/, "another area's facility is not in another key's list")

  const searched = await get(app, hehua, `/staff?q=${encodeURIComponent('阳光')}&category=kindergarten`)
  t.match(searched.body, /禾花阳光幼儿园/)
  t.match(searched.body, /<option value="kindergarten" selected>/, 'the filters show what was asked')
  const none = await get(app, hehua, `/staff?q=${encodeURIComponent('不存在的名字')}`)
  t.match(none.body, /没有符合条件的设施。/)

  // A change scheduled in a week is "due soon"; a resident's suggestion waits.
  await app.inject({
    method: 'POST',
    url: `/v1/facilities/${facility.id}/status-changes`,
    headers: { ...admin, 'content-type': 'application/json', 'if-match': `"${facility.version}"` },
    payload: { status: 'temporarily_closed', effectiveAt: '2026-12-07T00:00:00+08:00', reason: 'renovation' },
  })
  await app.inject({
    method: 'POST',
    url: '/v1/suggestions',
    headers: { 'content-type': 'application/json' },
    payload: { facilityId: facility.id, message: '电话换了' },
  })
  const attention = await get(app, hehua, '/staff')
  const section = attention.body.slice(attention.body.indexOf('id="attention"'), attention.body.indexOf('id="list"'))
  t.match(section, /禾花阳光幼儿园<\/a>: → 暂停服务, 2026-12-07 00:00/, 'the scheduled change, in Shenzhen time')
  t.match(section, /电话换了/, 'the suggestion waiting')
  t.match(section, /长期未核实/)

  const english = await app.inject({ url: '/staff/language?to=en&back=/staff', headers: { cookie: hehua.cookie } })
  t.equal(english.statusCode, 303)
  t.match(String(english.headers['set-cookie']), /^linli_staff_lang=en; Path=\/staff/)
  const inEnglish = await app.inject({ url: '/staff', headers: { cookie: `${hehua.cookie}; linli_staff_lang=en` } })
  t.match(inEnglish.body, /<html lang="en">/)
  t.match(inEnglish.body, /<h1>My facilities<\/h1>/)
  t.match(inEnglish.body, /Status changes due in the next 14 days/)
})

forEachDatabase(t, 'editing: field-by-field errors, saving with the version, a conflict merged field by field', async (t, engine) => {
  const { app, facility, hehuaEditor, shanxiaEditor } = await setUp(t, engine)
  const anna = await signIn(app, hehuaEditor)
  const bo = await signIn(app, await keyFor(app, 'editor'))
  const url = `/staff/facilities/${facility.id}`
  const page = await get(app, anna, url)
  t.equal(page.statusCode, 200)
  t.match(page.body, /value="禾花阳光幼儿园"/)
  t.match(page.body, /value="Mo-Fr 07:30-17:30"/)
  t.match(page.body, /本周开放时间/, "this week's hours from the saved text")
  t.match(page.body, /aria-current="date">[\s\S]*?11月30日（今天）[\s\S]*?07:30-17:30/, 'dated, today marked, the hours that apply')
  const fields = formFields(page.body, url)
  t.equal(fields.version, '1')
  t.equal(fields['cap.places.total'], '360')

  const forged = await post(app, anna, url, { ...fields, phone: '0755-1' }, false)
  t.equal(forged.statusCode, 403, 'no CSRF token: refused')
  const outsider = await signIn(app, shanxiaEditor)
  t.equal((await get(app, outsider, url)).statusCode, 403, "another area's key cannot open the form")
  const outside = await post(app, outsider, url, { ...fields, _csrf: outsider.csrfToken, phone: '0755-2' })
  t.equal(outside.statusCode, 403, "another area's key cannot save")
  t.match(outside.body, /may edit only facilities in shanxia, not in hehua/)
  t.equal(((await app.inject({ url: `/v1/facilities/${facility.id}` })).json() as { version: number }).version, 1, 'nothing was written')

  const bad = await post(app, anna, url, {
    ...fields,
    _csrf: anna.csrfToken,
    nameZh: '',
    lat: 'north',
    openingHours: 'whenever',
    ageMin: '60',
    ageMax: '24',
    'cap.places.available': '400',
    'date.opening.planned': '2026-13',
    phone: '0755-88886666',
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /class="error-summary"/)
  const messageOf = (name: string) => new RegExp(`<p class="error-message" id="f-${name}-error">([^<]+)</p>`).exec(bad.body)?.[1]
  t.equal(messageOf('nameZh'), '必填')
  t.equal(messageOf('lat'), '必须是数字')
  t.match(messageOf('openingHours'), /not OpenStreetMap opening_hours syntax/, "the API's own message")
  t.equal(messageOf('ageMax'), 'must not be below minMonths')
  t.equal(messageOf('cap-places-available'), 'must not exceed total')
  t.match(messageOf('date-opening-planned'), /./)
  t.match(bad.body, /id="f-lat" name="lat" type="text" value="north"/, "the person's values are kept")
  t.match(bad.body, /value="0755-88886666"/, 'a right value typed with the wrong ones is kept too')
  t.match(bad.body, /id="f-openingHours" name="openingHours" type="text" value="whenever"[^>]*aria-invalid="true"/)

  const saved = await post(app, anna, url, { ...fields, _csrf: anna.csrfToken, phone: '0755-88886666', reason: '电话核实' })
  t.equal(saved.statusCode, 303)
  t.equal(saved.headers.location, `${url}?saved=1`)
  const now = (await app.inject({ url: `/v1/facilities/${facility.id}` })).json() as { version: number; contact: { phone: string } }
  t.same([now.version, now.contact.phone], [2, '0755-88886666'])
  t.match((await get(app, anna, `${url}?saved=1`)).body, /已保存。/)

  // Bo and Anna both read version 2; Bo saves first.
  const annaForm = formFields((await get(app, anna, url)).body, url)
  const boForm = formFields((await get(app, bo, url)).body, url)
  t.equal(
    (await post(app, bo, url, { ...boForm, _csrf: bo.csrfToken, openingHours: 'Mo-Fr 08:00-17:00', phone: '0755-11112222' })).statusCode,
    303,
  )
  const clash = await post(app, anna, url, { ...annaForm, _csrf: anna.csrfToken, phone: '0755-33334444', nameEn: 'Hehua Sun Kindergarten' })
  t.equal(clash.statusCode, 409, 'someone saved first: not overwritten')
  t.match(clash.body, /别人已先保存了这个设施/)
  const row = (field: string) =>
    new RegExp(`<span id="f-pick-${field}-label">[^<]+</span><br><span class="hint">([^<]+)</span>`).exec(clash.body)?.[1]
  t.equal(row('phone'), '双方都改过：请选择')
  t.equal(row('openingHours'), '对方改过')
  t.equal(row('nameEn'), '您改过')
  t.match(clash.body, /<pre>0755-33334444<\/pre>/)
  t.match(clash.body, /<pre>0755-11112222<\/pre>/, 'both values side by side')
  const merge = formFields(clash.body, url)
  t.equal(merge['pick:openingHours'], 'theirs', 'what only they changed: theirs, preselected')
  t.equal(merge['pick:nameEn'], 'mine', 'what only I changed: mine, preselected')
  t.equal(merge['pick:phone'], undefined, 'what both changed: the person chooses')
  const unpicked = await post(app, anna, url, { ...merge, _csrf: anna.csrfToken })
  t.equal(unpicked.statusCode, 409)
  t.match(unpicked.body, /<p class="error-message" id="f-pick-phone-error">请选择保留哪一个值<\/p>/)
  const merged = await post(app, anna, url, { ...merge, _csrf: anna.csrfToken, 'pick:phone': 'mine', reason: 'merged' })
  t.equal(merged.statusCode, 303)
  const result = (await app.inject({ url: `/v1/facilities/${facility.id}`, headers: { 'accept-language': 'en' } })).json() as {
    version: number
    names: { en: string }
    openingHours: string
    contact: { phone: string }
  }
  t.same(
    [result.version, result.names.en, result.openingHours, result.contact.phone],
    [4, 'Hehua Sun Kindergarten', 'Mo-Fr 08:00-17:00', '0755-33334444'],
    "Bo's hours and Anna's name and phone",
  )

  const history = await get(app, anna, `${url}/history`)
  t.equal(history.statusCode, 200)
  t.match(history.body, /merged/)
  t.match(
    history.body,
    /<dt>phone<\/dt><dd><span class="old">0755-11112222<\/span> → <span class="new">0755-33334444<\/span><\/dd>/,
    'old → new',
  )
  t.match(history.body, /电话核实/)
  t.match(history.body, /test editor/, 'who')
})

forEachDatabase(t, 'status changes: now or scheduled, refused by the lifecycle with the rule, cancelled', async (t, engine) => {
  const { app, facility, hehuaEditor, shanxiaEditor } = await setUp(t, engine)
  const session = await signIn(app, hehuaEditor)
  const url = `/staff/facilities/${facility.id}/status`
  const page = await get(app, session, url)
  t.match(page.body, /按生命周期，接下来可以变为：暂停服务、永久关闭/)

  const empty = await post(app, session, url, { version: '1', status: '', when: 'later', date: '2026-12', time: '', reason: '' })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /id="f-status-error">必填</)
  t.match(empty.body, /id="f-reason-error">必填</)
  t.match(empty.body, /id="f-date-error">必填：YYYY-MM-DD|id="f-date-error">必填: YYYY-MM-DD</)
  t.match(empty.body, /value="2026-12"/, 'the value typed is kept')

  const refused = await post(app, session, url, { version: '1', status: 'planned', when: 'now', reason: 'oops' })
  t.equal(refused.statusCode, 422)
  t.match(
    refused.body,
    /id="f-status-error">A kindergarten cannot go from operational to planned; it can go to: temporarily_closed, permanently_closed</,
  )

  const past = await post(app, session, url, {
    version: '1',
    status: 'temporarily_closed',
    when: 'later',
    date: '2026-11-01',
    time: '09:00',
    reason: 'x',
  })
  t.equal(past.statusCode, 400)
  t.match(past.body, /必须是将来的时间/)

  const scheduled = await post(app, session, url, {
    version: '1',
    status: 'temporarily_closed',
    when: 'later',
    date: '2026-12-20',
    time: '08:30',
    reason: '装修',
  })
  t.equal(scheduled.statusCode, 303)
  const listed = await get(app, session, `${url}?done=scheduled`)
  t.match(listed.body, /状态变更已排期。/)
  t.match(listed.body, /→ <strong>暂停服务<\/strong>, 2026-12-20 08:30: 装修/, 'at 08:30 in Shenzhen')
  const changeId = /status\/(\d+)\/cancel/.exec(listed.body)?.[1] as string
  const noReason = await post(app, session, `${url}/${changeId}/cancel`, { [`cancelReason-${changeId}`]: '' })
  t.equal(noReason.statusCode, 400)
  t.match(noReason.body, new RegExp(`id="f-cancelReason-${changeId}-error">必填<`))
  const cancelled = await post(app, session, `${url}/${changeId}/cancel`, { [`cancelReason-${changeId}`]: '装修推迟' })
  t.equal(cancelled.statusCode, 303)
  const after = await get(app, session, `${url}?done=cancelled`)
  t.match(after.body, /没有已排期的变更。/)
  t.match(after.body, /cancelled by test editor: 装修推迟/)

  const now = await post(app, session, url, { version: '1', status: 'temporarily_closed', when: 'now', reason: '停电' })
  t.equal(now.statusCode, 303)
  const facilityNow = (await app.inject({ url: `/v1/facilities/${facility.id}` })).json() as { status: string; version: number }
  t.same([facilityNow.status, facilityNow.version], ['temporarily_closed', 2])
  const outsider = await signIn(app, shanxiaEditor)
  t.equal((await get(app, outsider, url)).statusCode, 403, "another area's key cannot see the status form")
  const outside = await post(app, outsider, url, { version: '2', status: 'operational', when: 'now', reason: '恢复' })
  t.equal(outside.statusCode, 403, "another area's key cannot change the status")
  t.equal(
    (await post(app, session, url, { version: '2', status: 'operational', when: 'now', reason: '恢复' }, false)).statusCode,
    403,
    'no CSRF token: refused',
  )
  const stale = await post(app, session, url, { version: '1', status: 'operational', when: 'now', reason: '恢复' })
  t.equal(stale.statusCode, 412, 'a status change from a page read before another change is refused')
})

forEachDatabase(t, 'keys: admins only; created once, listed with last use, revoked', async (t, engine) => {
  const { app, admin, hehuaEditor } = await setUp(t, engine)
  const editor = await signIn(app, hehuaEditor)
  const refused = await get(app, editor, '/staff/keys')
  t.equal(refused.statusCode, 403, 'an editor cannot reach the admin pages')
  t.match(refused.body, /只有管理员可以管理密钥。/)
  t.equal((await post(app, editor, '/staff/keys', { name: 'x', role: 'admin' })).statusCode, 403)
  t.notMatch((await get(app, editor, '/staff')).body, /href="\/staff\/keys"/, 'and is not offered the link')

  const session = await signIn(app, admin)
  const page = await get(app, session, '/staff/keys')
  t.equal(page.statusCode, 200)
  t.match(page.body, /test editor/)
  t.match(page.body, /<th scope="row">test admin<\/th>[\s\S]*?<\/td><td>2026-11-30 10:00<\/td>\s*<td>/, 'signing in is a use of the key')
  const bad = await post(app, session, '/staff/keys', { name: '', role: 'boss', 'areas.nowhere': 'on' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /id="f-name-error">必填</)
  t.match(bad.body, /id="f-role-error">必填</)
  t.match(bad.body, /nowhere/)
  const created = await post(app, session, '/staff/keys', {
    name: '禾花社区工作站',
    role: 'editor',
    'areas.hehua': 'on',
    'categories.kindergarten': 'on',
  })
  t.equal(created.statusCode, 201)
  const key = /<p class="key-box" id="new-key">(lk_[A-Za-z0-9_-]{43})<\/p>/.exec(created.body)?.[1]
  t.ok(key, 'the key, shown once')
  t.match(created.body, /<script src="\/assets\/copy-key\.[0-9a-f]{10}\.js" defer><\/script>/, 'the copy button, by an external script')
  t.equal(created.headers['cache-control'], 'no-store')
  const newcomer = await signIn(app, { authorization: `Bearer ${key}` })
  t.match((await get(app, newcomer, '/staff')).body, /已登录：禾花社区工作站（编辑）/, 'the key works')
  const listed = await get(app, session, '/staff/keys')
  t.notMatch(listed.body, new RegExp(key as string), 'never shown again')
  const id = /<th scope="row">禾花社区工作站<\/th>[\s\S]*?action="\/staff\/keys\/([0-9a-f-]{36})\/revoke"/.exec(listed.body)?.[1]
  const revoked = await post(app, session, `/staff/keys/${id}/revoke`, {})
  t.equal(revoked.statusCode, 303)
  t.match((await get(app, session, String(revoked.headers.location))).body, /已撤销“禾花社区工作站”的密钥。/)
  t.equal((await get(app, newcomer, '/staff/import')).statusCode, 303, "the revoked key's session has ended")
})

forEachDatabase(
  t,
  'suggestions: reviewed beside the current values, rejected with a reason, accepted through the ordinary write',
  async (t, engine) => {
    const { app, facility, hehuaEditor, shanxiaEditor } = await setUp(t, engine)
    const suggest = (payload: unknown) =>
      app.inject({
        method: 'POST',
        url: '/v1/suggestions',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      })
    await suggest({ facilityId: facility.id, proposal: { openingHours: 'Mo-Fr 08:00-18:00' }, message: '改时间了', contact: '138' })
    await suggest({ facilityId: facility.id, message: '名字写错了' })
    const unchanged = (await app.inject({ url: `/v1/facilities/${facility.id}` })).json() as { version: number; openingHours: string }
    t.same([unchanged.version, unchanged.openingHours], [1, 'Mo-Fr 07:30-17:30'], 'a suggestion writes nothing by itself')

    const outsider = await signIn(app, shanxiaEditor)
    t.notMatch((await get(app, outsider, '/staff/suggestions')).body, /改时间了/, 'outside the scope: not listed')
    const session = await signIn(app, hehuaEditor)
    const list = await get(app, session, '/staff/suggestions')
    t.match(list.body, /改时间了/)
    const ids = [...list.body.matchAll(/href="\/staff\/suggestions\/([0-9a-f-]{36})"/g)].map((m) => m[1] as string)
    const hours = ids.find((id) => list.body.indexOf(id) > list.body.indexOf('改时间了') - 2000) as string
    t.equal((await get(app, outsider, `/staff/suggestions/${ids[0]}`)).statusCode, 403)
    const review = await get(app, session, `/staff/suggestions/${ids[1]}`)
    t.match(review.body, /<pre>Mo-Fr 07:30-17:30<\/pre><\/td><td><pre>Mo-Fr 08:00-18:00<\/pre>/, 'the proposal beside the current value')
    t.match(review.body, /<dd>138<\/dd>/, 'contact details, for the staff')
    const noReason = await post(app, session, `/staff/suggestions/${ids[0]}/decision`, { decision: 'reject', rejectReason: '' })
    t.equal(noReason.statusCode, 400)
    t.match(noReason.body, /id="f-rejectReason-error">必填</)
    t.equal(
      (await post(app, session, `/staff/suggestions/${ids[0]}/decision`, { decision: 'reject', rejectReason: '名字没错' })).statusCode,
      303,
    )
    const stale = await post(app, session, `/staff/suggestions/${ids[1]}/decision`, { decision: 'accept', version: '9' })
    t.equal(stale.statusCode, 412)
    t.match(stale.body, /The facility is at version 1, not 9/)
    const accepted = await post(app, session, `/staff/suggestions/${ids[1]}/decision`, {
      decision: 'accept',
      version: '1',
      reason: '电话核实',
    })
    t.equal(accepted.statusCode, 303)
    const now = (await app.inject({ url: `/v1/facilities/${facility.id}` })).json() as { version: number; openingHours: string }
    t.same([now.version, now.openingHours], [2, 'Mo-Fr 08:00-18:00'])
    t.match((await get(app, session, `/staff/facilities/${facility.id}/history`)).body, new RegExp(`suggestion ${ids[1]}: 电话核实`))
    t.ok(hours)
  },
)

forEachDatabase(t, 'import: a preview table, then all or nothing', async (t, engine) => {
  const { app, hehuaEditor } = await setUp(t, engine)
  const session = await signIn(app, hehuaEditor)
  const upload = (url: string, parts: Record<string, string>, file?: string, withToken = true) => {
    const boundary = '----linli-test-boundary'
    const lines: string[] = []
    for (const [name, value] of Object.entries({ ...(withToken ? { _csrf: session.csrfToken } : {}), ...parts })) {
      lines.push(`--${boundary}`, `Content-Disposition: form-data; name="${name}"`, '', value)
    }
    if (file !== undefined) {
      lines.push(`--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="list.csv"', 'Content-Type: text/csv', '', file)
    }
    lines.push(`--${boundary}--`, '')
    return app.inject({
      method: 'POST',
      url,
      headers: { cookie: session.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: lines.join('\r\n'),
    })
  }
  const csv =
    'external_id,name_zh,category,area,status,opening_hours\nIMP-1,禾花新托育中心,childcare,hehua,operational,Mo-Fr 08:00-18:00\nIMP-2,禾花二号托育,childcare,hehua,operational,\n'
  t.equal((await upload('/staff/import', {}, csv, false)).statusCode, 403, 'no CSRF token: refused')
  const nothing = await upload('/staff/import', {})
  t.equal(nothing.statusCode, 400)
  t.match(nothing.body, /id="f-file-error">请选择一个 .csv 或 .ndjson 文件</)

  const preview = await upload('/staff/import', {}, csv)
  t.equal(preview.statusCode, 200)
  t.match(preview.body, /新建 2，更新 0，不变 0，有错误 0/)
  t.match(preview.body, /<tr><th scope="row">1<\/th><td>IMP-1<\/td><td>新建<\/td>/)
  const listed = async () => (await get(app, session, `/staff?q=${encodeURIComponent('托育')}`)).body
  t.notMatch(await listed(), /禾花新托育中心/, 'a preview writes nothing')
  const confirm = formFields(preview.body, '/staff/import/confirm')
  t.equal(confirm.content, csv)
  const tampered = await upload('/staff/import/confirm', { ...confirm, _csrf: session.csrfToken, content: csv.replace('IMP-2', 'IMP-3') })
  t.equal(tampered.statusCode, 400, 'only the file previewed is imported')
  const done = await upload('/staff/import/confirm', { ...confirm, _csrf: session.csrfToken })
  t.equal(done.statusCode, 200)
  t.match(done.body, /已导入：2 行。/)
  t.match(await listed(), /禾花新托育中心/)

  const ndjson = `${JSON.stringify({ externalId: 'IMP-1', phone: '0755-12345678' })}\n${JSON.stringify({ externalId: 'IMP-2' })}\n`
  const lines = await upload('/staff/import', {}, ndjson)
  t.match(lines.body, /新建 0，更新 1，不变 1，有错误 0/, 'NDJSON: merged into the facilities by external id')

  const broken =
    'external_id,name_zh,category,area,status,lat\nIMP-4,坏行,childcare,hehua,operational,north\nIMP-5,外区,childcare,shanxia,operational,\n'
  const errors = await upload('/staff/import', {}, broken)
  t.match(errors.body, /有错误 2/)
  t.match(
    errors.body,
    /<th scope="row">1<\/th><td>—<\/td><td>有错误<\/td>\s*<td><ul><li><code>\/location\/lat<\/code>: lat &quot;north&quot; is not a number/,
    'every error with its row and field',
  )
  t.match(errors.body, /<th scope="row">2<\/th><td>IMP-5<\/td><td>有错误<\/td>/, 'outside the scope')
  t.notMatch(errors.body, /action="\/staff\/import\/confirm"/, 'nothing to confirm')
})
