// Dates known only to a month, quarter, half-year or year ("opening expected 2026-Q4") are
// written in EDTF (ISO 8601-2): 2026, 2026-05, 2026-05-01, 2026-36 (Q4), 2026-40 (H1), 2020/2022.
// Each is stored with the first and last day it covers, so "before 2027-01-01" can be decided
// honestly: 2026-Q4 is before 2027-01-01 but not before 2026-11-01.
import edtf from 'edtf'
import type { DatePrecision } from '../generated/prisma/enums.js'

export interface UncertainDate {
  edtf: string
  precision: DatePrecision
  /** First day covered, YYYY-MM-DD. */
  earliest: string
  /** Last day covered, YYYY-MM-DD. */
  latest: string
}

export class InvalidDateError extends Error {
  override name = 'InvalidDateError'
}

const quarterSeasons = new Set([33, 34, 35, 36])
const halfYearSeasons = new Set([40, 41])

function precisionOf(text: string): DatePrecision {
  if (text.includes('/')) return 'interval'
  const core = text.replace(/[~?%]/g, '')
  if (/^\d{4}$/.test(core)) return 'year'
  if (/^\d{4}-\d{2}-\d{2}$/.test(core)) return 'day'
  const month = /^\d{4}-(\d{2})$/.exec(core)
  if (month) {
    const part = Number(month[1])
    if (part >= 1 && part <= 12) return 'month'
    if (quarterSeasons.has(part)) return 'quarter'
    if (halfYearSeasons.has(part)) return 'half_year'
  }
  throw new InvalidDateError(
    `"${text}" is not a supported date: use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-33..36 (quarters), ` +
      'YYYY-40/41 (half-years) or an interval A/B of those',
  )
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

// Parsing EDTF costs tens of microseconds, and a directory holds few distinct date texts.
const parsed = new Map<string, UncertainDate>()

export function parseUncertainDate(text: string): UncertainDate {
  let date = parsed.get(text)
  if (date === undefined) {
    date = parseFresh(text)
    if (parsed.size >= 10_000) parsed.clear()
    parsed.set(text, date)
  }
  return { ...date }
}

function parseFresh(text: string): UncertainDate {
  const precision = precisionOf(text)
  let bounds: { min: number; max: number }
  try {
    bounds = edtf(text)
  } catch {
    throw new InvalidDateError(`"${text}" is not a valid EDTF date`)
  }
  if (!Number.isFinite(bounds.min) || !Number.isFinite(bounds.max) || bounds.min > bounds.max) {
    throw new InvalidDateError(`"${text}" does not cover a bounded period`)
  }
  return { edtf: text, precision, earliest: isoDay(bounds.min), latest: isoDay(bounds.max) }
}
