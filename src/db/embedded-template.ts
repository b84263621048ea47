// A new embedded database without initdb or migrations at start-up. PGlite makes a new data folder
// by running initdb in a second PostgreSQL instance of its own, beside the one it is starting:
// about 750 MiB at the peak, twice what the server needs afterwards; then the schema engine
// (Wasm, ~35 MB that stay loaded) applies the migrations. `npm ci` does both once instead
// (src/cli/embedded-template.ts, after the build; make-template.ts) and keeps the migrated, empty
// database as a tarball; a new data folder is unpacked from it (unpackTemplate), and only migrations added since
// the install are applied at its first start. Without the tarball (an install that skipped
// scripts), PGlite runs initdb as before. docs/operations.md has the measurements.
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { type ParsedTarFileItem, parseTar } from 'nanotar'
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
    const problem = await extractInto(partial, await readFile(template)).then(
      () => undefined,
      (error: Error) => error.message,
    )
    if (problem !== undefined || !(await exists(path.join(partial, 'PG_VERSION')))) {
      throw new Error(
        `The embedded database template ${template} could not be unpacked: ${problem ?? 'it holds no database'}. Run npm ci again, or delete it (the first start then runs initdb).`,
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

/**
 * Writes a gzipped tarball's folders and files under `folder`. The tarball is read whole (5 MB,
 * 40 MB unpacked) and parsed in memory: in a new process, as at a first start, unpacking the
 * template's 1,079 files into a tmpfs took 0.72–0.88 s of CPU with node-tar's streaming
 * extraction and takes 0.48–0.61 s so (2026-12-01, three runs each; on this machine's disk both
 * varied from 0.5 to 1.9 s with its load).
 * PGlite writes the paths from the folder's root ("/base/…"): they are taken as relative to it.
 * An entry that is neither a file nor a folder fails the unpack.
 */
async function extractInto(folder: string, tarball: Buffer): Promise<void> {
  let entries: ParsedTarFileItem[]
  try {
    const tar = await promisify(gunzip)(tarball)
    // nanotar reads the bytes through their ArrayBuffer: a Buffer that shares one (a small result) is copied first.
    entries = parseTar(tar.byteOffset === 0 && tar.byteLength === tar.buffer.byteLength ? tar : new Uint8Array(tar))
  } catch (error) {
    throw new Error(`it is not a gzipped tarball (${(error as Error).message})`)
  }
  const made = new Set<string>()
  const makeFolder = async (target: string) => {
    if (!made.has(target)) await mkdir(target, { recursive: true })
    made.add(target)
  }
  for (const entry of entries) {
    // nanotar has made the name relative and taken out its "..": it lies inside the folder.
    const target = path.join(folder, entry.name)
    if (entry.type === 'directory') {
      await makeFolder(target)
    } else if (entry.type === 'file') {
      await makeFolder(path.dirname(target))
      await writeFile(target, entry.data ?? new Uint8Array(0))
    } else {
      throw new Error(`its entry ${entry.name} is a ${entry.type}, neither a file nor a folder`)
    }
  }
}
