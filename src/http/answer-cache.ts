// Answers from memory: the bodies of recent answers to the directory's public reads (a search, a
// facility, the residents' pages), sent again as long as nothing they were read from can have
// changed. The directory changes a few times a day and is read all day, mostly the same popular
// requests, so later askers get an earlier one's bytes instead of another round of database,
// presentation and serialization.
//
// An answer is kept for one generation of the read index (it changes whenever the index applies a
// change of the log or builds again) and within the clock's minute it was made in (opening hours
// make answers depend on the clock, to the minute). So a kept answer is never older than what the
// read index has applied: in the process that wrote, never older than its own writes; in others,
// no older than the index's lag behind the log (well under a second), which is far less than the
// `Cache-Control: max-age=60` any shared cache may already add. Without the index, or with a read
// replica (whose reads may be older than the index), nothing is kept.
//
// An answer is kept the second time it is asked within its validity, not the first: most requests
// of a varied load (a nearby search from each phone's own position) are never asked again, and
// keeping them would only push out the popular ones and churn memory (a "doorkeeper", as TinyLFU
// and CDNs admit objects). What was asked once is remembered as a 30-bit hash of its key.
//
// The key is the request as far as an answer can depend on it: method, scheme, host (pages name
// their own address), path and query as sent, Accept and Accept-Language. Hooks still run for
// every request (request id, security headers, rate limits, authentication, the ETag's 304): only
// the route's own work is skipped, and the headers the route set are sent again.
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge } from 'prom-client'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** GET answers of this route may be kept and sent again (src/http/answer-cache.ts). */
    keepAnswers?: boolean
  }
  interface FastifyRequest {
    /** Set on a miss: where the answer is to be kept, and as of which generation. */
    answerToKeep: { key: string; validity: string; headersBefore: Map<string, string> } | null
  }
}

interface Answer {
  body: Buffer
  headers: [string, string][]
}

/** Keys asked once remembered at most (then forgotten all at once): a small integer each, about 1.3 MB of heap at most. */
const askedOnceLimit = 50_000

/**
 * FNV-1a over the key's UTF-16 code units, to 30 bits (a small integer, which a Set holds without
 * a heap number): two keys that share one only get kept a request early.
 */
function hashOf(key: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return hash & 0x3fffffff
}

const headersOf = (reply: FastifyReply) =>
  new Map(Object.entries(reply.getHeaders()).map(([name, value]) => [name.toLowerCase(), String(value)]))

/** Per-request headers that must never be sent again with another request's answer. */
const neverKept = new Set(['x-request-id', 'set-cookie', 'retry-after', 'content-length'])

export interface AnswerCacheOptions {
  /** Bytes of bodies kept at most; 0 keeps none. */
  maxBytes: number
  /** The generation answers are read at; undefined when none can be told (then nothing is kept). */
  generation: () => string | undefined
}

export default fp<AnswerCacheOptions>(
  async (fastify, { maxBytes, generation }) => {
    fastify.decorateRequest('answerToKeep', null)
    if (maxBytes <= 0) return

    // One validity for all kept answers: when it moves on (a change applied, a new minute), every
    // answer is dropped at once, so the memory held is only ever this minute's answers.
    let validity = ''
    const answers = new Map<string, Answer>()
    /** Hashes of the keys asked once in this validity and not kept yet. */
    const askedOnce = new Set<number>()
    let bytes = 0
    const lookups = new Counter({
      name: 'linli_answer_cache_lookups_total',
      help: 'Reads of routes whose answers are kept, by outcome: hit (sent from memory), miss, or bypass (nothing can be kept now)',
      labelNames: ['outcome'] as const,
      registers: [fastify.metrics],
    })
    new Gauge({
      name: 'linli_answer_cache_bytes',
      help: 'Bytes of answer bodies kept in memory',
      registers: [fastify.metrics],
      collect() {
        this.set(bytes)
      },
    })

    const validityNow = (): string | undefined => {
      const current = generation()
      return current === undefined ? undefined : `${current} ${Math.floor(fastify.clock().getTime() / 60_000)}`
    }
    const moveTo = (next: string) => {
      if (next === validity) return
      validity = next
      answers.clear()
      askedOnce.clear()
      bytes = 0
    }

    fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'GET' || request.routeOptions.config.keepAnswers !== true) return
      const current = validityNow()
      if (current === undefined) {
        lookups.inc({ outcome: 'bypass' })
        return
      }
      moveTo(current)
      const { headers } = request
      const key = `${request.protocol}://${request.host}${request.url}\n${headers.accept ?? ''}\n${headers['accept-language'] ?? ''}`
      const answer = answers.get(key)
      if (answer === undefined) {
        lookups.inc({ outcome: 'miss' })
        const hash = hashOf(key)
        if (askedOnce.delete(hash)) {
          request.answerToKeep = { key, validity: current, headersBefore: headersOf(reply) }
        } else {
          if (askedOnce.size >= askedOnceLimit) askedOnce.clear()
          askedOnce.add(hash)
        }
        return
      }
      lookups.inc({ outcome: 'hit' })
      // Most recently used last: the first in the map is the next to go.
      answers.delete(key)
      answers.set(key, answer)
      for (const [name, value] of answer.headers) reply.header(name, value)
      return reply.send(answer.body)
    })

    // Registered after the caching plugin's hooks, so the ETag is set (and a 304 already decided).
    fastify.addHook('onSend', async (request, reply, payload) => {
      const keep = request.answerToKeep
      if (keep === null || reply.statusCode !== 200 || reply.hasHeader('set-cookie')) return payload
      // The caching plugin has made a read's body bytes already (a stream is never kept).
      if (!Buffer.isBuffer(payload)) return payload
      // Read while the generation moved on: it may be older than the answers kept from now on.
      if (validityNow() !== keep.validity) return payload
      moveTo(keep.validity)
      // What the route set or changed: the hooks before it set the rest again for each request.
      const headers = [...headersOf(reply)].filter(
        ([name, value]) => keep.headersBefore.get(name) !== value && !neverKept.has(name) && !name.startsWith('ratelimit'),
      )
      const size = payload.length + keep.key.length
      if (size > maxBytes / 8) return payload
      answers.set(keep.key, { body: payload, headers })
      bytes += size
      // Down to nine tenths at once: each pass from the first entry walks past every one deleted
      // before it (V8 keeps them until the map is rebuilt), so one pass now and then, not one an answer.
      if (bytes > maxBytes) {
        for (const [oldest, answer] of answers) {
          if (bytes <= maxBytes * 0.9) break
          answers.delete(oldest)
          bytes -= answer.body.length + oldest.length
        }
      }
      return payload
    })
  },
  { name: 'answer-cache', dependencies: ['caching', 'metrics'] },
)
