// DATABASE_READ_URL against a real streaming replica: a PostgreSQL primary made with initdb and a
// hot standby made from it with pg_basebackup, both on free ports of this machine in a temporary
// folder, torn down afterwards. (The shared server at 127.0.0.1:5432 allows no replication
// connections in its pg_hba.conf, and its configuration is not this test's to change.)
// With replay paused on the standby, what each process reads from where is visible: searches,
// facets, the export and the feed lag; a facility by id and the writer's own reads do not.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { appendFile, chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import t, { type Test } from 'tap'
import { openPostgresDatabase } from '../../src/db/database.js'
import { prepareDatabase } from '../../src/prepare.js'
import { appOnPostgres, create, keyFor, patch, type App } from '../helper.js'

/** Where the server binaries are: PG_BINDIR, pg_config's answer, or Debian's folders. */
function findBinaries(): string | undefined {
  const candidates = [process.env.PG_BINDIR]
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim())
  } catch {}
  for (const version of ['17', '16', '15', '14']) candidates.push(`/usr/lib/postgresql/${version}/bin`)
  return candidates.find(
    (dir) => dir !== undefined && ['initdb', 'pg_ctl', 'pg_basebackup'].every((name) => existsSync(path.join(dir, name))),
  )
}

const binaries = findBinaries()
const asRoot = process.getuid?.() === 0

/** Runs a server binary — as the postgres user when this is root: initdb and postgres refuse root. */
function run(name: string, args: string[]): string {
  const binary = path.join(binaries!, name)
  return asRoot
    ? execFileSync('runuser', ['-u', 'postgres', '--', binary, ...args], { encoding: 'utf8', stdio: 'pipe' })
    : execFileSync(binary, args, { encoding: 'utf8', stdio: 'pipe' })
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A primary and a streaming replica of it, each listening on its own port; stopped and removed when the test ends. */
async function primaryAndReplica(t: Test): Promise<{ primary: number; replica: number; replicaDir: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'linli-replica-'))
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))
    await chown(root, uid, gid)
  }
  await chmod(root, 0o700)
  const started: string[] = []
  t.teardown(async () => {
    for (const dir of started.reverse()) {
      try {
        run('pg_ctl', ['stop', '-D', dir, '-m', 'immediate', '-w'])
      } catch {}
    }
    await rm(root, { recursive: true, force: true })
  })
  const ports = { primary: await freePort(), replica: await freePort() }
  const settings = (port: number) =>
    `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${root}'\n` +
    // A throwaway cluster: durability is not what is tested.
    'fsync = off\nfull_page_writes = off\nshared_buffers = 16MB\nmax_connections = 40\n'

  const primaryDir = path.join(root, 'primary')
  run('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'])
  // initdb's pg_hba.conf already lets local replication connections in (trust, here).
  await appendFile(path.join(primaryDir, 'postgresql.conf'), `${settings(ports.primary)}wal_level = replica\nmax_wal_senders = 4\n`)
  run('pg_ctl', ['start', '-D', primaryDir, '-l', path.join(root, 'primary.log'), '-w'])
  started.push(primaryDir)

  const replicaDir = path.join(root, 'replica')
  // -R: the copy starts as a standby streaming from the primary (standby.signal, primary_conninfo).
  run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(ports.primary), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream'])
  await appendFile(path.join(replicaDir, 'postgresql.conf'), settings(ports.replica))
  run('pg_ctl', ['start', '-D', replicaDir, '-l', path.join(root, 'replica.log'), '-w'])
  started.push(replicaDir)
  return { ...ports, replicaDir }
}

const urlAt = (port: number, database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`

async function query<Row extends pg.QueryResultRow>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<Row>(text)).rows
  } finally {
    await client.end()
  }
}

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(primaryUrl: string, replicaUrl: string) {
  const [{ position }] = (await query<{ position: string }>(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS position')) as [
    { position: string },
  ]
  for (let i = 0; i < 100; i++) {
    const [{ behind }] = (await query(replicaUrl, `SELECT pg_last_wal_replay_lsn() < '${position}'::pg_lsn AS behind`)) as [
      { behind: boolean },
    ]
    if (!behind) return
    await sleep(50)
  }
  throw new Error('the replica did not catch up in 5 s')
}

t.test(
  'DATABASE_READ_URL: reads that may lag go to a streaming replica, the writer reads its writes',
  { skip: binaries === undefined ? 'PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed: set PG_BINDIR' : false },
  async (t) => {
    const ports = await primaryAndReplica(t)
    await query(urlAt(ports.primary), 'CREATE DATABASE linli')
    const primaryUrl = urlAt(ports.primary, 'linli')
    const replicaUrl = urlAt(ports.replica, 'linli')
    const setup = await openPostgresDatabase(primaryUrl, 2)
    await prepareDatabase(setup, { seed: true, log: { info() {} } })
    await setup.close()
    await caughtUp(urlAt(ports.primary), urlAt(ports.replica))
    t.same(await query(replicaUrl, 'SELECT pg_is_in_recovery() AS standby'), [{ standby: true }], 'a hot standby')

    /**
     * A server process on the primary with the replica for its lagging reads; without the read
     * index, whose searches follow the primary's change log (read-index-processes.test.ts).
     */
    const serverProcess = () => appOnPostgres(t, primaryUrl, { replicaUrl, searchIndex: false })
    const writer = await serverProcess()
    const reader = await serverProcess()
    const editor = await keyFor(writer, 'editor')
    const names = async (app: App, url: string) =>
      ((await app.inject({ url })).json().data as { name: string }[]).map((facility) => facility.name)
    const search = '/v1/facilities?q=禾花阳光&limit=5'
    const kindergartens = async (app: App) =>
      ((await app.inject({ url: '/v1/facilities/facets?category=kindergarten' })).json().category as { count: number }[])[0]?.count
    const before = await kindergartens(reader)
    t.same(await names(reader, search), [])

    // The replica stops replaying: from here on it lags behind the primary.
    await query(replicaUrl, 'SELECT pg_wal_replay_pause()')
    const created = await create(writer, editor)
    t.equal(created.statusCode, 201, 'writes go to the primary (a standby refuses them)')
    const id = created.json().id as string
    t.equal(created.json().name, '禾花阳光幼儿园', 'the answer to a write is read from the primary')

    t.test('the writer reads its own write at once', async (t) => {
      t.same(await names(writer, search), ['禾花阳光幼儿园'], 'its search falls back to the primary')
      t.equal(await kindergartens(writer), (before ?? 0) + 1)
      t.equal((await writer.inject({ url: `/v1/facilities/${id}` })).statusCode, 200)
    })

    t.test('another process reads the replica: searches, facets, export and feed lag; by id does not', async (t) => {
      t.same(await names(reader, search), [], 'the search is the replica’s')
      t.equal(await kindergartens(reader), before, 'so are the facets')
      const exported = (await reader.inject({ url: '/v1/facilities/export.ndjson' })).body
      t.notOk(exported.includes(id), 'and the export')
      const feed = (await reader.inject({ url: '/v1/changes?limit=100' })).json().data as { facilityId: string }[]
      t.notOk(
        feed.some((change) => change.facilityId === id),
        'and the change feed',
      )
      const byId = await reader.inject({ url: `/v1/facilities/${id}` })
      t.equal(byId.statusCode, 200, 'a facility by id is the primary’s: an ETag to base a write on is never stale')
      t.equal(byId.json().name, '禾花阳光幼儿园')
    })

    t.test('once the replica replays, every process reads the write from it', async (t) => {
      await query(replicaUrl, 'SELECT pg_wal_replay_resume()')
      await caughtUp(urlAt(ports.primary), urlAt(ports.replica))
      t.same(await names(reader, search), ['禾花阳光幼儿园'])
      t.equal(await kindergartens(reader), (before ?? 0) + 1)
      t.ok((await reader.inject({ url: '/v1/facilities/export.ndjson' })).body.includes(id))
      t.same(await names(writer, search), ['禾花阳光幼儿园'])
    })

    t.test('both pools are in the metrics, and readiness asks both', async (t) => {
      const metrics = (await reader.inject({ url: '/metrics' })).body
      t.match(metrics, /linli_database_connections\{pool="primary",state="idle"\} \d+/)
      t.match(metrics, /linli_database_connections\{pool="replica",state="idle"\} [1-9]/)
      t.match(metrics, /linli_database_waiting_queries\{pool="replica"\} 0/)
      t.equal((await reader.inject({ url: '/health/ready' })).statusCode, 200)
    })

    t.test('with a replica no answer is kept in memory, even with the read index', async (t) => {
      // The replica's reads may be older than the changes the index has applied (src/http/answer-cache.ts).
      const withIndex = await appOnPostgres(t, primaryUrl, { replicaUrl })
      for (const url of [`/v1/facilities/${id}`, `/v1/facilities/${id}`, search, search]) {
        t.equal((await withIndex.inject({ url })).statusCode, 200, url)
      }
      const metrics = (await withIndex.inject({ url: '/metrics' })).body
      t.match(metrics, /linli_answer_cache_lookups_total\{outcome="bypass"\} 4\n/)
      t.notMatch(metrics, /outcome="hit"/)
    })

    t.test('a replica that goes away: searches and readiness are 503, reads by id and writes go on', async (t) => {
      run('pg_ctl', ['stop', '-D', ports.replicaDir, '-m', 'fast', '-w'])
      const search = await reader.inject({ url: '/v1/facilities?limit=1' })
      t.equal(search.statusCode, 503)
      t.match(search.json(), { code: 'service_unavailable' })
      t.equal((await reader.inject({ url: '/health/ready' })).statusCode, 503)
      t.equal((await reader.inject({ url: `/v1/facilities/${id}` })).statusCode, 200)
      const current = await writer.inject({ url: `/v1/facilities/${id}` })
      const changed = await patch(writer, id, { ...editor, 'if-match': current.headers.etag as string }, { phone: '0755-12345678' })
      t.equal(changed.statusCode, 200)
    })
  },
)

t.test('a replica that does not answer stops the start with the variable named', async (t) => {
  const port = await freePort()
  await t.rejects(openPostgresDatabase('postgresql://postgres@127.0.0.1:5432/postgres', 1, urlAt(port)), {
    message: /^the read replica DATABASE_READ_URL does not answer: .*ECONNREFUSED/,
  })
})
