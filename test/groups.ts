// The suite runs as a few groups of test files, one process each, instead of one process per file:
// a test process spent about 11 s of CPU before its first test (ts-node compiling the app — esbuild
// since 2026-12-01, test/typescript/hooks.mjs —, PGlite compiling its Wasm, the first app compiling
// its schemas, tap's own set-up), and with fifty-odd files that was 40% of the suite. tap runs the
// files in test/groups/, each of which imports the test files of its group here, in order, so their
// tests run one after the other in that process.
//
// A test file belongs to the group of its folder below; a file in no listed folder belongs to
// `rest`, so a new test file is never left out. One file still runs alone as before:
// `npx tap test/routes/facility-search.test.ts`.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The folders of test/ in each group. tap runs the groups three at a time (`jobs` in package.json),
 * starting them in name order whatever the order of `tap.include` (seen in CI on 2026-12-01: api,
 * console and data first, then rest and web as those end). The browser groups wait on Chromium part
 * of their time, so a third lane keeps both cores busy (95% of the run, against 70% with two lanes
 * and one browser group of 217 s).
 *
 * The lanes are balanced on what each folder's tests took in a whole run (2026-12-01, the sum of
 * its files' tests, three groups at a time): routes 92 s, console 58, db 48, server.test.ts 42,
 * search 36, mcp 33, http 33, web 28, webhooks 27, plugins 12, clients 11, seed 11, suggestions 9.
 * The lanes were web then data (162 s), console then rest (175 s) and api (130 s), the run 184 s;
 * with the webhooks in api and the suggestions in console they took 158, 169 and 163 s, the run
 * 178 s, the machine's two cores busy 97% of it (346 s of CPU). Since the test processes run Wasm
 * on Liftoff only and reuse their databases (test/reused-databases.ts), the groups took api 102 s,
 * console 48, data 98, rest 81 and web 30 s in CI (tap 139 s): still CPU-bound, so moving folders
 * between groups would not end the run much sooner.
 */
const folders = {
  api: ['routes', 'http', 'webhooks'],
  web: ['web'],
  console: ['console', 'suggestions'],
  data: ['db', 'search', 'seed', 'hsds', 'plugins', 'clients'],
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
