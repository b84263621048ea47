// axe-core in Chromium on every console page, in both languages, and in the states people meet:
// the sign-in form (and its refusal), my facilities, editing (and its errors, and the merge view
// after a conflict), status changes (and their errors), history, import (and its preview), keys
// (and a new key), suggestions (list and review), a refusal (403); and the residents' "suggest a
// correction" form, with its errors and its receipt. No WCAG 2.2 A/AA violations.
import t from 'tap'
import type { Page } from 'playwright-core'
import { buildClocked, create, forOneDatabase, keyFor, patch } from '../helper.js'
import { axeContext, axeViolations, launchBrowser, listen } from '../web/browser.js'

forOneDatabase(t, 'axe on every console page', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const admin = await keyFor(app, 'admin')
  const editor = await keyFor(app, 'editor', { areaIds: ['hehua'] })
  const { id, slug } = (await create(app, admin)).json() as { id: string; slug: string }
  await app.inject({
    method: 'POST',
    url: '/v1/suggestions',
    headers: { 'content-type': 'application/json' },
    payload: { facilityId: id, proposal: { openingHours: 'Mo-Fr 08:00-18:00' }, message: '时间变了', contact: '138' },
  })
  const base = await listen(app)
  const browser = await launchBrowser(t)

  for (const language of ['zh-Hans', 'en']) {
    const context = await axeContext(t, browser)
    if (language === 'en') await context.addCookies([{ name: 'linli_staff_lang', value: 'en', url: `${base}/staff` }])
    const page = await context.newPage()
    const check = async (what: string, expectedStatus?: number, response?: Awaited<ReturnType<Page['goto']>>) => {
      if (expectedStatus !== undefined) t.equal(response?.status(), expectedStatus, `${language} ${what}: status`)
      t.same(await axeViolations(page), [], `${language} ${what}`)
    }
    const submit = async (selector: string) => {
      const [response] = await Promise.all([page.waitForNavigation(), page.locator(selector).click()])
      return response
    }

    await page.goto(`${base}/staff`)
    await check('sign-in')
    await page.fill('#key', 'lk_wrong')
    await submit('form[action="/staff/session"] button')
    await check('sign-in refused')
    await page.fill('#key', admin.authorization.slice(7))
    await submit('form[action="/staff/session"] button')
    await check('my facilities')

    await page.goto(`${base}/staff/facilities/${id}`)
    await check('edit')
    await page.fill('#f-nameZh', '')
    await page.fill('#f-lat', 'north')
    await check('edit with errors', 400, await submit('form[action^="/staff/facilities/"] button[type=submit]'))
    await page.goto(`${base}/staff/facilities/${id}`)
    const version = ((await app.inject({ url: `/v1/facilities/${id}` })).json() as { version: number }).version
    await patch(app, id, { ...admin, 'if-match': `"${version}"` }, { phone: `0755-${language === 'en' ? 1 : 2}` })
    await page.fill('#f-phone', '0755-9')
    await check('merge after a conflict', 409, await submit('form[action^="/staff/facilities/"] button[type=submit]'))

    await page.goto(`${base}/staff/facilities/${id}/status`)
    await check('status')
    await check('status with errors', 400, await submit('form[action$="/status"] button[type=submit]'))
    await page.goto(`${base}/staff/facilities/${id}/history`)
    await check('history')

    await page.goto(`${base}/staff/import`)
    await check('import')
    await page.setInputFiles('#f-file', {
      name: 'list.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'external_id,name_zh,category,area,status\nAX-1,无障碍托育,childcare,hehua,operational\nAX-2,坏行,childcare,nowhere,operational\n',
      ),
    })
    await check('import preview', 200, await submit('form[action="/staff/import"] button'))

    await page.goto(`${base}/staff/keys`)
    await check('keys')
    await page.fill('#f-name', `axe ${language}`)
    await check('key created', 201, await submit('form[action="/staff/keys"] button[type=submit]'))

    await page.goto(`${base}/staff/suggestions`)
    await check('suggestions')
    const review = await page.locator('a[href^="/staff/suggestions/"]').first().getAttribute('href')
    await page.goto(`${base}${review}`)
    await check('suggestion review')

    const editorContext = await axeContext(t, browser)
    if (language === 'en') await editorContext.addCookies([{ name: 'linli_staff_lang', value: 'en', url: `${base}/staff` }])
    const editorPage = await editorContext.newPage()
    await editorPage.goto(`${base}/staff`)
    await editorPage.fill('#key', editor.authorization.slice(7))
    await Promise.all([editorPage.waitForNavigation(), editorPage.locator('form[action="/staff/session"] button').click()])
    const refused = await editorPage.goto(`${base}/staff/keys`)
    t.equal(refused?.status(), 403)
    t.same(await axeViolations(editorPage), [], `${language} refused (403)`)

    const prefix = language === 'en' ? '/en' : ''
    await page.goto(`${base}${prefix}/facilities/${slug}/suggest`)
    await check('suggest a correction')
    await page.fill('#openingHours', 'whenever')
    await check('suggest a correction with errors', 400, await submit('form[action$="/suggest"] button'))
    await page.fill('#openingHours', '')
    await page.fill('#message', `电话不对 ${language}`)
    await check('suggestion received', 200, await submit('form[action$="/suggest"] button'))
  }
})
