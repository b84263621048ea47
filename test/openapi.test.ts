import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { projectRoot } from '../src/project-root.js'
import { build } from './helper.js'

t.test('the committed openapi/openapi.json is what the app generates (run `npm run openapi`)', async (t) => {
  const app = await build(t, 'pglite', { seed: false })
  const committed: unknown = JSON.parse(await readFile(path.join(projectRoot, 'openapi/openapi.json'), 'utf8'))
  t.same(app.swagger(), committed)
})

t.test('GET /openapi.json serves an OpenAPI 3.1 document with an operationId on every operation', async (t) => {
  const app = await build(t, 'pglite', { seed: false })
  const response = await app.inject({ url: '/openapi.json' })
  t.equal(response.statusCode, 200)
  const document = response.json() as { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> }
  t.equal(document.openapi, '3.1.0')
  const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${route}`, operation })),
  )
  t.ok(operations.length >= 7)
  for (const { name, operation } of operations) t.type(operation.operationId, 'string', name)
})
