// `npm run keys -- create --name "…" --role editor [--area pinghu] [--category kindergarten,childcare] [--rate-limit 600]`
// `npm run keys -- list`, `npm run keys -- revoke <id or key prefix>`.
// A new key is printed once, here; the database keeps only its hash.
import { parseArgs } from 'node:util'
import { createClient, revokeClient } from '../clients/keys.js'
import { prepareDatabase } from '../prepare.js'
import { loadConfig } from '../config.js'
import { ClientRole, FacilityCategory } from '../generated/prisma/enums.js'
import { isUuid } from '../domain/ids.js'
import { runDatabaseCommand } from './database-command.js'

const usage = `usage:
  npm run keys -- create --name <name> --role reader|editor|admin [--area <id,…>] [--category <category,…>] [--rate-limit <per minute>]
  npm run keys -- list
  npm run keys -- revoke <client id or key prefix>`

const quiet = { info() {} }
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')

function fail(message: string): never {
  console.error(`error: ${message}\n${usage}`)
  process.exit(2)
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        area: { type: 'string' },
        category: { type: 'string' },
        'rate-limit': { type: 'string' },
      },
    })
  } catch (error) {
    return fail((error as Error).message)
  }
})()
const [command, target] = positionals

if (command === 'create') {
  if (values.name === undefined || values.name.trim() === '') fail('--name is required')
  const role = values.role as ClientRole
  if (!Object.values(ClientRole).includes(role)) fail(`--role must be one of ${Object.values(ClientRole).join(', ')}`)
  const categories = list(values.category) as FacilityCategory[]
  const unknown = categories.filter((c) => !Object.values(FacilityCategory).includes(c))
  if (unknown.length > 0) fail(`unknown categories: ${unknown.join(', ')}`)
  const rateLimit = values['rate-limit'] === undefined ? null : Number(values['rate-limit'])
  if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit > 0)) fail('--rate-limit must be a positive whole number')
  await runDatabaseCommand(async (database) => {
    // Prepared as the server prepares it at start-up, so keys can be made before the first start.
    await prepareDatabase(database, { seed: loadConfig().SEED_ON_START, log: quiet })
    const areaIds = list(values.area)
    const known = await database.prisma.area.findMany({ where: { id: { in: areaIds } }, select: { id: true } })
    const missing = areaIds.filter((id) => !known.some((area) => area.id === id))
    if (missing.length > 0) throw new Error(`unknown areas: ${missing.join(', ')} (is the database seeded?)`)
    const { client, key } = await createClient(database.prisma, {
      name: (values.name ?? '').trim(),
      role,
      areaIds,
      categories,
      rateLimitPerMinute: rateLimit,
    })
    console.log(`Created ${client.role} key "${client.name}" (id ${client.id}).`)
    console.log('Keep it now: it is not stored and cannot be shown again.\n')
    console.log(key)
  })
} else if (command === 'list') {
  await runDatabaseCommand(async (database) => {
    await prepareDatabase(database, { seed: loadConfig().SEED_ON_START, log: quiet })
    const clients = await database.prisma.apiClient.findMany({ orderBy: { createdAt: 'asc' } })
    if (clients.length === 0) console.log('No keys yet: npm run keys -- create --name <name> --role <role>')
    for (const c of clients) {
      const scope = [
        c.areaIds.length > 0 ? `areas ${c.areaIds.join(',')}` : '',
        c.categories.length > 0 ? `categories ${c.categories.join(',')}` : '',
      ]
        .filter((s) => s !== '')
        .join('; ')
      console.log(
        [
          c.id,
          `${c.keyPrefix}…`,
          c.role,
          JSON.stringify(c.name),
          scope || 'all',
          c.revokedAt === null ? 'active' : `revoked ${c.revokedAt.toISOString()}`,
          c.lastUsedAt === null ? 'never used' : `last used ${c.lastUsedAt.toISOString()}`,
        ].join('\t'),
      )
    }
  })
} else if (command === 'revoke') {
  if (target === undefined) fail('name the client id or key prefix to revoke')
  if (!/^lk_/.test(target) && !isUuid(target)) {
    fail(`${target} is neither a client id (UUID) nor a key prefix (lk_…)`)
  }
  await runDatabaseCommand(async (database) => {
    const client = await revokeClient(database.prisma, target)
    if (client === null) throw new Error(`no key ${target}`)
    console.log(`Revoked "${client.name}" (${client.keyPrefix}…); requests with it now get 401.`)
  })
} else {
  fail(command === undefined ? 'name a command' : `unknown command ${command}`)
}
