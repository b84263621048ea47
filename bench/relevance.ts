// Relevance of the resident search, measured on a fixed set of queries (bench/relevance/
// queries.yaml) against the seed data: top-1 and top-3 hit rates, overall and by kind of query.
//
//   npx tsx bench/relevance.ts
//   npx tsx bench/relevance.ts --database-url postgresql://postgres@127.0.0.1:5432/linli_bench
//
// Runs the app in-process, through the HTTP API as a client would: on a fresh embedded database
// (migrated and seeded), or on a PostgreSQL that already holds the seed — the second form measures
// the same queries among bench/generate.ts's 100,000 synthetic facilities, whose look-alike names
// compete with the real ones. test/search/relevance.test.ts runs the measurement on the seed.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export interface RelevanceQuery {
  q: string
  kind: 'zh' | 'pinyin' | 'initials' | 'en' | 'typo'
  expected: string[]
  match?: 'any' | 'all'
  /** For a query naming a kind of place: any facility of these categories is a right answer too. */
  category?: string[]
}

/** A search result as the measurement sees it. */
export interface Found {
  slug: string
  category: string
}

export interface RelevanceResult {
  query: RelevanceQuery
  slugs: string[]
  /** Among them, how many were right by category only (not one of the expected facilities). */
  byCategory: number
  top1: boolean
  top3: boolean
}

const benchDir = path.dirname(fileURLToPath(import.meta.url))

export async function readQueries(): Promise<RelevanceQuery[]> {
  return parse(await readFile(path.join(benchDir, 'relevance', 'queries.yaml'), 'utf8')) as RelevanceQuery[]
}

/** Whether the first k results are what the query expects. */
export function hit(query: RelevanceQuery, found: Found[], k: number): boolean {
  const slugs = found.map((f) => f.slug)
  const ofCategory = found.slice(0, k).some((f) => query.category?.includes(f.category))
  if (query.match === 'all') {
    return ofCategory || query.expected.every((slug) => slugs.slice(0, Math.max(k, query.expected.length)).includes(slug))
  }
  return ofCategory || query.expected.some((slug) => slugs.slice(0, k).includes(slug))
}

/** Runs every query through `search` (the first results, best first). */
export async function measureRelevance(search: (q: string) => Promise<Found[]>) {
  const results: RelevanceResult[] = []
  for (const query of await readQueries()) {
    const found = await search(query.q)
    const byCategory = found.slice(0, 3).filter((f) => !query.expected.includes(f.slug) && query.category?.includes(f.category)).length
    results.push({ query, slugs: found.map((f) => f.slug), byCategory, top1: hit(query, found, 1), top3: hit(query, found, 3) })
  }
  const rate = (list: RelevanceResult[], key: 'top1' | 'top3') => list.filter((r) => r[key]).length / list.length
  const kinds = [...new Set(results.map((r) => r.query.kind))]
  return {
    results,
    queries: results.length,
    top1: rate(results, 'top1'),
    top3: rate(results, 'top3'),
    byKind: Object.fromEntries(
      kinds.map((kind) => {
        const of = results.filter((r) => r.query.kind === kind)
        return [kind, { queries: of.length, top1: rate(of, 'top1'), top3: rate(of, 'top3') }]
      }),
    ),
  }
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`

async function main() {
  const { openEmbeddedDatabase, openPostgresDatabase } = await import('../src/db/database.js')
  const { prepareDatabase } = await import('../src/prepare.js')
  const { buildApp } = await import('../src/app.js')
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } })
  const url = values['database-url']
  const database = url === undefined ? await openEmbeddedDatabase() : await openPostgresDatabase(url)
  await prepareDatabase(database, { seed: true, log: { info() {} } })
  const [count] = await database.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM facility WHERE deleted_at IS NULL`
  console.log(`${count?.n} facilities in the database`)
  const app = await buildApp({ database, logLevel: 'silent' })
  try {
    const report = await measureRelevance(async (q) => {
      const response = await app.inject({ url: `/v1/facilities?limit=10&q=${encodeURIComponent(q)}` })
      return (response.json() as { data: Found[] }).data.map(({ slug, category }) => ({ slug, category }))
    })
    console.log(`${report.queries} queries: top-1 ${percent(report.top1)}, top-3 ${percent(report.top3)}`)
    for (const [kind, rates] of Object.entries(report.byKind)) {
      console.log(
        `  ${kind.padEnd(9)} ${String(rates.queries).padStart(3)} queries: top-1 ${percent(rates.top1)}, top-3 ${percent(rates.top3)}`,
      )
    }
    const byCategory = report.results.filter((r) => r.byCategory > 0)
    if (byCategory.length > 0) {
      console.log(`  ${byCategory.length} queries for a kind of place answered (in the top 3) with other facilities of that kind:`)
      console.log(`    ${byCategory.map((r) => r.query.q).join(', ')}`)
    }
    for (const result of report.results.filter((r) => !r.top1)) {
      console.log(`  ${result.top3 ? 'top-3 only' : 'missed    '} ${result.query.q}: ${result.slugs.slice(0, 3).join(', ') || '(nothing)'}`)
    }
  } finally {
    await app.close()
    await database.close()
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
