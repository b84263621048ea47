// `prisma generate` downloads Prisma's Rust schema engine first, even though generating the
// client never runs it. Where that download cannot happen, point it at any executable so
// generation proceeds (see ENVIRONMENT.md); migrations use the Wasm engine instead.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

if (!existsSync('prisma/schema.prisma')) process.exit(0)
const env = { ...process.env }
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath
env.PRISMA_HIDE_UPDATE_MESSAGE = '1'
execFileSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env })
