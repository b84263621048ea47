// Parameters several routes share.
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { AreaDirectory } from '../../areas/directory.js'
import { multiValued } from '../../facilities/search/params.js'
import { ProblemError } from '../../http/problems.js'

export { uuidPattern } from '../../domain/ids.js'
import { uuidPattern } from '../../domain/ids.js'

/** `{id}` of a facility. */
export const FacilityParams = Type.Object({
  id: Type.String({
    pattern: uuidPattern,
    description: 'The facility id (UUID), as listed by the search.',
    examples: ['0b9f3c2e-6a1d-4f7e-9c35-2d8a4b6e1f70'],
  }),
})

export const crsParameter = (what: string) =>
  Type.Enum(['wgs84', 'gcj02'], { default: 'wgs84', description: `Coordinate system of ${what}: GCJ-02 is what Chinese map SDKs use.` })

/** Splits comma-separated values of the multi-valued parameters before validation. */
export async function splitMultiValued(request: FastifyRequest) {
  const query = request.query as Record<string, unknown>
  for (const name of multiValued) {
    const value = query[name]
    if (value === undefined) continue
    query[name] = (Array.isArray(value) ? value : [value]).flatMap((item) =>
      String(item)
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
  }
}

/** An unknown area is a mistake in the request, not an empty result. */
export async function refuseUnknownArea(areas: AreaDirectory, area: string | undefined) {
  if (area === undefined || (await areas.exists(area))) return
  throw new ProblemError('validation_failed', 'Invalid query parameter: area', [
    { in: 'query', name: 'area', message: `there is no area with id ${area}; GET /v1/areas lists them` },
  ])
}
