// A new embedded database without initdb or migrations at start-up. PGlite makes a new data folder
// by running initdb in a second PostgreSQL instance of its own, beside the one it is starting:
// about 750 MiB at the peak, twice what the server needs afterwards; then the schema engine
// (Wasm, ~35 MB that stay loaded) applies the migrations. `npm ci` does both once instead
// (src/cli/embedded-template.ts, after the build; make-template.ts) and keeps the migrated, empty
// database as a tarball; a new data folder is unpacked from it (unpackTemplate), and only migrations added since
// the install are applied at its first start. Without the tarball (an install that skipped
// scripts), PGlite runs initdb as before. docs/operations.md has the measurements.
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { x as extract } from 'tar'
import { projectRoot } from '../project-root.js'

const pgliteRoot = path.join(projectRoot, 'node_modules', '@electric-sql', 'pglite')

/** PGlite's version: a template is made by, and only opened with, the PGlite that made it. */
async function pgliteVersion(): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(pgliteRoot, 'package.json'), 'utf8')) as { version: string }
  return version
}

/** Where the install keeps the template of this PGlite version. */
export async function templatePath(): Promise<string> {
  return path.join(projectRoot, 'node_modules', '.cache', 'linli', `pglite-${await pgliteVersion()}-migrated.tar.gz`)
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

/**
 * Unpacks the template of this PGlite version (or `file`) as the data folder `pgdata`, unless it
 * holds a database already; false when it does, or when there is no template. PGlite could load it itself
 * (`loadDataDir`), but it reads the tarball through its Wasm memory, which never shrinks: a server
 * started so kept ~60 MiB more for as long as it ran. Unpacked beside it, then renamed: a start
 * interrupted midway leaves no half-made folder that would look like a database.
 */
export async function unpackTemplate(pgdata: string, file?: string): Promise<boolean> {
  if (await exists(path.join(pgdata, 'PG_VERSION'))) return false
  const template = file ?? (await templatePath())
  if (!(await exists(template))) return false
  // What a start killed while unpacking left (the caller holds the folder's lock: no other start runs).
  const parent = path.dirname(pgdata)
  for (const name of await readdir(parent)) {
    if (name.startsWith(`${path.basename(pgdata)}.`) && name.endsWith('.partial'))
      await rm(path.join(parent, name), { recursive: true, force: true })
  }
  const partial = `${pgdata}.${randomUUID()}.partial`
  await mkdir(partial, { recursive: true })
  try {
    // PGlite writes the folder's paths from its root ("/base/…"): taken as relative to the folder,
    // which tar reports as information. Anything else it warns of (a bad entry) fails the unpack.
    const problems: string[] = []
    await extract({
      file: template,
      cwd: partial,
      onwarn: (code, message) => {
        if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${message}`)
      },
    }).catch((error: Error) => problems.push(error.message))
    if (problems.length > 0 || !(await exists(path.join(partial, 'PG_VERSION')))) {
      throw new Error(
        `The embedded database template ${template} could not be unpacked: ${problems.join('; ') || 'it holds no database'}. Run npm ci again, or delete it (the first start then runs initdb).`,
      )
    }
    // No PG_VERSION in it (checked above): what is there is what a failed first start left.
    await rm(pgdata, { recursive: true, force: true })
    await rename(partial, pgdata)
  } catch (error) {
    await rm(partial, { recursive: true, force: true })
    throw error
  }
  return true
}
