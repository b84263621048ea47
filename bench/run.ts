// Load-tests the real Linli server against two ceilings and prints (and writes to
// bench/results-latest.md) a table of requests/s, p50/p99 latency and unexpected statuses.
//
//   npx tsx bench/run.ts [--database-url …] [--connections 32] [--duration 10] [--warmup 2]
//
// The server under test runs as a child process, compiled and started as `npm start` does it, so
// the RSS reported is its own; each ceiling runs in a child process of its own too, so none of them shares
// an event loop with autocannon, which runs here. An endpoint that is not built yet (400/404) is
// reported in the table, never a reason to stop.
import { readFileSync } from 'node:fs'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const projectRoot = path.resolve(benchDir, '..')

const { values } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/linli_bench',
    },
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    output: { type: 'string', default: path.join(benchDir, 'results-latest.md') },
    /** Only these scenarios (comma-separated names), e.g. pinyin,pinyinPage. */
    only: { type: 'string' },
    /** The server's ANSWER_CACHE_MB (its default unless given); 0 measures every request the whole way. */
    'answer-cache-mb': { type: 'string' },
  },
})
const only = values.only?.split(',').map((name) => name.trim())
const databaseUrl = values['database-url']!
const connections = Number(values.connections)
const duration = Number(values.duration)
const warmup = Number(values.warmup)

// ---------------------------------------------------------------------------------------------
// Child processes

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

interface Child {
  name: string
  process: ChildProcess
  url: string
  output: () => string
}

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, port: number): Child {
  const child = spawn(process.execPath, args[0]?.startsWith('-') ? args : ['--import', 'tsx', ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  return { name, process: child, url: `http://127.0.0.1:${port}`, output: () => output }
}

async function waitUntilUp(child: Child, probePath: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) {
      throw new Error(`${child.name} exited with code ${child.process.exitCode}:\n${child.output()}`)
    }
    try {
      const response = await fetch(child.url + probePath, { signal: AbortSignal.timeout(2000) })
      await response.arrayBuffer()
      if (response.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${child.name} did not come up within ${timeoutMs / 1000} s:\n${child.output()}`)
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()))
  child.process.kill('SIGTERM')
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

/** Peak and current resident set size of a process, in MB, from /proc. */
async function memoryOf(pid: number | undefined): Promise<{ peakMb: number | null; currentMb: number | null }> {
  if (pid === undefined) return { peakMb: null, currentMb: null }
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
      return match ? Number(match[1]) / 1024 : null
    }
    return { peakMb: kb('VmHWM'), currentMb: kb('VmRSS') }
  } catch {
    return { peakMb: null, currentMb: null }
  }
}

/** CPU time a process has used so far, in clock ticks (1/100 s), from /proc/<pid>/stat. */
async function cpuTicks(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12]) // utime + stime
  } catch {
    return null
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Waits until the process under test and the database are idle again: when autocannon stops, a
 * slow endpoint may still have a backlog of requests and queries that would otherwise be charged
 * to the next scenario. Idle = under 10% of a core over half a second and no other active query
 * in the database. Returns the seconds it took (at most two minutes).
 */
async function drain(pid: number | undefined, db: pg.Client): Promise<number> {
  const started = performance.now()
  while (performance.now() - started < 120_000) {
    const before = await cpuTicks(pid)
    await sleep(500)
    const after = await cpuTicks(pid)
    const active = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
    )
    const busy = before !== null && after !== null && after - before > 5
    if (!busy && Number(active.rows[0]!.n) === 0) break
  }
  return (performance.now() - started) / 1000
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface Row {
  scenario: string
  description: string
  rps: number | null
  p50: number | null
  p99: number | null
  requests: number | null
  /** Responses that were neither the expected status class nor a connection that worked. */
  unexpected: number | null
  statuses: string
  note: string
}

type Request = autocannon.Request

interface LoadScenario {
  scenario: string
  description: string
  url: string
  /** The process serving it, watched to let a backlog drain before the next scenario. */
  pid: number | undefined
  requests: Request[]
  /** Which statuses count as success; anything else is counted in "unexpected". */
  expected: (status: number) => boolean
  note?: string
}

const is2xxOr304 = (status: number) => (status >= 200 && status < 300) || status === 304

function runAutocannon(url: string, requests: Request[], seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, requests, timeout: 10 })
}

async function runLoad(scenario: LoadScenario, db: pg.Client): Promise<Row> {
  process.stdout.write(`- ${scenario.scenario}: warm-up ${warmup} s, then ${duration} s × ${connections} connections … `)
  try {
    const notes = scenario.note ? [scenario.note] : []
    const waited = async (when: string) => {
      const seconds = await drain(scenario.pid, db)
      if (seconds > 2) notes.push(`waited ${seconds.toFixed(0)} s ${when} for the backlog to drain`)
    }
    await waited('before the run')
    if (warmup > 0) {
      await runAutocannon(scenario.url, scenario.requests, warmup)
      await waited('after the warm-up')
    }
    const result = await runAutocannon(scenario.url, scenario.requests, duration)
    await waited('after the run')
    const stats = (result.statusCodeStats ?? {}) as Record<string, { count?: number }>
    let unexpected = result.errors
    const statuses: string[] = []
    for (const [code, { count = 0 }] of Object.entries(stats).sort(([a], [b]) => Number(a) - Number(b))) {
      statuses.push(`${code}×${count}`)
      if (!scenario.expected(Number(code))) unexpected += count
    }
    if (result.errors > 0) statuses.push(`errors×${result.errors}${result.timeouts > 0 ? ` (timeouts ${result.timeouts})` : ''}`)
    const answered = result.requests.total
    if (answered === 0) {
      notes.push(`no response at all: ${result.requests.sent} requests sent, none answered within the run`)
      unexpected += result.requests.sent
    }
    const row: Row = {
      scenario: scenario.scenario,
      description: scenario.description,
      rps: result.requests.average,
      p50: answered === 0 ? null : result.latency.p50,
      p99: answered === 0 ? null : result.latency.p99,
      requests: answered,
      unexpected,
      statuses: statuses.join(', ') || '—',
      note: notes.join('; '),
    }
    console.log(`${Math.round(row.rps ?? 0)} req/s, p99 ${row.p99} ms, unexpected ${unexpected}`)
    return row
  } catch (error) {
    console.log(`failed: ${(error as Error).message}`)
    return {
      scenario: scenario.scenario,
      description: scenario.description,
      rps: null,
      p50: null,
      p99: null,
      requests: null,
      unexpected: null,
      statuses: '—',
      note: `harness error: ${(error as Error).message}`,
    }
  }
}

/** Times one full download of the NDJSON export, counting its lines. */
async function runExport(baseUrl: string): Promise<Row> {
  const description = 'one full GET /v1/facilities/export.ndjson, timed to the last byte'
  process.stdout.write('- exportNdjson: one full download … ')
  const started = performance.now()
  const row = (outcome: Pick<Row, 'unexpected' | 'statuses' | 'note'>): Row => ({
    scenario: 'exportNdjson',
    description,
    rps: null,
    p50: null,
    p99: null,
    requests: 1,
    ...outcome,
  })
  try {
    const response = await fetch(`${baseUrl}/v1/facilities/export.ndjson`, { signal: AbortSignal.timeout(300_000) })
    let firstByteMs: number | null = null
    let lines = 0
    let bytes = 0
    let last = 10 // a final line without "\n" still counts
    const reader = response.body!.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      firstByteMs ??= performance.now() - started
      bytes += value.length
      // indexOf, not a loop over each byte: the client shares the two cores with the server, and
      // looping over 130 MB cost it 0.7 s of CPU (0.25 s so).
      for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) lines += 1
      last = value[value.length - 1] ?? last
    }
    if (bytes > 0 && last !== 10) lines += 1
    const seconds = (performance.now() - started) / 1000
    const ok = response.status === 200
    const contentType = response.headers.get('content-type') ?? 'none'
    const note = ok
      ? `${lines} lines, ${(bytes / 1024 / 1024).toFixed(1)} MB, ${seconds.toFixed(2)} s total, first byte after ` +
        `${((firstByteMs ?? 0) / 1000).toFixed(2)} s, content-type ${contentType}`
      : `HTTP ${response.status} (not built yet?) after ${seconds.toFixed(2)} s`
    console.log(note)
    return row({
      unexpected: ok ? 0 : 1,
      statuses: `${response.status}×1`,
      note: ok ? `**${seconds.toFixed(2)} s**; ${note}` : note,
    })
  } catch (error) {
    const seconds = (performance.now() - started) / 1000
    const note = `failed after ${seconds.toFixed(2)} s: ${(error as Error).message}`
    console.log(note)
    return row({ unexpected: 1, statuses: '—', note })
  }
}

const nearPoints: [number, number][] = [
  [22.6, 114.05],
  [22.6866, 114.124],
  [22.72, 114.24],
  [22.54, 114.06],
  [22.55, 113.93],
  [22.66, 114.03],
]
const pinyinQueries = ['youeryuan', 'yanglao', 'longcheng', 'xiaoxue', 'pinghu', 'yey']
const nearbyPath = ([lat, lng]: [number, number]) =>
  `/v1/facilities?near=${lat.toFixed(4)},${lng.toFixed(4)}&radius=3000&category=kindergarten&status=operational`
/** The same requests go to the server and to its raw-SQL ceiling. */
const nearbyRequests: Request[] = nearPoints.map((point) => ({ method: 'GET', path: nearbyPath(point) }))
const pinyinRequests: Request[] = pinyinQueries.map((q) => ({ method: 'GET', path: `/v1/facilities?q=${encodeURIComponent(q)}` }))
/**
 * A nearby search from a point never asked before, for every request: what phones sending their
 * own position ask, which no answer kept in memory can serve. Points spread over the generated
 * district (lat 22.45–22.85, lng 113.75–114.60), the same sequence in every run.
 */
function variedNearbyRequest(): Request {
  let state = 20261201
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  return {
    method: 'GET',
    setupRequest: (request) => ({ ...request, path: nearbyPath([22.45 + next() * 0.4, 113.75 + next() * 0.85]) }),
  }
}
/** The residents' results page for the same texts: the page asks the same search, plus the areas and a count. */
const pinyinPageRequests: Request[] = pinyinQueries.map((q) => ({ method: 'GET', path: `/search?q=${encodeURIComponent(q)}` }))

async function sampleIds(): Promise<{ ids: string[]; total: number; synthetic: number }> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const counts = await client.query<{ total: string; synthetic: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE slug LIKE 'bench-%') AS synthetic FROM facility WHERE deleted_at IS NULL`,
    )
    // Ids are random UUIDs, so the first 50 by id are spread over the whole table.
    const rows = await client.query<{ id: string }>(
      `SELECT id FROM facility WHERE deleted_at IS NULL ORDER BY (slug LIKE 'bench-%') DESC, id LIMIT 50`,
    )
    return {
      ids: rows.rows.map((row) => row.id),
      total: Number(counts.rows[0]!.total),
      synthetic: Number(counts.rows[0]!.synthetic),
    }
  } finally {
    await client.end()
  }
}

/** The ETag the server gives each facility (null where it gives none). */
async function etagsOf(baseUrl: string, ids: string[]): Promise<Map<string, string | null>> {
  const etags = new Map<string, string | null>()
  for (const id of ids) {
    try {
      const response = await fetch(`${baseUrl}/v1/facilities/${id}`)
      await response.arrayBuffer()
      etags.set(id, response.ok ? response.headers.get('etag') : null)
    } catch {
      etags.set(id, null)
    }
  }
  return etags
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (value: number | null, digits = 0) => (value === null ? '—' : value.toFixed(digits))
const cell = (text: string) => text.replace(/\|/g, '\\|')

function table(rows: Row[]): string {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | requests | unexpected | statuses | note |',
    '|---|---:|---:|---:|---:|---:|---|---|',
  ]
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} | ${fmt(row.rps)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${fmt(row.requests)} | ` +
        `${fmt(row.unexpected)} | ${cell(row.statuses)} | ${cell(row.note)} |`,
    )
  }
  return lines.join('\n')
}

function verdicts(rows: Row[], peakMb: number | null, facilityCount: number): string[] {
  const byName = new Map(rows.map((row) => [row.scenario, row]))
  const lines: string[] = []
  const mark = (ok: boolean | null) => (ok === null ? '❔' : ok ? '✅' : '❌')
  for (const [name, ceilingName] of [
    ['nearby', 'ceilingRawSqlNearby'],
    ['pinyin', 'ceilingRawSqlPinyin'],
  ] as const) {
    const row = byName.get(name)
    if (row === undefined) continue
    const ceiling = byName.get(ceilingName)?.rps ?? null
    const clean = row.unexpected === 0
    const ratio = row.rps !== null && ceiling ? row.rps / ceiling : null
    lines.push(
      `${mark(clean && ratio !== null ? ratio >= 0.5 : clean ? null : false)} ${name}: ` +
        `${ratio === null ? '—' : `${(ratio * 100).toFixed(0)}%`} of its raw-SQL ceiling, ${ceilingName} (target ≥ 50%)` +
        `${clean ? '' : ` — ${row.unexpected} unexpected responses, so not a valid measurement`}`,
    )
  }
  // The issue's targets (#16): a share of what a bare Fastify route with a fixed body does.
  const fixed = byName.get('ceilingFixed')?.rps ?? null
  for (const [name, share] of [
    ['nearby', 0.5],
    ['nearbyVaried', 0.5],
    ['pinyin', 0.5],
    ['byId', 0.8],
  ] as const) {
    const row = byName.get(name)
    if (row === undefined || row.rps === null || !fixed) continue
    const ratio = row.rps / fixed
    lines.push(
      `${mark(row.unexpected === 0 && ratio >= share)} ${name}: ${(ratio * 100).toFixed(0)}% of ceilingFixed's req/s (target ≥ ${share * 100}%)`,
    )
  }
  const page = byName.get('pinyinPage')
  const json = byName.get('pinyin')
  if (page?.rps != null && json?.rps != null && json.rps > 0) {
    const ratio = page.rps / json.rps
    lines.push(
      `${mark(page.unexpected === 0 && ratio >= 0.5)} pinyinPage: ${(ratio * 100).toFixed(0)}% of the JSON search's req/s (target ≥ 50%)`,
    )
  }
  for (const row of rows) {
    if (row.scenario.startsWith('ceiling') || row.scenario === 'exportNdjson') continue
    if (row.p99 === null) {
      lines.push(`❌ ${row.scenario}: no latency measured (${row.note || 'no responses'})`)
      continue
    }
    const clean = row.unexpected === 0
    lines.push(
      `${mark(clean ? row.p99 < 50 : false)} ${row.scenario}: p99 ${row.p99} ms at ${connections} connections (target < 50 ms)` +
        `${clean ? '' : ' — has unexpected responses'}`,
    )
  }
  lines.push(`${mark(peakMb === null ? null : peakMb < 300)} server peak RSS ${fmt(peakMb)} MB (target < 300 MB)`)
  const exported = byName.get('exportNdjson')
  const seconds = exported && /^\*\*([\d.]+) s\*\*/.exec(exported.note)
  lines.push(
    seconds
      ? `${mark(Number(seconds[1]) < 3)} NDJSON export of ${facilityCount} rows in ${seconds[1]} s (target < 3 s for 100,000 rows)`
      : `❌ NDJSON export: ${exported?.note ?? 'not run'}`,
  )
  return lines
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!
  const [serverPort, fixedPort, rawPort] = [await freePort(), await freePort(), await freePort()]
  const { ids, total, synthetic } = await sampleIds()
  console.log(`database ${databaseUrl}: ${total} facilities (${synthetic} synthetic)`)
  if (ids.length === 0) throw new Error('the database has no facilities; run bench/generate.ts first')

  // The server runs with the node options of `npm start`, so the memory measured is what users get;
  // like `npm start`, the sources are compiled first.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: 'inherit' })
  const packageJson = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }
  const server = startChild(
    'Linli server',
    packageJson.scripts.start.split(' ').slice(1),
    {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      PORT: String(serverPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SEED_ON_START: 'false',
      // Every request comes from this one address: limits would measure the 429 path.
      RATE_LIMIT_ENABLED: 'false',
      NODE_ENV: 'production',
      ...(values['answer-cache-mb'] === undefined ? {} : { ANSWER_CACHE_MB: values['answer-cache-mb'] }),
    },
    serverPort,
  )
  const fixed = startChild('fixed ceiling', ['bench/ceilings.ts', 'fixed', '--port', String(fixedPort)], {}, fixedPort)
  const raw = startChild(
    'raw-SQL ceiling',
    ['bench/ceilings.ts', 'rawSql', '--port', String(rawPort), '--database-url', databaseUrl],
    {},
    rawPort,
  )
  const children = [server, fixed, raw]
  const stopAll = () => Promise.all(children.map(stopChild))
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)))

  const rows: Row[] = []
  let memory: { peakMb: number | null; currentMb: number | null } = { peakMb: null, currentMb: null }
  try {
    await Promise.all([waitUntilUp(server, '/health/ready'), waitUntilUp(fixed, '/v1/facilities'), waitUntilUp(raw, '/v1/facilities')])
    console.log(`server pid ${server.process.pid} on ${server.url}; ceilings on ${fixed.url}, ${raw.url}`)

    const etags = await etagsOf(server.url, ids)
    const withEtag = [...etags].filter((entry): entry is [string, string] => entry[1] !== null)

    const scenarios: LoadScenario[] = [
      {
        scenario: 'nearby',
        description: 'GET /v1/facilities?near=…&radius=3000&category=kindergarten&status=operational (6 points in turn)',
        url: server.url,
        pid: server.process.pid,
        requests: nearbyRequests,
        expected: is2xxOr304,
      },
      {
        scenario: 'nearbyVaried',
        description: 'the same nearby search from a new point for every request (no two alike)',
        url: server.url,
        pid: server.process.pid,
        requests: [variedNearbyRequest()],
        expected: is2xxOr304,
      },
      {
        scenario: 'pinyin',
        description: `GET /v1/facilities?q=… (${pinyinQueries.join(', ')} in turn)`,
        url: server.url,
        pid: server.process.pid,
        requests: pinyinRequests,
        expected: is2xxOr304,
      },
      {
        scenario: 'pinyinPage',
        description: `GET /search?q=… (the residents' results page, HTML; same texts in turn)`,
        url: server.url,
        pid: server.process.pid,
        requests: pinyinPageRequests,
        expected: is2xxOr304,
      },
      {
        scenario: 'byId',
        description: `GET /v1/facilities/:id (${ids.length} ids in turn)`,
        url: server.url,
        pid: server.process.pid,
        requests: ids.map((id) => ({ method: 'GET', path: `/v1/facilities/${id}` })),
        expected: is2xxOr304,
      },
      withEtag.length > 0
        ? {
            scenario: 'conditional304',
            description: `GET /v1/facilities/:id with If-None-Match: its ETag (${withEtag.length} ids in turn)`,
            url: server.url,
            pid: server.process.pid,
            requests: withEtag.map(([id, etag]) => ({
              method: 'GET',
              path: `/v1/facilities/${id}`,
              headers: { 'if-none-match': etag },
            })),
            expected: (status) => status === 304,
            note: withEtag.length < ids.length ? `${ids.length - withEtag.length} of ${ids.length} ids had no ETag` : '',
          }
        : {
            scenario: 'conditional304',
            description: 'GET /v1/facilities/:id with If-None-Match (expected 304)',
            url: server.url,
            pid: server.process.pid,
            requests: ids.map((id) => ({
              method: 'GET',
              path: `/v1/facilities/${id}`,
              headers: { 'if-none-match': '"no-etag-returned"' },
            })),
            expected: (status) => status === 304,
            note: 'the server returned no ETag, so a made-up one was sent; every non-304 is counted as unexpected',
          },
      {
        scenario: 'ceilingFixed',
        description: 'bare Fastify, fixed 20-item list body (no database)',
        url: fixed.url,
        pid: fixed.process.pid,
        requests: [{ method: 'GET', path: '/v1/facilities' }],
        expected: is2xxOr304,
      },
      {
        scenario: 'ceilingRawSqlNearby',
        description: "bare Fastify + pg Pool(10), the app's nearby SQL written by hand (same 6 points)",
        url: raw.url,
        pid: raw.process.pid,
        requests: nearbyRequests,
        expected: is2xxOr304,
      },
      {
        scenario: 'ceilingRawSqlPinyin',
        description: "bare Fastify + pg Pool(10), the app's text-search SQL written by hand (same 6 texts)",
        url: raw.url,
        pid: raw.process.pid,
        requests: pinyinRequests,
        expected: is2xxOr304,
      },
    ]
    const db = new pg.Client({ connectionString: databaseUrl })
    await db.connect()
    try {
      for (const scenario of scenarios) if (only === undefined || only.includes(scenario.scenario)) rows.push(await runLoad(scenario, db))
      await drain(server.process.pid, db)
      if (only === undefined || only.includes('exportNdjson')) rows.push(await runExport(server.url))
    } finally {
      await db.end()
    }
    memory = await memoryOf(server.process.pid)
    if (server.process.exitCode !== null) {
      console.log(`warning: the server exited during the run (code ${server.process.exitCode}):\n${server.output()}`)
    }
  } finally {
    await stopAll()
  }

  const loadAfter = os.loadavg()[0]!
  const scenarioList = rows.map((row) => `- **${row.scenario}**: ${row.description}`).join('\n')
  const summary = verdicts(rows, memory.peakMb, total)
  const report = [
    `# Linli benchmark — latest run`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}) · ` +
      `${connections} connections · ${duration} s per scenario after ${warmup} s warm-up · ` +
      `${total} facilities (${synthetic} synthetic) in \`${new URL(databaseUrl).pathname.slice(1)}\``,
    '',
    // Only the load before counts: the run itself loads the machine, so the load after is always high.
    ...(loadBefore > 0.5 * os.cpus().length
      ? [
          `> **Warning: the machine was busy** (1-minute load average ${loadBefore.toFixed(1)} before the run, ` +
            `${loadAfter.toFixed(1)} after, on ${os.cpus().length} CPUs): other processes competed for the CPU, so these ` +
            'numbers are not comparable with a run on a quiet machine.',
          '',
        ]
      : []),
    table(rows),
    '',
    `Server peak RSS (VmHWM): **${fmt(memory.peakMb)} MB** (RSS at the end: ${fmt(memory.currentMb)} MB)`,
    '',
    '## Against the targets',
    '',
    ...summary.map((line) => `- ${line}`),
    '',
    '## Scenarios',
    '',
    scenarioList,
    '',
  ].join('\n')
  console.log(`\n${report}`)
  await writeFile(values.output!, report)
  console.log(`written to ${path.relative(process.cwd(), values.output!)}`)
}

await main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
