import { defineConfig } from 'prisma/config'

// Migrations are applied in-process by src/db/migrations.ts (Prisma's Wasm schema engine), so the
// CLI is only used for `prisma generate`; `prisma migrate deploy` also works where Prisma's engines
// can be downloaded, given DATABASE_URL.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/linli' },
})
