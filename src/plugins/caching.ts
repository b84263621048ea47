// HTTP caching for reads: a strong ETag on every GET response (a hash of the body, so equal
// bodies share it), 304 for a matching If-None-Match or a not-newer If-Modified-Since, and a
// Cache-Control that lets shared caches keep directory reads for a minute.
import etag from '@fastify/etag'
import fp from 'fastify-plugin'

export default fp(
  async (fastify) => {
    await fastify.register(etag, { algorithm: 'sha1', weak: false })

    fastify.addHook('onSend', async (request, reply, payload) => {
      if (request.method !== 'GET' || (reply.statusCode !== 200 && reply.statusCode !== 304)) return payload
      // A 304 must carry the Cache-Control the 200 would have (RFC 9110 §15.4.5).
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'public, max-age=60')
      if (reply.statusCode === 304) return payload
      const lastModified = reply.getHeader('last-modified')
      const since = request.headers['if-modified-since']
      // If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
      if (request.headers['if-none-match'] === undefined && typeof lastModified === 'string' && since !== undefined) {
        const sinceTime = Date.parse(since)
        if (!Number.isNaN(sinceTime) && Date.parse(lastModified) <= sinceTime) {
          reply.code(304)
          return ''
        }
      }
      return payload
    })
  },
  { name: 'caching' },
)

/** HTTP-date of an instant, to the second as the header format wants. */
export const httpDate = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000).toUTCString()

// What route schemas say about the above, so the OpenAPI document describes the headers and the
// 304 every cached read really sends. `x-required`: always sent (see src/plugins/openapi.ts).
export const cacheHeaders = {
  ETag: {
    type: 'string',
    description: 'Strong validator of this representation (a hash of the body): send it back in If-None-Match.',
    examples: ['"3f1c2a9d0b7e4c1f8a6d5e2b9c0a7f3e1d4b6c8a"'],
    'x-required': true,
  },
  'Cache-Control': { type: 'string', examples: ['public, max-age=60'], 'x-required': true },
}

export const lastModifiedHeader = {
  'Last-Modified': {
    type: 'string',
    description:
      "When the data behind this response last changed (HTTP-date), for If-Modified-Since. Absent when the response also depends on the clock (opening hours): then only the ETag tells.",
    examples: ['Wed, 04 Mar 2026 02:00:00 GMT'],
  },
}

export const notModified = {
  description: 'Not Modified: the representation still matches If-None-Match (or is not newer than If-Modified-Since). No body.',
  type: 'null',
  headers: cacheHeaders,
} as const
