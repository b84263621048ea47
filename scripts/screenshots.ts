// Regenerates docs/screenshots/: home, results and a facility page, at a phone's 375×812 and a
// laptop's 1280×800, in Chinese and English; and the staff console's main pages (signed in with a
// key made for the run), at the laptop size, in both languages, and the residents' correction form. The server runs on a fresh in-memory database with
// the seed data plus two kindergartens with exact sites (clearly test data, never committed to
// the seed), in Debian's Chromium. Run: npm run screenshots
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { buildApp } from '../src/app.js'
import { openEmbeddedDatabase } from '../src/db/database.js'
import { prepareDatabase } from '../src/prepare.js'
import type { FacilityInput } from '../src/facilities/schemas.js'
import { projectRoot } from '../src/project-root.js'
import { chromiumFlags, chromiumPath } from '../test/web/browser.js'

const out = path.join(projectRoot, 'docs', 'screenshots')
const database = await openEmbeddedDatabase()
await prepareDatabase(database, { seed: true, log: { info() {} } })
// A fixed moment, so "open now" and today's row do not change between runs: Wednesday 30 September
// 2026, 10:00 in Shenzhen, the day before National Day, so the week shows the holiday.
const app = await buildApp({ database, logLevel: 'warn', rateLimits: false, clock: () => new Date('2026-09-30T02:00:00Z') })
const example: Partial<FacilityInput> = {
  category: 'kindergarten',
  status: 'operational',
  area: 'hehua',
  openingHours: 'Mo-Fr 07:30-17:30; PH off',
}
const sunshine = await app.facilities.create(
  {
    ...example,
    slug: 'example-sunshine-kindergarten',
    name: { zh: '示例阳光幼儿园', en: 'Example Sunshine Kindergarten' },
    ageRange: { minMonths: 36, maxMonths: 72 },
    accessibility: ['step_free_entrance', 'accessible_toilet'],
    capacity: [{ unit: 'places', total: 360, available: 12 }],
    location: { lat: 22.69, lng: 114.12, precision: 'exact' },
  } as FacilityInput,
  { actor: { name: 'screenshots' }, now: new Date('2026-03-01T02:00:00Z') },
)
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`

const pages = {
  home: '/',
  results: '/search?q=youeryuan',
  facility: '/facilities/example-sunshine-kindergarten',
}
const sizes = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 800 } }

await mkdir(out, { recursive: true })
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags })
try {
  for (const [sizeName, viewport] of Object.entries(sizes)) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 })
    const page = await context.newPage()
    for (const [language, prefix] of [
      ['zh', ''],
      ['en', '/en'],
    ]) {
      for (const [name, url] of Object.entries(pages)) {
        await page.goto(`${base}${prefix}${url}`)
        const file = path.join(out, `${name}-${language}-${sizeName}.png`)
        await page.screenshot({ path: file })
        console.log(path.relative(projectRoot, file))
      }
    }
    await context.close()
  }
  await consoleScreenshots()
} finally {
  await browser.close()
  await app.close()
  await database.close()
}

/** The staff console: an editor's day, captured page by page. */
async function consoleScreenshots() {
  const { key } = await app.clients.create({ name: '禾花社区工作站 Hehua station', role: 'admin' })
  const { key: otherKey } = await app.clients.create({ name: '平湖街道办 Pinghu office', role: 'editor' })
  await app.suggestions.submit(
    { facilityId: sunshine.id, proposal: { openingHours: 'Mo-Fr 07:30-18:00' }, message: '现在开到晚上六点 (open until 6 pm now)' },
    new Date('2026-03-03T09:00:00Z'),
  )
  const shot = async (page: import('playwright-core').Page, name: string) => {
    const file = path.join(out, `${name}.png`)
    await page.screenshot({ path: file, fullPage: true })
    console.log(path.relative(projectRoot, file))
  }
  const submit = async (page: import('playwright-core').Page, selector: string) => {
    await Promise.all([page.waitForNavigation(), page.locator(selector).click()])
  }
  for (const language of ['zh', 'en']) {
    const context = await browser.newContext({ viewport: sizes.desktop, deviceScaleFactor: 1 })
    if (language === 'en') await context.addCookies([{ name: 'linli_staff_lang', value: 'en', url: `${base}/staff` }])
    const page = await context.newPage()
    await page.goto(`${base}/staff`)
    await shot(page, `console-sign-in-${language}`)
    await page.fill('#key', key)
    await submit(page, 'form[action="/staff/session"] button')
    await shot(page, `console-facilities-${language}`)
    await page.goto(`${base}/staff/facilities/${sunshine.id}`)
    await page.fill('#f-openingHours', 'weekdays, mornings')
    await page.fill('#f-cap-places-available', '400')
    await submit(page, 'form[action^="/staff/facilities/"] button[type=submit]')
    await shot(page, `console-edit-errors-${language}`)
    // Someone else saves first: the merge view.
    await page.goto(`${base}/staff/facilities/${sunshine.id}`)
    const record = await app.facilities.byId(sunshine.id)
    await app.facilities.update(sunshine.id, (current) => ({ ...current, phone: language === 'en' ? '0755-28881111' : '0755-28882222' }), {
      actor: { clientId: (await app.clients.ofKey(otherKey))?.id },
      ifMatch: [record?.version ?? 0],
      now: new Date('2026-03-04T01:50:00Z'),
    })
    await page.fill('#f-phone', language === 'en' ? '0755-26665678' : '0755-26661234')
    await page.fill('#f-openingHours', language === 'en' ? 'Mo-Fr 07:30-18:30' : 'Mo-Fr 07:30-18:00')
    await submit(page, 'form[action^="/staff/facilities/"] button[type=submit]')
    await shot(page, `console-merge-${language}`)
    await page.locator('input[name="pick:phone"][value="mine"]').check()
    await submit(page, 'form[action^="/staff/facilities/"] button[type=submit]')
    await page.goto(`${base}/staff/facilities/${sunshine.id}/status`)
    await page.locator('#f-status').selectOption('temporarily_closed')
    await page.locator('#when-later').check()
    await page.fill('#f-date', '2026-03-20')
    await page.fill('#f-time', '18:00')
    await page.fill('#f-reason', language === 'en' ? 'Renovation' : '装修')
    await submit(page, 'form[action$="/status"] button[type=submit]')
    await shot(page, `console-status-${language}`)
    await page.goto(`${base}/staff/facilities/${sunshine.id}/history`)
    await shot(page, `console-history-${language}`)
    await page.goto(`${base}/staff/import`)
    await page.setInputFiles('#f-file', {
      name: 'hehua.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `external_id,name_zh,category,area,status,lat\nEX-${language}-1,示例托育点,childcare,hehua,operational,\nEX-${language}-2,示例坏行,childcare,hehua,operational,north\n`,
      ),
    })
    await submit(page, 'form[action="/staff/import"] button')
    await shot(page, `console-import-preview-${language}`)
    await page.goto(`${base}/staff/keys`)
    await page.fill('#f-name', language === 'en' ? 'Example community station' : '示例社区工作站')
    await page.locator('input[name="areas.hehua"]').check()
    await submit(page, 'form[action="/staff/keys"] button[type=submit]')
    await shot(page, `console-keys-${language}`)
    await page.goto(`${base}/staff/suggestions`)
    const review = await page.locator('a[href^="/staff/suggestions/"]').first().getAttribute('href')
    await page.goto(`${base}${review}`)
    await shot(page, `console-suggestion-${language}`)
    await page.goto(`${base}${language === 'en' ? '/en' : ''}/facilities/example-sunshine-kindergarten/suggest`)
    await shot(page, `suggest-${language}`)
    await context.close()
  }
}
