// A staff member's day in Chromium, against the real server, with JavaScript off (the console
// needs none): sign in → find a facility and edit it → a second session saves first → the
// conflict, merged field by field → schedule a status change → import a list after its preview
// → accept a resident's suggestion (sent from the residents' form) → see it in the history and
// the change feed → sign out. Assertions are on what the pages show.
import t from 'tap'
import type { Page } from 'playwright-core'
import { buildClocked, create, forOneDatabase, keyFor } from '../helper.js'
import { launchBrowser, listen } from '../web/browser.js'

forOneDatabase(t, 'a staff member in Chromium', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const admin = await keyFor(app, 'admin')
  const anna = await keyFor(app, 'editor', { areaIds: ['hehua'] })
  const bo = await keyFor(app, 'editor')
  const { id, slug } = (await create(app, admin)).json() as { id: string; slug: string }
  // Where the change feed stands before the day begins.
  let cursor: string | undefined
  for (let more = true; more; ) {
    const page = (await app.inject({ url: `/v1/changes?limit=1000${cursor === undefined ? '' : `&after=${cursor}`}` })).json() as {
      page: { nextCursor: string; hasMore: boolean }
    }
    cursor = page.page.nextCursor
    more = page.page.hasMore
  }
  const base = await listen(app)
  const browser = await launchBrowser(t)
  const open = async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' })
    t.teardown(() => context.close())
    return context.newPage()
  }
  const click = async (page: Page, selector: string) => {
    await Promise.all([page.waitForNavigation(), page.locator(selector).click()])
  }
  const signIn = async (page: Page, key: { authorization: string }) => {
    await page.goto(`${base}/staff`)
    await page.getByLabel('API 密钥').fill(key.authorization.slice('Bearer '.length))
    await click(page, 'button:has-text("登录")')
  }

  const page = await open()
  await signIn(page, anna)
  t.equal(await page.locator('h1').textContent(), '我的设施')
  await page.getByLabel('名称、编号或外部编号').fill('阳光')
  await click(page, 'button:has-text("筛选")')
  await click(page, 'table a:has-text("禾花阳光幼儿园")')
  t.equal(await page.locator('h1').textContent(), '编辑：禾花阳光幼儿园')

  // Bo opens the same facility and saves first.
  const other = await open()
  await signIn(other, bo)
  await other.goto(`${base}/staff/facilities/${id}`)
  await other.getByLabel('开放时间（OpenStreetMap 格式）').fill('Mo-Fr 08:00-17:00')
  await click(other, 'button:has-text("保存")')
  t.equal(await other.locator('.banner').textContent(), '已保存。')

  await page.getByLabel('电话').fill('0755-26661234')
  await page.getByLabel('原因（记入历史）').fill('电话核实')
  await click(page, 'button:has-text("保存")')
  t.equal(await page.locator('h1').textContent(), '别人已先保存了这个设施', 'not overwritten: the merge view')
  const rows = await page.locator('table.merge tbody th span[id$="-label"]').allTextContents()
  t.same(rows, ['开放时间（OpenStreetMap 格式）', '电话'], 'only the fields that differ, side by side')
  t.ok(await page.locator('input[name="pick:openingHours"][value="theirs"]').isChecked(), "Bo's hours preselected")
  t.ok(await page.locator('input[name="pick:phone"][value="mine"]').isChecked(), 'my phone preselected')
  await click(page, 'button:has-text("保存合并结果")')
  t.equal(await page.locator('.banner').textContent(), '已保存。')
  t.equal(await page.getByLabel('电话').inputValue(), '0755-26661234')
  t.equal(await page.getByLabel('开放时间（OpenStreetMap 格式）').inputValue(), 'Mo-Fr 08:00-17:00')

  await click(page, 'nav.crumbs a:has-text("变更状态")')
  await page.getByLabel('新状态').selectOption('temporarily_closed')
  await page.getByLabel('在指定时间（北京时间）').check()
  await page.getByLabel('日期', { exact: true }).fill('2026-12-24')
  await page.getByLabel('时间', { exact: true }).fill('18:00')
  await page.getByLabel('原因（必填，记入历史并告诉居民）').fill('年底装修')
  await click(page, 'button:has-text("提交")')
  t.equal(await page.locator('.banner').textContent(), '状态变更已排期。')
  t.match(await page.locator('#scheduled ~ ul li p').first().textContent(), /→ 暂停服务, 2026-12-24 18:00: 年底装修/)

  await click(page, 'header a:has-text("批量导入")')
  await page.setInputFiles('#f-file', {
    name: 'hehua.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('external_id,name_zh,category,area,status\nHH-1,禾花社区托育点,childcare,hehua,operational\n'),
  })
  await click(page, 'button:has-text("预览")')
  t.equal(await page.locator('#report ~ p[role=status]').first().textContent(), '新建 1，更新 0，不变 0，有错误 0')
  await click(page, 'button:has-text("确认导入全部行")')
  t.match(await page.locator('.banner').textContent(), /已导入：1 行。/)

  // A resident reports new hours from the facility page.
  const resident = await open()
  await resident.goto(`${base}/facilities/${slug}`)
  await click(resident, 'a:has-text("报告错误")')
  await resident.getByLabel('正确的开放时间').fill('Mo-Fr 07:00-19:00')
  await resident.getByLabel('哪里有误？').fill('现在延长到晚上七点')
  await click(resident, 'button:has-text("提交")')
  t.equal(await resident.locator('h1').textContent(), '谢谢！我们已收到您的纠错。')

  await click(page, 'header a:has-text("居民纠错")')
  await click(page, 'table a:has-text("查看")')
  t.match(await page.locator('table.merge tbody tr').first().textContent(), /Mo-Fr 08:00-17:00.*Mo-Fr 07:00-19:00/s)
  await click(page, 'button:has-text("接受并生效")')
  t.equal(await page.locator('.banner').textContent(), '已接受，改动已生效。')

  await page.goto(`${base}/staff/facilities/${id}/history`)
  const newest = await page.locator('table.history tbody tr').first().textContent()
  t.match(newest, /Mo-Fr 08:00-17:00\s*→\s*Mo-Fr 07:00-19:00/, 'old → new')
  t.match(newest, /suggestion [0-9a-f-]{36}/, "the suggestion's id as the reason")
  t.match(newest, /test editor/)
  const feed = (await app.inject({ url: `/v1/changes?after=${cursor}&limit=100` })).json() as {
    data: { facilityId: string; reason: string | null; fields: Record<string, unknown> }[]
  }
  const accepted = feed.data.filter((change) => change.facilityId === id && /^suggestion /.test(change.reason ?? ''))
  t.same(
    accepted.map((change) => change.fields.openingHours),
    ['Mo-Fr 07:00-19:00'],
    'the change feed carries the accepted suggestion',
  )
  t.same(
    feed.data.filter((change) => change.facilityId === id).map((change) => change.reason),
    [null, '电话核实', accepted[0]?.reason],
    "Bo's save, Anna's merge, the suggestion",
  )

  await click(page, 'button:has-text("退出")')
  t.equal(await page.locator('h1').textContent(), '工作人员登录')
  await page.goto(`${base}/staff/import`)
  t.equal(await page.locator('h1').textContent(), '工作人员登录', 'signed out: the pages ask for a key again')
})
