import t from 'tap'
import { evaluateOpeningHours, validateOpeningHours, weekOf } from '../../src/domain/opening-hours.js'

// The results must not depend on the process time zone: run this file with
// TZ=UTC and TZ=America/New_York; the last test also switches TZ at run time.

const SHANGHAI = 'Asia/Shanghai'
const EXAMPLE = 'Mo-Fr 08:00-17:30; Sa 09:00-12:00; PH off'
const EXAMPLE_WEEK = [
  { day: 'mo', intervals: ['08:00-17:30'] },
  { day: 'tu', intervals: ['08:00-17:30'] },
  { day: 'we', intervals: ['08:00-17:30'] },
  { day: 'th', intervals: ['08:00-17:30'] },
  { day: 'fr', intervals: ['08:00-17:30'] },
  { day: 'sa', intervals: ['09:00-12:00'] },
  { day: 'su', intervals: [] },
]

const at = (text: string, iso: string, timeZone = SHANGHAI) => evaluateOpeningHours(text, { timeZone, now: new Date(iso) })

t.test('a normal Wednesday in Shanghai', async (t) => {
  // 2026-12-02 is a Wednesday.
  t.same(at(EXAMPLE, '2026-12-02T10:00:00+08:00'), {
    openNow: true,
    nextOpenAt: '2026-12-03T08:00:00+08:00',
    nextCloseAt: '2026-12-02T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  t.same(at(EXAMPLE, '2026-12-02T22:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-12-03T08:00:00+08:00',
    nextCloseAt: '2026-12-03T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // 02:00 UTC is 10:00 in Shanghai: the facility's zone decides, not UTC.
  t.equal(at(EXAMPLE, '2026-12-02T02:00:00Z').openNow, true)
  // Interval bounds: open at 08:00 sharp, closed at 17:30 sharp.
  t.same(at(EXAMPLE, '2026-12-02T08:00:00+08:00').openNow, true)
  t.same(at(EXAMPLE, '2026-12-02T17:30:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-12-03T08:00:00+08:00',
    nextCloseAt: '2026-12-03T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // Friday evening → Saturday morning hours.
  t.same(at(EXAMPLE, '2026-12-04T18:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-12-05T09:00:00+08:00',
    nextCloseAt: '2026-12-05T12:00:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
})

t.test('Spring Festival 2026 (2026-02-15..23) with "PH off" is closed', async (t) => {
  // 2026-02-17 (Tuesday) is 春节; the block ends on Monday 02-23, and the
  // weekend inside it (02-21/22) is also PH, so Saturday hours do not apply.
  t.same(at(EXAMPLE, '2026-02-17T10:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-02-24T08:00:00+08:00',
    nextCloseAt: '2026-02-24T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // National Day 2026-10-01 (Thursday) .. 10-07.
  t.same(at(EXAMPLE, '2026-10-01T09:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-10-08T08:00:00+08:00',
    nextCloseAt: '2026-10-08T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
})

t.test("make-up working days (调休) get Monday's hours", async (t) => {
  // Saturday 2026-02-28 is a working day: 08:00-17:30, not Sa 09:00-12:00.
  t.same(at(EXAMPLE, '2026-02-28T13:00:00+08:00'), {
    openNow: true,
    nextOpenAt: '2026-03-02T08:00:00+08:00',
    nextCloseAt: '2026-02-28T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  t.same(at(EXAMPLE, '2026-02-28T07:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-02-28T08:00:00+08:00',
    nextCloseAt: '2026-02-28T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // Saturday 2026-02-14 works, then the holiday block 02-15..23 follows.
  t.same(at(EXAMPLE, '2026-02-14T17:00:00+08:00'), {
    openNow: true,
    nextOpenAt: '2026-02-24T08:00:00+08:00',
    nextCloseAt: '2026-02-14T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // Sunday 2026-01-04 (normally closed) is a working day after New Year.
  t.same(at(EXAMPLE, '2026-01-03T20:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-01-04T08:00:00+08:00',
    nextCloseAt: '2026-01-04T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // Monday's hours, including split hours.
  const split = 'Mo 08:00-12:00,14:00-18:00; Tu-Fr 09:00-17:00'
  t.same(at(split, '2026-01-04T13:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-01-04T14:00:00+08:00',
    nextCloseAt: '2026-01-04T18:00:00+08:00',
    weekdayHours: [
      { day: 'mo', intervals: ['08:00-12:00', '14:00-18:00'] },
      { day: 'tu', intervals: ['09:00-17:00'] },
      { day: 'we', intervals: ['09:00-17:00'] },
      { day: 'th', intervals: ['09:00-17:00'] },
      { day: 'fr', intervals: ['09:00-17:00'] },
      { day: 'sa', intervals: [] },
      { day: 'su', intervals: [] },
    ],
  })
})

t.test('a text without a PH rule keeps its weekday hours on holidays', async (t) => {
  const noPH = 'Mo-Fr 08:00-17:30; Sa 09:00-12:00'
  t.same(at(noPH, '2026-02-17T10:00:00+08:00'), {
    openNow: true,
    nextOpenAt: '2026-02-18T08:00:00+08:00',
    nextCloseAt: '2026-02-17T17:30:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // Saturday 2026-02-21 inside the holiday block: Saturday hours.
  t.same(at(noPH, '2026-02-21T10:00:00+08:00'), {
    openNow: true,
    nextOpenAt: '2026-02-23T08:00:00+08:00',
    nextCloseAt: '2026-02-21T12:00:00+08:00',
    weekdayHours: EXAMPLE_WEEK,
  })
})

t.test('PH rules with hours', async (t) => {
  const text = 'Mo-Fr 08:00-17:00; PH 10:00-12:00'
  t.same(at(text, '2026-10-01T09:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-10-01T10:00:00+08:00',
    nextCloseAt: '2026-10-01T12:00:00+08:00',
    weekdayHours: [
      { day: 'mo', intervals: ['08:00-17:00'] },
      { day: 'tu', intervals: ['08:00-17:00'] },
      { day: 'we', intervals: ['08:00-17:00'] },
      { day: 'th', intervals: ['08:00-17:00'] },
      { day: 'fr', intervals: ['08:00-17:00'] },
      { day: 'sa', intervals: [] },
      { day: 'su', intervals: [] },
    ],
  })
  // PH inside a weekday list: Sunday 2026-02-22 is in the 春节 block.
  const list = 'Mo-Fr,PH 10:00-16:00'
  t.same(at(list, '2026-02-22T09:00:00+08:00'), {
    openNow: false,
    nextOpenAt: '2026-02-22T10:00:00+08:00',
    nextCloseAt: '2026-02-22T16:00:00+08:00',
    weekdayHours: [
      { day: 'mo', intervals: ['10:00-16:00'] },
      { day: 'tu', intervals: ['10:00-16:00'] },
      { day: 'we', intervals: ['10:00-16:00'] },
      { day: 'th', intervals: ['10:00-16:00'] },
      { day: 'fr', intervals: ['10:00-16:00'] },
      { day: 'sa', intervals: [] },
      { day: 'su', intervals: [] },
    ],
  })
  // An ordinary Sunday stays closed.
  t.same(at(list, '2026-03-01T09:00:00+08:00').nextOpenAt, '2026-03-02T10:00:00+08:00')
  // "PH +1 day": the day after a holiday (Thursday 2026-10-08, after 国庆节).
  const after = 'Mo-Fr 08:00-17:00; PH +1 day off'
  t.same(at(after, '2026-10-08T09:00:00+08:00').openNow, false)
  t.same(at(after, '2026-10-08T09:00:00+08:00').nextOpenAt, '2026-10-09T08:00:00+08:00')
})

t.test('24/7 and off', async (t) => {
  const allDay = ['00:00-24:00']
  t.same(at('24/7', '2026-02-17T10:00:00+08:00'), {
    openNow: true,
    nextOpenAt: null,
    nextCloseAt: null,
    weekdayHours: [
      { day: 'mo', intervals: allDay },
      { day: 'tu', intervals: allDay },
      { day: 'we', intervals: allDay },
      { day: 'th', intervals: allDay },
      { day: 'fr', intervals: allDay },
      { day: 'sa', intervals: allDay },
      { day: 'su', intervals: allDay },
    ],
  })
  // 24/7 except public holidays: closes at the start of the next holiday.
  t.same(at('24/7; PH off', '2026-09-22T10:00:00+08:00'), {
    openNow: true,
    nextOpenAt: '2026-09-28T00:00:00+08:00',
    nextCloseAt: '2026-09-25T00:00:00+08:00',
    weekdayHours: [
      { day: 'mo', intervals: allDay },
      { day: 'tu', intervals: allDay },
      { day: 'we', intervals: allDay },
      { day: 'th', intervals: allDay },
      { day: 'fr', intervals: allDay },
      { day: 'sa', intervals: allDay },
      { day: 'su', intervals: allDay },
    ],
  })
  t.same(at('off', '2026-12-02T10:00:00+08:00'), {
    openNow: false,
    nextOpenAt: null,
    nextCloseAt: null,
    weekdayHours: [
      { day: 'mo', intervals: [] },
      { day: 'tu', intervals: [] },
      { day: 'we', intervals: [] },
      { day: 'th', intervals: [] },
      { day: 'fr', intervals: [] },
      { day: 'sa', intervals: [] },
      { day: 'su', intervals: [] },
    ],
  })
})

t.test('hours past midnight', async (t) => {
  // Friday night 22:00-02:00 continues into Saturday 2026-12-05.
  const state = at('Mo-Fr 22:00-02:00', '2026-12-05T01:00:00+08:00')
  t.equal(state.openNow, true)
  t.equal(state.nextCloseAt, '2026-12-05T02:00:00+08:00')
  t.equal(state.nextOpenAt, '2026-12-07T22:00:00+08:00')
})

t.test('another time zone, across a DST change', async (t) => {
  // Europe/London moves to BST on Sunday 2026-03-29.
  t.same(at(EXAMPLE, '2026-03-27T17:00:00Z', 'Europe/London'), {
    openNow: true,
    nextOpenAt: '2026-03-28T09:00:00+00:00',
    nextCloseAt: '2026-03-27T17:30:00+00:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  t.same(at(EXAMPLE, '2026-03-28T13:00:00Z', 'Europe/London'), {
    openNow: false,
    nextOpenAt: '2026-03-30T08:00:00+01:00',
    nextCloseAt: '2026-03-30T17:30:00+01:00',
    weekdayHours: EXAMPLE_WEEK,
  })
  // The same instant is Wednesday 19:00 in New York (closed) and Thursday
  // 08:00 in Shanghai (open).
  t.equal(at(EXAMPLE, '2026-12-03T00:00:00Z', 'America/New_York').openNow, false)
  t.equal(at(EXAMPLE, '2026-12-03T00:00:00Z', 'America/New_York').nextOpenAt, '2026-12-03T08:00:00-05:00')
  t.equal(at(EXAMPLE, '2026-12-03T00:00:00Z').openNow, true)
})

t.test('validateOpeningHours', async (t) => {
  t.equal(validateOpeningHours(EXAMPLE), null)
  t.equal(validateOpeningHours('24/7'), null)
  t.equal(validateOpeningHours('Mo-Fr,PH 10:00-16:00; Sa 09:00-12:00 "by appointment"'), null)
  const error = validateOpeningHours('Mo-Fr 25:00-26:00 nonsense')
  t.type(error, 'string')
  t.equal(error, 'Mo-Fr 25:00 <--- (Time range starts outside of the current day)')
  t.type(validateOpeningHours('Mo-Fr 08:00-'), 'string')
  t.equal(validateOpeningHours(''), 'The opening_hours value is empty.')
  t.equal(validateOpeningHours('SH off'), 'School holidays ("SH") are not supported.')
})

t.test('bad input to evaluateOpeningHours throws', async (t) => {
  const now = new Date('2026-12-02T02:00:00Z')
  t.throws(() => evaluateOpeningHours('Mo-Fr 25:00-26:00', { timeZone: SHANGHAI, now }))
  t.throws(() => evaluateOpeningHours(EXAMPLE, { timeZone: 'Not/AZone', now }), RangeError)
  t.throws(() => evaluateOpeningHours(EXAMPLE, { timeZone: SHANGHAI, now: new Date(NaN) }), RangeError)
})

t.test('results do not depend on the process time zone', async (t) => {
  const original = process.env.TZ
  t.teardown(() => {
    if (original === undefined) delete process.env.TZ
    else process.env.TZ = original
  })
  const cases: [string, string, string][] = [
    [EXAMPLE, '2026-02-17T10:00:00+08:00', SHANGHAI],
    [EXAMPLE, '2026-02-28T13:00:00+08:00', SHANGHAI],
    [EXAMPLE, '2026-02-14T23:30:00+08:00', SHANGHAI],
    [EXAMPLE, '2026-03-08T07:30:00+08:00', SHANGHAI], // New York's DST day
    ['Mo-Fr 08:00-17:00; PH 10:00-12:00', '2026-09-30T20:00:00+08:00', SHANGHAI],
    [EXAMPLE, '2026-03-28T13:00:00Z', 'Europe/London'],
  ]
  const run = () => cases.map(([text, iso, zone]) => at(text, iso, zone))
  process.env.TZ = 'UTC'
  const reference = run()
  for (const zone of ['America/New_York', 'Asia/Shanghai', 'Pacific/Kiritimati', 'America/Sao_Paulo']) {
    process.env.TZ = zone
    t.same(run(), reference, `TZ=${zone}`)
  }
})

t.test('weekOf: the real week around National Day 2026, day by day', async (t) => {
  const national = { zh: '国庆节', en: 'National Day' }
  const day = (date: string, d: string, intervals: string[], regular: string[], extra: object = {}) => ({
    date,
    day: d,
    intervals,
    regularIntervals: regular,
    holiday: null,
    makeUpWorkday: null,
    calendarKnown: true,
    ...extra,
  })
  // Wednesday 30 September: Thursday 1 October starts the holiday block (1–7 October).
  t.same(weekOf(EXAMPLE, { timeZone: SHANGHAI, now: new Date('2026-09-30T10:00:00+08:00') }), {
    holidayRule: true,
    days: [
      day('2026-09-28', 'mo', ['08:00-17:30'], ['08:00-17:30']),
      day('2026-09-29', 'tu', ['08:00-17:30'], ['08:00-17:30']),
      day('2026-09-30', 'we', ['08:00-17:30'], ['08:00-17:30']),
      day('2026-10-01', 'th', [], ['08:00-17:30'], { holiday: national }),
      day('2026-10-02', 'fr', [], ['08:00-17:30'], { holiday: national }),
      day('2026-10-03', 'sa', [], ['09:00-12:00'], { holiday: national }),
      day('2026-10-04', 'su', [], [], { holiday: national }),
    ],
  })
  // The week after: Saturday 10 October is worked (调休) with a working day's hours.
  const after = weekOf(EXAMPLE, { timeZone: SHANGHAI, now: new Date('2026-10-08T10:00:00+08:00') })
  t.same(after.days[5], day('2026-10-10', 'sa', ['08:00-17:30'], ['09:00-12:00'], { makeUpWorkday: national }))
  t.same(after.days[2], day('2026-10-07', 'we', [], ['08:00-17:30'], { holiday: national }))
  // Without a PH rule the text says nothing about holidays: the weekday's hours stay.
  const plain = weekOf('Mo-Fr 08:00-17:00', { timeZone: SHANGHAI, now: new Date('2026-09-30T10:00:00+08:00') })
  t.equal(plain.holidayRule, false)
  t.same(plain.days[3], day('2026-10-01', 'th', ['08:00-17:00'], ['08:00-17:00'], { holiday: national }))
  // A year the calendar does not cover yet.
  const later = weekOf(EXAMPLE, { timeZone: SHANGHAI, now: new Date('2031-03-05T10:00:00+08:00') })
  t.same(
    later.days.map((d) => d.calendarKnown),
    [false, false, false, false, false, false, false],
  )
  t.throws(() => weekOf('not hours', { timeZone: SHANGHAI, now: new Date() }))
  t.throws(() => weekOf(EXAMPLE, { timeZone: SHANGHAI, now: new Date('nonsense') }), RangeError)
})
