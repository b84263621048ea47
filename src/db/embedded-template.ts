// A new embedded database without initdb at start-up. PGlite makes a new data folder by running
// initdb in a second PostgreSQL instance of its own, beside the one it is starting: about 750 MiB
// at the peak, twice what the server needs afterwards. `npm ci` does it once instead
// (src/cli/embedded-template.ts, after the build) and keeps the empty database as a tarball; a
// new data folder is unpacked from it. Without the tarball (an install that skipped scripts),
// PGlite runs initdb as before. docs/operations.md has the measurements.
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { projectRoot } from '../project-root.js'

const pgliteRoot = path.join(projectRoot, 'node_modules', '@electric-sql', 'pglite')

/** PGlite's version: a template is made by, and only opened with, the PGlite that made it. */
async function pgliteVersion(): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(pgliteRoot, 'package.json'), 'utf8')) as { version: string }
  return version
}

/** Where the install keeps the template of this PGlite version. */
export async function templatePath(): Promise<string> {
  return path.join(projectRoot, 'node_modules', '.cache', 'linli', `pglite-${await pgliteVersion()}-empty.tar.gz`)
}

/** Runs PGlite's initdb in memory and writes the empty database as a gzipped tarball, atomically. */
export async function writeTemplate(file?: string): Promise<string> {
  const target = file ?? (await templatePath())
  const { PGlite } = await import('@electric-sql/pglite')
  const pglite = new PGlite()
  try {
    await pglite.waitReady
    const dump = await pglite.dumpDataDir('gzip')
    await mkdir(path.dirname(target), { recursive: true })
    const partial = `${target}.${randomUUID()}.partial`
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()))
    await rename(partial, target).catch(async (error: unknown) => {
      await rm(partial, { force: true })
      throw error
    })
  } finally {
    await pglite.close()
  }
  return target
}

/** The template of this PGlite version, if the install made one. */
export async function readTemplate(file?: string): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(file ?? (await templatePath()))])
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
