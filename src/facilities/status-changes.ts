// Status changes: now or at a moment to come, checked against the lifecycle
// (src/domain/lifecycle.ts), applied by whichever server process is running at their moment.
import { dayInShanghai, startOfDayInShanghai } from '../domain/dates.js'
import { nextStatuses, transitionRule } from '../domain/lifecycle.js'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { ClientRole, FacilityStatus } from '../generated/prisma/enums.js'
import { ProblemError } from '../http/problems.js'
import { recordChange } from './change-log.js'
import { canonicalDocument, changedFields, type FacilityDocument } from './document.js'
import { stampProvenance } from './provenance.js'
import { checkDocument } from './validation.js'
import { type Actor, lockFacility, transactionOptions, type VersionedWrite, type WriteOptions, writerIn } from './writes.js'

type Tx = Prisma.TransactionClient

export interface StatusChangeRequest {
  status: FacilityStatus
  /** When it takes (or took) effect; now when not given. A future moment schedules the change. */
  effectiveAt?: Date
  reason: string
}

function checkTransition(document: FacilityDocument, to: FacilityStatus, role: ClientRole | undefined) {
  const rule = transitionRule(document.category, document.status, to)
  if (rule === 'allowed' || (rule === 'admin_only' && role === 'admin')) return
  const next = nextStatuses(document.category, document.status)
  const detail =
    rule === 'admin_only'
      ? `Only an admin may move a ${document.category} from ${document.status} to ${to}`
      : `A ${document.category} cannot go from ${document.status} to ${to}; ` +
        (next.length === 0 ? `nothing follows ${document.status}` : `it can go to: ${next.join(', ')}`)
  throw new ProblemError('transition_not_allowed', detail, [{ in: 'body', name: '/status', message: detail }])
}

/** Applies a status change to a locked facility: its new status, a version, the change log. */
async function applyStatus(
  tx: Tx,
  id: string,
  current: { version: number; document: FacilityDocument },
  change: { status: FacilityStatus; effectiveAt: Date; reason: string; actor: Actor; now: Date },
) {
  const version = current.version + 1
  const statusEffective = dayInShanghai(change.effectiveAt)
  const next = stampProvenance(
    current.document,
    { ...current.document, status: change.status, statusEffective },
    await writerIn(tx, change.actor, change.now),
  )
  await tx.facility.update({
    where: { id },
    data: {
      status: change.status,
      statusEffectiveAt: change.effectiveAt,
      statusEffectiveEdtf: statusEffective,
      provenance: (next.provenance ?? []) as Prisma.InputJsonArray,
      version,
    },
  })
  const fields = changedFields(current.document, next)
  await recordChange(tx, {
    facilityId: id,
    action: 'status_change',
    version,
    at: change.effectiveAt,
    fields,
    actor: change.actor,
    reason: change.reason,
  })
  return version
}

/**
 * A status change, checked against the lifecycle (src/domain/lifecycle.ts). One whose moment has
 * come takes effect now; one in the future is stored and applied at its moment by
 * applyDueStatusChanges.
 */
export async function changeStatus(prisma: PrismaClient, id: string, request: StatusChangeRequest, options: VersionedWrite) {
  const now = options.now ?? new Date()
  const effectiveAt = request.effectiveAt ?? now
  return prisma.$transaction(async (tx) => {
    const current = await lockFacility(tx, id, options.ifMatch)
    options.authorize?.(current.document)
    checkTransition(current.document, request.status, options.actor.role)
    const scheduled = effectiveAt > now
    const statusChange = await tx.statusChange.create({
      data: {
        facilityId: id,
        fromStatus: current.document.status,
        toStatus: request.status,
        effectiveAt,
        reason: request.reason,
        clientId: options.actor.clientId ?? null,
        appliedAt: scheduled ? null : now,
      },
    })
    const version = scheduled ? current.version : await applyStatus(tx, id, current, { ...request, effectiveAt, actor: options.actor, now })
    return { statusChange, version }
  }, transactionOptions)
}

/**
 * Applies every scheduled status change whose moment has come, each in its own transaction. Safe
 * with several server processes: while one applies a change the others wait for it (so none of
 * them answers with the old status after the moment), then find it applied and leave it. A change the lifecycle no longer allows (the status
 * moved on meanwhile) or whose facility was deleted is discarded, with the reason kept.
 */
export async function applyDueStatusChanges(prisma: PrismaClient, now: Date): Promise<number> {
  let applied = 0
  for (;;) {
    const done = await prisma.$transaction(async (tx) => {
      const [due] = await tx.$queryRaw<{ id: number; facility_id: string }[]>`
        SELECT id, facility_id::text FROM status_change
        WHERE applied_at IS NULL AND effective_at <= ${now}
        ORDER BY effective_at, id
        LIMIT 1
        FOR UPDATE`
      if (due === undefined) return true
      const change = await tx.statusChange.findUniqueOrThrow({ where: { id: due.id } })
      let discardedReason: string | null = null
      try {
        const current = await lockFacility(tx, change.facilityId, 'any')
        // The lifecycle was checked, with the scheduler's role, when the change was scheduled.
        if (transitionRule(current.document.category, current.document.status, change.toStatus) === 'forbidden') {
          discardedReason = `the facility was ${current.document.status} by then, and cannot go to ${change.toStatus}`
        } else {
          await applyStatus(tx, change.facilityId, current, {
            status: change.toStatus,
            effectiveAt: change.effectiveAt ?? now,
            reason: change.reason,
            actor: change.clientId === null ? { name: 'scheduler' } : { clientId: change.clientId },
            now,
          })
        }
      } catch (error) {
        if (!(error instanceof ProblemError && error.code === 'not_found')) throw error
        discardedReason = 'the facility was deleted before the change was due'
      }
      await tx.statusChange.update({ where: { id: change.id }, data: { appliedAt: now, discardedReason } })
      if (discardedReason === null) applied += 1
      return false
    }, transactionOptions)
    if (done) return applied
  }
}

/** The moment the next scheduled status change is due, if any. */
export async function nextScheduledChange(prisma: PrismaClient): Promise<Date | null> {
  const [row] = await prisma.$queryRaw<{ next: Date | null }[]>`
    SELECT min(effective_at) AS next FROM status_change WHERE applied_at IS NULL`
  return row?.next == null ? null : new Date(row.next)
}

/** Scheduled changes not applied yet, and how many of those are due at `now` (for /metrics: due ones should not stay). */
export async function countScheduledChanges(prisma: PrismaClient, now: Date): Promise<{ pending: number; due: number }> {
  const [row] = await prisma.$queryRaw<{ pending: bigint; due: bigint }[]>`
    SELECT count(*) AS pending, count(*) FILTER (WHERE effective_at <= ${now}) AS due FROM status_change WHERE applied_at IS NULL`
  return { pending: Number(row?.pending ?? 0), due: Number(row?.due ?? 0) }
}

/**
 * A facility's status changes: scheduled ones (still to come) first, then the others newest
 * first by the moment they took effect; undefined when there is no such facility.
 */
export async function listStatusChanges(prisma: PrismaClient, facilityId: string) {
  const facility = await prisma.facility.findUnique({ where: { id: facilityId }, select: { deletedAt: true } })
  if (facility === null || facility.deletedAt !== null) return undefined
  const changes = await prisma.statusChange.findMany({
    where: { facilityId },
    orderBy: [{ effectiveAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
  })
  return [...changes.filter((c) => c.appliedAt === null), ...changes.filter((c) => c.appliedAt !== null)]
}

/**
 * Corrects a status that was recorded wrongly (the seed read its source wrongly): not a step of
 * the lifecycle, so not checked against it, but recorded like one — in the status history and
 * the change log, with the reason.
 */
export async function correctStatusIn(
  tx: Tx,
  id: string,
  corrected: Pick<FacilityDocument, 'status' | 'statusEffective' | 'provenance'>,
  options: WriteOptions,
) {
  const now = options.now ?? new Date()
  const current = await lockFacility(tx, id, 'any')
  const checked = checkDocument(canonicalDocument({ ...current.document, ...corrected }))
  const version = current.version + 1
  await tx.facility.update({
    where: { id },
    data: {
      status: checked.document.status,
      statusEffectiveAt: checked.statusEffective ? startOfDayInShanghai(checked.statusEffective.earliest) : null,
      statusEffectiveEdtf: checked.statusEffective?.edtf ?? null,
      provenance: (checked.document.provenance ?? []) as Prisma.InputJsonArray,
      version,
    },
  })
  await tx.statusChange.create({
    data: {
      facilityId: id,
      fromStatus: current.document.status,
      toStatus: checked.document.status,
      effectiveEdtf: checked.document.statusEffective ?? null,
      reason: options.reason ?? 'correction',
      clientId: options.actor.clientId ?? null,
      appliedAt: now,
    },
  })
  const fields = changedFields(current.document, checked.document)
  await recordChange(tx, {
    facilityId: id,
    action: 'status_change',
    version,
    at: now,
    fields,
    actor: options.actor,
    reason: options.reason,
  })
  return { id, version }
}
