// Where a facility's facts come from. Each fact field of the document may carry provenance
// entries (JSON Pointers into the document); a write that changes a fact without saying where
// the new value comes from records it as the writer's (basis staff), so an entry about an old
// value never vouches for a new one.
import { isDeepStrictEqual } from 'node:util'
import type { FacilityDocument } from './document.js'
import type { ProvenanceEntry } from './schemas.js'

/** The fields that state facts about the world (not keys, classification or the provenance itself). */
export const factFields = [
  'name',
  'aliases',
  'description',
  'address',
  'status',
  'statusEffective',
  'elderCareTier',
  'ageRange',
  'location',
  'accessibility',
  'openingHours',
  'phone',
  'website',
  'capacity',
  'dates',
  'attributes',
] as const satisfies readonly (keyof FacilityDocument)[]
export type FactField = (typeof factFields)[number]

/** Whether an entry is about a top-level field (its pointer is the field or inside it). */
export const isAbout = (entry: ProvenanceEntry, field: string) => entry.field === `/${field}` || entry.field.startsWith(`/${field}/`)

export interface Writer {
  /** Who, as provenance names them: an actor's or API client's name. */
  by: string
  at: Date
}

/**
 * The document with provenance for every fact field that changed from `before` (null: created)
 * and whose provenance the writer left as it was: the old entries go, one staff entry comes.
 */
export function stampProvenance(before: FacilityDocument | null, after: FacilityDocument, writer: Writer): FacilityDocument {
  let provenance = [...(after.provenance ?? [])]
  const previous = before?.provenance ?? []
  for (const field of factFields) {
    if (isDeepStrictEqual(before?.[field], after[field])) continue
    const given = provenance.filter((entry) => isAbout(entry, field))
    const kept = previous.filter((entry) => isAbout(entry, field))
    // A new value the writer gave its own provenance for keeps it.
    if (given.length > 0 && !isDeepStrictEqual(given, kept)) continue
    provenance = provenance.filter((entry) => !isAbout(entry, field))
    if (after[field] === undefined) continue
    provenance.push({ field: `/${field}`, basis: 'staff', by: writer.by, at: writer.at.toISOString() })
  }
  const { provenance: _, ...rest } = after
  return provenance.length === 0 ? rest : { ...rest, provenance: byField(provenance) }
}

/** Entries in the order of their fields, so the same provenance is always written the same way. */
export const byField = (entries: ProvenanceEntry[]) => [...entries].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0))

export const writerOf = (actor: { clientId?: string; name?: string }, at: Date): Writer => ({
  by: actor.name ?? (actor.clientId === undefined ? 'staff' : `API client ${actor.clientId}`),
  at,
})
