import t from 'tap'
import { DataDirInUseError, openEmbeddedDatabase } from '../../src/db/database.js'
import { prepareDatabase } from '../../src/prepare.js'
import { tempDir } from '../helper.js'

t.test('the embedded database keeps its data across restarts, seeded once', async (t) => {
  const dir = await tempDir(t)
  const first = await openEmbeddedDatabase(dir)
  await prepareDatabase(first, { seed: true, log: { info() {} } })
  t.equal(await first.prisma.facility.count(), 29)
  await first.close()

  const second = await openEmbeddedDatabase(dir)
  t.teardown(() => second.close())
  await prepareDatabase(second, { seed: true, log: { info() {} } })
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
