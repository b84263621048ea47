// One delivery attempt: a signed POST (Standard Webhooks: webhook-id, webhook-timestamp,
// webhook-signature over "id.timestamp.body" with the subscription's secret) to a checked address,
// with a time limit for the whole exchange and a cap on how much of the answer is read.
import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { guardedLookup, refusalOf } from './targets.js'

export interface SendLimits {
  /** The whole exchange, connection to the end of the answer (or the cap). */
  timeoutMs: number
  /** Bytes of the answer read at most; the rest is not waited for. */
  maxResponseBytes: number
  allowPrivateTargets: boolean
}

export interface AttemptResult {
  /** The receiver's status code, when it answered. */
  status: number | null
  /** Why the attempt failed (no answer, refused target, non-2xx); null when it succeeded. */
  error: string | null
}

export const userAgent = 'Linli-Webhooks/1.0'

export function signedHeaders(secret: string, id: string, at: Date, body: string) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  }
}

export function postEvent(
  target: string,
  delivery: { id: string; secret: string; body: string; at: Date },
  limits: SendLimits,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = (result: AttemptResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    let url: URL
    try {
      url = new URL(target)
    } catch {
      return finish({ status: null, error: 'the URL is not valid' })
    }
    // Node connects to an address written in the URL without any lookup: check it here.
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1')
    if (!limits.allowPrivateTargets && isIP(literal) !== 0) {
      const refusal = refusalOf(literal)
      if (refusal !== null) return finish({ status: null, error: `refused: ${refusal}` })
    }
    const body = Buffer.from(delivery.body)
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': userAgent,
        ...signedHeaders(delivery.secret, delivery.id, delivery.at, delivery.body),
      },
      lookup: guardedLookup(limits.allowPrivateTargets) as never,
      // Never follow a redirect (node does not): a 3xx is a failure, not a new target.
    })
    timer = setTimeout(() => {
      request.destroy()
      finish({ status: null, error: `no answer within ${limits.timeoutMs} ms` })
    }, limits.timeoutMs)
    request.on('error', (error) => finish({ status: null, error: error.message }))
    request.on('response', (response) => {
      const status = response.statusCode ?? 0
      const result: AttemptResult = {
        status,
        error: status >= 200 && status < 300 ? null : `the receiver answered ${status}`,
      }
      let read = 0
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        // The status is what counts; a receiver that keeps talking is not listened to.
        if (read > limits.maxResponseBytes) {
          response.destroy()
          finish(result)
        }
      })
      response.on('end', () => finish(result))
      response.on('error', () => finish(result))
      response.on('close', () => finish(result))
    })
    request.end(body)
  })
}
