// The webhook delivery worker: takes deliveries that are due from the outbox, posts them, records
// each outcome. It runs beside the requests, never inside one: a write only queues its event (in
// its own transaction), so a slow or dead receiver never slows the write down. Several server
// processes on one PostgreSQL each run a worker; row locks (SKIP LOCKED) and leases give each
// delivery to one of them. Woken after each successful write of this process, and every pollMs
// for the writes of other processes and the retries that come due.
import fp from 'fastify-plugin'
import { type ClaimedDelivery, defaultRetryPolicy, type RetryPolicy } from '../webhooks/service.js'
import { postEvent } from '../webhooks/sender.js'

export interface WebhookDeliveryOptions {
  /** Deliver to loopback and private addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS: tests, a receiver on the same network). */
  allowPrivateTargets: boolean
  /** false: this process queues events but does not send them (another process does). */
  deliver?: boolean
  /** How often the worker looks for due deliveries when nothing wakes it. */
  pollMs?: number
  /** How long a claimed delivery is held by this worker before others may take it again. */
  leaseMs?: number
  /** Deliveries posted at once, at most. */
  batchSize?: number
  /** Per attempt: the whole exchange. */
  timeoutMs?: number
  /** Per attempt: bytes of the answer read at most. */
  maxResponseBytes?: number
  retry?: RetryPolicy
  /** The clock of attempts and retries (the real time unless a test gives its own). */
  clock?: () => Date
}

export const defaultWebhookDelivery = {
  allowPrivateTargets: false,
  deliver: true,
  pollMs: 1_000,
  leaseMs: 60_000,
  batchSize: 20,
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  retry: defaultRetryPolicy,
} satisfies WebhookDeliveryOptions

declare module 'fastify' {
  interface FastifyInstance {
    webhookDelivery: {
      allowPrivateTargets: boolean
      /** Makes the worker look for due deliveries now rather than at its next poll (nothing if this process does not deliver). */
      wake: () => void
    }
  }
}

export default fp<WebhookDeliveryOptions>(
  async (fastify, given) => {
    const options = { ...defaultWebhookDelivery, ...given }
    if (options.leaseMs <= options.timeoutMs) throw new Error('the webhook lease must be longer than the delivery timeout')
    const clock = options.clock ?? (() => new Date())
    const limits = {
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      allowPrivateTargets: options.allowPrivateTargets,
    }

    let running: Promise<void> | null = null
    let again = false
    let closed = false
    /** Deliveries being posted now: a slow receiver holds its own slots, not the others' turns. */
    const inFlight = new Set<Promise<void>>()

    /** Fills the free slots with due deliveries, posted without waiting for them; whether it found any. */
    async function claimMore(): Promise<boolean> {
      const free = options.batchSize - inFlight.size
      if (free <= 0 || closed) return false
      const claimed = await fastify.webhooks.claim(clock(), options.leaseMs, free)
      for (const delivery of claimed) {
        const flight: Promise<void> = deliverOne(delivery)
          // One delivery's trouble is its own; its lease lets it go if it was not settled.
          .catch((error: unknown) => fastify.log.warn({ err: error, event: delivery.eventId }, 'could not deliver a webhook'))
          .finally(() => {
            inFlight.delete(flight)
            // A slot is free, and the facility's next event may be due now.
            if (!closed) void deliverDue()
          })
        inFlight.add(flight)
      }
      return claimed.length > 0
    }

    async function deliverOne(delivery: ClaimedDelivery) {
      const result = await postEvent(
        delivery.url,
        { id: delivery.eventId, secret: delivery.secret, body: delivery.payload, at: clock() },
        limits,
      )
      const outcome = await fastify.webhooks.settle(delivery, result, clock(), options.retry)
      const log = { subscription: delivery.subscriptionId, event: delivery.eventId, attempt: delivery.attempts, status: result.status }
      if (outcome === 'succeeded') fastify.log.debug(log, 'webhook delivered')
      else if (outcome === 'failed')
        fastify.log.warn({ ...log, error: result.error }, 'webhook delivery failed for good; subscription disabled')
      else if (outcome === 'retrying') fastify.log.info({ ...log, error: result.error }, 'webhook delivery failed; will retry')
      else fastify.log.info(log, 'webhook delivery outlived its lease; another worker took it over')
    }

    /** Delivers until nothing is due; a call during a round makes it look once more. */
    function deliverDue(): Promise<void> {
      if (running !== null) {
        again = true
        return running
      }
      running = (async () => {
        try {
          do {
            again = false
            while (await claimMore()) {}
          } while (again && !closed)
        } catch (error) {
          fastify.log.warn({ err: error }, 'could not deliver webhooks')
        } finally {
          running = null
        }
      })()
      return running
    }

    fastify.decorate('webhookDelivery', {
      allowPrivateTargets: options.allowPrivateTargets,
      wake: () => {
        if (options.deliver && !closed) void deliverDue()
      },
    })
    if (!options.deliver) return

    let timer: NodeJS.Timeout | undefined
    const tick = async () => {
      await deliverDue()
      if (!closed) timer = setTimeout(tick, options.pollMs).unref()
    }
    // A write answered successfully may have queued events: look at once rather than at the next poll.
    fastify.addHook('onResponse', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400) return
      fastify.webhookDelivery.wake()
    })
    fastify.addHook('onReady', async () => {
      timer = setTimeout(tick, 0).unref()
    })
    fastify.addHook('onClose', async () => {
      closed = true
      clearTimeout(timer)
      await running
      // Deliveries under way finish (within their timeout) and are recorded before the database closes.
      await Promise.all(inFlight)
    })
  },
  { name: 'webhook-delivery', dependencies: ['services'] },
)
