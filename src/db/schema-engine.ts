// Prisma's Wasm schema engine, run in-process through a driver adapter. The CLI's Rust engine
// cannot be downloaded here; this is the same engine, so migrations are recorded in
// `_prisma_migrations` exactly as `prisma migrate deploy` records them.
import { readFile, readdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg'
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg'
import { projectRoot } from '../project-root.js'

export const schemaPath = path.join(projectRoot, 'prisma/schema.prisma')
export const migrationsDir = path.join(projectRoot, 'prisma/migrations')

let instantiated: Promise<void> | undefined

// Node 20's ESM loader cannot import the package's `.wasm` entry, so the module is instantiated
// by hand with the package's own JS glue.
function instantiateWasm(): Promise<void> {
  instantiated ??= (async () => {
    const require = createRequire(import.meta.url)
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm')
    // The engine races each database call against a timer it never clears; unref'd, such a
    // timer no longer keeps a finished command (or a test process) alive for ten more seconds.
    const imports: WebAssembly.ModuleImports = { ...(glue as unknown as WebAssembly.ModuleImports) }
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, milliseconds: number) => setTimeout(callback, milliseconds >>> 0).unref()
    }
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': imports,
    })
    glue.__wbg_set_wasm(instance.exports)
    ;(instance.exports.__wbindgen_start as () => void)()
  })()
  return instantiated
}

export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await instantiateWasm()
  const schema = await readFile(schemaPath, 'utf8')
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  )
  try {
    return await work(engine)
  } finally {
    engine.free()
  }
}

/** The migrations in prisma/migrations, oldest first. */
export async function migrationNames(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true })
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

export async function readMigrations(): Promise<MigrationList> {
  const directories = await migrationNames()
  const lockfilePath = path.join(migrationsDir, 'migration_lock.toml')
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: await readFile(lockfilePath, 'utf8').catch(() => null),
    },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      directories.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  }
}

const noFilter = { externalTables: [], externalEnums: [] }

/** Applies the migrations not yet applied; returns their names. */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const migrationsList = await readMigrations()
  return withSchemaEngine(adapterFactory, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList,
      filters: noFilter,
    })
    return appliedMigrationNames
  })
}

/**
 * The SQL that would take a database migrated by the migrations folder to `schema.prisma`:
 * empty when there is no drift. Replays the migrations on the adapter's shadow database.
 */
export async function migrationDrift(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  migrationsList?: MigrationList,
): Promise<string> {
  migrationsList ??= await readMigrations()
  const schema = await readFile(schemaPath, 'utf8')
  return withSchemaEngine(adapterFactory, async (engine) => {
    const { stdout } = await engine.diff({
      from: { tag: 'migrations', ...(migrationsList as MigrationList) },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilter,
    })
    return stdout ?? ''
  })
}
