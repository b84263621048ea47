import { spawnSync } from 'node:child_process'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { createTar } from 'nanotar'
import t from 'tap'
import { DataDirInUseError, openEmbeddedDatabase } from '../../src/db/database.js'
import { unpackTemplate } from '../../src/db/embedded-template.js'
import { writeTemplate } from '../../src/db/make-template.js'
import { migrationNames } from '../../src/db/schema-engine.js'
import { Prisma } from '../../src/generated/prisma/client.js'
import { prepareDatabase } from '../../src/prepare.js'
import { tempDir } from '../helper.js'

t.test("a new data folder starts from the install's template, migrated already, and is only seeded", async (t) => {
  const { file: template, migrations } = await writeTemplate(path.join(await tempDir(t), 'migrated.tar.gz'))
  t.same(migrations, await migrationNames(), 'the template holds every migration')
  const systemOf = async (database: Awaited<ReturnType<typeof openEmbeddedDatabase>>) =>
    (await database.readRows<{ id: string }>(Prisma.sql`SELECT system_identifier::text AS id FROM pg_control_system()`))[0]?.id
  const identifiers: (string | undefined)[] = []
  for (const _ of [1, 2]) {
    const database = await openEmbeddedDatabase(await tempDir(t), undefined, { template })
    const logged: unknown[] = []
    const info = (...args: unknown[]) => void logged.push(args.at(-1))
    await prepareDatabase(database, { seed: true, log: { info } })
    t.same(logged, ['loaded seed data into the empty database'], 'seeded, with no migration to apply')
    t.equal(await database.prisma.facility.count(), 30)
    identifiers.push(await systemOf(database))
    await database.close()
  }
  // initdb gives every cluster an identifier of its own; unpacked from one tarball, they share it.
  t.equal(identifiers[0], identifiers[1], 'both unpacked from the template, not made by initdb')
  t.ok(identifiers[0])
})

t.test(
  'a template that is missing leaves the folder to initdb; one that is not a tarball fails the start and leaves nothing',
  async (t) => {
    const dir = await tempDir(t)
    const pgdata = path.join(dir, 'pgdata')
    t.equal(await unpackTemplate(pgdata, path.join(dir, 'no-such-template.tar.gz')), false)
    await mkdir(path.join(dir, 'pgdata.0a1b.partial'))
    const broken = path.join(dir, 'broken.tar.gz')
    await writeFile(broken, 'not a tarball')
    await t.rejects(unpackTemplate(pgdata, broken), {
      message: /could not be unpacked: it is not a gzipped tarball \(incorrect header check\)/,
    })
    t.same(await readdir(dir), ['broken.tar.gz'], 'no data folder, no partial one (nor the one a killed start left)')
  },
)

t.test('a template is unpacked inside its folder, and one with links or devices fails the start', async (t) => {
  const dir = await tempDir(t)
  const pgdata = path.join(dir, 'pgdata')
  /** A template of PG_VERSION and one more entry, whose header is then written as another tool could write it. */
  const template = async (file: string, entry: { name: string; data?: string }, header: { name?: string; type?: string } = {}) => {
    const tar = createTar([{ name: 'PG_VERSION', data: '17' }, entry])
    const at = 512 * 2 // PG_VERSION's header and its one block of data come first
    if (header.name !== undefined) tar.set(new TextEncoder().encode(header.name.padEnd(100, '\0')), at)
    if (header.type !== undefined) tar[at + 156] = header.type.charCodeAt(0)
    await writeFile(path.join(dir, file), gzipSync(tar))
    return path.join(dir, file)
  }
  await t.rejects(unpackTemplate(pgdata, await template('link.tar.gz', { name: 'pg_wal' }, { type: '2' })), {
    message: /could not be unpacked: its entry pg_wal is a symbolicLink, neither a file nor a folder/,
  })
  t.same(await readdir(dir), ['link.tar.gz'], 'nothing written')

  for (const name of ['/global/pg_control', '../global/pg_control']) {
    const good = await template('good.tar.gz', { name: 'global/pg_control', data: name }, { name })
    t.equal(await unpackTemplate(pgdata, good), true)
    t.same(
      [await readFile(path.join(pgdata, 'PG_VERSION'), 'utf8'), await readFile(path.join(pgdata, 'global', 'pg_control'), 'utf8')],
      ['17', name],
      `${name} is written inside the folder`,
    )
    t.same((await readdir(dir)).sort(), ['good.tar.gz', 'link.tar.gz', 'pgdata'], 'and nothing beside it')
    await rm(pgdata, { recursive: true })
  }
})

t.test('a second process on the same data folder is refused while the first has it', async (t) => {
  const dir = await tempDir(t)
  const holder = await openEmbeddedDatabase(dir)
  await t.rejects(openEmbeddedDatabase(dir), DataDirInUseError)
  await t.rejects(openEmbeddedDatabase(dir), { message: new RegExp(`The embedded database in ${dir} is in use`) })
  await holder.close()
  const next = await openEmbeddedDatabase(dir)
  t.ok(next, 'free again once the first has closed it')
  await next.close()
})

t.test('a lock left by a process that is gone (kill -9) is taken over at once, and the log says so', async (t) => {
  const dir = await tempDir(t)
  // What a killed server leaves: the lock folder, freshly refreshed, naming a process that no longer runs.
  const gone = spawnSync(process.execPath, ['-e', '']).pid
  await mkdir(path.join(dir, 'linli.lock'))
  await writeFile(path.join(dir, 'linli.lock', 'owner.json'), JSON.stringify({ pid: gone, host: os.hostname() }))
  const warnings: string[] = []
  const reopened = await openEmbeddedDatabase(dir, { warn: (message) => warnings.push(message) })
  t.same(warnings, [`The lock on ${dir} was left by process ${gone}, which is gone (it did not close the database): taking it over.`])
  await t.rejects(
    openEmbeddedDatabase(dir),
    {
      message: `The embedded database in ${dir} is in use by another Linli process (pid ${process.pid} on ${os.hostname()}). Stop that process first, or point DATA_DIR at another folder.`,
    },
    'a holder that runs is named, and refused',
  )
  await reopened.close()
  const again = await openEmbeddedDatabase(dir, { warn: (message) => warnings.push(message) })
  t.equal(warnings.length, 1, 'a lock released cleanly leaves nothing to take over')
  await again.close()
})
