// API keys. A key is shown once, when it is created; only its SHA-256 is stored. The first
// characters (the prefix) are stored too, so a key can be found and recognised in listings
// without keeping anything that lets one act as it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { PrismaClient } from '../generated/prisma/client.js'
import type { ClientRole, FacilityCategory } from '../generated/prisma/enums.js'

/** `lk_` + 43 url-safe characters (256 random bits). */
const keyPattern = /^lk_[A-Za-z0-9_-]{43}$/
const prefixLength = 11

export const hashKey = (key: string) => createHash('sha256').update(key).digest()

export function isWellFormedKey(key: string): boolean {
  return keyPattern.test(key)
}

export interface NewClient {
  name: string
  role: ClientRole
  areaIds?: string[]
  categories?: FacilityCategory[]
  rateLimitPerMinute?: number | null
}

/** Creates a client and returns its key: the only time the key exists outside the caller. */
export async function createClient(prisma: PrismaClient, client: NewClient) {
  const key = `lk_${randomBytes(32).toString('base64url')}`
  const created = await prisma.apiClient.create({
    data: {
      name: client.name,
      role: client.role,
      areaIds: client.areaIds ?? [],
      categories: client.categories ?? [],
      rateLimitPerMinute: client.rateLimitPerMinute ?? null,
      keyPrefix: key.slice(0, prefixLength),
      keyHash: hashKey(key).toString('hex'),
    },
  })
  return { client: created, key }
}

/** The client a key belongs to, unless the key is unknown or revoked. Compared in constant time. */
export async function clientOfKey(prisma: PrismaClient, key: string) {
  if (!isWellFormedKey(key)) return null
  const client = await prisma.apiClient.findUnique({ where: { keyPrefix: key.slice(0, prefixLength) } })
  if (client === null || client.revokedAt !== null) return null
  const stored = Buffer.from(client.keyHash, 'hex')
  const given = hashKey(key)
  return stored.length === given.length && timingSafeEqual(stored, given) ? client : null
}

/** Revokes a key; the staff sessions signed in with it end with it. */
export async function revokeClient(prisma: PrismaClient, idOrPrefix: string, now = new Date()) {
  const where = /^lk_/.test(idOrPrefix) ? { keyPrefix: idOrPrefix.slice(0, prefixLength) } : { id: idOrPrefix }
  const client = await prisma.apiClient.findUnique({ where })
  if (client === null) return null
  const [revoked] = await prisma.$transaction([
    prisma.apiClient.update({ where: { id: client.id }, data: { revokedAt: client.revokedAt ?? now } }),
    prisma.staffSession.deleteMany({ where: { clientId: client.id } }),
  ])
  return revoked
}

/** The API clients, published as `fastify.clients`. */
export function clientRegistry(prisma: PrismaClient) {
  return {
    create: (client: NewClient) => createClient(prisma, client),
    ofKey: (key: string) => clientOfKey(prisma, key),
    revoke: (idOrPrefix: string, now?: Date) => revokeClient(prisma, idOrPrefix, now),
    /** Every client, newest first, revoked ones included (never their key: it is not kept). */
    list: () => prisma.apiClient.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    byId: (id: string) => prisma.apiClient.findUnique({ where: { id } }),
    /** Notes that a client's key was used at this moment. */
    noteUse: async (id: string, now: Date) => {
      await prisma.apiClient.update({ where: { id }, data: { lastUsedAt: now } })
    },
  }
}

export type ClientRegistry = ReturnType<typeof clientRegistry>
export type { ApiClient } from '../generated/prisma/client.js'
