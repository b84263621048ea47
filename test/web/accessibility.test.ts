// axe-core in Chromium on every page type, in both languages: no WCAG 2.2 A/AA violations.
import t from 'tap'
import { addFacility, build, forOneDatabase } from '../helper.js'
import { axeContext, axeViolations, launchBrowser, listen } from './browser.js'

const pageTypes = [
  '/',
  '/search?q=youeryuan',
  '/search?category=kindergarten&hasCapacity=true&age=4',
  '/search?q=zzzzqqqq',
  '/facilities/south-china-hospital',
  '/facilities/axe-kindergarten',
  '/facilities/metro-line-10-eastern-extension',
  '/projects',
  '/areas/pinghu',
  '/areas/hehua',
  '/facilities/pinghu-new-affordable-childcare-centre',
  '/search?place=hehua',
  '/search?place=nowhere',
  '/about',
  '/no-such-page',
]

forOneDatabase(t, 'axe on every page type', async (t, engine) => {
  const app = await build(t, engine)
  // A place with everything a facility page can show: hours, places, ages, accessibility, contact.
  await addFacility(app, {
    slug: 'axe-kindergarten',
    name: { zh: '无障碍幼儿园', en: 'Accessible Kindergarten' },
    category: 'kindergarten',
    ageRange: { minMonths: 36, maxMonths: 72 },
    accessibility: ['lift', 'accessible_toilet'],
    openingHours: 'Mo-Fr 07:30-17:30',
    phone: '0755-12345678',
    address: { zh: '平湖街道某路 1 号', en: '1 Some Road, Pinghu' },
    capacity: [{ unit: 'places', total: 270, available: 12 }],
    location: { lat: 22.7, lng: 114.124, precision: 'exact' },
  })
  const base = await listen(app)
  const browser = await launchBrowser(t)
  const context = await axeContext(t, browser)
  const page = await context.newPage()
  for (const prefix of ['', '/en']) {
    for (const path of pageTypes) {
      const url = `${base}${prefix}${path}`
      await page.goto(url)
      t.same(await axeViolations(page), [], `${prefix}${path}`)
    }
  }
})
