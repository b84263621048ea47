import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { openapiFiles } from '../src/cli/openapi-files.js'
import { projectRoot } from '../src/project-root.js'
import type { OpenApiDocument } from './contract.js'
import { build } from './helper.js'

t.test('the committed OpenAPI document and client types are what the app generates (run `npm run openapi`)', async (t) => {
  const app = await build(t, 'pglite', { seed: false })
  for (const [file, generated] of Object.entries(await openapiFiles(app))) {
    t.equal(await readFile(path.join(projectRoot, file), 'utf8'), generated, file)
  }
})

t.test('GET /openapi.json and /openapi.yaml serve the same OpenAPI 3.1 document', async (t) => {
  const app = await build(t, 'pglite', { seed: false })
  const json = await app.inject({ url: '/openapi.json' })
  t.equal(json.statusCode, 200)
  t.match(json.headers['content-type'], /^application\/json/)
  const yaml = await app.inject({ url: '/openapi.yaml' })
  t.equal(yaml.statusCode, 200)
  t.match(yaml.headers['content-type'], /^application\/yaml/)
  t.same(parse(yaml.body), json.json())
  t.equal(json.json<{ openapi: string }>().openapi, '3.1.0')
})

t.test('every operation is documented for a third-party app', async (t) => {
  const app = await build(t, 'pglite', { seed: false })
  const document = app.swagger() as unknown as OpenApiDocument & {
    paths: Record<string, Record<string, { summary?: string; description?: string; tags?: string[]; security?: unknown[] }>>
  }
  t.same(
    Object.keys(document.components.schemas).filter((name) => /^def-\d+$/.test(name)),
    [],
    'shared schemas are named',
  )
  const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${route}`, operation })),
  )
  t.ok(operations.length >= 7)
  for (const { name, operation } of operations) {
    t.match(operation, { operationId: String, summary: String, description: String, tags: [String], security: Array }, name)
    const responses = operation.responses as Record<string, { content?: Record<string, { schema: unknown }> }>
    for (const [status, response] of Object.entries(responses).filter(([status]) => status >= '400')) {
      t.same(response.content, { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }, `${name} ${status}`)
    }
  }
})

t.test('GET /docs is Swagger UI with every asset served by the app itself', async (t) => {
  const app = await build(t, 'pglite', { seed: false })
  const page = await app.inject({ url: '/docs/' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!)
  t.ok(assets.length > 0)
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} is local`)
    const response = await app.inject({ url: new URL(asset, 'http://localhost/docs/').pathname })
    t.equal(response.statusCode, 200, asset)
  }
  const initializer = await app.inject({ url: '/docs/static/swagger-initializer.js' })
  t.equal(initializer.statusCode, 200)
  t.match(initializer.body, /url: resolveUrl\('\.\/json'\)/, 'loads the document from the app')
  t.match(initializer.body, /validatorUrl: null/, 'sends it to no online validator')
})
