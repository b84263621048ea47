// The residents' pages over HTTP: status codes, languages, caching, security headers, escaping,
// structured data, the sitemap and the page weight budget. (What a person sees in a browser is
// in flows.test.ts; accessibility in accessibility.test.ts.)
import t from 'tap'
import { words } from '../../src/web/i18n.js'
import { addFacility, build, forEachDatabase, keyFor, postStatus } from '../helper.js'

const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const stylesheetOf = (body: string) => /<link rel="stylesheet" href="([^"]+)">/.exec(body)?.[1] ?? ''

forEachDatabase(t, 'pages', async (t, engine) => {
  const app = await build(t, engine)
  const hostile = await addFacility(app, {
    slug: 'hostile-name',
    name: { zh: '<script>alert(1)</script>幼儿园', en: '"><img src=x onerror=alert(1)>' },
    description: { zh: '</script><script>alert(2)</script>' },
    category: 'kindergarten',
    status: 'under_construction',
    dates: { opening: { planned: { edtf: '2026-34' }, expected: { edtf: '2026-36' } } },
  })

  t.test('home in Chinese and English, cached like the API', async (t) => {
    const zh = await app.inject({ url: '/', headers: { host: 'linli.example' } })
    t.equal(zh.statusCode, 200)
    t.equal(zh.headers['content-type'], 'text/html; charset=utf-8')
    t.equal(zh.headers['content-security-policy'], csp)
    t.equal(zh.headers['cache-control'], 'public, max-age=60')
    t.match(zh.body, /^<!doctype html>\n<html lang="zh-Hans">/)
    t.match(zh.body, '<link rel="canonical" href="http://linli.example/">')
    t.match(zh.body, '<link rel="alternate" hreflang="en" href="http://linli.example/en/">')
    t.match(zh.body, '<meta property="og:title" content="邻里 · 平湖街道设施查询">')
    t.notMatch(zh.body, /<script>|<script [^>]*>[^<]/, 'no inline script')
    const again = await app.inject({ url: '/', headers: { host: 'linli.example', 'if-none-match': String(zh.headers.etag) } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
    const en = await app.inject({ url: '/en/', headers: { host: 'linli.example' } })
    t.match(en.body, /^<!doctype html>\n<html lang="en">/)
    t.match(en.body, '<link rel="canonical" href="http://linli.example/en/">')
    t.match(en.body, '<link rel="alternate" hreflang="zh-Hans" href="http://linli.example/">')
  })

  t.test('every value is escaped, in HTML and in JSON-LD', async (t) => {
    for (const url of ['/facilities/hostile-name', '/en/facilities/hostile-name', '/search?q=alert', '/projects']) {
      const response = await app.inject({ url })
      t.equal(response.statusCode, 200, url)
      t.notMatch(response.body, '<script>alert', url)
      t.notMatch(response.body, '<img src=x', url)
    }
    const page = await app.inject({ url: '/facilities/hostile-name' })
    t.match(page.body, '<h1>&lt;script&gt;alert(1)&lt;/script&gt;幼儿园')
    const ld = /<script type="application\/ld\+json">(.*?)<\/script>/.exec(page.body)?.[1] ?? ''
    t.notMatch(ld, '</script', 'the data block cannot be ended by the data')
    t.same(JSON.parse(ld), {
      '@context': 'https://schema.org',
      '@type': 'Preschool',
      name: '<script>alert(1)</script>幼儿园',
      alternateName: '"><img src=x onerror=alert(1)>',
      url: 'http://localhost:80/facilities/hostile-name',
      description: '</script><script>alert(2)</script>',
      containedInPlace: { '@type': 'AdministrativeArea', name: '平湖街道' },
    })
    const search = await app.inject({ url: `/search?q=${encodeURIComponent('"><b>x')}` })
    t.match(search.body, 'value="&quot;&gt;&lt;b&gt;x"', 'the query comes back escaped in the form')
  })

  t.test('opening dates are said with their precision', async (t) => {
    const zh = await app.inject({ url: '/search?q=alert' })
    t.match(zh.body, '<li>预计开放 2026年第四季度</li>')
    const en = await app.inject({ url: '/en/search?q=alert' })
    t.match(en.body, '<li>Expected to open Q4 2026</li>')
    const page = await app.inject({ url: '/facilities/hostile-name' })
    t.match(page.body, '<dt>原计划</dt><dd>2026年第二季度</dd><dt>预计</dt><dd>2026年第四季度</dd>')
    t.match(page.body, '<p class="delayed">已推迟</p>')
  })

  t.test('a scheduled status change is announced on the page', async (t) => {
    const editor = await keyFor(app, 'editor')
    const scheduled = await postStatus(
      app,
      hostile.id,
      { ...editor, 'if-match': '"1"' },
      {
        status: 'operational',
        effectiveAt: '2030-09-01T00:00:00+08:00',
        reason: 'opening day announced',
      },
    )
    t.equal(scheduled.statusCode, 202)
    const zh = await app.inject({ url: '/facilities/hostile-name' })
    t.match(zh.body, '<p class="notice">计划于 2030年9月1日 00:00 变为“运营中”</p>')
    const en = await app.inject({ url: '/en/facilities/hostile-name' })
    t.match(en.body, '<p class="notice">Becomes “Operational” on 1 September 2030, 00:00</p>')
  })

  t.test('not found and bad requests are pages in the language of the URL, with their status', async (t) => {
    const cases: [string, number, string, string][] = [
      ['/no-such-page', 404, 'zh-Hans', '找不到此页面'],
      ['/en/no-such-page', 404, 'en', 'Page not found'],
      ['/facilities/no-such-facility', 404, 'zh-Hans', '找不到此页面'],
      ['/en/areas/atlantis', 404, 'en', 'Page not found'],
      ['/no/such/deep/page', 404, 'zh-Hans', '找不到此页面'],
      ['/search?category=castle', 400, 'zh-Hans', '无法理解这个请求'],
      ['/en/search?cursor=garbage', 400, 'en', 'This request could not be understood'],
      ['/search?area=atlantis', 400, 'zh-Hans', '无法理解这个请求'],
    ]
    for (const [url, status, lang, title] of cases) {
      const response = await app.inject({ url })
      t.equal(response.statusCode, status, url)
      t.equal(response.headers['content-type'], 'text/html; charset=utf-8', url)
      t.equal(response.headers['cache-control'], 'no-store', url)
      t.match(response.body, `<html lang="${lang}">`, url)
      t.match(response.body, `<h1>${title}</h1>`, url)
      t.match(response.body, '<meta name="robots" content="noindex">', url)
    }
    for (const url of ['/v1/no-such-thing', '/v2/facilities', '/health/nothing', '/hsds/nothing']) {
      const api = await app.inject({ url })
      t.equal(api.statusCode, 404, url)
      t.equal(api.headers['content-type'], 'application/problem+json; charset=utf-8', `${url}: the API keeps its problems`)
    }
  })

  /** How many facilities the directory holds now (earlier subtests add some), as the API counts them. */
  const directorySize = async () => ((await app.inject({ url: '/v1/facilities/facets' })).json() as { total: number }).total

  t.test('empty form fields mean "any"', async (t) => {
    const response = await app.inject({ url: '/search?q=&category=&status=&area=&age=&sort=relevance' })
    t.equal(response.statusCode, 200)
    t.match(response.body, `找到 ${await directorySize()} 个结果`, 'every facility, as the API counts them')
  })

  t.test('a results page counts up to a cap, and says "more than" past it', async (t) => {
    const size = await directorySize()
    const now = app.clock()
    const everything = {}
    t.same(await app.facilities.countMatches(everything, { now, cap: 1000 }), { count: size, atLeast: false })
    t.same(await app.facilities.countMatches(everything, { now, cap: 5 }), { count: 5, atLeast: true }, 'counted no further')
    const kindergartens = (await app.inject({ url: `/v1/facilities/facets?q=${encodeURIComponent('幼儿园')}` })).json().total as number
    t.ok(kindergartens < 5)
    t.same(
      await app.facilities.countMatches({ q: '幼儿园' }, { now, cap: 5 }),
      { count: kindergartens, atLeast: false },
      'as the API counts',
    )
    t.equal(words['zh-Hans'].resultCountAtLeast(1000), '找到 1000 个以上结果')
    t.equal(words.en.resultCountAtLeast(1000), 'more than 1,000 results')
  })

  t.test('assets: fingerprinted, cached for a year; the results page within 30 KB with its stylesheet', async (t) => {
    const page = await app.inject({ url: '/search?sort=name' })
    t.equal((page.body.match(/class="card"/g) ?? []).length, 20, 'a full page')
    const css = await app.inject({ url: stylesheetOf(page.body) })
    t.equal(css.statusCode, 200)
    t.equal(css.headers['content-type'], 'text/css; charset=utf-8')
    t.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable')
    const bytes = Buffer.byteLength(page.body) + Buffer.byteLength(css.body)
    t.ok(bytes <= 30 * 1024, `${bytes} bytes of HTML and CSS`)
    const missing = await app.inject({ url: '/assets/site.0000000000.css' })
    t.equal(missing.statusCode, 404)
  })

  t.test('sitemap.xml and robots.txt', async (t) => {
    const sitemap = await app.inject({ url: '/sitemap.xml', headers: { host: 'linli.example' } })
    t.equal(sitemap.statusCode, 200)
    t.equal(sitemap.headers['content-type'], 'application/xml; charset=utf-8')
    t.match(sitemap.body, '<url><loc>http://linli.example/facilities/south-china-hospital</loc>')
    t.match(sitemap.body, '<url><loc>http://linli.example/en/facilities/south-china-hospital</loc>')
    t.match(sitemap.body, '<xhtml:link rel="alternate" hreflang="en" href="http://linli.example/en/projects"/>')
    t.equal(
      (sitemap.body.match(/<url>/g) ?? []).length,
      2 * (3 + 5 + (await directorySize())),
      'in both languages: 3 pages, 5 areas, every facility',
    )
    const robots = await app.inject({ url: '/robots.txt', headers: { host: 'linli.example' } })
    t.equal(robots.body, 'User-agent: *\nAllow: /\nSitemap: http://linli.example/sitemap.xml\n')
  })
})
