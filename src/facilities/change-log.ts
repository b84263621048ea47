// The change log: every write appends one change (and its fields, old → new) in the writer's
// transaction, in commit order. Read back as a facility's history and as the change feed that
// third-party apps replay to keep a copy of the directory in sync.
import type { Database } from '../db/database.js'
import { Prisma } from '../generated/prisma/client.js'
import type { ChangeAction } from '../generated/prisma/enums.js'
import type { changedFields, FieldValue } from './document.js'
import type { Actor } from './writes.js'
import { changeLogLock, enqueueChangeEvent } from '../webhooks/outbox.js'
import { changeChannel } from './read-index/follower.js'

type Tx = Prisma.TransactionClient

/**
 * Appends a write to the change log, in one statement (imports write thousands), then queues its
 * webhook event for the subscriptions that want it (a second statement, writing nothing when none
 * does). The lock makes change ids follow commit order: a reader of the feed that has seen id n
 * can never later find a smaller id committed.
 */
export async function recordChange(
  tx: Tx,
  change: {
    facilityId: string
    action: ChangeAction
    version: number
    at: Date
    fields: ReturnType<typeof changedFields>
    actor: Actor
    reason?: string | null
  },
) {
  const json = (value: FieldValue) =>
    value === null ? Prisma.sql`CAST(NULL AS jsonb)` : Prisma.sql`CAST(${JSON.stringify(value)} AS jsonb)`
  const insertChange = Prisma.sql`
    INSERT INTO change (facility_id, action, reason, client_id, actor, version, at)
    SELECT CAST(${change.facilityId} AS uuid), CAST(${change.action} AS "ChangeAction"), ${change.reason ?? null},
      CAST(${change.actor.clientId ?? null} AS uuid), ${change.actor.name ?? null}, ${change.version}, ${change.at}
    FROM lock`
  // The notice wakes other processes' read indexes at commit (src/facilities/read-index); the
  // notices of one transaction are delivered as one.
  const lock = Prisma.sql`WITH lock AS (SELECT pg_advisory_xact_lock(${changeLogLock})),
    notified AS (SELECT pg_notify(${changeChannel}, ''))`
  let inserted: { id: bigint }[]
  if (change.fields.length === 0) {
    inserted = await tx.$queryRaw<{ id: bigint }[]>`${lock}, inserted AS (${insertChange} RETURNING id)
      SELECT id FROM inserted, notified`
  } else {
    const fields = Prisma.join(change.fields.map((f) => Prisma.sql`(${f.field}, ${json(f.oldValue)}, ${json(f.newValue)})`))
    inserted = await tx.$queryRaw<{ id: bigint }[]>`
      ${lock}, inserted AS (${insertChange} RETURNING id),
      field_rows AS (
        INSERT INTO change_field (change_id, field, old_value, new_value)
        SELECT inserted.id, f.field, f.old_value, f.new_value
        FROM inserted, (VALUES ${fields}) AS f(field, old_value, new_value)
      )
      SELECT id FROM inserted, notified`
  }
  const [row] = inserted
  if (row === undefined) throw new Error('the change log returned no id')
  // The webhook outbox, in the same transaction: subscribers hear of exactly the changes that commit.
  await enqueueChangeEvent(tx, { ...change, id: BigInt(row.id) })
}

/** One change as the feed and the history show it. */
export interface LoggedChange {
  id: string
  action: ChangeAction
  facilityId: string
  version: number
  at: Date
  reason: string | null
  client: { id: string; name: string } | null
  actor: string | null
  fields: { field: string; oldValue: FieldValue; newValue: FieldValue }[]
}

function loggedChange(change: {
  id: bigint
  action: ChangeAction
  facilityId: string
  version: number
  at: Date
  reason: string | null
  actor: string | null
  client?: { id: string; name: string } | null
  fields: { field: string; oldValue: unknown; newValue: unknown }[]
}): LoggedChange {
  return {
    id: change.id.toString(),
    action: change.action,
    facilityId: change.facilityId,
    version: change.version,
    at: change.at,
    reason: change.reason,
    client: change.client ?? null,
    actor: change.actor,
    fields: change.fields.map((f) => ({ field: f.field, oldValue: f.oldValue as FieldValue, newValue: f.newValue as FieldValue })),
  }
}

/** The change log, read: the feed of every change in commit order, and one facility's history. */
/**
 * The feed reads where reads may lag (a read replica, db.reader()): a consumer polls it and
 * catches up on the next poll. A facility's history is staff reading what they just did: the primary's.
 */
export function changeFeed(db: Database) {
  const { prisma } = db
  return {
    /** Changes after a change id, oldest first; `hasMore` when more follow right now. */
    async after(after: string | undefined, limit: number) {
      const changes = await (await db.reader()).prisma.change.findMany({
        where: after === undefined ? {} : { id: { gt: BigInt(after) } },
        orderBy: { id: 'asc' },
        take: limit + 1,
        include: { fields: true },
      })
      return { changes: changes.slice(0, limit).map(loggedChange), hasMore: changes.length > limit }
    },

    /**
     * A facility's changes before a change id (deleted facilities too), newest first, fields in
     * name order; undefined when there never was such a facility.
     */
    async history(facilityId: string, options: { before?: string; limit: number }) {
      const facility = await prisma.facility.findUnique({ where: { id: facilityId }, select: { id: true } })
      if (facility === null) return undefined
      const changes = await prisma.change.findMany({
        where: { facilityId, ...(options.before === undefined ? {} : { id: { lt: BigInt(options.before) } }) },
        orderBy: { id: 'desc' },
        take: options.limit + 1,
        include: { fields: { orderBy: { field: 'asc' } }, client: { select: { id: true, name: true } } },
      })
      return { changes: changes.slice(0, options.limit).map(loggedChange), hasMore: changes.length > options.limit }
    },
  }
}

export type ChangeFeed = ReturnType<typeof changeFeed>
