// Reads and writes of facilities. Every write records itself in the change log (Change +
// ChangeField) in the same transaction.
import { ProblemError, type ProblemFieldError } from '../errors.js'
import { kindOfCategory } from '../domain/categories.js'
import { isStatusOfCategory, statusesOfKind } from '../domain/lifecycle.js'
import { validateOpeningHours } from '../domain/opening-hours.js'
import { InvalidDateError, parseUncertainDate, type UncertainDate } from '../domain/uncertain-date.js'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { DateBasis, FacilityCategory, FacilityStatus, Milestone } from '../generated/prisma/enums.js'
import type { FacilityInput } from './schemas.js'
import { namePinyinOf, searchTextOf } from './search-text.js'

export interface Actor {
  clientId?: string
  /** Who wrote when no API client did, e.g. "seed". */
  name?: string
}

/** Checks what a schema cannot: rules across fields, and dates that must parse. */
function checkFacilityInput(input: FacilityInput): {
  statusEffective: UncertainDate | undefined
  dates: { milestone: Milestone; basis: DateBasis; date: UncertainDate; sourceText?: string }[]
} {
  const errors: ProblemFieldError[] = []
  const kind = kindOfCategory[input.category]
  if (!isStatusOfCategory(input.category, input.status)) {
    errors.push({
      in: 'body',
      name: '/status',
      message: `a ${input.category} follows the ${kind} lifecycle: one of ${statusesOfKind[kind].join(', ')}`,
    })
  }
  const hoursProblem = input.openingHours === undefined ? null : validateOpeningHours(input.openingHours)
  if (hoursProblem !== null) {
    errors.push({ in: 'body', name: '/openingHours', message: `not OpenStreetMap opening_hours syntax: ${hoursProblem}` })
  }
  if (input.elderCareTier !== undefined && input.category !== 'elder_care') {
    errors.push({ in: 'body', name: '/elderCareTier', message: 'applies only to the elder_care category' })
  }
  const parse = (text: string, name: string) => {
    try {
      return parseUncertainDate(text)
    } catch (error) {
      if (!(error instanceof InvalidDateError)) throw error
      errors.push({ in: 'body', name, message: error.message })
      return undefined
    }
  }
  const statusEffective = input.statusEffective === undefined ? undefined : parse(input.statusEffective, '/statusEffective')
  const dates: ReturnType<typeof checkFacilityInput>['dates'] = []
  for (const [milestone, bases] of Object.entries(input.dates ?? {})) {
    for (const [basis, value] of Object.entries(bases ?? {})) {
      if (value === undefined) continue
      const date = parse(value.edtf, `/dates/${milestone}/${basis}/edtf`)
      if (date !== undefined) {
        dates.push({ milestone: milestone as Milestone, basis: basis as DateBasis, date, sourceText: value.text })
      }
    }
  }
  if (errors.length > 0) {
    throw new ProblemError('validation_failed', `Invalid facility ${input.slug}: ${errors.map((e) => e.name).join(', ')}`, errors)
  }
  return { statusEffective, dates }
}

/** Start of a day in the facility's zone: a month-precise date "2022-05" took effect on 1 May there. */
const startOfDayInShanghai = (day: string) => new Date(`${day}T00:00:00+08:00`)

export async function createFacility(prisma: PrismaClient, input: FacilityInput, actor: Actor, reason?: string) {
  const { statusEffective, dates } = checkFacilityInput(input)
  const data = {
    slug: input.slug,
    category: input.category,
    nameZh: input.name.zh,
    nameEn: input.name.en ?? null,
    aliases: input.aliases ?? [],
    descriptionZh: input.description?.zh ?? null,
    descriptionEn: input.description?.en ?? null,
    status: input.status,
    statusEffectiveAt: statusEffective ? startOfDayInShanghai(statusEffective.earliest) : null,
    statusEffectiveEdtf: statusEffective?.edtf ?? null,
    areaId: input.area,
    latitude: input.location?.lat ?? null,
    longitude: input.location?.lng ?? null,
    locationPrecision: input.location?.precision ?? 'unknown',
    locationNote: input.location?.note ?? null,
    elderCareTier: input.elderCareTier ?? null,
    accessibility: input.accessibility ?? [],
    openingHours: input.openingHours ?? null,
    phone: input.phone ?? null,
    website: input.website ?? null,
    attributes: (input.attributes ?? {}) as Prisma.InputJsonObject,
  } satisfies Prisma.FacilityUncheckedCreateInput
  const opening = (['actual', 'expected', 'planned'] as const)
    .map((basis) => dates.find((d) => d.milestone === 'opening' && d.basis === basis))
    .find((d) => d !== undefined)
  const derived = {
    searchText: searchTextOf(data),
    namePinyin: namePinyinOf(data.nameZh),
    openingOn: opening === undefined ? null : new Date(`${opening.date.earliest}T00:00:00Z`),
  }
  const changedFields = Object.entries(data)
    .filter(([, value]) => value !== null && !(Array.isArray(value) && value.length === 0))
    .map(([field, value]) => ({ field, newValue: value as Prisma.InputJsonValue }))
  const now = new Date()

  return prisma.$transaction(async (tx) => {
    const [area, sources] = await Promise.all([
      tx.area.findUnique({ where: { id: input.area } }),
      tx.source.findMany({ where: { id: { in: (input.citations ?? []).map((c) => c.source) } } }),
    ])
    const errors: ProblemFieldError[] = []
    if (area === null) errors.push({ in: 'body', name: '/area', message: `no area with id ${input.area}` })
    ;(input.citations ?? []).forEach((citation, index) => {
      if (!sources.some((source) => source.id === citation.source)) {
        errors.push({ in: 'body', name: `/citations/${index}/source`, message: `no source with id ${citation.source}` })
      }
    })
    if (errors.length > 0) throw new ProblemError('validation_failed', `Invalid facility ${input.slug}`, errors)

    const facility = await tx.facility.create({
      data: {
        ...data,
        ...derived,
        capacities: {
          create: (input.capacity ?? []).map((c) => ({
            unit: c.unit,
            total: c.total ?? null,
            available: c.available ?? null,
            asOf: now,
          })),
        },
        dates: {
          create: dates.map(({ milestone, basis, date, sourceText }) => ({
            milestone,
            basis,
            edtf: date.edtf,
            precision: date.precision,
            earliest: new Date(`${date.earliest}T00:00:00Z`),
            latest: new Date(`${date.latest}T00:00:00Z`),
            sourceText: sourceText ?? null,
          })),
        },
        citations: { create: (input.citations ?? []).map((c) => ({ sourceId: c.source, quote: c.quote })) },
        statusChanges: {
          create: {
            toStatus: input.status,
            effectiveAt: data.statusEffectiveAt,
            effectiveEdtf: data.statusEffectiveEdtf,
            reason: reason ?? 'created',
            clientId: actor.clientId ?? null,
            appliedAt: now,
          },
        },
      },
    })
    await tx.change.create({
      data: {
        facilityId: facility.id,
        action: 'create',
        reason: reason ?? null,
        clientId: actor.clientId ?? null,
        actor: actor.name ?? null,
        version: facility.version,
        fields: { create: changedFields },
      },
    })
    return facility
  })
}
