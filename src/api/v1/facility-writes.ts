// Staff writes: create, JSON Merge Patch update, soft delete and status changes. Each needs a key
// of the right role (src/plugins/auth.ts); each but create needs If-Match with the ETag the
// writer read, so concurrent edits are detected instead of overwriting each other.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import mergePatch from 'json-merge-patch'
import { Type } from 'typebox'
import { problemResponses } from '../../http/problems.js'
import type { FacilityDocument } from '../../facilities/document.js'
import { presentStatusChange } from '../../facilities/presenter.js'
import type { VersionedWrite } from '../../facilities/service.js'
import { FacilityInput, FacilityMergePatch, Status } from '../../facilities/schemas.js'
import { actorOf } from '../../plugins/auth.js'
import { facilityETagHeader, parseIfMatch } from '../../http/caching.js'
import { access } from '../../http/access.js'
import { requireMediaType } from '../../http/media-types.js'
import { presentedFacility } from './facility-reply.js'
import { FacilityParams } from './params.js'

const ReasonQuery = Type.Object(
  {
    reason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'Why, for the history.',
        examples: ['places confirmed by phone'],
      }),
    ),
  },
  { additionalProperties: false },
)
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The ETag of the facility as you read it (or `*`). Required: missing → 428, stale → 412.',
      examples: ['"3.q1w2e3r4t5y6u7i8"'],
    }),
  ),
})

/** A merge patch names top-level fields of the facility document; their values are checked after merging. */
const FacilityPatch = Type.Object(
  Object.fromEntries(
    Object.entries(FacilityInput.properties).map(([field, schema]) => [
      field,
      Type.Optional(
        Type.Unknown({
          description: `${(schema as { description?: string }).description ?? `As in FacilityInput.${field}`} null removes it.`,
        }),
      ),
    ]),
  ),
  {
    additionalProperties: false,
    description:
      'JSON Merge Patch (RFC 7396) of a FacilityInput: fields given replace, null removes, objects merge, arrays are replaced whole. ' +
      'The status is changed with a status change, not here.',
  },
)

const StatusChangeInput = Type.Object(
  {
    status: Status,
    effectiveAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it takes (or took) effect; now when left out. A future moment schedules the change.',
        examples: ['2026-12-01T00:00:00+08:00'],
      }),
    ),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why, for the history and the change feed.' }),
  },
  { additionalProperties: false },
)

const facilityWriteRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(FacilityInput)
  fastify.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'))

  /** Answers with the facility as it now is, and its ETag (which names its version). */
  async function sendFacility(request: FastifyRequest, reply: FastifyReply, id: string, status: number) {
    const facility = await presentedFacility(fastify, request, reply, id)
    reply.header('cache-control', 'no-store')
    return reply.code(status).send(facility)
  }

  const writeOptions = async (request: FastifyRequest, reason: string | undefined): Promise<VersionedWrite> => ({
    actor: actorOf(request),
    reason,
    now: fastify.clock(),
    ifMatch: parseIfMatch(request.headers['if-match']),
    authorize: await fastify.scopeOf(request),
  })

  const editor = fastify.requireRole('editor')

  fastify.post(
    '/facilities',
    {
      preValidation: [
        requireMediaType('application/json'),
        // Checked strictly before the route schema, which would coerce "22.5" into 22.5.
        async (request) => void (await fastify.facilities.validate(request.body)),
      ],
      onRequest: editor,
      config: { idempotent: true },
      schema: {
        tags: ['facilities'],
        operationId: 'createFacility',
        summary: 'Add a facility or project',
        description:
          'Needs an editor key (an editor limited to some areas or categories may add only those). Validated like the seed data: ' +
          "the status must belong to the category's lifecycle, dates must be EDTF, opening hours OpenStreetMap syntax, " +
          'the area and cited sources must exist. Answers the facility in full with its ETag and Location.',
        security: access.role('editor'),
        querystring: ReasonQuery,
        body: Type.Ref('FacilityInput'),
        response: {
          201: {
            description: 'Created',
            headers: { ...facilityETagHeader, Location: { type: 'string', description: 'Where the facility now is.', 'x-required': true } },
            content: { 'application/json': { schema: Type.Ref('Facility') } },
          },
          ...problemResponses(400, 401, 403, 409, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const facility = await fastify.facilities.create(request.body as FacilityDocument, {
        actor: actorOf(request),
        reason: request.query.reason,
        now: fastify.clock(),
        authorize: await fastify.scopeOf(request),
      })
      reply.header('location', `/v1/facilities/${facility.id}`)
      return sendFacility(request, reply, facility.id, 201)
    },
  )

  fastify.patch(
    '/facilities/:id',
    {
      preValidation: requireMediaType('application/merge-patch+json'),
      onRequest: editor,
      // The document describes the body field by field (FacilityMergePatch); the route checks its
      // field names, and the merged facility is validated as a whole.
      config: { swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: FacilityMergePatch }, url }) },
      schema: {
        tags: ['facilities'],
        operationId: 'updateFacility',
        summary: 'Change some fields of a facility',
        description:
          'JSON Merge Patch (`Content-Type: application/merge-patch+json`) with `If-Match`. The merged facility is validated ' +
          'as a whole; every changed field is recorded with its old and new value. Capacity (available places) is updated ' +
          'this way too. A patch that changes nothing keeps the version.',
        security: access.role('editor'),
        params: FacilityParams,
        headers: IfMatchHeaders,
        querystring: ReasonQuery,
        consumes: ['application/merge-patch+json'],
        body: FacilityPatch,
        response: {
          200: {
            description: 'The facility as it now is',
            headers: facilityETagHeader,
            content: { 'application/json': { schema: Type.Ref('Facility') } },
          },
          ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 428, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id.toLowerCase()
      await fastify.facilities.update(
        id,
        (current) => mergePatch.apply(structuredClone(current), request.body),
        await writeOptions(request, request.query.reason),
      )
      return sendFacility(request, reply, id, 200)
    },
  )

  fastify.delete(
    '/facilities/:id',
    {
      onRequest: fastify.requireRole('admin'),
      schema: {
        tags: ['facilities'],
        operationId: 'deleteFacility',
        summary: 'Delete a facility (admin)',
        description:
          'A soft delete: the facility leaves every read, and the change feed carries the deletion. Its slug and external id stay taken.',
        security: access.role('admin'),
        params: FacilityParams,
        headers: IfMatchHeaders,
        querystring: ReasonQuery,
        response: {
          204: { description: 'Deleted', type: 'null' },
          ...problemResponses(400, 401, 403, 404, 412, 428, 429, 503),
        },
      },
    },
    async (request, reply) => {
      await fastify.facilities.remove(request.params.id.toLowerCase(), await writeOptions(request, request.query.reason))
      return reply.code(204).send(null)
    },
  )

  fastify.post(
    '/facilities/:id/status-changes',
    {
      preValidation: requireMediaType('application/json'),
      onRequest: editor,
      config: { idempotent: true },
      schema: {
        tags: ['facilities'],
        operationId: 'changeFacilityStatus',
        summary: 'Change the status of a facility, now or at a moment to come',
        description:
          'The lifecycle is enforced: services planned → under_construction → operational ⇄ temporarily_closed → permanently_closed; ' +
          'projects planned → in_preparation → launched → under_construction ⇄ suspended → completed → in_service, cancelled. Nothing follows ' +
          'cancelled; permanently_closed → operational is for admins. With `effectiveAt` in the future the change is scheduled ' +
          '(202) and takes effect at that moment, in reads and in the change feed, whichever server process is running then.',
        security: access.role('editor'),
        params: FacilityParams,
        headers: IfMatchHeaders,
        body: StatusChangeInput,
        response: {
          201: {
            description: 'Applied now',
            headers: facilityETagHeader,
            content: { 'application/json': { schema: Type.Ref('StatusChange') } },
          },
          202: {
            description: 'Scheduled; the facility keeps its version (and ETag) until then',
            headers: facilityETagHeader,
            content: { 'application/json': { schema: Type.Ref('StatusChange') } },
          },
          ...problemResponses(400, 401, 403, 404, 412, 415, 422, 428, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id.toLowerCase()
      const { status, effectiveAt, reason } = request.body
      const result = await fastify.facilities.changeStatus(
        id,
        { status, reason, effectiveAt: effectiveAt === undefined ? undefined : new Date(effectiveAt) },
        await writeOptions(request, reason),
      )
      const change = result.statusChange
      const scheduled = change.appliedAt === null
      if (scheduled) fastify.statusSchedule.changed()
      // Scheduled or not, the ETag names the version the facility is at now: it is good for the next write.
      reply.facilityVersion = result.version
      reply.header('cache-control', 'no-store')
      return reply.code(scheduled ? 202 : 201).send({ ...presentStatusChange(change), facilityVersion: result.version })
    },
  )
}

export default facilityWriteRoutes
