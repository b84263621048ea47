// Relevance of the resident search, measured on a fixed set of queries (bench/relevance/
// queries.yaml) against the seed data: top-1 and top-3 hit rates, overall and by kind of query.
//
//   npx tsx bench/relevance.ts
//
// Runs the app in-process on a fresh embedded database (migrated and seeded), through the HTTP
// API as a client would. test/search/relevance.test.ts runs the same measurement.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export interface RelevanceQuery {
  q: string
  kind: 'zh' | 'pinyin' | 'initials' | 'en' | 'typo'
  expected: string[]
  match?: 'any' | 'all'
}

export interface RelevanceResult {
  query: RelevanceQuery
  slugs: string[]
  top1: boolean
  top3: boolean
}

const benchDir = path.dirname(fileURLToPath(import.meta.url))

export async function readQueries(): Promise<RelevanceQuery[]> {
  return parse(await readFile(path.join(benchDir, 'relevance', 'queries.yaml'), 'utf8')) as RelevanceQuery[]
}

/** Whether the first k results are what the query expects. */
export function hit(query: RelevanceQuery, slugs: string[], k: number): boolean {
  if (query.match === 'all') return query.expected.every((slug) => slugs.slice(0, Math.max(k, query.expected.length)).includes(slug))
  return query.expected.some((slug) => slugs.slice(0, k).includes(slug))
}

/** Runs every query through `search` (the slugs of the first results, best first). */
export async function measureRelevance(search: (q: string) => Promise<string[]>) {
  const results: RelevanceResult[] = []
  for (const query of await readQueries()) {
    const slugs = await search(query.q)
    results.push({ query, slugs, top1: hit(query, slugs, 1), top3: hit(query, slugs, 3) })
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
  const { openEmbeddedDatabase } = await import('../src/db/database.js')
  const { prepareDatabase } = await import('../src/prepare.js')
  const { buildApp } = await import('../src/app.js')
  const database = await openEmbeddedDatabase()
  await prepareDatabase(database, { seed: true, log: { info() {} } })
  const app = await buildApp({ database, logLevel: 'silent' })
  try {
    const report = await measureRelevance(async (q) => {
      const response = await app.inject({ url: `/v1/facilities?limit=10&q=${encodeURIComponent(q)}` })
      return (response.json() as { data: { slug: string }[] }).data.map((item) => item.slug)
    })
    console.log(`${report.queries} queries: top-1 ${percent(report.top1)}, top-3 ${percent(report.top3)}`)
    for (const [kind, rates] of Object.entries(report.byKind)) {
      console.log(
        `  ${kind.padEnd(9)} ${String(rates.queries).padStart(3)} queries: top-1 ${percent(rates.top1)}, top-3 ${percent(rates.top3)}`,
      )
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
