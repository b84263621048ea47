// `npm run openapi`: writes openapi/openapi.json, the OpenAPI document the app generates from its
// route schemas, and the typed client's types generated from it (src/cli/openapi-files.ts).
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { buildApp } from '../app.js'
import { openEmbeddedDatabase } from '../db/database.js'
import { projectRoot } from '../project-root.js'
import { openapiFiles } from './openapi-files.js'

const database = await openEmbeddedDatabase()
try {
  const app = await buildApp({ database, logLevel: 'silent' })
  await app.ready()
  for (const [file, text] of Object.entries(await openapiFiles(app))) {
    await writeFile(path.join(projectRoot, file), text)
    console.log(`wrote ${file}`)
  }
  await app.close()
} finally {
  await database.close()
}
