// Residents' suggestions: POST /v1/suggestions (no key) and tracking by token; moderation by
// editors within their scope: list, review beside the current values, accept (through the
// ordinary audited write, under If-Match) or reject with a reason. src/suggestions/service.ts
// decides; this file validates, documents and presents.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { access } from '../../http/access.js'
import { parseIfMatch } from '../../http/caching.js'
import { requireMediaType } from '../../http/media-types.js'
import { ProblemError, problemResponses } from '../../http/problems.js'
import { actorOf } from '../../plugins/auth.js'
import { isTrackingToken } from '../../suggestions/service.js'
import {
  Proposal,
  SuggestionInput,
  SuggestionList,
  SuggestionReceipt,
  SuggestionReview,
  SuggestionState,
  SuggestionSummary,
  SuggestionTracking,
} from '../../suggestions/schemas.js'
import { uuidPattern } from './params.js'

/** Residents write a sentence or two; a proposal is a few fields. Anything bigger is not a suggestion. */
export const suggestionBodyLimit = 16 * 1024

const SuggestionParams = Type.Object({
  id: Type.String({ pattern: uuidPattern, description: 'The suggestion id (UUID), as listed.' }),
})
const DecisionInput = (required: boolean) =>
  Type.Object(
    {
      reason: required
        ? Type.String({ minLength: 1, maxLength: 500, description: 'Why; shown to the resident who tracks the suggestion.' })
        : Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Added to the history after the suggestion id.' })),
    },
    { additionalProperties: false },
  )

const suggestionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(Proposal)
  fastify.addSchema(SuggestionReceipt)
  fastify.addSchema(SuggestionTracking)
  fastify.addSchema(SuggestionSummary)
  fastify.addSchema(SuggestionReview)

  const editor = fastify.requireRole('editor')

  /** Who moderates: the request's key (or, on /staff, its session), within its scope. */
  const moderationOf = async (request: FastifyRequest, reason?: string) => ({
    actor: actorOf(request),
    authorize: await fastify.scopeOf(request),
    now: fastify.clock(),
    reason,
  })

  fastify.post(
    '/suggestions',
    {
      bodyLimit: suggestionBodyLimit,
      config: { rateLimitAs: 'suggestions' },
      preValidation: requireMediaType('application/json'),
      schema: {
        tags: ['suggestions'],
        operationId: 'suggestCorrection',
        summary: 'Suggest a correction to a facility (no key)',
        description:
          "A proposal of some fields (checked by the rules of a staff write: a status of the category's lifecycle, opening " +
          'hours in OpenStreetMap syntax, …), a message, or both. Nothing changes until an editor accepts it. The same ' +
          'suggestion sent again while it waits is counted, not stored twice, and answered with the same token. Contact ' +
          `details are for the staff only. Limited per address (RATE_LIMIT_SUGGESTIONS an hour) and to ${suggestionBodyLimit / 1024} KiB.`,
        security: access.anyone,
        body: SuggestionInput,
        response: {
          202: {
            description: 'Received; track it with the token',
            headers: { Location: { type: 'string', description: 'Where to track it.', 'x-required': true } },
            content: { 'application/json': { schema: Type.Ref('SuggestionReceipt') } },
          },
          ...problemResponses(400, 401, 404, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const receipt = await fastify.suggestions.submit(request.body, fastify.clock())
      reply.header('location', `/v1/suggestions/${receipt.token}`).header('cache-control', 'no-store')
      return reply.code(202).send(receipt)
    },
  )

  fastify.get(
    '/suggestions',
    {
      onRequest: editor,
      schema: {
        tags: ['suggestions'],
        operationId: 'listSuggestions',
        summary: 'Suggestions to moderate (editor, within its scope)',
        description:
          'Newest first. An editor limited to some areas or categories sees only the suggestions about those facilities. ' +
          'Contact details are included: this is for the staff.',
        security: access.role('editor'),
        querystring: Type.Object(
          {
            state: Type.Optional(SuggestionState),
            facility: Type.Optional(Type.String({ pattern: uuidPattern, description: 'Only the suggestions about this facility.' })),
            before: Type.Optional(Type.String({ pattern: uuidPattern, description: 'The paging cursor: `next` gives it.' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'At most this many suggestions.' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: { description: 'A page of suggestions', content: { 'application/json': { schema: SuggestionList } } },
          ...problemResponses(400, 401, 403, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { state, facility, before, limit } = request.query
      const client = request.client
      const scope = client?.role === 'editor' ? client : { areaIds: [], categories: [] }
      const rows = await fastify.suggestions.list(
        { state, facilityId: facility?.toLowerCase(), before: before?.toLowerCase(), limit },
        scope,
      )
      const items = rows.slice(0, limit)
      let next: string | null = null
      if (rows.length > limit) {
        const query = new URLSearchParams({
          ...(state === undefined ? {} : { state }),
          ...(facility === undefined ? {} : { facility }),
          before: items[items.length - 1]?.id ?? '',
          limit: String(limit),
        })
        next = `/v1/suggestions?${query}`
      }
      reply.header('cache-control', 'private, no-store')
      return { items, next }
    },
  )

  fastify.get(
    '/suggestions/:ref',
    {
      schema: {
        tags: ['suggestions'],
        operationId: 'getSuggestion',
        summary: 'A suggestion: by its tracking token (anyone) or by its id (editor)',
        description:
          'With the tracking token (`sg_…`) the POST answered: what became of the suggestion — state, and the decision with ' +
          "its reason — and nothing else (never the contact details). With the suggestion's id and an editor key within its " +
          "scope: the suggestion for moderation, its proposal beside the facility's current values, and the facility's " +
          'version to accept it with.',
        security: access.anyone,
        params: Type.Object({
          ref: Type.String({
            pattern: `^(sg_[A-Za-z0-9_-]{22}|${uuidPattern.slice(1, -1)})$`,
            description: 'A tracking token (sg_…) or a suggestion id (UUID).',
          }),
        }),
        response: {
          200: {
            description: 'SuggestionTracking by token; SuggestionReview by id',
            content: { 'application/json': { schema: Type.Union([Type.Ref('SuggestionTracking'), Type.Ref('SuggestionReview')]) } },
          },
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { ref } = request.params
      reply.header('cache-control', 'private, no-store').header('vary', 'Authorization')
      if (isTrackingToken(ref)) {
        const tracking = await fastify.suggestions.track(ref)
        if (tracking === undefined) throw new ProblemError('not_found', 'There is no suggestion with this token')
        return tracking
      }
      await editor(request, reply)
      return fastify.suggestions.review(ref.toLowerCase(), await fastify.scopeOf(request))
    },
  )

  fastify.post(
    '/suggestions/:id/accept',
    {
      onRequest: editor,
      schema: {
        tags: ['suggestions'],
        operationId: 'acceptSuggestion',
        summary: 'Accept a suggestion: its proposal is applied (editor, within its scope)',
        description:
          'Needs If-Match with the facility\'s version as the review showed it (`"<facilityVersion>"`). The proposal is ' +
          'applied through the ordinary audited writes: a status as a status change (the lifecycle applies: a refusal is a ' +
          '422 and nothing is written), the other fields as one update; the history and the change feed show ' +
          '`suggestion <id>` as the reason. A suggestion with only a message is marked accepted and changes nothing.',
        security: access.role('editor'),
        params: SuggestionParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'The facility\'s ETag or "<version>"; required.' })) }),
        querystring: DecisionInput(false),
        response: {
          200: {
            description: 'Accepted and applied',
            content: {
              'application/json': {
                schema: Type.Object({
                  state: Type.Literal('accepted'),
                  facilityVersion: Type.Integer({ description: "The facility's version after the change." }),
                  changed: Type.Boolean({ description: 'False when the facility already was as proposed.' }),
                }),
              },
            },
          },
          ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422, 428, 429, 503),
        },
      },
    },
    async (request) => {
      const ifMatch = parseIfMatch(request.headers['if-match'])
      const result = await fastify.suggestions.accept(request.params.id.toLowerCase(), {
        ...(await moderationOf(request, request.query.reason)),
        ifMatch,
      })
      return { state: 'accepted' as const, ...result }
    },
  )

  fastify.post(
    '/suggestions/:id/reject',
    {
      onRequest: editor,
      preValidation: requireMediaType('application/json'),
      schema: {
        tags: ['suggestions'],
        operationId: 'rejectSuggestion',
        summary: 'Reject a suggestion, with a reason (editor, within its scope)',
        description: 'Nothing changes but the suggestion: its state and reason, which the resident sees when tracking it.',
        security: access.role('editor'),
        params: SuggestionParams,
        body: DecisionInput(true),
        response: {
          200: {
            description: 'Rejected',
            content: { 'application/json': { schema: Type.Object({ state: Type.Literal('rejected') }) } },
          },
          ...problemResponses(400, 401, 403, 404, 409, 415, 429, 503),
        },
      },
    },
    async (request) => {
      await fastify.suggestions.reject(request.params.id.toLowerCase(), {
        ...(await moderationOf(request)),
        reason: request.body.reason,
      })
      return { state: 'rejected' as const }
    },
  )
}

export default suggestionRoutes
