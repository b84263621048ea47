// Who is calling: `Authorization: Bearer <key>` identifies an API client (src/clients/keys.ts).
// No header means an anonymous resident, who may read. A header that is malformed, or names an
// unknown or revoked key, is refused (401) rather than read as anonymous, so a broken
// integration notices — but only after the rate limiter has counted the request against its
// address, so guessing keys costs budget like any anonymous call, and a key found unknown is
// remembered briefly, so repeating it costs no database lookup. Routes that write say which role
// they need with `fastify.requireRole`.
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError } from '../http/problems.js'
import type { ApiClient } from '../clients/keys.js'
import type { ClientRole } from '../generated/prisma/enums.js'
import type { FacilityDocument } from '../facilities/document.js'
import type { Actor } from '../facilities/service.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The API client whose key came with the request; null for an anonymous request. */
    client: ApiClient | null
    /** Why the request's key was refused (answered 401 once the rate limiter has counted it); null when it was not. */
    keyRefusal: string | null
  }
  interface FastifyInstance {
    /** A preHandler refusing requests without a key of at least this role. */
    requireRole: (role: ClientRole) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** A check throwing 403 for facilities the request's client may not write (an editor's areas and categories). */
    scopeOf: (request: FastifyRequest) => Promise<(document: Pick<FacilityDocument, 'category' | 'area'>) => void>
  }
}

/** Who a write is by, for the change log: the request's client. */
export const actorOf = (request: FastifyRequest): Actor => ({ clientId: request.client?.id, role: request.client?.role })

const rank: Record<ClientRole, number> = { reader: 1, editor: 2, admin: 3 }

/** The Bearer challenge RFC 6750 asks a 401 to carry. */
const challenge = (error?: string) => `Bearer realm="linli"${error === undefined ? '' : `, error="${error}"`}`

/** How often a client's lastUsedAt is brought up to date: often enough to see which keys are in use. */
const lastUsedResolutionMs = 60_000

/**
 * How long a key found unknown (or revoked) is answered 401 without asking the database again,
 * and how many such keys are remembered at most. A key created since is accepted after at most
 * this long; a revoked one is refused at once either way.
 */
export const unknownKeyMemoryMs = 10_000
const unknownKeysRemembered = 10_000

export default fp(
  async (fastify) => {
    fastify.decorateRequest('client', null)
    fastify.decorateRequest('keyRefusal', null)
    /** Unknown keys and until when they are known to be unknown, oldest first. */
    const unknownKeys = new Map<string, number>()

    async function clientOfKey(key: string): Promise<ApiClient | null> {
      const now = Date.now()
      const knownUnknown = unknownKeys.get(key)
      if (knownUnknown !== undefined && knownUnknown > now) return null
      unknownKeys.delete(key)
      const client = await fastify.clients.ofKey(key)
      if (client === null) {
        if (unknownKeys.size >= unknownKeysRemembered) unknownKeys.delete(unknownKeys.keys().next().value as string)
        unknownKeys.set(key, now + unknownKeyMemoryMs)
      }
      return client
    }

    fastify.addHook('onRequest', async (request) => {
      const header = request.headers.authorization
      // Keys are for the API; health probes and the documentation never look at them.
      if (header === undefined || !request.url.startsWith('/v1/')) return
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      const client = match?.[1] === undefined ? null : await clientOfKey(match[1])
      if (client === null) {
        // Anonymous for the rate limiter (its hook comes next, on the route); refused right after.
        request.keyRefusal =
          match === null ? 'The Authorization header must be "Bearer <key>"' : 'The API key is unknown or has been revoked'
        return
      }
      request.client = client
      const now = new Date()
      if (client.lastUsedAt === null || now.getTime() - client.lastUsedAt.getTime() > lastUsedResolutionMs) {
        await fastify.clients.noteUse(client.id, now)
      }
    })

    const refuseKey = (request: FastifyRequest, reply: FastifyReply) => {
      if (request.keyRefusal === null) return
      reply.header('www-authenticate', challenge('invalid_token'))
      throw new ProblemError('invalid_key', request.keyRefusal)
    }
    // After every onRequest hook, the rate limiter's included.
    fastify.addHook('preParsing', async (request, reply) => refuseKey(request, reply))

    fastify.decorate('requireRole', (role: ClientRole) => async (request: FastifyRequest, reply: FastifyReply) => {
      refuseKey(request, reply)
      if (request.client === null) {
        reply.header('www-authenticate', challenge())
        throw new ProblemError('unauthorized', `This needs an API key with the ${role} role: send Authorization: Bearer <key>`)
      }
      if (rank[request.client.role] < rank[role]) {
        throw new ProblemError('forbidden', `This needs the ${role} role; the key "${request.client.name}" is ${request.client.role}`)
      }
    })

    fastify.decorate('scopeOf', async (request: FastifyRequest) => {
      const client = request.client
      if (client === null || client.role !== 'editor') return () => {}
      // Read before any write transaction starts: on the embedded database a query outside the
      // transaction would wait for it to end.
      const isWithin = client.areaIds.length === 0 ? () => true : await fastify.areas.containment()
      return (document: Pick<FacilityDocument, 'category' | 'area'>) => {
        if (client.categories.length > 0 && !client.categories.includes(document.category)) {
          throw new ProblemError(
            'forbidden',
            `The key "${client.name}" may edit only ${client.categories.join(', ')}, not ${document.category}`,
          )
        }
        if (client.areaIds.length > 0 && !isWithin(document.area, client.areaIds)) {
          throw new ProblemError(
            'forbidden',
            `The key "${client.name}" may edit only facilities in ${client.areaIds.join(', ')}, not in ${document.area}`,
          )
        }
      }
    })
  },
  { name: 'auth', dependencies: ['services', 'problems'] },
)
