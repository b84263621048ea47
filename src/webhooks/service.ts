// Webhook subscriptions and their deliveries, published as `fastify.webhooks`: what admins manage
// (src/api/v1/webhooks.ts) and what the delivery worker (src/plugins/webhook-delivery.ts) claims and
// settles. Events and deliveries are queued by the outbox (outbox.ts), in the writes' transactions.
import { randomBytes, randomUUID } from 'node:crypto'
import type { PrismaClient } from '../generated/prisma/client.js'
import type { FacilityCategory, WebhookDeliveryStatus } from '../generated/prisma/enums.js'
import type { WebhookEventType } from './events.js'

/** How retries are spaced and for how long they go on. */
export interface RetryPolicy {
  /** The wait after the first failed attempt; each further failure doubles it… */
  firstDelayMs: number
  /** …up to this. */
  maxDelayMs: number
  /** No attempt is made later than this after the first one: the delivery has failed. */
  windowMs: number
}

/** Retries for about a day: 30 s, 1 min, 2 min, … doubling up to 6 h between attempts, each with jitter. */
export const defaultRetryPolicy: RetryPolicy = { firstDelayMs: 30_000, maxDelayMs: 6 * 3_600_000, windowMs: 24 * 3_600_000 }

/**
 * The wait before the next attempt after `attempts` failed ones: exponential, with "equal
 * jitter" (half of it random), so receivers coming back up are not hit by every sender at once.
 */
export function retryDelay(policy: RetryPolicy, attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(exponential / 2 + (random() * exponential) / 2)
}

export interface WebhookSubscriptionInput {
  url: string
  description?: string | null
  events: WebhookEventType[]
  categories?: FacilityCategory[]
  areaIds?: string[]
}

export type WebhookSubscriptionPatch = Partial<WebhookSubscriptionInput> & { enabled?: boolean }

const subscriptionSelect = {
  id: true,
  url: true,
  description: true,
  events: true,
  categories: true,
  areaIds: true,
  enabled: true,
  disabledReason: true,
  disabledAt: true,
  createdAt: true,
  updatedAt: true,
} as const

/** A delivery a worker holds: what it sends, and the token that lets it settle the attempt. */
export interface ClaimedDelivery {
  id: bigint
  leaseToken: string
  attempts: number
  firstAttemptAt: Date
  subscriptionId: string
  url: string
  secret: string
  eventId: string
  payload: string
}

/** A new signing secret, the Standard Webhooks way: whsec_ and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

export function webhookService(prisma: PrismaClient) {
  const deliveryOf = (row: {
    id: bigint
    status: WebhookDeliveryStatus
    attempts: number
    responseStatus: number | null
    lastError: string | null
    createdAt: Date
    lastAttemptAt: Date | null
    nextAttemptAt: Date | null
    deliveredAt: Date | null
    facilityId: string
    event: { publicId: string; type: string }
  }) => ({
    id: row.id.toString(),
    eventId: row.event.publicId,
    type: row.event.type as WebhookEventType,
    facilityId: row.facilityId,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    lastError: row.lastError,
    createdAt: row.createdAt,
    lastAttemptAt: row.lastAttemptAt,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    deliveredAt: row.deliveredAt,
  })
  const deliverySelect = {
    id: true,
    status: true,
    attempts: true,
    responseStatus: true,
    lastError: true,
    createdAt: true,
    lastAttemptAt: true,
    nextAttemptAt: true,
    deliveredAt: true,
    facilityId: true,
    event: { select: { publicId: true, type: true } },
  } as const

  return {
    /** A new subscription, and its secret: the only time the secret is shown. */
    async create(input: WebhookSubscriptionInput) {
      const secret = newSecret()
      const subscription = await prisma.webhookSubscription.create({
        data: {
          url: input.url,
          description: input.description ?? null,
          events: input.events,
          categories: input.categories ?? [],
          areaIds: input.areaIds ?? [],
          secret,
        },
        select: subscriptionSelect,
      })
      return { subscription, secret }
    },

    list: () => prisma.webhookSubscription.findMany({ select: subscriptionSelect, orderBy: { createdAt: 'desc' } }),

    get: (id: string) => prisma.webhookSubscription.findUnique({ where: { id }, select: subscriptionSelect }),

    /**
     * Changes a subscription; null when there is none. Enabling a disabled one clears the reason
     * and gives its pending deliveries a new round of retries, starting now.
     */
    async update(id: string, patch: WebhookSubscriptionPatch, now: Date) {
      return prisma.$transaction(async (tx) => {
        const current = await tx.webhookSubscription.findUnique({ where: { id }, select: { enabled: true } })
        if (current === null) return null
        const enabling = patch.enabled === true && !current.enabled
        const disabling = patch.enabled === false && current.enabled
        if (enabling) {
          await tx.webhookDelivery.updateMany({
            where: { subscriptionId: id, status: 'pending' },
            data: { nextAttemptAt: null, firstAttemptAt: null },
          })
        }
        return tx.webhookSubscription.update({
          where: { id },
          data: {
            url: patch.url,
            description: patch.description,
            events: patch.events,
            categories: patch.categories,
            areaIds: patch.areaIds,
            enabled: patch.enabled,
            ...(enabling && { disabledReason: null, disabledAt: null }),
            ...(disabling && { disabledReason: 'disabled by an admin', disabledAt: now }),
          },
          select: subscriptionSelect,
        })
      })
    },

    /** Deletes a subscription and its deliveries; false when there was none. */
    async remove(id: string) {
      const { count } = await prisma.webhookSubscription.deleteMany({ where: { id } })
      return count > 0
    },

    /** A subscription's deliveries, newest first, and whether more follow. */
    async deliveries(subscriptionId: string, options: { status?: WebhookDeliveryStatus; before?: string; limit: number }) {
      const rows = await prisma.webhookDelivery.findMany({
        where: {
          subscriptionId,
          ...(options.status === undefined ? {} : { status: options.status }),
          ...(options.before === undefined ? {} : { id: { lt: BigInt(options.before) } }),
        },
        orderBy: { id: 'desc' },
        take: options.limit + 1,
        select: deliverySelect,
      })
      return { deliveries: rows.slice(0, options.limit).map(deliveryOf), hasMore: rows.length > options.limit }
    },

    /**
     * Sends an event to the subscription again (with the same webhook-id), after its earlier
     * deliveries in order; null when the subscription never had that event. A delivery still pending is left as it is.
     */
    async redeliver(subscriptionId: string, eventId: string) {
      const event = await prisma.webhookEvent.findUnique({ where: { publicId: eventId }, select: { id: true } })
      if (event === null) return null
      await prisma.webhookDelivery.updateMany({
        where: { subscriptionId, eventId: event.id, status: { not: 'pending' } },
        data: { status: 'pending', nextAttemptAt: null, firstAttemptAt: null },
      })
      const row = await prisma.webhookDelivery.findUnique({
        where: { subscriptionId_eventId: { subscriptionId, eventId: event.id } },
        select: deliverySelect,
      })
      return row === null ? null : deliveryOf(row)
    },

    /** Sends again every event the subscription had since a moment (when it was queued); how many. */
    async redeliverSince(subscriptionId: string, since: Date) {
      const { count } = await prisma.webhookDelivery.updateMany({
        where: { subscriptionId, createdAt: { gte: since }, status: { not: 'pending' } },
        data: { status: 'pending', nextAttemptAt: null, firstAttemptAt: null },
      })
      return count
    },

    /**
     * Takes up to `limit` deliveries that are due, for `leaseMs`: each is held by this worker
     * alone (row locks, SKIP LOCKED: workers in other processes take others), and only the
     * oldest pending one of each facility for each subscription is due, so they arrive in order.
     * A worker that dies holding some lets them go when the lease ends.
     */
    async claim(now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
      const leaseToken = randomUUID()
      const rows = await prisma.$queryRaw<
        {
          id: bigint
          attempts: number
          first_attempt_at: Date
          subscription_id: string
          url: string
          secret: string
          event_id: string
          payload: string
        }[]
      >`
        UPDATE webhook_delivery d
        SET lease_until = ${new Date(now.getTime() + leaseMs)}, lease_token = CAST(${leaseToken} AS uuid), attempts = d.attempts + 1,
          first_attempt_at = COALESCE(d.first_attempt_at, ${now}), last_attempt_at = ${now}
        FROM webhook_subscription s, webhook_event e
        WHERE s.id = d.subscription_id AND e.id = d.event_id AND d.id IN (
          SELECT c.id FROM webhook_delivery c JOIN webhook_subscription cs ON cs.id = c.subscription_id
          WHERE c.status = 'pending' AND cs.enabled
            AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= ${now})
            AND (c.lease_until IS NULL OR c.lease_until <= ${now})
            AND NOT EXISTS (
              SELECT 1 FROM webhook_delivery p
              WHERE p.subscription_id = c.subscription_id AND p.facility_id = c.facility_id AND p.status = 'pending' AND p.id < c.id
            )
          ORDER BY c.id
          LIMIT ${limit}
          FOR UPDATE OF c SKIP LOCKED
        )
        RETURNING d.id, d.attempts, d.first_attempt_at, d.subscription_id::text, s.url, s.secret, e.public_id::text AS event_id, e.payload`
      return rows.map((row) => ({
        id: BigInt(row.id),
        leaseToken,
        attempts: row.attempts,
        firstAttemptAt: new Date(row.first_attempt_at),
        subscriptionId: row.subscription_id,
        url: row.url,
        secret: row.secret,
        eventId: row.event_id,
        payload: row.payload,
      }))
    },

    /**
     * Records an attempt's outcome, if the worker still holds the delivery: delivered, or due
     * again after a backoff, or — past the retry window — failed, which disables the subscription
     * with the reason until an admin enables it again.
     */
    async settle(
      delivery: ClaimedDelivery,
      result: { status: number | null; error: string | null },
      now: Date,
      policy: RetryPolicy,
      random: () => number = Math.random,
    ) {
      const held = { id: delivery.id, leaseToken: delivery.leaseToken, status: 'pending' as const }
      const released = { leaseUntil: null, leaseToken: null, responseStatus: result.status, lastError: result.error }
      if (result.error === null) {
        await prisma.webhookDelivery.updateMany({
          where: held,
          data: { ...released, status: 'succeeded', deliveredAt: now, nextAttemptAt: null },
        })
        return 'succeeded' as const
      }
      const next = new Date(now.getTime() + retryDelay(policy, delivery.attempts, random))
      if (next.getTime() - delivery.firstAttemptAt.getTime() <= policy.windowMs) {
        await prisma.webhookDelivery.updateMany({ where: held, data: { ...released, nextAttemptAt: next } })
        return 'retrying' as const
      }
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.webhookDelivery.updateMany({ where: held, data: { ...released, status: 'failed', nextAttemptAt: null } })
        // Another worker took it over (this one's lease had run out): its outcome is that worker's to record.
        if (count === 0) return 'taken over' as const
        const hours = Math.round((policy.windowMs / 3_600_000) * 10) / 10
        await tx.webhookSubscription.updateMany({
          where: { id: delivery.subscriptionId, enabled: true },
          data: {
            enabled: false,
            disabledAt: now,
            disabledReason:
              `event ${delivery.eventId} could not be delivered in ${delivery.attempts} attempts over ${hours} h ` +
              `(last: ${result.error}); enable the subscription again once the receiver works`,
          },
        })
        return 'failed' as const
      })
    },
  }
}

export type WebhookService = ReturnType<typeof webhookService>
export type WebhookSubscription = NonNullable<Awaited<ReturnType<WebhookService['get']>>>
export type WebhookDelivery = Awaited<ReturnType<WebhookService['deliveries']>>['deliveries'][number]
