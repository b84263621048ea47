// Days and instants. A calendar day (EDTF "2026-09-01", or an ISO timestamp whose first ten
// characters are the day) is stored and compared as its midnight in UTC; the moment it begins
// for a facility is its midnight in Asia/Shanghai (no daylight saving: always UTC+8).

/** The day as the instant of its midnight in UTC, the way date columns are read and written. */
export const utcMidnight = (day: string) => new Date(`${day.slice(0, 10)}T00:00:00Z`)

/** Start of a day in the facility's zone: a month-precise date "2022-05" took effect on 1 May there. */
export const startOfDayInShanghai = (day: string) => new Date(`${day.slice(0, 10)}T00:00:00+08:00`)

/** The day an instant falls on in the facility's zone, as EDTF. */
export const dayInShanghai = (instant: Date) => new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
