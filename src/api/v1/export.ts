// GET /v1/facilities/export.ndjson: every facility in full, streamed one per line.
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { presentFacility } from '../../facilities/presenter.js'
import { access } from '../../http/access.js'
import { languageHeaders, negotiateLanguage, setLanguage } from '../../http/language.js'
import { problemResponses } from '../../http/problems.js'
import { crsParameter } from './params.js'

const exportRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/facilities/export.ndjson',
    {
      schema: {
        tags: ['facilities'],
        operationId: 'exportFacilities',
        security: access.anyone,
        summary: 'Every facility, in full, one JSON object per line',
        description:
          'Streamed and unpaginated (application/x-ndjson), in creation order; deleted facilities are left out. ' +
          'Use the change feed to stay in sync afterwards.',
        querystring: Type.Object({ crs: crsParameter('the locations') }, { additionalProperties: false }),
        response: {
          200: {
            description: 'NDJSON: one Facility (as GET /v1/facilities/{id} answers it) per line',
            headers: {
              'Cache-Control': { type: 'string', examples: ['public, max-age=300'], 'x-required': true },
              ...languageHeaders,
            },
            // Sent as a stream of those lines.
            content: {
              'application/x-ndjson': { schema: Type.Unsafe<Readable>(Type.String({ description: 'Lines of JSON, each a Facility.' })) },
            },
          },
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const presentation = { language: negotiateLanguage(request.headers['accept-language']), crs: request.query.crs, now: fastify.clock() }
      let sizeHint = 1 << 21
      /**
       * The lines of the next keyset batch, each record presented and written as its row arrives (so
       * none outlives a young-generation collection), and the id to read on from, if any is left.
       */
      const batch = async (after: string | undefined) => {
        const lines = new Lines(sizeHint)
        let last: string | undefined
        let count = 0
        await fastify.facilities.eachInFullAfter(after, batchSize, (record) => {
          lines.add(JSON.stringify(presentFacility(record, presentation)))
          last = record.id
          count += 1
        })
        const bytes = lines.bytes()
        sizeHint = Math.max(sizeHint, Math.ceil(bytes.length * 1.25))
        return { bytes, next: count === batchSize ? last : undefined }
      }
      // The first batch is read before anything is sent, so a database that does not answer is a
      // 503 rather than a cut-off download.
      const first = await batch(undefined)
      // The next batch read while this one is written: memory stays flat and the database and the
      // presentation work side by side.
      async function* lines() {
        let current = first
        for (;;) {
          const next = current.next === undefined ? undefined : batch(current.next)
          // A client that hangs up leaves this read behind: its failure must not go unhandled.
          next?.catch(() => undefined)
          if (current.bytes.length > 0) yield current.bytes
          if (next === undefined) return
          current = await next
        }
      }
      setLanguage(reply, presentation.language)
      reply.header('cache-control', 'public, max-age=300')
      // Two batches ahead of the socket at most (a stream of objects would otherwise read sixteen).
      return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines(), { highWaterMark: 2 }))
    },
  )
}

/** Facilities a batch of the export reads: about 1.3 MB of lines. */
const batchSize = 1000

/**
 * Lines of JSON written straight into one buffer: no buffer a line and no copy to join them (a
 * tenth of the export's encoding, measured in a script over 100,000 records).
 */
class Lines {
  private buffer: Buffer
  private length = 0

  constructor(sizeHint: number) {
    this.buffer = Buffer.allocUnsafe(sizeHint)
  }

  add(line: string) {
    // A UTF-16 code unit is at most three bytes of UTF-8.
    const most = this.length + line.length * 3 + 1
    if (most > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(most, this.buffer.length * 2))
      this.buffer.copy(bigger, 0, 0, this.length)
      this.buffer = bigger
    }
    this.length += this.buffer.write(line, this.length)
    this.buffer[this.length] = 0x0a
    this.length += 1
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length)
  }
}

export default exportRoutes
