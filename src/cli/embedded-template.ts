// Run by `npm ci` / `npm install` after the build: makes the template a new embedded database
// starts from (src/db/embedded-template.ts), migrated. An install does not fail for it: without the
// template, the first start runs PGlite's initdb, slower and heavier, as before.
import { writeTemplate } from '../db/make-template.js'

try {
  const started = Date.now()
  const { file, migrations } = await writeTemplate()
  console.log(`embedded database template: ${file}, ${migrations.length} migrations (${((Date.now() - started) / 1000).toFixed(1)} s)`)
} catch (error) {
  console.warn(`No embedded database template (the first start will run initdb): ${(error as Error).message}`)
}
