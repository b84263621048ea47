// Writes of facilities. Every write locks the facility's row, checks the version the writer read
// (If-Match), validates the whole resulting document, and records itself in the change log
// (Change + ChangeField) in the same transaction — so nothing is half-written, no update is lost,
// and the change feed sees every write exactly once, in commit order.
import { Value } from 'typebox/value'
import { ProblemError, type ProblemFieldError } from '../http/problems.js'
import { kindOfCategory } from '../domain/categories.js'
import { isStatusOfCategory, nextStatuses, statusesOfKind, transitionRule } from '../domain/lifecycle.js'
import { validateOpeningHours } from '../domain/opening-hours.js'
import { InvalidDateError, parseUncertainDate, type UncertainDate } from '../domain/uncertain-date.js'
import { Prisma, type PrismaClient } from '../generated/prisma/client.js'
import type { ChangeAction, ClientRole, DateBasis, FacilityStatus, Milestone } from '../generated/prisma/enums.js'
import { canonicalDocument, changedFields, documentOf, type FacilityDocument, type FieldValue } from './document.js'
import { readFullRecords } from './records.js'
import { FacilityInput } from './schemas.js'
import { namePinyinOf, searchTextOf } from './search/text.js'

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
}

export interface References {
  areas: ReadonlySet<string>
  sources: ReadonlySet<string>
}

export async function readReferences(prisma: PrismaClient): Promise<References> {
  const [areas, sources] = await Promise.all([
    prisma.area.findMany({ select: { id: true } }),
    prisma.source.findMany({ select: { id: true } }),
  ])
  return { areas: new Set(areas.map((a) => a.id)), sources: new Set(sources.map((s) => s.id)) }
}

type Tx = Prisma.TransactionClient

// ---------------------------------------------------------------- validation

/** Schema errors as the API's field errors: JSON Pointers into the body. */
function schemaErrors(document: unknown): ProblemFieldError[] {
  return Value.Errors(FacilityInput, document).flatMap((error): ProblemFieldError[] => {
    const params = error.params as Record<string, unknown>
    if (error.keyword === 'additionalProperties') return []
    if (error.keyword === 'boolean') return [{ in: 'body', name: error.instancePath, message: 'is not a known field' }]
    if (error.keyword === 'required' && Array.isArray(params.requiredProperties)) {
      return params.requiredProperties.map((field) => ({ in: 'body', name: `${error.instancePath}/${field}`, message: 'is required' }))
    }
    return [{ in: 'body', name: error.instancePath || '/', message: error.message }]
  })
}

interface CheckedDocument {
  document: FacilityDocument
  statusEffective: UncertainDate | undefined
  dates: { milestone: Milestone; basis: DateBasis; date: UncertainDate; sourceText?: string }[]
}

/** Validates a whole document: its schema, then what a schema cannot say (rules across fields). */
export function checkDocument(input: unknown): CheckedDocument {
  const shapeErrors = schemaErrors(input)
  if (shapeErrors.length > 0) {
    throw new ProblemError('validation_failed', `Invalid facility: ${shapeErrors.map((e) => e.name).join(', ')}`, shapeErrors)
  }
  const document = canonicalDocument(input as FacilityDocument)
  const errors: ProblemFieldError[] = []
  const kind = kindOfCategory[document.category]
  if (!isStatusOfCategory(document.category, document.status)) {
    errors.push({
      in: 'body',
      name: '/status',
      message: `a ${document.category} follows the ${kind} lifecycle: one of ${statusesOfKind[kind].join(', ')}`,
    })
  }
  const hoursProblem = document.openingHours === undefined ? null : validateOpeningHours(document.openingHours)
  if (hoursProblem !== null) {
    errors.push({ in: 'body', name: '/openingHours', message: `not OpenStreetMap opening_hours syntax: ${hoursProblem}` })
  }
  if (document.elderCareTier !== undefined && document.category !== 'elder_care') {
    errors.push({ in: 'body', name: '/elderCareTier', message: 'applies only to the elder_care category' })
  }
  const { minMonths, maxMonths } = document.ageRange ?? {}
  if (minMonths !== undefined && maxMonths !== undefined && maxMonths < minMonths) {
    errors.push({ in: 'body', name: '/ageRange/maxMonths', message: 'must not be below minMonths' })
  }
  const units = new Set<string>()
  ;(document.capacity ?? []).forEach((capacity, index) => {
    if (units.has(capacity.unit)) errors.push({ in: 'body', name: `/capacity/${index}/unit`, message: 'is listed twice' })
    units.add(capacity.unit)
    if (capacity.total !== undefined && capacity.available !== undefined && capacity.available > capacity.total) {
      errors.push({ in: 'body', name: `/capacity/${index}/available`, message: 'must not exceed total' })
    }
  })
  const parse = (text: string, name: string) => {
    try {
      return parseUncertainDate(text)
    } catch (error) {
      if (!(error instanceof InvalidDateError)) throw error
      errors.push({ in: 'body', name, message: error.message })
      return undefined
    }
  }
  const statusEffective = document.statusEffective === undefined ? undefined : parse(document.statusEffective, '/statusEffective')
  const dates: CheckedDocument['dates'] = []
  for (const [milestone, bases] of Object.entries(document.dates ?? {})) {
    for (const [basis, value] of Object.entries(bases ?? {})) {
      if (value === undefined) continue
      const date = parse(value.edtf, `/dates/${milestone}/${basis}/edtf`)
      if (date !== undefined) {
        dates.push({ milestone: milestone as Milestone, basis: basis as DateBasis, date, sourceText: value.text })
      }
    }
  }
  if (errors.length > 0) {
    throw new ProblemError('validation_failed', `Invalid facility ${document.slug}: ${errors.map((e) => e.name).join(', ')}`, errors)
  }
  return { document, statusEffective, dates }
}

/** Names a document refers to that must exist: its area and its citations' sources. */
async function checkReferences(tx: Tx, document: FacilityDocument, known?: References) {
  const citations = document.citations ?? []
  const { areas, sources } =
    known ??
    (await (async () => {
      const [area, found] = await Promise.all([
        tx.area.findUnique({ where: { id: document.area }, select: { id: true } }),
        tx.source.findMany({ where: { id: { in: citations.map((c) => c.source) } }, select: { id: true } }),
      ])
      return { areas: new Set(area === null ? [] : [area.id]), sources: new Set(found.map((s) => s.id)) }
    })())
  const errors: ProblemFieldError[] = []
  if (!areas.has(document.area))
    errors.push({ in: 'body', name: '/area', message: `no area with id ${document.area}; GET /v1/areas lists them` })
  citations.forEach((citation, index) => {
    if (!sources.has(citation.source)) {
      errors.push({ in: 'body', name: `/citations/${index}/source`, message: `no source with id ${citation.source}` })
    }
  })
  if (errors.length > 0) throw new ProblemError('validation_failed', `Invalid facility ${document.slug}`, errors)
}

// ---------------------------------------------------------------- document → rows

/** Start of a day in the facility's zone: a month-precise date "2022-05" took effect on 1 May there. */
const startOfDayInShanghai = (day: string) => new Date(`${day}T00:00:00+08:00`)
/** The day an instant falls on in the facility's zone, as EDTF. */
const dayInShanghai = (instant: Date) => new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10)

/** The facility's own columns, and the ones derived from them for search and sorting. */
function columnsOf({ document, statusEffective, dates }: CheckedDocument) {
  const columns = {
    slug: document.slug,
    externalId: document.externalId ?? null,
    category: document.category,
    nameZh: document.name.zh,
    nameEn: document.name.en ?? null,
    aliases: document.aliases ?? [],
    descriptionZh: document.description?.zh ?? null,
    descriptionEn: document.description?.en ?? null,
    status: document.status,
    statusEffectiveAt: statusEffective ? startOfDayInShanghai(statusEffective.earliest) : null,
    statusEffectiveEdtf: statusEffective?.edtf ?? null,
    areaId: document.area,
    addressZh: document.address?.zh ?? null,
    addressEn: document.address?.en ?? null,
    latitude: document.location?.lat ?? null,
    longitude: document.location?.lng ?? null,
    locationPrecision: document.location?.precision ?? 'unknown',
    locationNote: document.location?.note ?? null,
    elderCareTier: document.elderCareTier ?? null,
    ageMinMonths: document.ageRange?.minMonths ?? null,
    ageMaxMonths: document.ageRange?.maxMonths ?? null,
    accessibility: document.accessibility ?? [],
    openingHours: document.openingHours ?? null,
    phone: document.phone ?? null,
    website: document.website ?? null,
    attributes: (document.attributes ?? {}) as Prisma.InputJsonObject,
  } satisfies Prisma.FacilityUncheckedCreateInput
  const opening = (['actual', 'expected', 'planned'] as const)
    .map((basis) => dates.find((d) => d.milestone === 'opening' && d.basis === basis))
    .find((d) => d !== undefined)
  return {
    ...columns,
    searchText: searchTextOf(columns),
    namePinyin: namePinyinOf(columns.nameZh),
    openingOn: opening === undefined ? null : new Date(`${opening.date.earliest}T00:00:00Z`),
  }
}

const capacityRows = (document: FacilityDocument, asOf: Date) =>
  (document.capacity ?? []).map((c) => ({ unit: c.unit, total: c.total ?? null, available: c.available ?? null, asOf }))

const dateRows = (dates: CheckedDocument['dates']) =>
  dates.map(({ milestone, basis, date, sourceText }) => ({
    milestone,
    basis,
    edtf: date.edtf,
    precision: date.precision,
    earliest: new Date(`${date.earliest}T00:00:00Z`),
    latest: new Date(`${date.latest}T00:00:00Z`),
    sourceText: sourceText ?? null,
  }))

const citationRows = (document: FacilityDocument) => (document.citations ?? []).map((c) => ({ sourceId: c.source, quote: c.quote }))

// ---------------------------------------------------------------- the change log

/** Any constant: the advisory lock every write holds from its change-log row until it commits. */
const changeLogLock = 4_270_001

/**
 * Appends a write to the change log, in one statement (imports write thousands). The lock makes
 * change ids follow commit order: a reader of the feed that has seen id n can never later find a
 * smaller id committed.
 */
async function recordChange(
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
  const lock = Prisma.sql`WITH lock AS (SELECT pg_advisory_xact_lock(${changeLogLock}))`
  if (change.fields.length === 0) {
    await tx.$executeRaw`${lock} ${insertChange}`
    return
  }
  const fields = Prisma.join(change.fields.map((f) => Prisma.sql`(${f.field}, ${json(f.oldValue)}, ${json(f.newValue)})`))
  await tx.$executeRaw`
    ${lock}, inserted AS (${insertChange} RETURNING id)
    INSERT INTO change_field (change_id, field, old_value, new_value)
    SELECT inserted.id, f.field, f.old_value, f.new_value
    FROM inserted, (VALUES ${fields}) AS f(field, old_value, new_value)`
}

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

/** Interactive transactions long enough for a bulk import on a busy machine. */
export const transactionOptions = { maxWait: 10_000, timeout: 120_000 }

// ---------------------------------------------------------------- writes

export async function createFacility(prisma: PrismaClient, input: FacilityDocument, options: WriteOptions) {
  return prisma.$transaction((tx) => createIn(tx, input, options), transactionOptions)
}

/** Creates a facility inside a transaction the caller holds (imports write many in one). */
export async function createIn(tx: Tx, input: FacilityDocument, options: WriteOptions) {
  const now = options.now ?? new Date()
  const checked = checkDocument(input)
  options.authorize?.(checked.document)
  await checkReferences(tx, checked.document, options.references)
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
async function lockFacility(tx: Tx, id: string, expectedVersions: readonly number[] | 'any') {
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
  const [record] = await readFullRecords(tx as unknown as PrismaClient, { ids: [id] })
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
  const checked = checkDocument(proposed)
  if (checked.document.status !== current.document.status || checked.document.statusEffective !== current.document.statusEffective) {
    throw new ProblemError('validation_failed', 'The status is changed through POST /v1/facilities/{id}/status-changes', [
      { in: 'body', name: '/status', message: 'cannot be changed by an update; post a status change (its lifecycle is checked there)' },
    ])
  }
  options.authorize?.(checked.document)
  const fields = changedFields(current.document, checked.document)
  if (fields.length === 0) return { id, version: current.version, changed: false }
  await checkReferences(tx, checked.document, options.references)
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

// ---------------------------------------------------------------- status changes

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
  await tx.facility.update({
    where: { id },
    data: { status: change.status, statusEffectiveAt: change.effectiveAt, statusEffectiveEdtf: statusEffective, version },
  })
  const fields = changedFields(current.document, { ...current.document, status: change.status, statusEffective })
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
