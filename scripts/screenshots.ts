// Regenerates docs/screenshots/: home, results and a facility page, at a phone's 375×812 and a
// laptop's 1280×800, in Chinese and English. The server runs on a fresh in-memory database with
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
await app.facilities.create(
  {
    ...example,
    slug: 'example-sunshine-kindergarten',
    name: { zh: '示例阳光幼儿园', en: 'Example Sunshine Kindergarten' },
    ageRange: { minMonths: 36, maxMonths: 72 },
    accessibility: ['step_free_entrance', 'accessible_toilet'],
    capacity: [{ unit: 'places', total: 360, available: 12 }],
    location: { lat: 22.69, lng: 114.12, precision: 'exact' },
  } as FacilityInput,
  { actor: { name: 'screenshots' } },
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
} finally {
  await browser.close()
  await app.close()
  await database.close()
}
