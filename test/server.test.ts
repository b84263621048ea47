// The real server process, started as `npm start` starts it: embedded by default, PostgreSQL
// with DATABASE_URL, stopped by a signal.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import t from 'tap'
import { buildDist, createPostgresDatabase, tempDir, testEngines } from './helper.js'

/** Node's arguments in `npm start`: the process is started exactly as users start it. */
const startArguments = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .slice(1)

// `npm start` compiles first (prestart); so does this test, so it never runs a stale dist/.
buildDist()

interface RunningServer {
  url: string
  process: ChildProcess
  output: () => string
}

function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, startArguments, {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (listening?.[1] !== undefined && output.includes('Linli is ready')) {
        resolve({ url: listening[1], process: child, output: () => output })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => reject(Object.assign(new Error(`server exited with ${code}: ${output}`), { code, output })))
  })
}

function stopServer(server: RunningServer): Promise<number | null> {
  return new Promise((resolve) => {
    server.process.on('exit', (code) => resolve(code))
    server.process.kill('SIGTERM')
  })
}

async function facilityNames(server: RunningServer): Promise<string[]> {
  const response = await fetch(`${server.url}/v1/facilities?limit=100`)
  const body = (await response.json()) as { data: { name: string }[] }
  return body.data.map((facility) => facility.name).sort()
}

t.test('on the embedded default: seeded on first start, kept and not duplicated on the next', async (t) => {
  const dataDir = await tempDir(t)
  const first = await startServer({ DATA_DIR: dataDir })
  const names = await facilityNames(first)
  t.equal(names.length, 30)
  t.ok(names.includes('融湖盛世幼儿园'))
  t.match(first.output(), /loaded seed data into the empty database/)

  await t.rejects(
    startServer({ DATA_DIR: dataDir }),
    { message: /is in use by another Linli process/ },
    'a second server on the same folder is refused',
  )

  t.equal(await stopServer(first), 0, 'stops cleanly on SIGTERM')

  const second = await startServer({ DATA_DIR: dataDir })
  t.same(await facilityNames(second), names, 'same data after a restart')
  t.notMatch(second.output(), /loaded seed data/)
  t.equal(await stopServer(second), 0)
})

t.test('with DATABASE_URL: the same data from PostgreSQL', { skip: !testEngines.includes('postgresql') }, async (t) => {
  const url = await createPostgresDatabase(t)
  const server = await startServer({ DATABASE_URL: url })
  t.match(server.output(), /"database":"postgresql"/)
  const names = await facilityNames(server)
  t.equal(names.length, 30)
  t.ok(names.includes('机荷高速改扩建'))
  t.equal(await stopServer(server), 0)
})

t.test('a bad setting stops the start with the variable named', async (t) => {
  await t.rejects(startServer({ PORT: 'eighty' }), { message: /Linli cannot start: .*PORT/ })
})

/** Adds `copies` copies of every facility (new ids and slugs), straight in SQL: a directory large enough to take a while to export. */
async function copyFacilities(url: string, copies: number): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'facility' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    )
    const columns = rows.map(({ name }) => `"${name}"`)
    const values = rows.map(({ name }) =>
      name === 'id' ? 'gen_random_uuid()' : name === 'slug' || name === 'external_id' ? `f."${name}" || '-copy-' || copy` : `f."${name}"`,
    )
    await client.query(
      `INSERT INTO facility (${columns.join(', ')}) SELECT ${values.join(', ')} FROM facility f CROSS JOIN generate_series(1, ${copies}) copy`,
    )
    const { rows: counted } = await client.query<{ count: string }>('SELECT count(*) FROM facility WHERE deleted_at IS NULL')
    return Number(counted[0]?.count)
  } finally {
    await client.end()
  }
}

t.test(
  'SIGTERM: the server stops taking requests, finishes those in flight, then exits 0',
  { skip: !testEngines.includes('postgresql') },
  async (t) => {
    // Migrated and seeded already: the first start on an empty database is the test above.
    const url = await createPostgresDatabase(t, 'seeded')
    const server = await startServer({ DATABASE_URL: url, RATE_LIMIT_ENABLED: 'false' })
    const facilities = await copyFacilities(url, 300)
    const exited = new Promise<number | null>((resolve) => server.process.on('exit', (code) => resolve(code)))

    // A slow client: it reads the first bytes of the export, then nothing for a while, so the
    // server is mid-response (held back by the full socket) when the signal comes.
    const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${server.url}/v1/facilities/export.ndjson`, resolve).on('error', reject),
    )
    t.equal(response.statusCode, 200)
    response.pause()
    await sleep(300)
    server.process.kill('SIGTERM')
    await sleep(500)
    t.equal(server.process.exitCode, null, 'still running while a response is unfinished')
    await t.rejects(fetch(`${server.url}/health/live`), 'new connections are refused')

    const chunks: Buffer[] = []
    response.on('data', (chunk: Buffer) => chunks.push(chunk))
    const ended = new Promise((resolve) => response.on('end', resolve))
    response.resume()
    await ended
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n')
    t.equal(lines.length, facilities, `the export finished whole: ${facilities} facilities`)
    t.same(JSON.parse(lines.at(-1)!).status !== undefined, true, 'its last line is a whole facility')
    t.equal(await exited, 0, 'then the process exited 0')
    const output = server.output()
    t.ok(output.indexOf('"msg":"closing"') < output.lastIndexOf('"msg":"request completed"'), 'the export completed after the signal')
  },
)
