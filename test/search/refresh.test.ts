// The search columns follow the rules that derive them: when the rules change, the next start
// recomputes every facility's, the seed's and those staff added alike — and only then.
import t from 'tap'
import { prepareDatabase } from '../../src/prepare.js'
import { searchTextVersion } from '../../src/facilities/search/text.js'
import { addFacility, build, databaseOf, forEachDatabase } from '../helper.js'

forEachDatabase(t, 'search text is recomputed when its rules change', async (t, engine) => {
  const app = await build(t, engine)
  const { prisma } = databaseOf(app)
  const added = await addFacility(app, { slug: 'pinghu-changzhe-station', name: { zh: '平湖长者服务站' } })
  const seeded = await prisma.facility.findUniqueOrThrow({ where: { slug: 'ronghu-shengshi-kindergarten' } })
  const found = async (q: string) =>
    ((await app.inject({ url: `/v1/facilities?q=${q}` })).json() as { data: { slug: string }[] }).data.map((f) => f.slug)
  t.ok((await found('changzhe')).includes('pinghu-changzhe-station'), '长者 read "chang zhe", as corrected')

  const stale = { searchText: ' stale ', namePinyin: 'stale' }
  const staleIds = [added.id, seeded.id]
  await prisma.facility.updateMany({ where: { id: { in: staleIds } }, data: stale })
  const log = { info: () => undefined }

  await prepareDatabase(databaseOf(app), { seed: true, log })
  t.equal(await prisma.facility.count({ where: { id: { in: staleIds }, searchText: ' stale ' } }), 2, 'same rules: nothing is read again')

  // As if the rules had changed since the database was last brought up to date.
  await prisma.appState.update({ where: { key: 'search_text_version' }, data: { value: '0:{}' } })
  const lines: unknown[] = []
  await prepareDatabase(databaseOf(app), { seed: true, log: { info: (fields: unknown) => void lines.push(fields) } })
  t.same(lines, [{ facilities: 2 }], 'the two stale rows, and no other')
  t.equal(await prisma.facility.count({ where: { searchText: ' stale ' } }), 0)
  t.equal((await prisma.appState.findUniqueOrThrow({ where: { key: 'search_text_version' } })).value, searchTextVersion)
  t.ok((await found('changzhe')).includes('pinghu-changzhe-station'), 'a row staff added is found again')
  t.ok((await found('rhss')).includes('ronghu-shengshi-kindergarten'), 'and a seeded one')
})
