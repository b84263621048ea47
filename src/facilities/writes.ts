// Writes of facilities. Every write locks the facility's row, checks the version the writer read
// (If-Match), validates the whole resulting document, and records itself in the change log
// (Change + ChangeField) in the same transaction — so nothing is half-written, no update is lost,
// and the change feed sees every write exactly once, in commit order.
import { Prisma, type PrismaClient } from '../generated/prisma/client.js'
import type { ClientRole } from '../generated/prisma/enums.js'
import { ProblemError } from '../http/problems.js'
import { recordChange } from './change-log.js'
import { changedFields, documentOf, type FacilityDocument } from './document.js'
import { stampProvenance, writerOf } from './provenance.js'
import { readFullRecords, transactionReader } from './records.js'
import { capacityRows, citationRows, columnsOf, dateRows } from './rows.js'
import { type References, validateDocument } from './validation.js'

export interface Actor {
  clientId?: string
  /** Who wrote when no API client did, e.g. "seed". */
  name?: string
  role?: ClientRole
}

export interface WriteOptions {
  actor: Actor
  reason?: string
  /** The moment of the write (the app's clock). */
  now?: Date
  /**
   * Throws when the actor may not write this document (an editor limited to some areas or
   * categories). Called with the document before and after the write.
   */
  authorize?: (document: FacilityDocument) => void
  /** The area and source ids that exist, when the caller has read them already (an import). */
  references?: References
  /** The writer gives the provenance of every fact it writes (the seed): none is stamped as staff's. */
  provenanceGiven?: boolean
}

type Tx = Prisma.TransactionClient

/** A unique slug or external id already taken is a conflict, not a server error. */
async function uniquely<T>(document: FacilityDocument, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      const target = JSON.stringify(error.meta ?? {})
      const field = /external/.test(target) ? 'externalId' : 'slug'
      const value = field === 'slug' ? document.slug : document.externalId
      throw new ProblemError('conflict', `Another facility already has ${field} ${value}`, [
        { in: 'body', name: `/${field}`, message: 'is already taken (deleted facilities keep theirs)' },
      ])
    }
    throw error
  }
}

/** The writer as provenance names them: the API client's name (as history shows it), else the actor's. */
export async function writerIn(tx: Tx, actor: Actor, at: Date) {
  if (actor.clientId === undefined) return writerOf(actor, at)
  const client = await tx.apiClient.findUnique({ where: { id: actor.clientId }, select: { name: true } })
  return writerOf({ name: client?.name ?? actor.name, clientId: actor.clientId }, at)
}

/** Interactive transactions long enough for a bulk import on a busy machine. */
export const transactionOptions = { maxWait: 10_000, timeout: 120_000 }

export async function createFacility(prisma: PrismaClient, input: FacilityDocument, options: WriteOptions) {
  return prisma.$transaction((tx) => createIn(tx, input, options), transactionOptions)
}

/** Creates a facility inside a transaction the caller holds (imports write many in one). */
export async function createIn(tx: Tx, input: FacilityDocument, options: WriteOptions) {
  const now = options.now ?? new Date()
  const checked = await validateDocument(tx, input, options.references)
  if (options.provenanceGiven !== true) {
    checked.document = stampProvenance(null, checked.document, await writerIn(tx, options.actor, now))
  }
  options.authorize?.(checked.document)
  const columns = columnsOf(checked)
  const facility = await uniquely(checked.document, () =>
    tx.facility.create({
      data: {
        ...columns,
        capacities: { create: capacityRows(checked.document, now) },
        dates: { create: dateRows(checked.dates) },
        citations: { create: citationRows(checked.document) },
        statusChanges: {
          create: {
            toStatus: columns.status,
            effectiveAt: columns.statusEffectiveAt,
            effectiveEdtf: columns.statusEffectiveEdtf,
            reason: options.reason ?? 'created',
            clientId: options.actor.clientId ?? null,
            appliedAt: now,
          },
        },
      },
    }),
  )
  await recordChange(tx, {
    facilityId: facility.id,
    action: 'create',
    version: facility.version,
    at: now,
    fields: changedFields(null, checked.document),
    actor: options.actor,
    reason: options.reason,
  })
  return facility
}

/**
 * The facility's row, locked until the transaction ends, after checking it exists and is at a
 * version the writer read ('any' for If-Match: *).
 */
export async function lockFacility(tx: Tx, id: string, expectedVersions: readonly number[] | 'any') {
  const [row] = await tx.$queryRaw<{ version: number; deleted: boolean }[]>`
    SELECT version, deleted_at IS NOT NULL AS deleted FROM facility WHERE id = CAST(${id} AS uuid) FOR UPDATE`
  if (row === undefined || row.deleted) throw new ProblemError('not_found', `There is no facility ${id}`)
  if (expectedVersions !== 'any' && !expectedVersions.includes(row.version)) {
    throw new ProblemError(
      'version_mismatch',
      `The facility is at version ${row.version}, not ${expectedVersions.join(' or ')}: someone else changed it since you read it. ` +
        'Read it again, re-apply your change, and send the new ETag in If-Match.',
      undefined,
      { currentVersion: row.version },
    )
  }
  const [record] = await readFullRecords(transactionReader(tx), { ids: [id] })
  if (record === undefined) throw new ProblemError('not_found', `There is no facility ${id}`)
  return { version: row.version, document: documentOf(record) }
}

export interface VersionedWrite extends WriteOptions {
  /** The versions If-Match names; 'any' for If-Match: *. */
  ifMatch: readonly number[] | 'any'
}

/**
 * Replaces a facility's document with `next(current)`: the one way every update (PATCH, an
 * import row) is written. Writes nothing and keeps the version when nothing changes.
 */
export async function updateIn(tx: Tx, id: string, next: (current: FacilityDocument) => unknown, options: VersionedWrite) {
  const now = options.now ?? new Date()
  const current = await lockFacility(tx, id, options.ifMatch)
  options.authorize?.(current.document)
  const proposed = next(current.document) as FacilityDocument
  const checked = await validateDocument(tx, proposed, options.references)
  if (checked.document.status !== current.document.status || checked.document.statusEffective !== current.document.statusEffective) {
    throw new ProblemError('validation_failed', 'The status is changed through POST /v1/facilities/{id}/status-changes', [
      { in: 'body', name: '/status', message: 'cannot be changed by an update; post a status change (its lifecycle is checked there)' },
    ])
  }
  if (options.provenanceGiven !== true) {
    checked.document = stampProvenance(current.document, checked.document, await writerIn(tx, options.actor, now))
  }
  options.authorize?.(checked.document)
  const fields = changedFields(current.document, checked.document)
  if (fields.length === 0) return { id, version: current.version, changed: false }
  const changed = new Set(fields.map((f) => f.field))
  const version = current.version + 1
  await uniquely(checked.document, () =>
    tx.facility.update({
      where: { id },
      data: {
        ...columnsOf(checked),
        version,
        ...(changed.has('capacity') && { capacities: { deleteMany: {}, create: capacityRows(checked.document, now) } }),
        ...(changed.has('dates') && { dates: { deleteMany: {}, create: dateRows(checked.dates) } }),
        ...(changed.has('citations') && { citations: { deleteMany: {}, create: citationRows(checked.document) } }),
      },
    }),
  )
  await recordChange(tx, { facilityId: id, action: 'update', version, at: now, fields, actor: options.actor, reason: options.reason })
  return { id, version, changed: true }
}

export async function updateFacility(
  prisma: PrismaClient,
  id: string,
  next: (current: FacilityDocument) => unknown,
  options: VersionedWrite,
) {
  return prisma.$transaction((tx) => updateIn(tx, id, next, options), transactionOptions)
}

/** Soft delete: the row stays as a tombstone, so the change feed can carry the deletion. */
export async function deleteFacility(prisma: PrismaClient, id: string, options: VersionedWrite) {
  const now = options.now ?? new Date()
  return prisma.$transaction(async (tx) => {
    const current = await lockFacility(tx, id, options.ifMatch)
    options.authorize?.(current.document)
    const version = current.version + 1
    await tx.facility.update({ where: { id }, data: { deletedAt: now, version } })
    await recordChange(tx, { facilityId: id, action: 'delete', version, at: now, fields: [], actor: options.actor, reason: options.reason })
    return { id, version }
  }, transactionOptions)
}
