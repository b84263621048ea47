// What a resident does on the site, in Chromium against the real server: search by pinyin
// initials, filter kindergartens, "near me", switch language, read a project's timeline, and all
// of it again with JavaScript off. Assertions are on what the page shows.
import t from 'tap'
import type { Page } from 'playwright-core'
import { addFacility, build, forOneDatabase, type App } from '../helper.js'
import { launchBrowser, listen } from './browser.js'

/** Three kindergartens / childcare centres with exact sites, ages and places, north of the seed's centre. */
async function addPlacesForChildren(app: App) {
  await addFacility(app, {
    slug: 'dashu-kindergarten',
    name: { zh: '大树幼儿园', en: 'Dashu Kindergarten' },
    category: 'kindergarten',
    ageRange: { minMonths: 36, maxMonths: 72 },
    capacity: [{ unit: 'places', total: 270, available: 12 }],
    location: { lat: 22.7, lng: 114.124, precision: 'exact' },
  })
  await addFacility(app, {
    slug: 'full-kindergarten',
    name: { zh: '满园幼儿园', en: 'Full Kindergarten' },
    category: 'kindergarten',
    ageRange: { minMonths: 36, maxMonths: 72 },
    capacity: [{ unit: 'places', total: 180, available: 0 }],
    location: { lat: 22.69, lng: 114.124, precision: 'exact' },
  })
  await addFacility(app, {
    slug: 'xiaomiao-childcare',
    name: { zh: '小苗托育中心', en: 'Xiaomiao Childcare Centre' },
    category: 'childcare',
    ageRange: { minMonths: 12, maxMonths: 36 },
    capacity: [{ unit: 'childcare_places', total: 60, available: 5 }],
    location: { lat: 22.71, lng: 114.124, precision: 'exact' },
  })
}

const cardNames = (page: Page) => page.locator('.card h3').allTextContents()

forOneDatabase(t, 'a resident in Chromium', async (t, engine) => {
  const app = await build(t, engine)
  await addPlacesForChildren(app)
  await addFacility(app, {
    slug: 'pinghu-metro-extension',
    name: { zh: '平湖地铁延长线', en: 'Pinghu Metro Extension' },
    category: 'metro',
    status: 'under_construction',
    dates: {
      construction_start: { actual: { edtf: '2024-05' } },
      opening: { planned: { edtf: '2026-34' }, expected: { edtf: '2026-36' } },
    },
  })
  const base = await listen(app)
  const browser = await launchBrowser(t)

  for (const javaScript of [true, false]) {
    t.test(`search hnyy → the hospital (JavaScript ${javaScript ? 'on' : 'off'})`, async (t) => {
      const context = await browser.newContext({ javaScriptEnabled: javaScript, locale: 'zh-CN' })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await page.goto(`${base}/`)
      await page.getByLabel('搜索设施或项目').fill('hnyy')
      await page.getByLabel('搜索设施或项目').press('Enter')
      await page.waitForURL(/\/search\?q=hnyy$/)
      t.equal(await page.locator('.count').textContent(), '找到 1 个结果')
      await page.getByRole('link', { name: '深圳大学附属华南医院' }).click()
      await page.waitForURL(`${base}/facilities/south-china-hospital`)
      t.match(await page.locator('h1').textContent(), /^深圳大学附属华南医院/)
      t.equal(await page.locator('.badge').first().textContent(), '运营中')
      t.match(await page.locator('blockquote').first().textContent(), /建成深圳大学附属华南医院/, 'the source sentence')
    })

    t.test(`kindergartens with places for a 4-year-old (JavaScript ${javaScript ? 'on' : 'off'})`, async (t) => {
      const context = await browser.newContext({ javaScriptEnabled: javaScript })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await page.goto(`${base}/search`)
      await page.getByLabel('类别').selectOption('kindergarten')
      await page.getByLabel('有空余名额').check()
      await page.getByLabel('服务对象年龄（岁）').fill('4')
      await page.getByRole('button', { name: '更新结果' }).click()
      await page.waitForURL(/hasCapacity=true/)
      t.same(await cardNames(page), ['大树幼儿园'])
      t.equal(await page.locator('.count').textContent(), '找到 1 个结果')
      t.equal(await page.getByLabel('服务对象年龄（岁）').inputValue(), '4', 'the form comes back with the values')
      t.ok(await page.getByLabel('有空余名额').isChecked())
    })
  }

  t.test('near me with the browser position → nearest first, distances only where exact', async (t) => {
    const context = await browser.newContext({ geolocation: { latitude: 22.715, longitude: 114.124 }, permissions: ['geolocation'] })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/`)
    await page.getByRole('button', { name: '使用我的位置' }).click()
    await page.waitForURL(/near=22\.71500%2C114\.12400&sort=distance/)
    const exact = page.locator('.results').first().locator('.card')
    t.same(await exact.locator('h3').allTextContents(), ['小苗托育中心', '大树幼儿园', '满园幼儿园'])
    t.same(await exact.locator('.distance').allTextContents(), ['556 米', '1.7 公里', '2.8 公里'])
    // The seed's places are only approximately placed: listed apart, without a distance.
    t.equal(await page.getByRole('heading', { name: '位置不精确的设施（不按距离排序）' }).count(), 1)
    t.ok((await page.getByText('位置为大致位置，未计算距离').count()) > 0)
  })

  t.test('near me without JavaScript: the button stays hidden, a typed community gives places near it, approximately', async (t) => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/`)
    t.equal(await page.getByRole('button', { name: '使用我的位置' }).count(), 0)
    await page.getByLabel('所在社区或街道').fill('禾花社区')
    await page.getByRole('button', { name: '查看' }).click()
    await page.waitForURL(/\/search\?place=%E7%A6%BE%E8%8A%B1%E7%A4%BE%E5%8C%BA$/)
    // 禾花社区 has no centre of its own in the data: the page says it measures from Pinghu's.
    t.equal(
      await page.locator('p.notice').textContent(),
      '按距离列出禾花社区附近的设施。禾花社区的中心位置未知，距离从平湖街道的大致中心算起，仅供参考。',
    )
    // Nearest first from that centre (22.6866, 114.124), every distance flagged as approximate.
    const exact = page.locator('.results').first().locator('.card')
    t.same(await exact.locator('h3').allTextContents(), ['满园幼儿园', '大树幼儿园', '小苗托育中心'])
    t.same(await exact.locator('.distance').allTextContents(), [
      '约 400 米（大致距离）',
      '约 1.5 公里（大致距离）',
      '约 2.6 公里（大致距离）',
    ])
    t.equal(await page.getByRole('heading', { name: '位置不精确的设施（不按距离排序）' }).count(), 1)
    t.equal(await page.getByLabel('排序').inputValue(), 'distance')
    t.equal(await page.getByLabel('所在社区或街道').inputValue(), '禾花社区', 'the form comes back with the place')
    // In English, by its English name without "Community"; and a place that does not exist is no dead end.
    await page.goto(`${base}/en/search?place=hehua`)
    t.match(
      await page.locator('p.notice').textContent(),
      /^Places near Hehua Community, nearest first\. The centre of Hehua Community is not known/,
    )
    await page.goto(`${base}/en/search?place=${encodeURIComponent('Atlantis')}`)
    t.equal(await page.locator('.notice p').textContent(), 'No community or street called “Atlantis” was found. Try:')
    await page.getByRole('link', { name: 'Pinghu Community' }).click()
    await page.waitForURL(/place=Pinghu\+Community/)
    t.match(await page.locator('p.notice').textContent(), /^Places near Pinghu Community/)
  })

  t.test('switch to English and back', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/facilities/south-china-hospital`)
    t.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans')
    await page.locator('header').getByRole('link', { name: 'English' }).click()
    await page.waitForURL(`${base}/en/facilities/south-china-hospital`)
    t.equal(await page.locator('html').getAttribute('lang'), 'en')
    t.match(await page.locator('h1').textContent(), /^South China Hospital of Shenzhen University/)
    t.equal(await page.locator('.badge').first().textContent(), 'Operational')
    await page.locator('header').getByRole('link', { name: '中文' }).click()
    await page.waitForURL(`${base}/facilities/south-china-hospital`)
    t.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans')
  })

  t.test('a project page shows its timeline', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/projects`)
    await page.getByRole('link', { name: '平湖地铁延长线' }).click()
    await page.waitForURL(`${base}/facilities/pinghu-metro-extension`)
    const timeline = page.locator('.timeline > li')
    t.same(await timeline.locator('h3').allTextContents(), ['开工', '开放'])
    t.same(await timeline.nth(0).locator('dt, dd').allTextContents(), ['实际', '2024年5月'])
    t.same(await timeline.nth(1).locator('dt, dd').allTextContents(), ['原计划', '2026年第二季度', '预计', '2026年第四季度'])
    t.equal(await timeline.nth(1).locator('.delayed').textContent(), '已推迟')
  })

  t.test('keyboard: the first Tab reaches the skip link, which is visible when focused', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/`)
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.textContent), '跳到主要内容')
    const box = await page.locator('.skip').boundingBox()
    t.ok(box !== null && box.x >= 0 && box.y >= 0, 'on screen')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.getAttribute('id')), 'q', 'then the search box')
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)
    t.equal(outline, 'solid', 'focus is visible')
  })
})
