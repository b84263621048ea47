// The form posts the console's suggestion pages will make (their pages are the console's half of
// issue 11): accept or reject a suggestion with a staff session. The same service, role and
// scope as POST /v1/suggestions/{id}/accept|reject — the session's client is the key's client —
// and, like every state-changing form of a session, the session's CSRF token (src/console/session.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { access } from '../http/access.js'
import { problemResponses } from '../http/problems.js'
import { actorOf } from '../plugins/auth.js'
import { uuidPattern } from '../domain/ids.js'
import { staffPath } from './session.js'

const Params = Type.Object({
  id: Type.String({
    description: 'The suggestion id.',
    pattern: uuidPattern,
  }),
})
const csrf = Type.Optional(Type.String({ description: "The session's CSRF token (or send X-CSRF-Token)." }))
const redirect = {
  303: { description: 'Done: back to the console', type: 'null', headers: { Location: { type: 'string', 'x-required': true } } },
}

const moderationForms: FastifyPluginAsyncTypebox = async (fastify) => {
  const editor = fastify.requireRole('editor')

  fastify.post(
    `${staffPath}/suggestions/:id/accept`,
    {
      onRequest: editor,
      schema: {
        tags: ['staff'],
        operationId: 'acceptSuggestionForm',
        summary: 'Accept a suggestion from the console (form post, staff session)',
        description: "As POST /v1/suggestions/{id}/accept, with the facility's version as a form field instead of If-Match.",
        security: access.staffSession,
        params: Params,
        body: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: Type.Object(
                {
                  _csrf: csrf,
                  version: Type.Integer({ minimum: 1, description: "The facility's version the review showed." }),
                  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
                },
                { additionalProperties: false },
              ),
            },
          },
        },
        response: { ...redirect, ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { version, reason } = request.body as { version: number; reason?: string }
      await fastify.suggestions.accept(request.params.id.toLowerCase(), {
        actor: actorOf(request),
        authorize: await fastify.scopeOf(request),
        now: fastify.clock(),
        reason,
        ifMatch: [version],
      })
      return reply.code(303).header('location', staffPath).send()
    },
  )

  fastify.post(
    `${staffPath}/suggestions/:id/reject`,
    {
      onRequest: editor,
      schema: {
        tags: ['staff'],
        operationId: 'rejectSuggestionForm',
        summary: 'Reject a suggestion from the console (form post, staff session)',
        description: 'As POST /v1/suggestions/{id}/reject.',
        security: access.staffSession,
        params: Params,
        body: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: Type.Object({ _csrf: csrf, reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
            },
          },
        },
        response: { ...redirect, ...problemResponses(400, 401, 403, 404, 409, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { reason } = request.body as { reason: string }
      await fastify.suggestions.reject(request.params.id.toLowerCase(), {
        actor: actorOf(request),
        authorize: await fastify.scopeOf(request),
        now: fastify.clock(),
        reason,
      })
      return reply.code(303).header('location', staffPath).send()
    },
  )
}

export default moderationForms
