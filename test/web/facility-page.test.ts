// A facility page in Chromium, as a resident reads it: where each fact comes from (the article's
// sentence, a translation, a descriptive name, an inference, staff), and the week's hours with
// public holidays and make-up working days (调休) around National Day 2026, by an injected clock.
import t from 'tap'
import type { Page } from 'playwright-core'
import { addFacility, buildClocked, forOneDatabase } from '../helper.js'
import { launchBrowser, listen } from './browser.js'

/** The rows of the hours table as a person reads them: the day, its hours, the note under them (if any). */
const weekRows = (page: Page) =>
  page.locator('table.week tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const hours = row.querySelector('td')?.cloneNode(true) as HTMLElement | undefined
      const note = hours?.querySelector('.day-note')
      note?.remove()
      // No named function in here: tsx (esbuild's keepNames) would wrap it in a __name() call,
      // which the page, where this runs, does not have.
      return [row.querySelector('th'), hours, note].map((node) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim())
    }),
  )

forOneDatabase(t, 'a facility page in Chromium', async (t, engine) => {
  // Wednesday 30 September 2026, 10:00 in Shenzhen: National Day (1–7 October) starts tomorrow.
  const { app, setNow } = await buildClocked(t, engine, '2026-09-30T02:00:00Z')
  await addFacility(app, {
    slug: 'holiday-kindergarten',
    name: { zh: '节日幼儿园', en: 'Holiday Kindergarten' },
    category: 'kindergarten',
    openingHours: 'Mo-Fr 08:00-17:00; PH off',
  })
  await addFacility(app, {
    slug: 'plain-clinic',
    name: { zh: '平常诊所', en: 'Plain Clinic' },
    category: 'public_service',
    openingHours: 'Mo-Fr 08:00-17:00',
  })
  const base = await listen(app)
  const browser = await launchBrowser(t)
  // A new browser context after each change of the clock: pages may be kept for a minute (max-age=60).
  let context = await browser.newContext()
  let page = await context.newPage()
  t.teardown(() => context.close())
  const freshBrowser = async () => {
    await context.close()
    context = await browser.newContext()
    page = await context.newPage()
  }

  t.test('the article, a descriptive name, a translation and inferences, each marked and explained', async (t) => {
    await page.goto(`${base}/facilities/pinghu-new-affordable-childcare-centre`)
    // Beside the facts: the Chinese name is descriptive, the English one a translation, the ages inferred.
    t.same(await page.locator('h1 .prov-mark').allTextContents(), ['描述性名称', '译名'])
    t.equal(await page.locator('dd', { hasText: '0 岁 至 2 岁 11 个月' }).locator('.prov-mark').textContent(), '推断')
    t.equal(await page.locator('.lead .prov-mark').textContent(), '编辑撰写')
    // A mark leads to its explanation.
    await page.locator('h1 .prov-mark', { hasText: '译名' }).click()
    await page.waitForURL(/#prov-name-en$/)
    t.equal(await page.locator('#prov-name-en').textContent(), '英文名称：Translated from the Chinese name; the source is in Chinese.')
    t.equal(await page.locator('#prov-name-en span').getAttribute('lang'), 'en', "the editors' note is marked as English")
    t.equal(
      await page.locator('#prov-name-zh').textContent(),
      '中文名称：The article gives the centre no name; this says what it is: the new public-benefit childcare centre (新建普惠性托育园) of Pinghu Street.',
    )
    // Facts from the article are listed with the sentence they come from.
    const fromArticle = page.locator('.provenance > li', { has: page.locator('#prov-status') })
    t.equal(await fromArticle.locator('.basis').textContent(), '原文')
    t.same(await fromArticle.locator('.prov-fields li').allTextContents(), [
      '别名“普惠性托育园”',
      '状态："开园": operational',
      '开放日期（实际）："9月开园" read as 2022-09 (EDTF).',
    ])
    t.equal(await fromArticle.locator('blockquote').textContent(), '新建普惠性托育园于 9月开园')
    t.equal(await fromArticle.locator('blockquote').getAttribute('lang'), 'zh-Hans')
  })

  t.test('in English: the English name is a translation, the rest from the article', async (t) => {
    await page.goto(`${base}/en/facilities/south-china-hospital`)
    t.same(await page.locator('h1 .prov-mark').allTextContents(), ['translation'])
    const fromArticle = page.locator('.provenance > li', { has: page.locator('#prov-status') })
    t.equal(await fromArticle.locator('.basis').textContent(), 'In the article')
    t.same(await fromArticle.locator('.prov-fields li').allTextContents(), [
      'Chinese name',
      'Other names: “华南医院”',
      'Status: "建成": operational',
    ])
    t.match(await fromArticle.locator('blockquote').textContent(), /建成深圳大学附属华南医院/)
    t.equal(
      await page.locator('#prov-location').textContent(),
      'Location: Not from the source: the approximate centre of Pinghu Subdistrict.',
    )
  })

  t.test('facts staff entered say who entered them and when', async (t) => {
    await page.goto(`${base}/en/facilities/plain-clinic`)
    const staff = page.locator('.provenance > li', { has: page.locator('.b-staff') })
    t.equal(await staff.locator('.basis').textContent(), 'Entered by staff')
    t.match(await staff.locator('.basis + .hint').textContent(), /^by test, on \d+ \w+ \d{4}, \d\d:\d\d$/)
    t.ok((await staff.locator('.prov-fields li').allTextContents()).includes('Opening hours'))
    t.equal(await page.locator('h1 .prov-mark').count(), 0, 'first-hand facts carry no mark')
  })

  t.test("a community's page: what the article says about it, with the sentence", async (t) => {
    await page.goto(`${base}/areas/hehua`)
    const facts = page.locator('section', { has: page.getByRole('heading', { name: '资料中关于本地区的内容' }) })
    t.same(await facts.locator('li > p').allTextContents(), ['全市首家社区级基层治理专家人才智库'])
    t.equal(await facts.locator('blockquote').textContent(), '禾花社区基层治理“专家人才智库”成为全市首家社区级基层治理专家人才智库')
    t.equal(await facts.locator('figcaption').textContent(), '— 原文：龙岗"西核"起风潮 幸福平湖"蝶变"来, 2022-10')
    await page.goto(`${base}/en/areas/pinghu-community`)
    const en = page.locator('section', { has: page.getByRole('heading', { name: 'What the sources say about this area' }) })
    t.same(await en.locator('li > p').allTextContents(), ['Municipal-level child-friendly community translation'])
    t.equal(await en.locator('blockquote').textContent(), '平湖社区获评市级儿童友好社区')
  })

  t.test('hours with a PH rule: National Day is closed, as the hours say', async (t) => {
    await page.goto(`${base}/facilities/holiday-kindergarten`)
    t.equal(await page.locator('table.week caption').textContent(), '本周有法定节假日或调休，开放时间已按节假日安排列出。')
    t.same(await weekRows(page), [
      ['星期一 9月28日', '08:00-17:00', ''],
      ['星期二 9月29日', '08:00-17:00', ''],
      ['星期三 9月30日（今天）', '08:00-17:00', ''],
      ['星期四 10月1日', '休息 （平时 08:00-17:00）', '国庆节（法定节假日）：按公布的节假日开放时间。'],
      ['星期五 10月2日', '休息 （平时 08:00-17:00）', '国庆节（法定节假日）：按公布的节假日开放时间。'],
      ['星期六 10月3日', '休息', '国庆节（法定节假日）：按公布的节假日开放时间。'],
      ['星期日 10月4日', '休息', '国庆节（法定节假日）：按公布的节假日开放时间。'],
    ])
    t.equal(await page.locator('tr[aria-current="date"] th').textContent(), '星期三 9月30日（今天）')
  })

  t.test('hours without a PH rule: the page says the holiday hours may differ, inventing none', async (t) => {
    await page.goto(`${base}/en/facilities/plain-clinic`)
    const rows = await weekRows(page)
    t.same(rows[3], [
      'Thursday 1 Oct',
      '08:00-17:00',
      'National Day (public holiday). The published hours say nothing about holidays: they may differ.',
    ])
    t.same(rows[2], ['Wednesday 30 Sep (Today)', '08:00-17:00', ''])
  })

  t.test('the week after: the holiday ends, Saturday 10 October is a make-up working day', async (t) => {
    setNow('2026-10-08T02:00:00Z')
    await freshBrowser()
    await page.goto(`${base}/facilities/holiday-kindergarten`)
    const rows = await weekRows(page)
    t.same(rows[2], ['星期三 10月7日', '休息 （平时 08:00-17:00）', '国庆节（法定节假日）：按公布的节假日开放时间。'])
    t.same(rows[3], ['星期四 10月8日（今天）', '08:00-17:00', ''])
    t.same(rows[5], [
      '星期六 10月10日',
      '08:00-17:00 （平时 休息）',
      '调休上班日（国庆节）：按工作日（星期一）的开放时间列出，实际可能不同。',
    ])
    await page.goto(`${base}/en/facilities/holiday-kindergarten`)
    t.same((await weekRows(page))[5], [
      'Saturday 10 Oct',
      '08:00-17:00 (usually closed)',
      'Make-up working day (调休) for National Day. Listed with the hours of a working day (Monday): they may differ.',
    ])
  })

  t.test('an ordinary week says so; a year the holiday calendar does not cover says that', async (t) => {
    setNow('2026-11-04T02:00:00Z')
    await freshBrowser()
    await page.goto(`${base}/facilities/holiday-kindergarten`)
    t.equal(await page.locator('table.week caption').textContent(), '本周没有法定节假日或调休。')
    t.equal(await page.locator('tr[data-special]').count(), 0)
    setNow('2031-03-05T02:00:00Z')
    await freshBrowser()
    await page.goto(`${base}/en/facilities/holiday-kindergarten`)
    t.equal(
      await page.locator('table.week caption').textContent(),
      'The holiday calendar does not cover 2031 yet: these are the regular hours; public holidays and make-up working days may differ.',
    )
  })
})
