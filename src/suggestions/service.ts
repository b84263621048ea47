// Suggestions from residents, published as `fastify.suggestions`. A suggestion never writes a
// facility by itself: accepting one applies its proposal through the facility service's ordinary
// audited writes (a status as a status change, the other fields as an update, each under If-Match,
// with the suggestion's id in the reason the history and the change feed show). Folding,
// validation against the facility's rules and the moderator's scope are decided here.
import { createHash, randomBytes } from 'node:crypto'
import { areasWithin } from '../areas/directory.js'
import { isStatusOfCategory, nextStatuses, transitionRule } from '../domain/lifecycle.js'
import { documentOf, type FacilityDocument } from '../facilities/document.js'
import type { FacilityService, VersionedWrite } from '../facilities/service.js'
import { checkDocument } from '../facilities/validation.js'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { FacilityCategory, SuggestionState } from '../generated/prisma/enums.js'
import { type ProblemFieldError, ProblemError } from '../http/problems.js'
import { enqueueWebhookEvent } from '../webhooks/outbox.js'
import type { Proposal, SuggestionInput } from './schemas.js'

/** The part of a facility a moderator's scope is decided by. */
export type ScopedFacility = Pick<FacilityDocument, 'category' | 'area'>
/** Throws 403 when the moderator may not act on a facility (fastify.scopeOf). */
export type ScopeCheck = (facility: ScopedFacility) => void

/** What an editor's key is limited to; empty lists mean everything. */
export interface ModeratorScope {
  areaIds: readonly string[]
  categories: readonly FacilityCategory[]
}

const tokenPattern = /^sg_[A-Za-z0-9_-]{22}$/
export const isTrackingToken = (value: string) => tokenPattern.test(value)

/** One spelling of a JSON value (keys sorted), so identical suggestions have one fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

const fingerprintOf = (facilityId: string, proposal: Proposal, message: string | undefined) =>
  createHash('sha256')
    .update(canonicalJson({ facilityId, proposal, message: message?.trim().replace(/\s+/g, ' ') }))
    .digest('hex')

/** The body errors of a proposal checked as part of the whole facility document, at /proposal/…. */
function proposalErrors(current: FacilityDocument, proposal: Proposal): ProblemFieldError[] {
  try {
    checkDocument({ ...current, ...proposal })
    return []
  } catch (error) {
    if (!(error instanceof ProblemError) || error.errors === undefined) throw error
    return error.errors.map((e) => ({ ...e, name: `/proposal${e.name}` }))
  }
}

const suggestionSelect = {
  id: true,
  token: true,
  state: true,
  proposal: true,
  message: true,
  contact: true,
  count: true,
  createdAt: true,
  lastSubmittedAt: true,
  decisionReason: true,
  decidedAt: true,
  decidedBy: { select: { id: true, name: true } },
  facility: { select: { id: true, nameZh: true, category: true, areaId: true } },
} satisfies Prisma.SuggestionSelect

type SuggestionRow = Prisma.SuggestionGetPayload<{ select: typeof suggestionSelect }>

/** A suggestion as an editor sees it (contact details included). */
function forStaff(row: SuggestionRow) {
  return {
    id: row.id,
    facility: { id: row.facility.id, name: row.facility.nameZh, category: row.facility.category, area: row.facility.areaId },
    state: row.state,
    proposal: row.proposal as Proposal,
    message: row.message,
    contact: row.contact,
    count: row.count,
    submittedAt: row.createdAt.toISOString(),
    lastSubmittedAt: row.lastSubmittedAt.toISOString(),
    decision:
      row.decidedAt === null
        ? null
        : { at: row.decidedAt.toISOString(), reason: row.decisionReason, by: row.decidedBy === null ? null : { ...row.decidedBy } },
  }
}

export interface Moderation {
  /** Who decides, for the change log and the suggestion. */
  actor: VersionedWrite['actor']
  authorize: ScopeCheck
  now: Date
  reason?: string
}

export function suggestionService(prisma: PrismaClient, facilities: FacilityService) {
  async function documentOfFacility(id: string) {
    const record = await facilities.byId(id)
    return record === undefined ? undefined : { document: documentOf(record), version: record.version }
  }

  /** A suggestion for an editor, after checking it exists and lies within the editor's scope. */
  async function scoped(id: string, authorize: ScopeCheck) {
    const row = await prisma.suggestion.findUnique({ where: { id }, select: suggestionSelect })
    if (row === null) throw new ProblemError('not_found', `There is no suggestion ${id}`)
    authorize({ category: row.facility.category, area: row.facility.areaId })
    return row
  }

  /**
   * Marks a pending suggestion decided; a conflict when someone decided it meanwhile. An accepted
   * one queues its suggestion.accepted event in the same transaction (the webhook outbox).
   */
  async function decide(
    id: string,
    state: SuggestionState,
    moderation: Moderation,
    accepted?: { facilityId: string; facilityVersion: number },
  ) {
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.suggestion.updateMany({
        where: { id, state: 'pending' },
        data: {
          state,
          decisionReason: moderation.reason ?? null,
          decidedAt: moderation.now,
          decidedById: moderation.actor.clientId ?? null,
        },
      })
      if (count === 0) throw new ProblemError('conflict', `The suggestion ${id} was decided by someone else meanwhile`)
      if (accepted !== undefined) {
        await enqueueWebhookEvent(tx, {
          type: 'suggestion.accepted',
          facilityId: accepted.facilityId,
          at: moderation.now,
          data: { suggestion: { id, facilityVersion: accepted.facilityVersion } },
        })
      }
    })
  }

  const alreadyDecided = (row: SuggestionRow) =>
    new ProblemError(
      'conflict',
      `The suggestion ${row.id} was already ${row.state}${row.decidedAt === null ? '' : ` at ${row.decidedAt.toISOString()}`}`,
    )

  return {
    /**
     * Stores a resident's suggestion, or counts it again when the same one is already waiting.
     * The proposal is checked against the facility as it is now, by the rules of a staff write.
     */
    async submit(input: SuggestionInput, now: Date) {
      const proposal = input.proposal ?? {}
      if (Object.keys(proposal).length === 0 && input.message === undefined) {
        throw new ProblemError('validation_failed', 'A suggestion needs a proposal, a message, or both', [
          { in: 'body', name: '/proposal', message: 'propose at least one field, or write a message' },
        ])
      }
      const facilityId = input.facilityId.toLowerCase()
      const facility = await documentOfFacility(facilityId)
      if (facility === undefined) throw new ProblemError('not_found', `There is no facility ${facilityId}`)
      const errors = proposalErrors(facility.document, proposal)
      if (errors.length > 0) {
        throw new ProblemError('validation_failed', `Invalid proposal: ${errors.map((e) => e.name).join(', ')}`, errors)
      }
      const fingerprint = fingerprintOf(facilityId, proposal, input.message)
      const waiting = await prisma.suggestion.findFirst({
        where: { fingerprint, state: 'pending' },
        select: { id: true, token: true, contact: true },
      })
      if (waiting !== null) {
        await prisma.suggestion.update({
          where: { id: waiting.id },
          data: {
            count: { increment: 1 },
            lastSubmittedAt: now,
            ...(waiting.contact === null && input.contact !== undefined && { contact: input.contact }),
          },
        })
        return { token: waiting.token, state: 'pending' as const, folded: true }
      }
      const created = await prisma.suggestion.create({
        data: {
          token: `sg_${randomBytes(16).toString('base64url')}`,
          facilityId,
          proposal: proposal as Prisma.InputJsonObject,
          message: input.message ?? null,
          contact: input.contact ?? null,
          fingerprint,
          createdAt: now,
          lastSubmittedAt: now,
        },
        select: { token: true },
      })
      return { token: created.token, state: 'pending' as const, folded: false }
    },

    /** What became of a suggestion, by its tracking token — nothing a resident did not write or may not see. */
    async track(token: string) {
      if (!isTrackingToken(token)) return undefined
      const row = await prisma.suggestion.findUnique({
        where: { token },
        select: { token: true, facilityId: true, state: true, createdAt: true, decidedAt: true, decisionReason: true },
      })
      if (row === null) return undefined
      return {
        token: row.token,
        facilityId: row.facilityId,
        state: row.state,
        submittedAt: row.createdAt.toISOString(),
        decision: row.decidedAt === null ? null : { at: row.decidedAt.toISOString(), reason: row.decisionReason },
      }
    },

    /** Suggestions within a moderator's scope, newest first; one more than `limit` tells whether a next page exists. */
    async list(filters: { state?: SuggestionState; facilityId?: string; before?: string; limit: number }, scope: ModeratorScope) {
      // The areas within the scope's, at any depth.
      const areaIds = scope.areaIds.length > 0 ? await areasWithin(prisma, scope.areaIds) : undefined
      const rows = await prisma.suggestion.findMany({
        where: {
          state: filters.state,
          facilityId: filters.facilityId,
          ...(filters.before !== undefined && { id: { lt: filters.before } }),
          facility: {
            ...(scope.categories.length > 0 && { category: { in: [...scope.categories] } }),
            ...(areaIds !== undefined && { areaId: { in: areaIds } }),
          },
        },
        orderBy: { id: 'desc' },
        take: filters.limit + 1,
        select: suggestionSelect,
      })
      return rows.map(forStaff)
    },

    /** One suggestion with the facility's current value of each proposed field beside the proposal. */
    async review(id: string, authorize: ScopeCheck) {
      const row = await scoped(id, authorize)
      const facility = await documentOfFacility(row.facility.id)
      const proposal = row.proposal as Record<string, unknown>
      const current = Object.fromEntries(
        Object.keys(proposal).map((field) => [field, (facility?.document as Record<string, unknown> | undefined)?.[field] ?? null]),
      )
      return { ...forStaff(row), current, facilityVersion: facility?.version ?? null }
    },

    /**
     * Applies the proposal through the facility service (status first, as a status change, then
     * the other fields as one update), each recorded with the suggestion's id in its reason, then
     * marks the suggestion accepted. Everything that can refuse is checked before the first write.
     */
    async accept(id: string, moderation: Moderation & { ifMatch: VersionedWrite['ifMatch'] }) {
      const row = await scoped(id, moderation.authorize)
      if (row.state !== 'pending') throw alreadyDecided(row)
      const facility = await documentOfFacility(row.facility.id)
      if (facility === undefined) throw new ProblemError('not_found', `The facility ${row.facility.id} of this suggestion no longer exists`)
      const { ifMatch } = moderation
      if (ifMatch !== 'any' && !ifMatch.includes(facility.version)) {
        throw new ProblemError(
          'version_mismatch',
          `The facility is at version ${facility.version}, not ${ifMatch.join(' or ')}: it changed since you read the suggestion. Read it again.`,
          undefined,
          { currentVersion: facility.version },
        )
      }
      const { status, ...fields } = row.proposal as Proposal
      const current = facility.document
      const changesStatus = status !== undefined && status !== current.status
      if (changesStatus) {
        const rule = transitionRule(current.category, current.status, status)
        if (
          !isStatusOfCategory(current.category, status) ||
          !(rule === 'allowed' || (rule === 'admin_only' && moderation.actor.role === 'admin'))
        ) {
          const next = nextStatuses(current.category, current.status)
          const detail =
            rule === 'admin_only'
              ? `Only an admin may move a ${current.category} from ${current.status} to ${status}`
              : `A ${current.category} cannot go from ${current.status} to ${status}; ` +
                (next.length === 0 ? `nothing follows ${current.status}` : `it can go to: ${next.join(', ')}`)
          throw new ProblemError('transition_not_allowed', `The suggestion cannot be accepted: ${detail}`, [
            { in: 'body', name: '/proposal/status', message: detail },
          ])
        }
      }
      const errors = proposalErrors({ ...current, status: status ?? current.status }, fields)
      if (errors.length > 0) {
        throw new ProblemError(
          'validation_failed',
          `The proposal no longer fits the facility: ${errors.map((e) => e.name).join(', ')}`,
          errors,
        )
      }
      const reason = `suggestion ${row.id}${moderation.reason === undefined ? '' : `: ${moderation.reason}`}`
      const write = { actor: moderation.actor, reason, now: moderation.now, authorize: moderation.authorize }
      let version = facility.version
      if (changesStatus) {
        const result = await facilities.changeStatus(row.facility.id, { status, reason }, { ...write, ifMatch: [version] })
        version = result.version
      }
      if (Object.keys(fields).length > 0) {
        const result = await facilities.update(row.facility.id, (document) => ({ ...document, ...fields }), {
          ...write,
          ifMatch: [version],
        })
        version = result.version
      }
      await decide(row.id, 'accepted', moderation, { facilityId: row.facility.id, facilityVersion: version })
      return { facilityVersion: version, changed: version !== facility.version }
    },

    /** Rejects a pending suggestion with a reason the resident will see; nothing else changes. */
    async reject(id: string, moderation: Moderation & { reason: string }) {
      const row = await scoped(id, moderation.authorize)
      if (row.state !== 'pending') throw alreadyDecided(row)
      await decide(row.id, 'rejected', moderation)
    },
  }
}

export type SuggestionService = ReturnType<typeof suggestionService>
