// The suite runs as a few groups of test files, one process each, instead of one process per file:
// a test process spends about 11 s of CPU before its first test (ts-node compiling the app, PGlite
// compiling its Wasm, the first app compiling its schemas, tap's own set-up), and with fifty-odd
// files that was 40% of the suite. tap runs the files in test/groups/, each of which imports the
// test files of its group here, in order, so their tests run one after the other in that process.
//
// A test file belongs to the group of its folder below; a file in no listed folder belongs to
// `rest`, so a new test file is never left out. One file still runs alone as before:
// `npx tap test/routes/facility-search.test.ts`.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The folders of test/ in each group. tap starts them in the order of `tap.include` in
 * package.json, three at a time: the two browser groups and api first, then data and rest as
 * those end. Measured on 2026-11-30 (a slower machine, each group alone, all CPU of the machine
 * counted, Chromium's, PostgreSQL's and the servers' they start included): web 91 s of CPU in 59 s,
 * console 127 s in 89 s, api 137 s in 98 s, data 125 s in 95 s, rest 152 s in 106 s. The browser
 * groups wait on Chromium part of their time, so a third lane keeps both cores busy (95% of the
 * run, against 70% with two lanes and one browser group of 217 s). The webhook tests sit with the
 * console's because they mostly wait too (for receivers and retries).
 */
const folders = {
  api: ['routes', 'http'],
  web: ['web'],
  console: ['console', 'webhooks'],
  data: ['db', 'search', 'seed', 'hsds', 'suggestions', 'plugins', 'clients'],
  rest: [],
} satisfies Record<string, string[]>

type Group = keyof typeof folders

const testDir = path.dirname(fileURLToPath(import.meta.url))

/** The group of a test file, given relative to test/. */
function groupOf(file: string): Group {
  const folder = file.split(path.sep)[0] ?? ''
  for (const [group, names] of Object.entries(folders) as [Group, string[]][]) if (names.includes(folder)) return group
  return 'rest'
}

/** Runs the group's test files in this process, one after the other, in a fixed (sorted) order. */
export async function runGroup(group: Group): Promise<void> {
  const files = readdirSync(testDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts') && groupOf(file) === group)
    .sort()
  for (const file of files) await import(pathToFileURL(path.join(testDir, file)).href)
}
