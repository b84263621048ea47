// The real server process, started as `npm start` starts it: embedded by default, PostgreSQL
// with DATABASE_URL, stopped by a signal.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { createPostgresDatabase, tempDir, testEngines } from './helper.js'

/** Node's arguments in `npm start`: the process is started exactly as users start it. */
const startArguments = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .slice(1)

// `npm start` compiles first (prestart); so does this test, so it never runs a stale dist/.
execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })

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
