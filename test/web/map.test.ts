// The map in Chromium, against a stub tile server on this machine (any /z/x/y.png answers a
// small PNG): it shows on results and facility pages, draws a dot for each exact place and a
// dashed circle (never a pin) for approximate ones, and its tiles come from the configured
// server, which the Content-Security-Policy allows for images only. Without MAP_TILE_URL there
// is no map at all, and without JavaScript the map stays hidden while the list works.
import http from 'node:http'
import { gzipSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { addFacility, build, forOneDatabase, type App } from '../helper.js'
import { axeContext, axeViolations, launchBrowser, listen } from './browser.js'

// A 1×1 PNG.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64')

async function stubTileServer(t: Test) {
  const requested: string[] = []
  const server = http.createServer((request, response) => {
    requested.push(request.url ?? '')
    if (/^\/\d+\/\d+\/\d+\.png$/.test(request.url ?? '')) {
      response.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(png)
    } else response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { origin: `http://127.0.0.1:${address.port}`, requested }
}

async function addExactKindergartens(app: App) {
  for (const [slug, zh, lat] of [
    ['map-north-kindergarten', '北苑幼儿园', 22.7],
    ['map-south-kindergarten', '南苑幼儿园', 22.68],
  ] as const) {
    await addFacility(app, {
      slug,
      name: { zh, en: slug },
      category: 'kindergarten',
      location: { lat, lng: 114.124, precision: 'exact' },
    })
  }
}

forOneDatabase(t, 'the map', async (t, engine) => {
  const tiles = await stubTileServer(t)
  const app = await build(t, engine, {
    mapTiles: { url: `${tiles.origin}/{z}/{x}/{y}.png`, attribution: '© Stub Tiles <b>not markup</b>', gcj02: false },
  })
  await addExactKindergartens(app)
  const base = await listen(app)
  const browser = await launchBrowser(t)

  t.test('results: the map shows, a dot per exact place, one dashed circle for the approximate ones, tiles from the stub', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    const blocked: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text())
    })
    await page.goto(`${base}/search?category=kindergarten`)
    const cards = await page.locator('.card h3').allTextContents()
    t.ok(cards.includes('北苑幼儿园') && cards.includes('融湖盛世幼儿园'), 'the list: exact and approximate places')
    await page.locator('.map .leaflet-tile-loaded').first().waitFor()
    t.ok(await page.locator('.map').isVisible(), 'the map is shown')
    t.ok(
      tiles.requested.some((url) => /^\/\d+\/\d+\/\d+\.png$/.test(url)),
      'tiles were asked of the configured server',
    )
    // Two exact places: two dots. The seed's kindergartens all sit at the centre of Pinghu: one dashed circle.
    const shapes = page.locator('.map path.leaflet-interactive:not(.map-origin)')
    const dashed = await shapes.evaluateAll((paths) => paths.map((path) => path.getAttribute('stroke-dasharray')))
    t.same(dashed.filter((d) => d === null).length, 2, 'a dot for each exact place')
    t.same(
      dashed.filter((d) => d !== null),
      ['6 6'],
      'one dashed circle for the approximate ones',
    )
    t.equal(await page.locator('.map figcaption').textContent(), '虚线圆圈是大致位置（所在地区的中心），不是准确地址；圆圈大小不代表范围。')
    t.equal(await page.locator('.leaflet-control-attribution').textContent(), '© Stub Tiles <b>not markup</b>', 'the credit, as text')
    t.equal(await page.locator('.leaflet-marker-icon').count(), 0, 'no pins')
    // The circle's popup names the places and says they are approximate.
    await page.locator('.map path.leaflet-interactive[stroke-dasharray]').click({ force: true })
    const popup = page.locator('.leaflet-popup-content')
    t.equal(await popup.locator('p').textContent(), '大致位置（所在地区的中心），不是准确地址：')
    t.ok((await popup.locator('li a').allTextContents()).includes('融湖盛世幼儿园'))
    t.same(blocked, [], 'nothing was blocked by the Content-Security-Policy')
  })

  t.test('near a position or a typed place: the point distances are measured from is on the map too', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    const origin = page.locator('.map path.map-origin')
    await page.goto(`${base}/en/search?category=kindergarten&near=22.715,114.124&sort=distance`)
    await page.locator('.map .leaflet-tile-loaded').first().waitFor()
    t.equal(await origin.count(), 1)
    await origin.click({ force: true })
    t.equal(await page.locator('.leaflet-popup-content').textContent(), 'Your position')
    await page.goto(`${base}/search?category=kindergarten&place=${encodeURIComponent('禾花')}`)
    await page.locator('.map .leaflet-tile-loaded').first().waitFor()
    await origin.click({ force: true })
    t.equal(await page.locator('.leaflet-popup-content').textContent(), '禾花社区：平湖街道的大致中心（距离由此算起）')
    await page.goto(`${base}/search?category=kindergarten`)
    await page.locator('.map .leaflet-tile-loaded').first().waitFor()
    t.equal(await origin.count(), 0, 'none when the list is not measured from anywhere')
  })

  t.test('a facility page: an exact place is a dot; an approximate one a circle with the note', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/en/facilities/map-north-kindergarten`)
    await page.locator('.map .leaflet-tile-loaded').first().waitFor()
    t.equal(await page.locator('.map path.leaflet-interactive').count(), 1)
    t.equal(await page.locator('.map path.leaflet-interactive').getAttribute('stroke-dasharray'), null)
    t.equal(await page.locator('.map figcaption').textContent(), 'The map shows the same places as the list.')
    t.equal(await page.getByRole('button', { name: 'Zoom in' }).count(), 1, 'the controls speak the page language')
    await page.goto(`${base}/facilities/south-china-hospital`)
    await page.locator('.map .leaflet-tile-loaded').first().waitFor()
    t.equal(await page.locator('.map path.leaflet-interactive').getAttribute('stroke-dasharray'), '6 6')
    t.equal(await page.getByRole('button', { name: '放大' }).count(), 1)
  })

  t.test('axe-core: no WCAG 2.2 A/AA violations with the map shown', async (t) => {
    const context = await axeContext(t, browser)
    const page = await context.newPage()
    for (const path of [
      '/search?category=kindergarten',
      '/en/search?category=kindergarten',
      '/facilities/map-north-kindergarten',
      '/en/facilities/south-china-hospital',
    ]) {
      await page.goto(`${base}${path}`)
      await page.locator('.map .leaflet-tile-loaded').first().waitFor()
      t.same(await axeViolations(page), [], path)
    }
  })

  t.test('the policy allows the tile server for images, and nothing else new', async (t) => {
    const response = await app.inject({ url: '/search?category=kindergarten' })
    t.equal(
      response.headers['content-security-policy'],
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: ${tiles.origin}; connect-src 'self'; ` +
        "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )
    const leaflet = /<script src="(\/assets\/leaflet\.[0-9a-f]{10}\.js)" defer>/.exec(response.body)?.[1] ?? ''
    const script = await app.inject({ url: leaflet })
    t.equal(script.statusCode, 200, 'Leaflet is served by the app')
    t.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.match(script.body, 'Leaflet 1.9')
  })

  t.test('weight: the results page with its map within 30 KB of HTML and CSS, scripts outside the map within 50 KB gzipped', async (t) => {
    const page = await app.inject({ url: '/search?sort=name' })
    t.equal((page.body.match(/class="card"/g) ?? []).length, 20, 'a full page')
    const stylesheet = /<link rel="stylesheet" href="([^"]+)">/.exec(page.body)?.[1] ?? ''
    const css = await app.inject({ url: stylesheet })
    // Leaflet's own stylesheet is loaded by the map script, with the map: not before it is needed.
    const bytes = Buffer.byteLength(page.body) + Buffer.byteLength(css.body)
    t.ok(bytes <= 30 * 1024, `${bytes} bytes of HTML and CSS`)
    // Every script of the page types that have scripts: results, a facility, home.
    const bodies = [
      page.body,
      ...(await Promise.all(['/facilities/map-north-kindergarten', '/'].map(async (url) => (await app.inject({ url })).body))),
    ]
    const scripts = [...new Set(bodies.flatMap((body) => [...body.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1] ?? '')))]
    const sizes = await Promise.all(
      scripts.map(async (src) => ({ src, gzipped: gzipSync((await app.inject({ url: src })).rawPayload).length })),
    )
    const isMap = (src: string) => /\/assets\/(leaflet|map)\./.test(src)
    t.equal(sizes.filter((size) => isMap(size.src)).length, 2, 'Leaflet and the map script')
    t.equal(sizes.length, 3, 'and near me')
    const outside = sizes.filter((size) => !isMap(size.src)).reduce((sum, size) => sum + size.gzipped, 0)
    t.ok(outside <= 50 * 1024, `${outside} bytes gzipped outside the map`)
    const map = sizes.filter((size) => isMap(size.src)).reduce((sum, size) => sum + size.gzipped, 0)
    t.ok(map < 50 * 1024, `the map: ${map} bytes gzipped`)
  })

  t.test('without JavaScript: no map is shown, the list works', async (t) => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    t.teardown(() => context.close())
    const page = await context.newPage()
    const before = tiles.requested.length
    await page.goto(`${base}/search?category=kindergarten`)
    t.ok((await page.locator('.card').count()) > 2)
    t.equal(await page.locator('.map').isVisible(), false, 'the hidden map stays hidden: no empty box')
    t.equal(tiles.requested.length, before, 'no tile asked for')
  })
})

forOneDatabase(t, 'no tiles configured', async (t, engine) => {
  const app = await build(t, engine)
  await addExactKindergartens(app)
  const base = await listen(app)
  const browser = await launchBrowser(t)
  const context = await browser.newContext()
  t.teardown(() => context.close())
  const page = await context.newPage()
  for (const path of ['/search?category=kindergarten', '/facilities/map-north-kindergarten']) {
    await page.goto(`${base}${path}`)
    t.equal(await page.locator('.map, .leaflet-container, [data-place]').count(), 0, `${path}: no map element at all`)
    t.equal(await page.locator('script[src*="leaflet"], script[src*="/map."]').count(), 0, `${path}: no map script`)
  }
  t.ok((await page.locator('h1').textContent())?.startsWith('北苑幼儿园'), 'the page itself is whole')
  const response = await app.inject({ url: '/search?category=kindergarten' })
  t.match(response.headers['content-security-policy'], "img-src 'self' data:;")
})
