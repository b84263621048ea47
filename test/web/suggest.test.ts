// "Suggest a correction" on the residents' site, on both databases: the form on every facility
// page, its answer to bad input (the person's values kept, the message next to the field), the
// tracking token shown after, the same suggestions service as the API (nothing changes until an
// editor accepts), and a honeypot a bot fills: refused politely, nothing stored.
import t from 'tap'
import { buildClocked, create, forEachDatabase, keyFor } from '../helper.js'

const form = { 'content-type': 'application/x-www-form-urlencoded' }

forEachDatabase(t, 'a resident suggests a correction from the facility page', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const admin = await keyFor(app, 'admin')
  const { id, slug } = (await create(app, admin)).json() as { id: string; slug: string }
  const waiting = async () =>
    ((await app.inject({ url: `/v1/suggestions?facility=${id}`, headers: admin })).json() as { items: { message: string | null }[] }).items

  const page = await app.inject({ url: `/facilities/${slug}` })
  t.match(page.body, new RegExp(`<a href="/facilities/${slug}/suggest">报告错误</a>`), 'linked from the facility page')
  const english = await app.inject({ url: `/en/facilities/${slug}/suggest` })
  t.equal(english.statusCode, 200)
  t.match(english.body, /<h1>Report a mistake: Hehua Sunshine Kindergarten<\/h1>/)
  t.match(english.body, /<form method="post" action="\/en\/facilities\/hehua-sunshine-kindergarten\/suggest" novalidate>/)
  t.match(english.body, /<div class="visually-hidden-field" aria-hidden="true">/, 'the honeypot, hidden from people')

  const bot = await app.inject({
    method: 'POST',
    url: `/facilities/${slug}/suggest`,
    headers: form,
    payload: new URLSearchParams({ message: 'cheap watches', homepage: 'http://spam.example' }).toString(),
  })
  t.equal(bot.statusCode, 400)
  t.match(bot.body, /无法提交这条纠错。/, 'refused politely')
  t.same(await waiting(), [], 'nothing stored')

  const empty = await app.inject({ method: 'POST', url: `/facilities/${slug}/suggest`, headers: form, payload: 'message=&homepage=' })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /<p class="error-message" id="message-error">请至少填写一项更正，或写下留言<\/p>/)

  const bad = await app.inject({
    method: 'POST',
    url: `/facilities/${slug}/suggest`,
    headers: form,
    payload: new URLSearchParams({ openingHours: 'whenever', message: '时间不对', contact: '138' }).toString(),
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /<p class="error-message" id="openingHours-error">not OpenStreetMap opening_hours syntax/, 'the rule of a staff write')
  t.match(
    bad.body,
    /id="openingHours" name="openingHours" type="text" value="whenever" aria-describedby="openingHours-hint openingHours-error" aria-invalid="true"/,
  )
  t.match(bad.body, /<textarea id="message" name="message" rows="4">时间不对<\/textarea>/, 'the message is kept')
  t.same(await waiting(), [])

  const sent = await app.inject({
    method: 'POST',
    url: `/facilities/${slug}/suggest`,
    headers: form,
    payload: new URLSearchParams({
      openingHours: 'Mo-Fr 08:00-18:00',
      status: '',
      message: '时间不对',
      contact: '138',
      homepage: '',
    }).toString(),
  })
  t.equal(sent.statusCode, 200)
  t.match(sent.body, /谢谢！我们已收到您的纠错。/)
  const token = /<code class="token">(sg_[A-Za-z0-9_-]{22})<\/code>/.exec(sent.body)?.[1] as string
  t.ok(token, 'the tracking token')
  const tracked = (await app.inject({ url: `/v1/suggestions/${token}` })).json() as { state: string; facilityId: string }
  t.same([tracked.state, tracked.facilityId], ['pending', id])
  t.same(
    (await waiting()).map((s) => s.message),
    ['时间不对'],
  )
  const facility = (await app.inject({ url: `/v1/facilities/${id}` })).json() as { version: number; openingHours: string }
  t.same([facility.version, facility.openingHours], [1, 'Mo-Fr 07:30-17:30'], 'nothing changes until an editor accepts')
  t.equal((await app.inject({ url: `/facilities/no-such-place/suggest` })).statusCode, 404)
})
