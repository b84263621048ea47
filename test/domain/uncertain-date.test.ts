import t from 'tap'
import { parseUncertainDate } from '../../src/domain/uncertain-date.js'

t.test('each supported precision covers the right days', async (t) => {
  t.same(parseUncertainDate('2022-05-17'), { edtf: '2022-05-17', precision: 'day', earliest: '2022-05-17', latest: '2022-05-17' })
  t.same(parseUncertainDate('2022-05'), { edtf: '2022-05', precision: 'month', earliest: '2022-05-01', latest: '2022-05-31' })
  t.same(parseUncertainDate('2024-02'), { edtf: '2024-02', precision: 'month', earliest: '2024-02-01', latest: '2024-02-29' })
  t.same(parseUncertainDate('2026-36'), { edtf: '2026-36', precision: 'quarter', earliest: '2026-10-01', latest: '2026-12-31' })
  t.same(parseUncertainDate('2026-33'), { edtf: '2026-33', precision: 'quarter', earliest: '2026-01-01', latest: '2026-03-31' })
  t.same(parseUncertainDate('2022-40'), { edtf: '2022-40', precision: 'half_year', earliest: '2022-01-01', latest: '2022-06-30' })
  t.same(parseUncertainDate('2022'), { edtf: '2022', precision: 'year', earliest: '2022-01-01', latest: '2022-12-31' })
  t.same(parseUncertainDate('2020/2022'), { edtf: '2020/2022', precision: 'interval', earliest: '2020-01-01', latest: '2022-12-31' })
})

t.test('"Q4 2026" is before 2027-01-01 but not before 2026-11-01', async (t) => {
  const q4 = parseUncertainDate('2026-36')
  t.ok(q4.latest < '2027-01-01')
  t.notOk(q4.latest < '2026-11-01')
})

t.test('what is not a supported date is refused with a reason', async (t) => {
  for (const text of ['2022-13', '2022-21', 'May 2022', '22-05', '2022-02-30', '2022/2020', '']) {
    t.throws(() => parseUncertainDate(text), { name: 'InvalidDateError' }, text)
  }
  t.throws(() => parseUncertainDate('soon'), { message: /"soon" is not a supported date: use YYYY/ })
})
