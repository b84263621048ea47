// One code path over two databases: an embedded PGlite in a data folder (the zero set-up default)
// or a real PostgreSQL through node-postgres. Both are reached through a Prisma driver adapter,
// and both are migrated with the same migrations.
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { PrismaPg } from '@prisma/adapter-pg'
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import lockfile from 'proper-lockfile'
import { type Prisma, PrismaClient } from '../generated/prisma/client.js'
import { unpackTemplate } from './embedded-template.js'

export type DatabaseEngine = 'pglite' | 'postgresql'

/** A way to read: SQL through Prisma, or rows straight from the driver. */
export interface Reader {
  prisma: PrismaClient
  /**
   * Rows straight from the driver, as node-postgres or PGlite parse them, for the frequent and
   * the large reads outside any transaction (searches, full records, the export): Prisma's
   * per-row conversion cost more than the rest of those requests' work. Never inside a
   * transaction: PGlite would wait for it to end.
   * A `statement` name makes PostgreSQL keep the statement parsed, and after a few runs planned,
   * per connection: for a frequent statement whose text never changes (a facility by id).
   */
  readRows<Row>(query: Prisma.Sql, options?: { statement?: string }): Promise<Row[]>
  /**
   * Each row handed to `visit` as the driver parses it, none kept (PGlite parses them all first):
   * for a large read whose rows become something else at once, the export's lines. Rows kept until
   * the last one arrives outlive young-generation collections, each of which copies them: half of
   * the export's collecting time, and a tenth of its CPU, at 1,000 rows a batch.
   * Resolves when the last row has been visited; rejects with what `visit` threw, after the query.
   */
  eachRow<Row>(query: Prisma.Sql, visit: (row: Row) => void): Promise<void>
}

/** A pool of connections, as /metrics reports it. */
export interface PoolUse {
  /** `primary`, or `replica` for the DATABASE_READ_URL pool. */
  pool: 'primary' | 'replica'
  inUse: number
  idle: number
  /** Queries waiting for a connection. */
  waiting: number
}

/** The database: its own reads (the primary's, which see every committed write) and writes. */
export interface Database extends Reader {
  engine: DatabaseEngine
  /** The adapter the schema engine migrates through. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory
  /**
   * Where reads that may lag behind the last writes by a moment go (searches, facets, the
   * export, the change feed): a streaming replica (DATABASE_READ_URL) once it has replayed this
   * process's last write, the primary until then (read-your-writes), and the primary when there
   * is no replica.
   */
  reader(): Promise<Reader>
  /** Whether reader() may answer from a replica (DATABASE_READ_URL), whose reads lag. */
  replicated: boolean
  /** Notes that this process has just committed a write, so reader() waits for the replica to replay it. */
  wrote(): Promise<void>
  /** Whether the database, and its replica if any, answer a query. */
  ping(): Promise<void>
  /**
   * Calls `onNotice` at each NOTIFY on the channel (on PostgreSQL, through a connection of its
   * own, outside the pool; a notice lost when it drops is for the caller's polling to find).
   * Resolves to a function that stops listening.
   */
  listen(channel: string, onNotice: () => void): Promise<() => Promise<void>>
  /** Connections in use, idle and awaited, by pool (none for the embedded database). */
  pools(): PoolUse[]
  /** Closes the database; closing it again does nothing. */
  close(): Promise<void>
}

/**
 * The planner's cost of reading a random page, for a database that is in memory (PGlite) or on
 * SSD with its working set cached: at PostgreSQL's default (4, for spinning disks) it prefers
 * reading every facility in a circle and sorting them to walking the GiST index nearest first,
 * 7 ms against 0.15 ms for a nearby search at 100,000 facilities (bench/README.md).
 */
export const randomPageCost = 1.1

const once = (close: () => Promise<void>) => {
  let closing: Promise<void> | undefined
  return () => (closing ??= close())
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, owner?: LockOwner) {
    super(
      `The embedded database in ${dataDir} is in use by another Linli process` +
        `${owner === undefined ? '' : ` (pid ${owner.pid} on ${owner.host})`}. ` +
        'Stop that process first, or point DATA_DIR at another folder.',
    )
    this.name = 'DataDirInUseError'
  }
}

/**
/**
 * PostgreSQL's buffer cache in the embedded database. PGlite keeps PostgreSQL's default of 128 MB,
 * and touches all of it as it starts, inside its Wasm memory, which never shrinks: 126 MiB of the
 * server's resident memory before the first query, for a database of a few megabytes (the seed's
 * is 41 MB on disk with its indexes). Pages it does not hold are read from the data folder through
 * the operating system's file cache (docs/operations.md has the measurements) — or, for a database
 * in memory (the tests' copies), are in memory already. Setting up 128 MB also took half of each
 * start: 1.1 of 2.1 s of CPU per test database.
 */
export const embeddedSharedBuffers = '16MB'

// PGlite is loaded only when the embedded database is used: a server on PostgreSQL does not
// carry its Wasm build.
async function loadPGlite() {
  const [{ PGlite }, { pg_trgm }, { cube }, { earthdistance }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/cube'),
    import('@electric-sql/pglite/contrib/earthdistance'),
    import('pglite-prisma-adapter'),
  ])
  // A data folder must always be opened with the same extensions (ENVIRONMENT.md): a folder whose
  // tables use pg_trgm cannot be written without it.
  const extensions = { pg_trgm, cube, earthdistance }
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${embeddedSharedBuffers}`]
  const newPGlite = (dataDir?: string, loadDataDir?: Blob) => new PGlite({ dataDir, extensions, loadDataDir, startParams })
  /** PGlite's own shadow database lacks the extensions; migrations may need them. */
  const adapterFactory = (pglite: PGlite): SqlMigrationAwareDriverAdapterFactory => {
    const factory = new PrismaPGlite(pglite)
    factory.connectToShadowDb = () => new PrismaPGlite(newPGlite()).connect()
    return factory
  }
  return { newPGlite, adapterFactory }
}

/** Who holds a data folder's lock: written into the lock when it is taken. */
interface LockOwner {
  pid: number
  host: string
}

const ownerFile = (lockPath: string) => path.join(lockPath, 'owner.json')

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(ownerFile(lockPath), 'utf8')) as Partial<LockOwner>
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host } : undefined
  } catch {
    return undefined
  }
}

/** Whether a process of this machine is gone: signal 0 checks without signalling. */
function isGone(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return false
  try {
    process.kill(owner.pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

export interface EmbeddedDatabase extends Database {
  /** The data folder as a tarball (gzipped if asked), which `loadDataDir` opens again (the tests copy a template so). */
  dumpDataDir(compression?: 'none' | 'gzip'): Promise<Blob>
}

/**
 * Opens the embedded database in `dataDir` (in memory when undefined, or in memory from a tarball
 * made by `dumpDataDir`: `options.loadDataDir`). A new folder is unpacked from the install's
 * template of a migrated, empty database when there is one (embedded-template.ts). The folder is locked for
 * this process: two processes on one PGlite folder silently lose writes. A lock left by a process
 * of this machine that is gone (killed with -9, or the machine's power cut) is taken over at once,
 * and the log says so; one whose holder runs, or cannot be checked, is refused.
 */
export async function openEmbeddedDatabase(
  dataDir?: string,
  log: { warn: (message: string) => void } = { warn: (message) => console.warn(message) },
  options: {
    loadDataDir?: Blob /** The template a new data folder starts from (embedded-template.ts); the install's by default. */
    template?: string
  } = {},
): Promise<EmbeddedDatabase> {
  const { newPGlite, adapterFactory: pgliteAdapterFactory } = await loadPGlite()
  let releaseLock = async () => {}
  let pglite: PGlite
  if (dataDir === undefined) {
    pglite = newPGlite(undefined, options.loadDataDir)
  } else {
    const root = path.resolve(dataDir)
    await mkdir(root, { recursive: true })
    const lockPath = path.join(root, 'linli.lock')
    const lock = () =>
      lockfile.lock(root, {
        lockfilePath: lockPath,
        stale: 10_000,
        update: 2_000,
        onCompromised: (error) => {
          throw error
        },
      })
    let release: () => Promise<void>
    try {
      release = await lock()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // ENOTEMPTY: proper-lockfile found the lock stale (not refreshed for 10 s) but cannot remove
      // it, since it holds the owner file.
      if (code !== 'ELOCKED' && code !== 'ENOTEMPTY') throw error
      const owner = await readOwner(lockPath)
      if (code === 'ELOCKED' && (owner === undefined || !isGone(owner))) throw new DataDirInUseError(root, owner)
      log.warn(
        code === 'ELOCKED'
          ? `The lock on ${root} was left by process ${owner?.pid}, which is gone (it did not close the database): taking it over.`
          : `The lock on ${root} has not been refreshed for over 10 s (its holder${owner === undefined ? '' : `, pid ${owner.pid} on ${owner.host},`} stopped): taking it over.`,
      )
      await rm(lockPath, { recursive: true, force: true })
      release = await lock().catch((retry: NodeJS.ErrnoException) => {
        throw retry.code === 'ELOCKED' ? new DataDirInUseError(root) : retry
      })
    }
    // Inside the lock, so it is never read from another holder's lock; removed before the release
    // (which removes the lock folder only when it is empty). Writing it changes the folder's
    // mtime, which proper-lockfile watches to tell whether another process took the lock: the
    // mtime it set is put back.
    const { atime, mtime } = await stat(lockPath)
    await writeFile(ownerFile(lockPath), JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies LockOwner))
    await utimes(lockPath, atime, mtime)
    releaseLock = async () => {
      await rm(ownerFile(lockPath), { force: true })
      await release()
    }
    const pgdata = path.join(root, 'pgdata')
    // A new folder from the template; without one, PGlite makes it with initdb.
    await unpackTemplate(pgdata, options.template)
    pglite = newPGlite(pgdata)
  }
  await pglite.waitReady
  await pglite.exec(`SET random_page_cost = ${randomPageCost}`)
  const adapterFactory = pgliteAdapterFactory(pglite)
  const prisma = new PrismaClient({ adapter: adapterFactory })
  const database: EmbeddedDatabase = {
    engine: 'pglite',
    prisma,
    adapterFactory,
    // PGlite runs a query only when no transaction holds its one connection. It parses every
    // query anyway (in the same process, so there is no round trip to save).
    readRows: async <Row>(query: Prisma.Sql) => (await pglite.query<Row>(query.text, query.values)).rows,
    eachRow: async <Row>(query: Prisma.Sql, visit: (row: Row) => void) => {
      for (const row of (await pglite.query<Row>(query.text, query.values)).rows) visit(row)
    },
    dumpDataDir: (compression = 'none') => pglite.dumpDataDir(compression),
    // One database in one process: every read is the primary's.
    reader: async () => database,
    replicated: false,
    wrote: async () => {},
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`
    },
    pools: () => [],
    async listen(channel, onNotice) {
      const unlisten = await pglite.listen(channel, onNotice)
      // PGlite's unlisten runs UNLISTEN, which rejects once it is closed: then it listens to nothing anyway.
      return once(async () => {
        if (!pglite.closed) await unlisten()
      })
    },
    close: once(async () => {
      await prisma.$disconnect()
      await pglite.close()
      await releaseLock()
    }),
  }
  return database
}

/**
 * PrismaPg runs a migration script by splitting it on every ";" — inside comments and function
 * bodies too — where the Prisma CLI sends it whole. Sent whole here, through the simple-query
 * protocol, which takes several statements (and runs them as one implicit transaction).
 */
function wholeScripts<Adapter extends SqlDriverAdapter>(adapter: Adapter): Adapter {
  const driver = adapter as unknown as { underlyingDriver(): pg.Pool; onError(error: unknown): never }
  adapter.executeScript = async (script) => {
    try {
      await driver.underlyingDriver().query(script)
    } catch (error) {
      driver.onError(error)
    }
  }
  return adapter
}

/**
 * PrismaPg's own shadow database ends up being the main one when configured by connection string
 * (the string's database name wins over the shadow's), so the shadow is made here: a new database,
 * dropped when the schema engine lets go of it.
 */
function postgresAdapterFactory(pool: pg.Pool, url: string): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPg(pool)
  const connect = factory.connect.bind(factory)
  factory.connect = async () => wholeScripts(await connect())
  factory.connectToShadowDb = async () => {
    const name = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, '')}`
    const admin = await factory.connect()
    await admin.executeScript(`CREATE DATABASE "${name}"`)
    const shadowUrl = new URL(url)
    shadowUrl.pathname = `/${name}`
    const shadow = wholeScripts(await new PrismaPg({ connectionString: shadowUrl.toString(), max: 1 }).connect())
    const dispose = shadow.dispose.bind(shadow)
    shadow.dispose = async () => {
      await dispose()
      await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await admin.dispose()
    }
    return shadow
  }
  return factory
}

/** A position in PostgreSQL's write-ahead log ("16/B374D848") as a number, to compare. */
export function walPosition(lsn: string): bigint {
  const [high = '0', low = '0'] = lsn.split('/')
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`)
}

const timestamptz = 1184

/**
 * A timestamptz as PostgreSQL writes it in a UTC session ("2026-11-28 05:19:00.123+00") read as an
 * ISO 8601 date instead of through node-postgres's regular expression; any other form (another
 * offset, a year past 9999, BC, infinity) goes to node-postgres's parser. The NDJSON export reads
 * about 200,000 of them: 200,000 took 108–181 ms that way, 65 ms this way, the same instants.
 */
function parseTimestamptz(text: string): Date {
  const { length } = text
  if (length >= 22 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32 && text.endsWith('+00')) {
    return new Date(`${text.slice(0, 10)}T${text.slice(11, length - 3)}Z`)
  }
  return pg.types.getTypeParser(timestamptz, 'text')(text) as Date
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === timestamptz && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/**
 * A pool of connections. An idle connection that the server closes (a restart, a failover, a
 * replica going away) is an 'error' event on the pool, which would end the process unheard: the
 * pool drops that connection, and the next query opens another or fails as unavailable (503).
 */
function poolOf(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, options: `-c random_page_cost=${randomPageCost}`, types })
  pool.on('error', () => {})
  return pool
}

const poolUseOf = (name: PoolUse['pool'], pool: pg.Pool): PoolUse => ({
  pool: name,
  inUse: pool.totalCount - pool.idleCount,
  idle: pool.idleCount,
  waiting: pool.waitingCount,
})

/** Reader.eachRow on a pool: a query of node-postgres's with a row listener keeps no rows. */
const eachRowOf =
  (from: pg.Pool) =>
  async <Row>(query: Prisma.Sql, visit: (row: Row) => void): Promise<void> => {
    const client = await from.connect()
    let visitFailed: { error: unknown } | undefined
    let queryError: Error | undefined
    // A checked-out client has no listener for its own 'error' (a dropped connection), which would
    // end the process unheard: the query fails with it anyway.
    const onClientError = (error: Error) => {
      queryError ??= error
    }
    client.on('error', onClientError)
    try {
      await new Promise<void>((resolve, reject) => {
        const submitted = new pg.Query(query.text, query.values)
        submitted.on('row', (row: unknown) => {
          if (visitFailed !== undefined) return
          try {
            visit(row as Row)
          } catch (error) {
            visitFailed = { error }
          }
        })
        submitted.once('error', (error: Error) => {
          queryError = error
          reject(error)
        })
        submitted.once('end', () => resolve())
        client.query(submitted)
      })
    } finally {
      client.removeListener('error', onClientError)
      // A connection whose query failed may be broken: the pool drops it.
      client.release(queryError)
    }
    if (visitFailed !== undefined) throw visitFailed.error
  }

/**
 * Opens a PostgreSQL database; with `readUrl`, also a streaming replica of it (a hot standby)
 * that takes the reads that may lag. Read-your-writes: after this process commits a write
 * (wrote()), those reads stay on the primary until the replica has replayed the primary's WAL
 * up to where it was after that write — one small query to the replica per read until then.
 */
export async function openPostgresDatabase(url: string, poolSize = 10, readUrl?: string): Promise<Database> {
  // One pool for Prisma and the driver-level reads; Prisma leaves a pool it was given open.
  const pool = poolOf(url, poolSize)
  const adapterFactory = postgresAdapterFactory(pool, url)
  const prisma = new PrismaClient({ adapter: adapterFactory })
  await prisma.$connect()
  const readRowsOf =
    (from: pg.Pool) =>
    async <Row>(query: Prisma.Sql, options: { statement?: string } = {}) =>
      (await from.query({ name: options.statement, text: query.text, values: query.values })).rows as Row[]
  const primary: Reader = { prisma, readRows: readRowsOf(pool), eachRow: eachRowOf(pool) }

  let replica: { pool: pg.Pool; reader: Reader } | undefined
  if (readUrl !== undefined) {
    const replicaPool = poolOf(readUrl, poolSize)
    try {
      await replicaPool.query('SELECT 1')
    } catch (error) {
      await replicaPool.end()
      await prisma.$disconnect()
      await pool.end()
      throw new Error(`the read replica DATABASE_READ_URL does not answer: ${(error as Error).message}`)
    }
    replica = {
      pool: replicaPool,
      reader: {
        prisma: new PrismaClient({ adapter: new PrismaPg(replicaPool) }),
        readRows: readRowsOf(replicaPool),
        eachRow: eachRowOf(replicaPool),
      },
    }
  }

  /** Where the primary's WAL was after this process's last write that the replica may not have replayed yet. */
  let awaited: bigint | undefined

  const database: Database = {
    engine: 'postgresql',
    ...primary,
    adapterFactory,
    replicated: replica !== undefined,
    async reader() {
      if (replica === undefined) return primary
      const target = awaited
      if (target === undefined) return replica.reader
      // NULL when the server is not in recovery (a promoted standby, or the primary itself): it has every write.
      const { rows } = await replica.pool.query<{ replayed: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS replayed')
      const replayed = rows[0]?.replayed
      if (replayed != null && walPosition(replayed) < target) return primary
      if (awaited === target) awaited = undefined
      return replica.reader
    },
    async wrote() {
      if (replica === undefined) return
      // The insert position is at or past the end of every record written so far, this process's
      // commit included, even with synchronous_commit off (the write position might not be yet).
      const { rows } = await pool.query<{ position: string }>('SELECT pg_current_wal_insert_lsn()::text AS position')
      const position = walPosition(rows[0]?.position ?? '0/0')
      if (awaited === undefined || position > awaited) awaited = position
    },
    async ping() {
      await pool.query('SELECT 1')
      await replica?.pool.query('SELECT 1')
    },
    pools: () => [poolUseOf('primary', pool), ...(replica === undefined ? [] : [poolUseOf('replica', replica.pool)])],
    async listen(channel, onNotice) {
      const client = new pg.Client({ connectionString: url })
      client.on('error', () => {})
      client.on('notification', (notice) => {
        if (notice.channel === channel) onNotice()
      })
      await client.connect()
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      return once(() => client.end())
    },
    close: once(async () => {
      await prisma.$disconnect()
      await pool.end()
      if (replica !== undefined) {
        await replica.reader.prisma.$disconnect()
        await replica.pool.end()
      }
    }),
  }
  return database
}

export function openDatabase(options: { databaseUrl?: string; readUrl?: string; dataDir: string; poolSize: number }): Promise<Database> {
  return options.databaseUrl === undefined
    ? openEmbeddedDatabase(options.dataDir)
    : openPostgresDatabase(options.databaseUrl, options.poolSize, options.readUrl)
}
