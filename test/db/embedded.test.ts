import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { DataDirInUseError, openEmbeddedDatabase } from '../../src/db/database.js'
import { prepareDatabase } from '../../src/db/prepare.js'

const quiet = { info() {} }

async function tempDir(t: Test) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'linli-embedded-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('the embedded database keeps its data across restarts, seeded once', async (t) => {
  const dir = await tempDir(t)
  const first = await openEmbeddedDatabase(dir)
  await prepareDatabase(first, { seed: true, log: quiet })
  t.equal(await first.prisma.facility.count(), 29)
  await first.close()

  const second = await openEmbeddedDatabase(dir)
  t.teardown(() => second.close())
  await prepareDatabase(second, { seed: true, log: quiet })
  t.equal(await second.prisma.facility.count(), 29, 'not seeded a second time')
  t.equal(await second.prisma.change.count(), 29)
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
