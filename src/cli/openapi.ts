// `npm run openapi`: writes openapi/openapi.json, the OpenAPI document the app generates from its
// route schemas. A test fails when the committed file differs from what the app generates.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { buildApp } from '../app.js'
import { openEmbeddedDatabase } from '../db/database.js'
import { projectRoot } from '../project-root.js'

const openapiPath = path.join(projectRoot, 'openapi/openapi.json')

const database = await openEmbeddedDatabase()
try {
  const app = await buildApp({ database, logLevel: 'silent' })
  await app.ready()
  await writeFile(openapiPath, `${JSON.stringify(app.swagger(), null, 2)}\n`)
  await app.close()
  console.log(`wrote ${path.relative(process.cwd(), openapiPath)}`)
} finally {
  await database.close()
}
