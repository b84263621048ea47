// The columns search derives from the names (search_text, name_pinyin) follow the rules that
// derive them: when those rules change (a corrected pinyin reading, a new kind of word), every
// facility's columns are computed again at start-up — the seed's rows and those staff wrote alike.
// Derived from the names, not facts: no change is recorded for them. Cheap when nothing changed:
// one read of the version the database was last brought up to.
import type { PrismaClient } from '../../generated/prisma/client.js'
import { namePinyinOf, searchTextOf, searchTextVersion } from './text.js'

const stateKey = 'search_text_version'
const batchSize = 1000

/** Recomputes the derived search columns if they were made by other rules; how many rows changed. */
export async function refreshSearchText(prisma: PrismaClient, now: Date = new Date()): Promise<number | null> {
  const state = await prisma.appState.findUnique({ where: { key: stateKey } })
  if (state?.value === searchTextVersion) return null
  let changed = 0
  let after: string | undefined
  for (;;) {
    const rows = await prisma.facility.findMany({
      select: { id: true, nameZh: true, nameEn: true, aliases: true, searchText: true, namePinyin: true },
      where: after === undefined ? {} : { id: { gt: after } },
      orderBy: { id: 'asc' },
      take: batchSize,
    })
    for (const row of rows) {
      const searchText = searchTextOf(row)
      const namePinyin = namePinyinOf(row.nameZh)
      if (searchText === row.searchText && namePinyin === row.namePinyin) continue
      await prisma.facility.update({ where: { id: row.id }, data: { searchText, namePinyin } })
      changed += 1
    }
    after = rows.at(-1)?.id
    if (after === undefined || rows.length < batchSize) break
  }
  await prisma.appState.upsert({
    where: { key: stateKey },
    create: { key: stateKey, value: searchTextVersion, updatedAt: now },
    update: { value: searchTextVersion, updatedAt: now },
  })
  return changed
}
