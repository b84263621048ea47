import { spawnSync } from 'node:child_process'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
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
    await t.rejects(unpackTemplate(pgdata, broken), { message: /could not be unpacked: TAR_BAD_ARCHIVE/ })
    t.same(await readdir(dir), ['broken.tar.gz'], 'no data folder, no partial one (nor the one a killed start left)')
  },
)

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
