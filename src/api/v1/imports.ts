// POST /v1/imports: bulk create and update from a CSV or NDJSON file (src/facilities/import.ts).
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemResponses } from '../../http/problems.js'
import { csvColumns, requiredCsvColumns } from '../../facilities/csv.js'
import { importTooLarge } from '../../facilities/import.js'
import { Nullable } from '../../facilities/schemas.js'
import { actorOf } from '../../plugins/auth.js'
import { access } from '../../http/access.js'
import { mediaTypeOf, requireMediaType } from '../../http/media-types.js'

/** 10,000 rows of a full CSV are about 3 MB; this leaves room without inviting abuse. */
const maxImportBytes = 20 * 1024 * 1024

const ImportReport = Type.Object(
  {
    dryRun: Type.Boolean(),
    atomic: Type.Boolean(),
    committed: Type.Boolean({
      description: 'Whether the rows were written: false for a dry run, and for an atomic import with a rejected row.',
    }),
    summary: Type.Object({
      rows: Type.Integer(),
      created: Type.Integer(),
      updated: Type.Integer(),
      unchanged: Type.Integer(),
      rejected: Type.Integer(),
    }),
    rows: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'The data row of a CSV (after the header), the line of an NDJSON file.' }),
        externalId: Nullable(Type.String()),
        outcome: Type.Enum(['created', 'updated', 'unchanged', 'rejected']),
        id: Type.Optional(Type.String({ format: 'uuid', description: 'The facility; not given for one a dry run would create.' })),
        errors: Type.Optional(
          Type.Array(
            Type.Object({
              field: Type.String({ description: 'JSON Pointer into the facility, e.g. /location/lat.' }),
              message: Type.String(),
            }),
          ),
        ),
      }),
    ),
  },
  { $id: 'ImportReport' },
)

const streams = new WeakMap<object, Readable>()

const importRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(ImportReport)
  // The body stays a stream: rows are read and written one by one.
  fastify.addContentTypeParser(['text/csv', 'application/x-ndjson'], (_request, payload, done) => done(null, payload))

  fastify.post(
    '/imports',
    {
      onRequest: fastify.requireRole('editor'),
      preValidation: [
        requireMediaType('text/csv', 'application/x-ndjson'),
        // The body is a stream, read row by row in the handler; what the schema sees is a placeholder.
        // With an Idempotency-Key the file is read first, so that the placeholder can be its digest:
        // the same key with another file is then another request (src/http/idempotency.ts).
        async (request) => {
          const stream = request.body as unknown as Readable
          if (request.headers['idempotency-key'] === undefined) {
            streams.set(request, stream)
            request.body = ''
            return
          }
          const file = await readAtMost(stream, maxImportBytes)
          streams.set(request, Readable.from([file]))
          request.body = `sha256:${createHash('sha256').update(file).digest('base64url')}`
        },
      ],
      config: { idempotent: true },
      schema: {
        tags: ['facilities'],
        operationId: 'importFacilities',
        summary: 'Create and update many facilities from a CSV or NDJSON file',
        description:
          'Rows are matched on `externalId`: an unknown one creates a facility, a known one is merged into it like a PATCH ' +
          '(empty CSV cells leave fields as they are), so importing the same file twice changes nothing. Every row is validated ' +
          'and recorded like a single write. `dryRun=true` reports what would happen and writes nothing; `atomic=true` writes ' +
          'nothing unless every row is accepted. Statuses of existing facilities are changed with status changes, not imports. ' +
          `CSV (UTF-8, header row) columns: ${csvColumns.join(', ')}; ${requiredCsvColumns.join(', ')} are required, and id or external_id ` +
          'names the facility (a CSV the search exports can be imported as it is: its other columns are skipped). NDJSON: one FacilityInput ' +
          'merge patch per line, with externalId.',
        security: access.role('editor'),
        querystring: Type.Object(
          {
            dryRun: Type.Boolean({ default: false, description: 'Report only; write nothing.', examples: [true] }),
            atomic: Type.Boolean({ default: false, description: 'All or nothing.', examples: [true] }),
          },
          { additionalProperties: false },
        ),
        consumes: ['text/csv', 'application/x-ndjson'],
        body: Type.String({
          description: `The file. text/csv: UTF-8 with a header row (${csvColumns.join(', ')}). application/x-ndjson: one FacilityInput merge patch per line, with externalId.`,
        }),
        response: { 200: Type.Ref('ImportReport'), ...problemResponses(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const body = streams.get(request)
      if (body === undefined) throw new Error('the import stream went missing')
      const report = await fastify.facilities.import(body, {
        format: mediaTypeOf(request) === 'text/csv' ? 'csv' : 'ndjson',
        dryRun: request.query.dryRun,
        atomic: request.query.atomic,
        actor: actorOf(request),
        now: fastify.clock(),
        authorize: await fastify.scopeOf(request),
        maxBytes: maxImportBytes,
      })
      reply.header('cache-control', 'no-store')
      return report
    },
  )
}

/** The whole of a stream, refused (413) past a size. */
async function readAtMost(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length
    if (bytes > maxBytes) throw importTooLarge(maxBytes)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

export default importRoutes
