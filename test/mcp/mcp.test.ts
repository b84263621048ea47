// The MCP server, driven by the SDK's own client: over streamable HTTP at /mcp on a listening
// Linli, and over stdio as a subprocess (reading a running Linli over HTTP, or opening the
// database itself — and refusing an embedded folder another process holds).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { openEmbeddedDatabase } from '../../src/db/database.js'
import { addFacility, buildClocked, buildDist, forEachDatabase, preparedTestDatabase, tempDir, testEngines, type App } from '../helper.js'

const projectRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

const hospitalQuote = '大力引进优质医疗资源、名校资源，建成深圳大学附属华南医院、龙岗区实验高级中学、华南师范大学附属平湖学校等民生项目'
const source = '龙岗"西核"起风潮 幸福平湖"蝶变"来'

async function listen(app: App): Promise<URL> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('not listening on a port')
  return new URL(`http://127.0.0.1:${address.port}`)
}

async function httpClient(t: Test, base: URL, headers: Record<string, string> = {}) {
  const client = new Client({ name: 'linli-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', base), { requestInit: { headers } }))
  t.teardown(() => client.close())
  return client
}

type Answer = { name: string; sources: { quote: string; source: string; publishedOn: string | null }[] } & Record<string, unknown>

// The first call to a stdio server on a new data folder waits for it to migrate and seed: more
// than the SDK's default minute on a busy 2-core machine.
const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args }, undefined, { timeout: 240_000 })) as CallToolResult & {
    structuredContent?: { facilities: Answer[]; note?: string }
  }

const names = (result: Awaited<ReturnType<typeof call>>) => result.structuredContent?.facilities.map((facility) => facility.name)

/** The tool answers the SDK's client sees, shared by both transports. */
async function checkTools(t: Test, client: Client) {
  const tools = await client.listTools()
  t.same(tools.tools.map((tool) => tool.name).sort(), ['facilities_open_now', 'get_facility', 'list_projects', 'search_facilities'])
  t.ok(
    tools.tools.every((tool) => tool.annotations?.readOnlyHint === true),
    'every tool says it is read-only',
  )

  const hospital = await call(client, 'search_facilities', { query: 'hnyy' })
  t.same(names(hospital), ['深圳大学附属华南医院'], 'pinyin initials, as the API searches')
  t.match(hospital.structuredContent?.facilities[0], {
    category: 'hospital',
    categoryLabel: '医院',
    status: 'operational',
    statusLabel: '运营中',
    area: '平湖街道',
    location: { precision: 'approximate' },
    sources: [{ quote: hospitalQuote, source, publishedOn: '2022-10' }],
  })
  const text = (hospital.content[0] as { text: string }).text
  t.match(text, `来源: ${source} (2022-10): “${hospitalQuote}”`, 'the text quotes its source sentence')

  const english = await call(client, 'search_facilities', { query: 'huanan yiyuan', language: 'en' })
  t.same(names(english), ['South China Hospital of Shenzhen University'], 'in the language of the asker')
  t.match(english.structuredContent?.facilities[0], { categoryLabel: 'Hospital', statusLabel: 'Operational' })
  t.match((english.content[0] as { text: string }).text, `Source: ${source} (2022-10): “${hospitalQuote}”`)

  const projects = await call(client, 'list_projects', { stage: 'launched', category: ['road', 'expressway'] })
  t.same(names(projects), ['机荷高速改扩建', '丹平快速路二期', '中环大道三期'])
  const planned = await call(client, 'list_projects', { stage: 'planned', language: 'en' })
  t.same(names(planned), ['Metro Line 10 Eastern Extension'])

  const missing = await call(client, 'get_facility', { id: '01a22acb-0000-7000-8000-000000000000' })
  t.equal(missing.isError, true)
  t.same(missing.content, [{ type: 'text', text: 'There is no facility with id 01a22acb-0000-7000-8000-000000000000' }])
}

forEachDatabase(t, 'MCP over streamable HTTP', async (t, engine) => {
  // Wednesday 4 March 2026, 10:00 in Shanghai.
  const { app, setNow } = await buildClocked(t, engine, '2026-03-04T02:00:00Z')
  const hehua = await addFacility(app, {
    slug: 'hehua-sunshine-kindergarten',
    category: 'kindergarten',
    name: { zh: '禾花阳光幼儿园', en: 'Hehua Sunshine Kindergarten' },
    area: 'hehua',
    location: { lat: 22.69, lng: 114.12, precision: 'exact' },
    ageRange: { minMonths: 36, maxMonths: 72 },
    openingHours: 'Mo-Fr 07:30-17:30',
  })
  const base = await listen(app)
  const client = await httpClient(t, base)

  t.test('the tools answer with sources, in the asker language', async (t) => checkTools(t, client))

  t.test('search by age, open now, near a point; one facility in full', async (t) => {
    const forFourYearOld = await call(client, 'search_facilities', { category: ['kindergarten'], age_years: 4 })
    t.same(names(forFourYearOld), ['融湖盛世幼儿园', '禾花阳光幼儿园'])
    t.equal(forFourYearOld.structuredContent?.note, undefined, 'no note: every kindergarten records its ages (the seed’s, inferred)')
    t.same(names(await call(client, 'search_facilities', { category: ['kindergarten'], age_years: 1.5 })), [], '18 months is too young')

    const open = await call(client, 'facilities_open_now', { near: { lat: 22.69, lng: 114.12 }, language: 'en' })
    t.same(names(open), ['Hehua Sunshine Kindergarten'])
    t.match(open.structuredContent?.facilities[0], {
      distanceMeters: 0,
      openNow: true,
      nextCloseAt: '2026-03-04T17:30:00+08:00',
      openingHours: 'Mo-Fr 07:30-17:30',
      sources: [],
      link: `${base.origin}/v1/facilities/${hehua.id}`,
    })
    setNow('2026-03-07T02:00:00Z') // a Saturday
    t.same(names(await call(client, 'facilities_open_now', {})), [], 'closed at the weekend')
    t.same(names(await call(client, 'search_facilities', { query: '禾花', open_now: false })), ['禾花阳光幼儿园'])

    const one = (await client.callTool({ name: 'get_facility', arguments: { id: hehua.id, language: 'en' } })) as CallToolResult
    t.match(one.structuredContent, {
      facility: { id: hehua.id, name: 'Hehua Sunshine Kindergarten', ageRange: { minMonths: 36, maxMonths: 72 } },
    })
  })

  t.test('one POST, one JSON answer, with the rate-limit headers of the API', async (t) => {
    const response = await fetch(new URL('/mcp', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
    })
    t.equal(response.status, 200)
    t.equal(response.headers.get('content-type'), 'application/json')
    t.equal(response.headers.get('ratelimit-limit'), '120')
    t.match(response.headers.get('ratelimit-remaining'), /^\d+$/)
    const body = (await response.json()) as { id: number; result: { tools: { name: string }[] } }
    t.equal(body.id, 7)
    t.equal(body.result.tools.length, 4)
  })

  t.test('only POST: GET and DELETE are 405 problems', async (t) => {
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/mcp' })
      t.equal(response.statusCode, 405)
      t.equal(response.headers.allow, 'POST')
      t.match(response.json(), { code: 'method_not_allowed', status: 405 })
    }
  })
})

t.test('MCP over HTTP is rate-limited like the API, by the caller', async (t) => {
  const database = await preparedTestDatabase(t, testEngines[0] ?? 'pglite')
  const app = await buildApp({ database, logLevel: 'silent', rateLimits: { anonymous: 5, reader: 100, editor: 100, admin: 100 } })
  t.teardown(() => app.close())
  const base = await listen(app)
  // Connecting is three requests (initialize, notifications/initialized, and a GET for a stream,
  // refused); the search one more, and its read a fifth: the next search is over the limit.
  const client = await httpClient(t, base)
  t.same(names(await call(client, 'search_facilities', { query: 'hnyy' })), ['深圳大学附属华南医院'])
  await t.rejects(call(client, 'search_facilities', { query: 'hnyy' }), /rate_limited.*This address may make 5 requests per 60 s/)
  const limited = await fetch(new URL('/mcp', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  })
  t.equal(limited.status, 429)
  t.match(await limited.json(), { code: 'rate_limited', detail: /^This address may make 5 requests per 60 s/ })
})

// `npm run mcp` runs the compiled server (premcp builds it), and so does this test. (Run from its
// TypeScript through tsx, its coverage came from other compiled code than the tests' for the same
// files, and merging the two made tap's report now and then count almost nothing.)
buildDist()

/** The MCP server as an assistant starts it (`npm run mcp`): a subprocess speaking on stdio. */
async function stdioClient(t: Test, env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['dist/mcp/stdio.js'],
    cwd: projectRoot,
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: 'pipe',
  })
  const client = new Client({ name: 'linli-test', version: '1.0.0' })
  // The server answers once its database is open: on a new data folder, after migrating and
  // seeding it, which on a busy machine takes longer than the SDK's 60 s default.
  await client.connect(transport, { timeout: 240_000 })
  t.teardown(() => client.close())
  return client
}

t.test('MCP over stdio, reading a running Linli (LINLI_URL)', async (t) => {
  const { app } = await buildClocked(t, testEngines[0] ?? 'pglite')
  const base = await listen(app)
  const client = await stdioClient(t, { LINLI_URL: base.origin })
  await checkTools(t, client)
})

t.test('MCP over stdio, opening the embedded database itself — and refusing one in use', async (t) => {
  const dataDir = await tempDir(t)
  const client = await stdioClient(t, { DATA_DIR: dataDir, DATABASE_URL: '' })
  t.same(names(await call(client, 'search_facilities', { query: 'hnyy' })), ['深圳大学附属华南医院'], 'migrated and seeded on first use')
  await client.close()

  // A server holds the folder: the stdio server must not open it a second time.
  const held = await openEmbeddedDatabase(dataDir)
  t.teardown(() => held.close())
  const refused = new StdioClientTransport({
    command: process.execPath,
    args: ['dist/mcp/stdio.js'],
    cwd: projectRoot,
    env: { ...(process.env as Record<string, string>), DATA_DIR: dataDir, DATABASE_URL: '' },
    stderr: 'pipe',
  })
  let stderr = ''
  refused.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => {
    refused.onclose = () => resolve()
  })
  await refused.start()
  await exited
  t.match(stderr, /Linli MCP cannot start: The embedded database in .* is in use by another Linli process/)
})
