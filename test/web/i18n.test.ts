// Dates as people say them, at the precision they are known: never "2026-36".
import t from 'tap'
import { dateInWords, switchLanguage } from '../../src/web/i18n.js'

t.test('dateInWords', async (t) => {
  const cases: [string, 'year' | 'month' | 'day' | 'quarter' | 'half_year' | 'interval', string, string][] = [
    ['2026', 'year', '2026年', '2026'],
    ['2022-05', 'month', '2022年5月', 'May 2022'],
    ['2027-09-01', 'day', '2027年9月1日', '1 September 2027'],
    ['2026-36', 'quarter', '2026年第四季度', 'Q4 2026'],
    ['2026-33', 'quarter', '2026年第一季度', 'Q1 2026'],
    ['2025-40', 'half_year', '2025年上半年', 'first half of 2025'],
    ['2025-41', 'half_year', '2025年下半年', 'second half of 2025'],
    ['2020/2022', 'interval', '2020年至2022年', '2020 to 2022'],
    ['2026-36~', 'quarter', '2026年第四季度（约）', 'Q4 2026 (about)'],
  ]
  for (const [edtf, precision, zh, en] of cases) {
    t.equal(dateInWords({ edtf, precision }, 'zh-Hans'), zh, edtf)
    t.equal(dateInWords({ edtf, precision }, 'en'), en, edtf)
  }
})

t.test('switchLanguage keeps the page and its query', async (t) => {
  t.equal(switchLanguage('/', 'zh-Hans'), '/en/')
  t.equal(switchLanguage('/search?q=hnyy', 'zh-Hans'), '/en/search?q=hnyy')
  t.equal(switchLanguage('/en/', 'en'), '/')
  t.equal(switchLanguage('/en/search?q=hnyy', 'en'), '/search?q=hnyy')
  t.equal(switchLanguage('/en/facilities/x', 'en'), '/facilities/x')
})
