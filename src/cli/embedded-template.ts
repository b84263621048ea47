// Run by `npm ci` / `npm install` after the build: makes the template a new embedded database
// starts from (src/db/embedded-template.ts). An install does not fail for it: without the
// template, the first start runs PGlite's initdb, slower and heavier, as before.
import { writeTemplate } from '../db/embedded-template.js'

try {
  const started = Date.now()
  const file = await writeTemplate()
  console.log(`embedded database template: ${file} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
} catch (error) {
  console.warn(`No embedded database template (the first start will run initdb): ${(error as Error).message}`)
}
