// What a facility document must be before it is written: its schema, the rules across fields a
// schema cannot say, and the areas and sources it names. Every write (create, update, import row,
// seed) passes here, so the API, the import and the seed refuse the same things the same way.
import { Value } from 'typebox/value'
import { kindOfCategory } from '../domain/categories.js'
import { isStatusOfCategory, statusesOfKind } from '../domain/lifecycle.js'
import { validateOpeningHours } from '../domain/opening-hours.js'
import { InvalidDateError, parseUncertainDate, type UncertainDate } from '../domain/uncertain-date.js'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { DateBasis, Milestone } from '../generated/prisma/enums.js'
import { inputProblems } from '../http/input-guard.js'
import { ProblemError, type ProblemFieldError } from '../http/problems.js'
import { canonicalDocument, type FacilityDocument } from './document.js'
import { FacilityInput } from './schemas.js'

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

/** Schema errors as the API's field errors: JSON Pointers into the body. */
function schemaErrors(document: unknown): ProblemFieldError[] {
  return Value.Errors(FacilityInput, document).flatMap((error): ProblemFieldError[] => {
    const params = error.params as Record<string, unknown>
    if (error.keyword === 'additionalProperties') return []
    if (error.keyword === 'boolean') return [{ in: 'body', name: error.instancePath, message: 'is not a known field' }]
    if (error.keyword === 'required' && Array.isArray(params.requiredProperties)) {
      return params.requiredProperties.map((field) => ({ in: 'body', name: `${error.instancePath}/${field}`, message: 'is required' }))
    }
    const message = Array.isArray(params.allowedValues) ? `must be one of: ${params.allowedValues.join(', ')}` : error.message
    return [{ in: 'body', name: error.instancePath || '/', message }]
  })
}

/** Free-form attributes, at most this many bytes as JSON (their depth is bounded for every body). */
export const maxAttributesBytes = 16 * 1024

/** Milestones in the order they happen: one may not end before an earlier one begins. */
const milestoneOrder: Milestone[] = ['construction_start', 'completion', 'opening']

export interface CheckedDocument {
  document: FacilityDocument
  statusEffective: UncertainDate | undefined
  dates: { milestone: Milestone; basis: DateBasis; date: UncertainDate; sourceText?: string }[]
}

/** Validates a whole document: its schema, then what a schema cannot say (rules across fields). */
export function checkDocument(input: unknown, references?: References): CheckedDocument {
  // Text and nesting as the edge checks them (src/http/input-guard.ts): an imported row or a
  // merged patch did not pass through that check as a whole.
  const shapeErrors = [...inputProblems(input, 'body'), ...schemaErrors(input)]
  if (shapeErrors.length > 0) {
    throw new ProblemError('validation_failed', `Invalid facility: ${shapeErrors.map((e) => e.name).join(', ')}`, shapeErrors)
  }
  const document = canonicalDocument(input as FacilityDocument)
  const errors: ProblemFieldError[] = references === undefined ? [] : referenceErrors(document, references)
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
  if (document.attributes !== undefined && Buffer.byteLength(JSON.stringify(document.attributes)) > maxAttributesBytes) {
    errors.push({ in: 'body', name: '/attributes', message: `must be at most ${maxAttributesBytes / 1024} KB as JSON` })
  }
  // On the same basis (planned, expected, actual), a later milestone cannot end before an earlier one begins.
  for (const [index, later] of milestoneOrder.entries()) {
    for (const earlier of milestoneOrder.slice(0, index)) {
      for (const a of dates.filter((d) => d.milestone === earlier)) {
        const b = dates.find((d) => d.milestone === later && d.basis === a.basis)
        if (b !== undefined && b.date.latest < a.date.earliest) {
          errors.push({
            in: 'body',
            name: `/dates/${later}/${a.basis}/edtf`,
            message: `${b.date.edtf} is before ${earlier} (${a.basis}: ${a.date.edtf})`,
          })
        }
      }
    }
  }
  if (errors.length > 0) {
    throw new ProblemError('validation_failed', `Invalid facility ${document.slug}: ${errors.map((e) => e.name).join(', ')}`, errors)
  }
  return { document, statusEffective, dates }
}

/**
 * The areas and sources a document names that exist: those the caller read already (an import),
 * or else read now. Looked up from the raw input, so that their errors are reported together with
 * every other error of the document.
 */
async function referencesOf(tx: Prisma.TransactionClient | PrismaClient, input: unknown, known?: References): Promise<References> {
  if (known !== undefined) return known
  const { area, citations } = (typeof input === 'object' && input !== null ? input : {}) as { area?: unknown; citations?: unknown }
  const sourceIds = (Array.isArray(citations) ? citations : []).flatMap((c: { source?: unknown }) =>
    typeof c?.source === 'string' ? [c.source] : [],
  )
  const [foundArea, foundSources] = await Promise.all([
    typeof area === 'string' ? tx.area.findUnique({ where: { id: area }, select: { id: true } }) : null,
    tx.source.findMany({ where: { id: { in: sourceIds } }, select: { id: true } }),
  ])
  return { areas: new Set(foundArea === null ? [] : [foundArea.id]), sources: new Set(foundSources.map((s) => s.id)) }
}

/** Names a document refers to that must exist: its area and its citations' sources. */
function referenceErrors(document: FacilityDocument, { areas, sources }: References): ProblemFieldError[] {
  const errors: ProblemFieldError[] = []
  if (!areas.has(document.area))
    errors.push({ in: 'body', name: '/area', message: `no area with id ${document.area}; GET /v1/areas lists them` })
  ;(document.citations ?? []).forEach((citation, index) => {
    if (!sources.has(citation.source)) {
      errors.push({ in: 'body', name: `/citations/${index}/source`, message: `no source with id ${citation.source}` })
    }
  })
  return errors
}

/** Validates a whole document, the areas and sources it names included: every error at once. */
export async function validateDocument(
  tx: Prisma.TransactionClient | PrismaClient,
  input: unknown,
  known?: References,
): Promise<CheckedDocument> {
  return checkDocument(input, await referencesOf(tx, input, known))
}
