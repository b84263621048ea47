// The outbox: a change that some subscription wants becomes an event and one delivery per such
// subscription, written in the change's own transaction. So an event exists exactly when its
// change committed (none lost, none invented), and the write itself never waits on a receiver:
// the delivery worker (src/plugins/webhook-delivery.ts) sends it afterwards.
import type { Prisma } from '../generated/prisma/client.js'
import type { ChangeAction } from '../generated/prisma/enums.js'
import type { WebhookEventType } from './events.js'

type Tx = Prisma.TransactionClient

/** The advisory lock of the change log (src/facilities/change-log.ts): event ids follow commit order too. */
export const changeLogLock = 4_270_001

export const eventTypeOfAction: Record<ChangeAction, WebhookEventType> = {
  create: 'facility.created',
  update: 'facility.updated',
  status_change: 'facility.status_changed',
  delete: 'facility.deleted',
}

/**
 * Queues an event about a facility for every subscription that wants it: its type, and the
 * facility's category and area (an area filter includes the areas within it). Writes nothing when
 * none does. `data` is merged after `facility` ({ id, slug, category, area, status }, as the
 * facility is once the change is made) into the payload's data.
 */
export async function enqueueWebhookEvent(
  tx: Tx,
  event: { type: WebhookEventType; facilityId: string; at: Date; data: Record<string, unknown> },
) {
  await tx.$executeRaw`
    WITH RECURSIVE lock AS (SELECT pg_advisory_xact_lock(${changeLogLock})),
    subject AS (
      SELECT f.id, f.slug, f.category, f.area_id, f.status FROM facility f, lock WHERE f.id = CAST(${event.facilityId} AS uuid)
    ),
    area_chain AS (
      SELECT a.id, a.parent_id FROM area a JOIN subject ON a.id = subject.area_id
      UNION ALL
      SELECT a.id, a.parent_id FROM area a JOIN area_chain c ON a.id = c.parent_id
    ),
    subscribers AS (
      SELECT s.id FROM webhook_subscription s, subject
      WHERE s.events @> ARRAY[CAST(${event.type} AS text)]
        AND (cardinality(s.categories) = 0 OR subject.category = ANY(s.categories))
        AND (cardinality(s.area_ids) = 0 OR s.area_ids && ARRAY(SELECT id FROM area_chain))
    ),
    event AS (
      INSERT INTO webhook_event (type, facility_id, payload)
      SELECT ${event.type}, subject.id, jsonb_build_object(
        'type', CAST(${event.type} AS text),
        'timestamp', CAST(${event.at.toISOString()} AS text),
        'data', jsonb_build_object('facility', jsonb_build_object(
          'id', subject.id, 'slug', subject.slug, 'category', subject.category, 'area', subject.area_id, 'status', subject.status
        )) || CAST(${JSON.stringify(event.data)} AS jsonb)
      )::text
      FROM subject WHERE EXISTS (SELECT 1 FROM subscribers)
      RETURNING id, facility_id
    )
    INSERT INTO webhook_delivery (subscription_id, event_id, facility_id)
    SELECT subscribers.id, event.id, event.facility_id FROM event, subscribers`
}

/** The event of a change just recorded in the change log. */
export function enqueueChangeEvent(
  tx: Tx,
  change: {
    id: bigint
    facilityId: string
    action: ChangeAction
    version: number
    at: Date
    reason?: string | null
    fields: { field: string; oldValue: unknown; newValue: unknown }[]
  },
) {
  const status = change.action === 'status_change' ? change.fields.find((f) => f.field === 'status') : undefined
  return enqueueWebhookEvent(tx, {
    type: eventTypeOfAction[change.action],
    facilityId: change.facilityId,
    at: change.at,
    data: {
      change: {
        id: change.id.toString(),
        action: change.action,
        version: change.version,
        at: change.at.toISOString(),
        reason: change.reason ?? null,
        fields: change.fields.map((f) => f.field),
      },
      ...(status === undefined ? {} : { status: { from: status.oldValue, to: status.newValue } }),
    },
  })
}
