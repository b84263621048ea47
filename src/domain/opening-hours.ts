/**
 * Evaluation of OpenStreetMap `opening_hours` values for a facility, in the
 * facility's own IANA time zone, with the mainland-China holiday calendar.
 *
 * Pure: the clock is injected (`options.now`), nothing here reads the current
 * time. The result does not depend on the process time zone (TZ).
 *
 * How it works
 * - The `opening_hours` library parses the text and evaluates it in the
 *   *process* local time zone, and its Chinese public-holiday list only has
 *   fixed-date holidays (no lunar holidays, no make-up working days). So we
 *   evaluate day by day: for every facility-local calendar date D we ask the
 *   library for the open intervals of a "fake" process-local day with the
 *   same wall-clock date, read back the wall-clock times and turn them into
 *   real instants in the facility's zone (Intl.DateTimeFormat offsets, so DST
 *   zones work too).
 * - Holidays come from `chinese-days`, never from the library: before
 *   evaluating D, every `PH` selector of the (normalised) text is rewritten
 *   into a selector that matches exactly D when PH applies on D, and nothing
 *   near D otherwise (`Sa,PH` → `Sa,<weekday of D>` / a weekday three days
 *   away; a standalone `PH` → `2026 Feb 17` / `1970 Jan 01`). `PH +1 day` /
 *   `PH -1 day` are honoured the same way.
 *
 * Holiday rules
 * 1. Public holiday (a date in chinese-days' holiday list, e.g. 春节
 *    2026-02-15..23, including the weekend days inside the block): the date
 *    counts as `PH`, so a `PH` rule of the text applies ("Mo-Fr 08:00-17:00;
 *    PH off" → closed). A text without any `PH` rule gets the OSM default:
 *    the normal rule for that weekday applies.
 * 2. Make-up working day (调休: a Saturday/Sunday that chinese-days lists as a
 *    working day, e.g. 2026-02-14, 2026-02-28): it is a normal working day, so
 *    the hours the text gives for a (non-holiday) Monday apply — the library
 *    evaluates the following Monday's date and the result is moved onto D.
 *
 * Known limits: hours spilling past midnight from the previous day (e.g.
 * `Fr 22:00-02:00`) are evaluated with that day's regular rules; variable times
 * (sunrise, sunset, …) use the library's fixed defaults because no coordinates
 * are known; school holidays (`SH`) are rejected (no data for China); if a
 * process-local DST gap hits a facility time, that time may shift by an hour.
 */
import OpeningHours, { type nominatim_object, type optional_conf } from 'opening_hours'
import { createRequire } from 'node:module'
import type { FacilityStatus } from '../generated/prisma/enums.js'
import { isOperating } from './lifecycle.js'

export type WeekdayKey = 'mo' | 'tu' | 'we' | 'th' | 'fr' | 'sa' | 'su'

export interface OpeningHoursState {
  /** Open at `now` (an `unknown` state counts as not open). */
  openNow: boolean
  /** Next closed→open transition strictly after `now`, within 14 days; else null. */
  nextOpenAt: string | null
  /** Next open→closed transition strictly after `now`, within 14 days; else null. */
  nextCloseAt: string | null
  /** Regular hours of the week containing `now` (no holidays applied), Monday first. */
  weekdayHours: { day: WeekdayKey; intervals: string[] }[]
}

export interface EvaluateOpeningHoursOptions {
  /** IANA time zone of the facility, e.g. "Asia/Shanghai". */
  timeZone: string
  /** The current instant (injected clock). */
  now: Date
}

export const DEFAULT_FACILITY_TIME_ZONE = 'Asia/Shanghai'

/** How far ahead nextOpenAt / nextCloseAt are searched. */
const SEARCH_DAYS = 14
const MINUTES_PER_DAY = 24 * 60
const MS_PER_MINUTE = 60_000

const WEEKDAY_KEYS: readonly WeekdayKey[] = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su']
/** OSM weekday names indexed like Date#getDay (0 = Sunday). */
const OSM_WEEKDAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'] as const
const OSM_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/**
 * Country 'cn' so `PH` parses (the library's own holiday list is never what
 * decides, see the rewrite above). lat/lon are not strings, so the library
 * keeps its fixed default sunrise/sunset times instead of computing them in
 * the process time zone.
 */
const NOMINATIM: nominatim_object = {
  lat: 31.23,
  lon: 121.47,
  address: { country_code: 'cn', state: '' },
}
const OPTIONAL_CONF: optional_conf = {
  mode: undefined,
  tag_key: 'opening_hours',
  map_value: undefined,
  warnings_severity: undefined,
  locale: 'en',
}

/* ------------------------------------------------------------------ */
/* Calendar dates (time-zone free)                                     */
/* ------------------------------------------------------------------ */

interface CivilDate {
  year: number
  /** 1-12 */
  month: number
  day: number
}

function civilDate(year: number, month: number, day: number): CivilDate {
  const t = new Date(Date.UTC(year, month - 1, day))
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() }
}

function addDays(d: CivilDate, n: number): CivilDate {
  return civilDate(d.year, d.month, d.day + n)
}

/** 0 = Sunday … 6 = Saturday */
function weekdayOf(d: CivilDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()
}

function compareCivil(a: CivilDate, b: CivilDate): number {
  return Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day)
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/* ------------------------------------------------------------------ */
/* Time zones                                                          */
/* ------------------------------------------------------------------ */

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    // Throws RangeError for an unknown time zone.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

interface WallClock extends CivilDate {
  hour: number
  minute: number
  second: number
}

function wallClock(instantMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {}
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: (parts.hour ?? NaN) % 24,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  }
}

// Offsets only change on quarter-hour boundaries in every real zone, so one lookup per zone and
// quarter hour is exact; Intl formatting is what made evaluation slow.
const QUARTER_HOUR_MS = 15 * 60_000
const offsetCache = new Map<string, number>()

/** UTC offset of `timeZone` at the given instant, in ms (east positive). */
function offsetMs(instantMs: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instantMs / QUARTER_HOUR_MS)}`
  let offset = offsetCache.get(key)
  if (offset === undefined) {
    if (offsetCache.size >= 100_000) offsetCache.clear()
    offset = computeOffsetMs(Math.floor(instantMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS, timeZone)
    offsetCache.set(key, offset)
  }
  return offset
}

/** The facility's wall clock at an instant, from the cached offset. */
function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const shifted = new Date(instantMs + offsetMs(instantMs, timeZone))
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  }
}

function computeOffsetMs(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone)
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000
}

/** The instant at which the facility's wall clock shows `date` + `minutes`. */
function zonedToInstant(date: CivilDate, minutes: number, timeZone: string): number {
  const local = Date.UTC(date.year, date.month - 1, date.day, 0, minutes)
  const off1 = offsetMs(local, timeZone)
  const t1 = local - off1
  const off2 = offsetMs(t1, timeZone)
  if (off2 === off1) return t1
  const t2 = local - off2
  if (offsetMs(t2, timeZone) === off2) return t2
  // Wall time inside a DST gap: take the later instant (clock jumped forward).
  return Math.max(t1, t2)
}

/** ISO-8601 with the facility's offset, e.g. "2026-12-01T08:00:00+08:00". */
function formatInstant(instantMs: number, timeZone: string): string {
  const w = wallClockAt(instantMs, timeZone)
  const offMin = Math.round(offsetMs(instantMs, timeZone) / MS_PER_MINUTE)
  const sign = offMin < 0 ? '-' : '+'
  const abs = Math.abs(offMin)
  return (
    `${String(w.year).padStart(4, '0')}-${pad2(w.month)}-${pad2(w.day)}` +
    `T${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}` +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  )
}

/* ------------------------------------------------------------------ */
/* Chinese holiday calendar (chinese-days)                             */
/* ------------------------------------------------------------------ */

/**
 * The holiday table shipped by chinese-days (dist/chinese-days.json, keys
 * "YYYY-MM-DD"): `holidays` = statutory days off, `workdays` = make-up working
 * days. We read the table instead of calling isHoliday/isWorkday because those
 * build their table by parsing "YYYY-M-D" as UTC midnight and formatting it
 * with process-local getters: under TZ=America/New_York every date is shifted
 * by one day (2026-02-14 reported as a holiday). The JSON is the same data
 * (identical to the functions' answers under TZ=UTC for 2004-2026).
 */
interface ChineseDaysTable {
  holidays: Record<string, string>
  workdays: Record<string, string>
  inLieuDays: Record<string, string>
}

const chineseDays = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as ChineseDaysTable

const dateKey = (d: CivilDate): string => `${d.year}-${pad2(d.month)}-${pad2(d.day)}`

/** A statutory public holiday (not merely a weekend). */
function isChinesePublicHoliday(d: CivilDate): boolean {
  return Object.hasOwn(chineseDays.holidays, dateKey(d))
}

/** 调休: a Saturday/Sunday that is an official working day. */
function isMakeUpWorkday(d: CivilDate): boolean {
  const wd = weekdayOf(d)
  return (wd === 0 || wd === 6) && Object.hasOwn(chineseDays.workdays, dateKey(d))
}

/* ------------------------------------------------------------------ */
/* Parsing and PH rewriting                                            */
/* ------------------------------------------------------------------ */

type Parsed = { ok: true; oh: OpeningHours } | { ok: false; error: string }

const parseCache = new Map<string, Parsed>()
const PARSE_CACHE_LIMIT = 500

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}

/** Quoted comments removed, to look for selectors outside them. */
function withoutComments(text: string): string {
  return text.replace(/"[^"]*"/g, '""')
}

function parse(text: string): Parsed {
  const cached = parseCache.get(text)
  if (cached) return cached
  let result: Parsed
  if (/\bSH\b/i.test(withoutComments(text))) {
    // The library has no school-holiday data for China (and would log to stderr).
    result = { ok: false, error: 'School holidays ("SH") are not supported.' }
  } else {
    try {
      result = { ok: true, oh: new OpeningHours(text, NOMINATIM, OPTIONAL_CONF) }
    } catch (e) {
      result = { ok: false, error: errorText(e).trim() || 'Invalid opening_hours value.' }
    }
  }
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear()
  parseCache.set(text, result)
  return result
}

/** Comments, or a PH token with an optional "+1 day" / "-1 day" offset. */
const PH_OR_COMMENT = /"[^"]*"|\bPH\b(?:\s*([+-])\s*(\d+)\s*days?\b)?/g
/** A selector list ends right before this comma ("Sa,PH", "Mo[1],PH", "SH,PH"). */
const LIST_BEFORE = /(?:\b(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)|\])\s*,\s*$/
const LIST_AFTER = /^\s*,/

/** A compiled text plus how to build its per-day variants. */
interface Compiled {
  base: OpeningHours
  /** Normalised text, when it contains PH selectors that must be rewritten. */
  phText: string | null
}

function compile(text: string): Compiled {
  const parsed = parse(text)
  if (!parsed.ok) throw new Error(parsed.error)
  let normalised: string
  try {
    normalised = parsed.oh.prettifyValue()
  } catch {
    normalised = text
  }
  PH_OR_COMMENT.lastIndex = 0
  const hasPH = [...normalised.matchAll(PH_OR_COMMENT)].some((m) => !m[0].startsWith('"'))
  return { base: parsed.oh, phText: hasPH ? normalised : null }
}

/**
 * Replace each PH selector so that, for the single day `evalDate`, it matches
 * iff `isPH(dayTheSelectorRefersTo)`; it then never matches the previous day,
 * so nothing spills over from it.
 */
function rewritePH(text: string, evalDate: CivilDate, isPH: (d: CivilDate) => boolean): string {
  return text.replace(PH_OR_COMMENT, (match: string, sign: string | undefined, n: string | undefined, index: number, whole: string) => {
    if (match.startsWith('"')) return match
    // "PH +1 day" matches the day after a holiday.
    const shift = sign && n ? (sign === '+' ? -1 : 1) * Number(n) : 0
    const applies = isPH(addDays(evalDate, shift))
    const inList = LIST_BEFORE.test(whole.slice(0, index)) || LIST_AFTER.test(whole.slice(index + match.length))
    if (inList) {
      const wd = weekdayOf(evalDate)
      return OSM_WEEKDAYS[applies ? wd : (wd + 3) % 7] as string
    }
    if (!applies) return '1970 Jan 01'
    return `${evalDate.year} ${OSM_MONTHS[evalDate.month - 1]} ${pad2(evalDate.day)}`
  })
}

/* ------------------------------------------------------------------ */
/* Day evaluation                                                      */
/* ------------------------------------------------------------------ */

type MinuteInterval = [number, number]

function mergeIntervals<T extends [number, number]>(intervals: T[]): T[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  const out: T[] = []
  for (const iv of sorted) {
    const last = out[out.length - 1]
    if (last && iv[0] <= last[1]) {
      last[1] = Math.max(last[1], iv[1])
    } else {
      out.push([iv[0], iv[1]] as T)
    }
  }
  return out.filter((iv) => iv[1] > iv[0])
}

/** Open intervals (minutes of the wall-clock day, 0..1440) of `date` per `oh`. */
function libraryDayIntervals(oh: OpeningHours, date: CivilDate): MinuteInterval[] {
  // A process-local day with the same wall-clock date: the library only reads
  // local getters, so its answer is in wall-clock terms.
  const from = new Date(date.year, date.month - 1, date.day)
  const to = new Date(date.year, date.month - 1, date.day + 1)
  const toMinutes = (x: Date): number => {
    if (x.getTime() <= from.getTime()) return 0
    if (x.getTime() >= to.getTime()) return MINUTES_PER_DAY
    return x.getHours() * 60 + x.getMinutes()
  }
  return mergeIntervals(
    oh
      .getOpenIntervals(from, to)
      .filter(([, , unknown]) => !unknown)
      .map(([s, e]): MinuteInterval => [toMinutes(s), toMinutes(e)]),
  )
}

/**
 * Open intervals of facility-local `date`.
 * `regular`: ignore holidays and make-up days (a normal week).
 */
function dayIntervals(compiled: Compiled, date: CivilDate, regular: boolean): MinuteInterval[] {
  const makeUp = !regular && isMakeUpWorkday(date)
  // 调休 → evaluate the following (non-holiday) Monday instead.
  const evalDate = makeUp ? addDays(date, (8 - weekdayOf(date)) % 7) : date
  if (compiled.phText === null) return libraryDayIntervals(compiled.base, evalDate)

  const isPH = regular || makeUp ? () => false : isChinesePublicHoliday
  const variant = parse(rewritePH(compiled.phText, evalDate, isPH))
  // Fallback (a rewrite the grammar rejects): the library's own PH handling.
  return libraryDayIntervals(variant.ok ? variant.oh : compiled.base, evalDate)
}

// Evaluating a day through the library costs milliseconds; a day's intervals depend only on the
// text and the date (not on the zone, they are wall-clock minutes), and a directory has few
// distinct texts, so they are remembered. Bounded: cleared when full.
const compiledCache = new Map<string, Compiled>()
const dayCache = new Map<string, readonly MinuteInterval[]>()
const DAY_CACHE_LIMIT = 50_000

function compiledFor(text: string): Compiled {
  let compiled = compiledCache.get(text)
  if (compiled === undefined) {
    if (compiledCache.size >= PARSE_CACHE_LIMIT) compiledCache.clear()
    compiled = compile(text)
    compiledCache.set(text, compiled)
  }
  return compiled
}

function cachedDayIntervals(text: string, date: CivilDate, regular: boolean): readonly MinuteInterval[] {
  const key = `${regular ? 'r' : 'h'}${dateKey(date)}${text}`
  let intervals = dayCache.get(key)
  if (intervals === undefined) {
    if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear()
    intervals = dayIntervals(compiledFor(text), date, regular)
    dayCache.set(key, intervals)
  }
  return intervals
}

function formatMinutes(m: number): string {
  return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

/**
 * Human-readable parse error for an `opening_hours` value, or null if valid.
 */
export function validateOpeningHours(text: string): string | null {
  if (typeof text !== 'string' || text.trim() === '') return 'The opening_hours value is empty.'
  const parsed = parse(text)
  return parsed.ok ? null : parsed.error
}

/**
 * Evaluate `text` at `options.now` in `options.timeZone`.
 * Throws an Error for an invalid text (see validateOpeningHours), a RangeError
 * for an unknown time zone or an invalid `now`.
 */
export function evaluateOpeningHours(text: string, options: EvaluateOpeningHoursOptions): OpeningHoursState {
  const timeZone = options.timeZone || DEFAULT_FACILITY_TIME_ZONE
  const nowMs = options.now.getTime()
  if (!Number.isFinite(nowMs)) throw new RangeError('evaluateOpeningHours: invalid `now` date')
  // Every opening and closing falls on a whole minute, so the state is the same all through a
  // minute: evaluated once per text, zone and minute (a list page or an export repeats texts).
  const minuteMs = Math.floor(nowMs / MS_PER_MINUTE) * MS_PER_MINUTE
  const key = `${timeZone}|${minuteMs}|${text}`
  let state = stateCache.get(key)
  if (state === undefined) {
    if (stateCache.size >= STATE_CACHE_LIMIT) stateCache.clear()
    state = deepFreeze(evaluateAtMinute(text, timeZone, minuteMs))
    stateCache.set(key, state)
  }
  return state
}

/** Shared from the cache, so nobody may change it. */
function deepFreeze(state: OpeningHoursState): OpeningHoursState {
  for (const day of state.weekdayHours) Object.freeze(day.intervals)
  for (const day of state.weekdayHours) Object.freeze(day)
  Object.freeze(state.weekdayHours)
  return Object.freeze(state)
}

const stateCache = new Map<string, OpeningHoursState>()
const STATE_CACHE_LIMIT = 10_000

function evaluateAtMinute(text: string, timeZone: string, nowMs: number): OpeningHoursState {
  const invalid = validateOpeningHours(text)
  if (invalid !== null) throw new Error(invalid)

  const horizonMs = nowMs + SEARCH_DAYS * MINUTES_PER_DAY * MS_PER_MINUTE
  const today: CivilDate = wallClockAt(nowMs, timeZone)
  // One extra day so an interval cut by the end of the evaluated range ends
  // after the horizon and is not mistaken for a closing time.
  const lastDay = addDays(wallClockAt(horizonMs, timeZone), 1)

  const instants: [number, number][] = []
  for (let d = today; compareCivil(d, lastDay) <= 0; d = addDays(d, 1)) {
    for (const [s, e] of cachedDayIntervals(text, d, false)) {
      instants.push([
        zonedToInstant(addDays(d, Math.floor(s / MINUTES_PER_DAY)), s % MINUTES_PER_DAY, timeZone),
        zonedToInstant(addDays(d, Math.floor(e / MINUTES_PER_DAY)), e % MINUTES_PER_DAY, timeZone),
      ])
    }
  }
  const open = mergeIntervals(instants)

  const openNow = open.some(([s, e]) => s <= nowMs && nowMs < e)
  const opening = open.map(([s]) => s).find((s) => s > nowMs && s <= horizonMs)
  const closing = open.map(([, e]) => e).find((e) => e > nowMs && e <= horizonMs)

  const weekStart = addDays(today, -((weekdayOf(today) + 6) % 7))
  const weekdayHours = WEEKDAY_KEYS.map((day, i) => ({
    day,
    intervals: cachedDayIntervals(text, addDays(weekStart, i), true).map(([s, e]) => `${formatMinutes(s)}-${formatMinutes(e)}`),
  }))

  return {
    openNow,
    nextOpenAt: opening === undefined ? null : formatInstant(opening, timeZone),
    nextCloseAt: closing === undefined ? null : formatInstant(closing, timeZone),
    weekdayHours,
  }
}

/** A holiday's name in both languages, as chinese-days gives it ("National Day,国庆节,3"). */
export interface HolidayName {
  zh: string
  en: string
}

/** One day of the week containing `now`, as it really is: holidays and 调休 applied. */
export interface WeekDay {
  /** The facility-local date, YYYY-MM-DD. */
  date: string
  day: WeekdayKey
  /** The open intervals of that date, holidays and make-up working days applied. */
  intervals: string[]
  /** The open intervals of the same weekday in a week without holidays. */
  regularIntervals: string[]
  /** The statutory public holiday the date belongs to (weekend days inside the block too). */
  holiday: HolidayName | null
  /** The holiday a make-up working day (调休: a Saturday or Sunday worked) makes up for. */
  makeUpWorkday: HolidayName | null
  /** Whether the holiday calendar covers the date's year (chinese-days is published a year at a time). */
  calendarKnown: boolean
}

export interface Week {
  days: WeekDay[]
  /** Whether the text says what happens on public holidays (a PH rule); without one, holidays keep the weekday's hours. */
  holidayRule: boolean
}

const holidayName = (value: string | undefined): HolidayName | null => {
  if (value === undefined) return null
  const [en = '', zh = ''] = value.split(',')
  return { zh, en }
}

const calendarYears = new Set(Object.keys(chineseDays.holidays).map((key) => Number(key.slice(0, 4))))

/**
 * The week (Monday to Sunday) containing `now` in the facility's zone, day by day, with the
 * holidays and make-up working days of the Chinese calendar applied exactly as "open now" applies
 * them, beside the regular hours of each weekday.
 */
export function weekOf(text: string, options: EvaluateOpeningHoursOptions): Week {
  const invalid = validateOpeningHours(text)
  if (invalid !== null) throw new Error(invalid)
  const timeZone = options.timeZone || DEFAULT_FACILITY_TIME_ZONE
  const nowMs = options.now.getTime()
  if (!Number.isFinite(nowMs)) throw new RangeError('weekOf: invalid `now` date')
  const today: CivilDate = wallClockAt(nowMs, timeZone)
  const weekStart = addDays(today, -((weekdayOf(today) + 6) % 7))
  const format = (intervals: readonly MinuteInterval[]) => intervals.map(([s, e]) => `${formatMinutes(s)}-${formatMinutes(e)}`)
  const days = WEEKDAY_KEYS.map((day, i): WeekDay => {
    const date = addDays(weekStart, i)
    const key = dateKey(date)
    return {
      date: key,
      day,
      intervals: format(cachedDayIntervals(text, date, false)),
      regularIntervals: format(cachedDayIntervals(text, date, true)),
      holiday: isChinesePublicHoliday(date) ? holidayName(chineseDays.holidays[key]) : null,
      makeUpWorkday: isMakeUpWorkday(date) ? holidayName(chineseDays.workdays[key]) : null,
      calendarKnown: calendarYears.has(date.year),
    }
  })
  return { days, holidayRule: compiledFor(text).phText !== null }
}

/**
 * The opening state of a facility with this status: its hours say when it opens, but only a
 * facility that operates opens at all. A planned or temporarily closed one keeps its regular
 * week (what it will be) and is closed, with no next opening or closing to tell.
 */
export function openingStateOf(status: FacilityStatus, text: string, options: EvaluateOpeningHoursOptions): OpeningHoursState {
  const state = evaluateOpeningHours(text, options)
  return isOperating(status) ? state : { ...state, openNow: false, nextOpenAt: null, nextCloseAt: null }
}
