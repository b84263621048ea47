// Staff sessions over HTTP. A staff member signs in once with their API key (POST /staff/session);
// the browser then carries only a random session token, in a cookie that scripts cannot read
// (HttpOnly), that no other site's page can make it send (SameSite=Strict), that only /staff pages
// receive (Path=/staff), and that travels only over TLS when the request came over TLS. On /staff
// the session makes request.client the very client its key would, so the console calls the same
// services with the same role and scope. Every state-changing request made with a session must
// carry the session's synchronizer token (`_csrf` form field or X-CSRF-Token header).
// The sessions themselves live in the database (src/clients/sessions.ts).
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { timingSafeEqual } from 'node:crypto'
import type { StaffSession } from '../clients/sessions.js'
import { ProblemError } from '../http/problems.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff session the request's cookie names, on /staff; null otherwise. */
    staffSession: (StaffSession & { token: string }) | null
  }
  interface FastifyContextConfig {
    /** A state-changing route that needs no CSRF token (signing in, which has no session yet). */
    csrfExempt?: boolean
  }
}

export const sessionCookie = 'linli_staff'
export const staffPath = '/staff'

/** The value of one cookie of a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}

/** Set-Cookie for a session token (or, with null, one that makes the browser forget it). */
export function sessionCookieHeader(request: FastifyRequest, token: string | null, maxAgeSeconds = 0): string {
  const attributes = [`Path=${staffPath}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${token === null ? 0 : maxAgeSeconds}`]
  // request.protocol is https when the connection is TLS, or a trusted proxy (TRUST_PROXY) says so.
  if (request.protocol === 'https') attributes.push('Secure')
  return [`${sessionCookie}=${token ?? ''}`, ...attributes].join('; ')
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export default fp(
  async (fastify) => {
    fastify.decorateRequest('staffSession', null)

    fastify.addHook('onRequest', async (request) => {
      if (request.url !== staffPath && !request.url.startsWith(`${staffPath}/`) && !request.url.startsWith(`${staffPath}?`)) return
      const token = cookieValue(request.headers.cookie, sessionCookie)
      if (token === undefined || token === '') return
      const session = await fastify.staffSessions.resolve(token, fastify.clock())
      if (session === null) return
      request.staffSession = { ...session, token }
      request.client = session.client
    })

    // After the body is parsed (a form's _csrf field), before any handler acts.
    fastify.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
      const session = request.staffSession
      if (session === null || safeMethods.has(request.method) || request.routeOptions.config.csrfExempt === true) return
      const fromForm = (request.body as Record<string, unknown> | null | undefined)?._csrf
      const given = request.headers['x-csrf-token'] ?? fromForm
      if (!sameToken(given, session.csrfToken)) {
        throw new ProblemError(
          'forbidden',
          "This form is missing its session's CSRF token (or it is not this session's): reload the page and send it again",
        )
      }
    })
  },
  { name: 'staff-session', dependencies: ['services', 'auth', 'problems'] },
)
