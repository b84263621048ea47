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
