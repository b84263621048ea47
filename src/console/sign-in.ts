// Signing in and out of the staff console (whose pages, the sign-in form at /staff among them, are
// src/console/routes.ts). POST /staff/session takes a form (a browser: answered with a redirect) or JSON
// (a script or test: answered with the session's CSRF token).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { access } from '../http/access.js'
import { ProblemError, problemResponses } from '../http/problems.js'
import moderationForms from './moderation.js'
import consolePages from './routes.js'
import { sessionCookieHeader, staffPath } from './session.js'

const SignIn = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 200, description: 'The API key (lk_…); it is never stored in the browser.' }) },
  { additionalProperties: false },
)

const SessionInfo = Type.Object(
  {
    client: Type.Object({
      id: Type.String({ format: 'uuid' }),
      name: Type.String(),
      role: Type.Enum(['reader', 'editor', 'admin']),
      areas: Type.Array(Type.String()),
      categories: Type.Array(Type.String()),
    }),
    csrfToken: Type.String({
      description: 'Send it with every state-changing request of the session: form field `_csrf` or header X-CSRF-Token.',
    }),
    expiresAt: Type.String({ format: 'date-time', description: 'The absolute end of the session.' }),
  },
  { $id: 'StaffSession' },
)

const sessionInfo = (session: {
  client: { id: string; name: string; role: 'reader' | 'editor' | 'admin'; areaIds: string[]; categories: string[] }
  csrfToken: string
  expiresAt: Date
}) => ({
  client: {
    id: session.client.id,
    name: session.client.name,
    role: session.client.role,
    areas: session.client.areaIds,
    categories: session.client.categories,
  },
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt.toISOString(),
})

const isForm = (request: FastifyRequest) => request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true

const signInRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(SessionInfo)
  // Forms post application/x-www-form-urlencoded; fields given twice keep the last value.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
  // The console's form posts and pages share this scope's form parser.
  await fastify.register(moderationForms)
  await fastify.register(consolePages)

  fastify.post(
    `${staffPath}/session`,
    {
      config: { rateLimitAs: 'signIns', csrfExempt: true },
      schema: {
        tags: ['staff'],
        operationId: 'signIn',
        summary: 'Sign in to the staff console with an API key',
        description:
          'Exchanges a key for a server-side session: the answer sets the `linli_staff` cookie (HttpOnly, SameSite=Strict, ' +
          'Path=/staff, Secure over TLS). A form post is answered with a redirect: to /staff, or to /staff?signIn=failed (the ' +
          'form again, with the message) when the key is wrong. JSON is answered with the session and its CSRF token, or 401. ' +
          'Attempts are limited per address ' +
          '(RATE_LIMIT_SIGN_INS a quarter of an hour).',
        security: access.none,
        body: {
          content: {
            'application/x-www-form-urlencoded': { schema: SignIn },
            'application/json': { schema: SignIn },
          },
        },
        response: {
          201: {
            description: 'Signed in (JSON)',
            headers: { 'Set-Cookie': { type: 'string', 'x-required': true } },
            content: { 'application/json': { schema: Type.Ref('StaffSession') } },
          },
          303: {
            description: 'A form post: to /staff when signed in (with the cookie), else to /staff?signIn=failed (without)',
            type: 'null',
            headers: { 'Set-Cookie': { type: 'string' }, Location: { type: 'string', 'x-required': true } },
          },
          ...problemResponses(400, 401, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { key } = request.body as { key: string }
      const signedIn = await fastify.staffSessions.signIn(key.trim(), fastify.clock())
      if (signedIn === null) {
        if (isForm(request)) {
          return reply.code(303).header('location', `${staffPath}?signIn=failed`).send()
        }
        throw new ProblemError('invalid_key', 'The API key is unknown or has been revoked')
      }
      // Signing in is a use of the key: the key list shows it.
      await fastify.clients.noteUse(signedIn.client.id, fastify.clock())
      reply.header(
        'set-cookie',
        sessionCookieHeader(request, signedIn.token, Math.floor(fastify.staffSessions.lifetimes.absoluteMs / 1000)),
      )
      reply.header('cache-control', 'no-store')
      if (isForm(request)) return reply.code(303).header('location', staffPath).send()
      return reply.code(201).send(sessionInfo(signedIn))
    },
  )

  fastify.get(
    `${staffPath}/session`,
    {
      schema: {
        tags: ['staff'],
        operationId: 'currentStaffSession',
        summary: 'The signed-in session: who, until when, and its CSRF token',
        description: 'For the console (and scripts) to put the CSRF token into the forms they send; 401 without a live session.',
        security: access.staffSession,
        response: {
          200: { description: 'The session', content: { 'application/json': { schema: Type.Ref('StaffSession') } } },
          ...problemResponses(401, 503),
        },
      },
    },
    async (request, reply) => {
      const session = requireSession(request)
      reply.header('cache-control', 'no-store')
      return sessionInfo(session)
    },
  )

  fastify.post(
    `${staffPath}/sign-out`,
    {
      schema: {
        tags: ['staff'],
        operationId: 'signOut',
        summary: 'Sign out: the session ends and the cookie is cleared',
        description: "Needs the session's CSRF token (`_csrf` form field or X-CSRF-Token header).",
        security: access.staffSession,
        body: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: Type.Object({ _csrf: Type.Optional(Type.String()) }, { additionalProperties: false }),
            },
          },
        },
        response: {
          303: {
            description: 'Signed out: to /staff',
            type: 'null',
            headers: { 'Set-Cookie': { type: 'string', 'x-required': true }, Location: { type: 'string', 'x-required': true } },
          },
          ...problemResponses(400, 401, 403, 415, 503),
        },
      },
    },
    async (request, reply) => signOut(request, reply),
  )

  async function signOut(request: FastifyRequest, reply: FastifyReply) {
    const session = requireSession(request)
    await fastify.staffSessions.signOut(session.token)
    return reply.code(303).header('set-cookie', sessionCookieHeader(request, null)).header('location', staffPath).send()
  }
}

/** The request's staff session, or 401. */
export function requireSession(request: FastifyRequest) {
  if (request.staffSession === null) throw new ProblemError('unauthorized', 'Sign in first: POST /staff/session with your API key')
  return request.staffSession
}

export default signInRoutes
