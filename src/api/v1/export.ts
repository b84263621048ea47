// GET /v1/facilities/export.ndjson: every facility in full, streamed one per line.
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { type FullSource, presentFacility } from '../../facilities/presenter.js'
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
      const lines = new ExportLines(
        (after, visit) => fastify.facilities.eachInFullAfter(after, batchSize, visit),
        (record) => JSON.stringify(presentFacility(record, presentation)),
      )
      // The first batch is read before anything is sent, so a database that does not answer is a
      // 503 rather than a cut-off download.
      await lines.readBatch()
      setLanguage(reply, presentation.language)
      reply.header('cache-control', 'public, max-age=300')
      return reply.type('application/x-ndjson; charset=utf-8').send(lines)
    },
  )
}

/**
 * Facilities a batch of the export reads (keyset, in id order). At 1,000 (or 500) V8 ran a full
 * collection every quarter second through an export of 100,030 facilities, 10–20 of them, at 250
 * none or one, for a reason not found (the old generation barely grew): the server's CPU 2.3–2.5 →
 * 1.4–1.7 s. Smaller still, the round trips show: at 100 the download took 1.9–2.3 s, not 1.7–1.9.
 */
export const batchSize = 250
/** Bytes of lines the export sends at a time. */
const chunkBytes = 64 * 1024

/**
 * The export's bytes: each batch's records presented and written as their rows arrive, pushed about
 * 64 KB at a time, and the next batch read when the stream wants more, so whatever the client's
 * speed the server holds about a batch (an export at 20 MB/s: RSS flat at 240 MB).
 */
class ExportLines extends Readable {
  private after: string | undefined
  private chunk = new Lines(chunkBytes + 16 * 1024)
  private reading = false
  private done = false

  constructor(
    private readonly eachAfter: (after: string | undefined, visit: (record: FullSource) => void) => Promise<void>,
    private readonly line: (record: FullSource) => string,
  ) {
    super({ highWaterMark: 4 * chunkBytes })
  }

  /**
   * Reads the next batch, pushing its lines as chunks fill; the end once a batch comes back short.
   * Called for the first batch by the route, then by _read: never two at once (each push may make
   * the stream ask for more at once).
   */
  async readBatch(): Promise<void> {
    this.reading = true
    try {
      let count = 0
      let last: string | undefined
      await this.eachAfter(this.after, (record) => {
        this.chunk.add(this.line(record))
        last = record.id
        count += 1
        if (this.chunk.length >= chunkBytes) this.push(this.chunk.take())
      })
      if (this.chunk.length > 0) this.push(this.chunk.take())
      this.after = last
      if (count < batchSize) {
        this.done = true
        this.push(null)
      }
    } finally {
      this.reading = false
    }
  }

  override _read() {
    if (this.reading || this.done) return
    this.readBatch().then(
      () => {
        // Asked for more while this batch was read (and the asking ignored): go on.
        if (!this.done && !this.destroyed && this.readableLength < this.readableHighWaterMark) this._read()
      },
      (error: unknown) => this.destroy(error as Error),
    )
  }
}

/** Lines of JSON written straight into one buffer: no buffer a line and no copy to join them. */
class Lines {
  private buffer: Buffer
  length = 0

  constructor(private readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size)
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

  /** The lines so far, and a new buffer for the next ones. */
  take(): Buffer {
    const lines = this.buffer.subarray(0, this.length)
    this.buffer = Buffer.allocUnsafe(this.size)
    this.length = 0
    return lines
  }
}

export default exportRoutes
