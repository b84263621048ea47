import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { DataDirInUseError, openEmbeddedDatabase } from '../../src/db/database.js'
import { writeTemplate } from '../../src/db/embedded-template.js'
import { Prisma } from '../../src/generated/prisma/client.js'
import { prepareDatabase } from '../../src/prepare.js'
import { tempDir } from '../helper.js'

t.test('a new data folder starts from the template of an empty database, then is migrated and seeded', async (t) => {
  const template = await writeTemplate(path.join(await tempDir(t), 'empty.tar.gz'))
  const systemOf = async (database: Awaited<ReturnType<typeof openEmbeddedDatabase>>) =>
    (await database.readRows<{ id: string }>(Prisma.sql`SELECT system_identifier::text AS id FROM pg_control_system()`))[0]?.id
  const identifiers: (string | undefined)[] = []
  for (const _ of [1, 2]) {
    const database = await openEmbeddedDatabase(await tempDir(t), undefined, { template })
    await prepareDatabase(database, { seed: true, log: { info() {} } })
    t.equal(await database.prisma.facility.count(), 30)
    identifiers.push(await systemOf(database))
    await database.close()
  }
  // initdb gives every cluster an identifier of its own; unpacked from one tarball, they share it.
  t.equal(identifiers[0], identifiers[1], 'both unpacked from the template, not made by initdb')
  t.ok(identifiers[0])
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
