// What the seed loader refuses, and the provenance it writes. The seed is a reading of its
// sources: every quote and date text must be in them verbatim, a status must be one the source's
// own words support, and a value the sources cannot give (an address, a phone number, exact
// coordinates, a capacity) needs provenance of its own. Each fact field leaves here with its
// provenance: the sentence it is read from, or a note on how it was made (translated, described,
// inferred, summarised).
import type { FacilityStatus } from '../generated/prisma/enums.js'
import type { FacilityDocument } from '../facilities/document.js'
import { byField, isAbout } from '../facilities/provenance.js'
import type { FacilityInput, ProvenanceEntry } from '../facilities/schemas.js'

export class SeedFileError extends Error {}

/** Source id → its text, with line breaks removed (the article is hard-wrapped). */
export type SourceTexts = ReadonlyMap<string, string>

/** The article sets digits apart with spaces ("地铁 10号线"); names are compared without them. */
const compact = (text: string) => text.replace(/\s+/g, '')

/**
 * The seed's reading of the words a source uses for a stage: a cited sentence with these words
 * supports these statuses, and a status no cited sentence supports is refused. Reviewed against
 * the article (issue 13): 启动 is launched, not 开工; "建设和前期工作" does not say which.
 */
export const statusWords: readonly { words: string; statuses: readonly FacilityStatus[] }[] = [
  { words: '已经启动', statuses: ['launched'] },
  { words: '项目启动', statuses: ['launched'] },
  { words: '建设和前期工作', statuses: ['launched'] },
  { words: '正在推进', statuses: ['launched'] },
  { words: '整备任务', statuses: ['in_preparation'] },
  { words: '稳步推进', statuses: ['launched'] },
  { words: '规划中公示', statuses: ['planned'] },
  { words: '项目落地', statuses: ['planned'] },
  { words: '预计年底开业', statuses: ['planned'] },
  { words: '建成投入使用', statuses: ['operational'] },
  { words: '开园', statuses: ['operational'] },
  { words: '完成改扩建', statuses: ['operational'] },
  { words: '建成', statuses: ['operational', 'completed'] },
  { words: '完成竣工验收', statuses: ['completed'] },
  { words: '获评', statuses: ['operational'] },
  { words: '入选', statuses: ['operational'] },
  { words: '挂牌', statuses: ['operational'] },
  { words: '共同形成', statuses: ['operational'] },
]

/** Fields a news article does not give: only with provenance of their own. */
const notFromSources = ['address', 'phone', 'website', 'openingHours', 'capacity', 'location', 'ageRange', 'accessibility'] as const

export function verifyFacility(facility: FacilityInput, texts: SourceTexts, where: string): FacilityDocument {
  const refuse = (message: string): never => {
    throw new SeedFileError(`${where} (${facility.slug}): ${message}`)
  }
  const inSource = (source: string | undefined, quote: string) => {
    if (source === undefined) return false
    const text = texts.get(source)
    if (text === undefined) refuse(`no source ${source} in seed/sources.yaml`)
    return text?.includes(quote) ?? false
  }
  const citations = facility.citations ?? []
  if (citations.length === 0) refuse('cites no source')
  for (const citation of citations) {
    if (!inSource(citation.source, citation.quote)) refuse(`the quote is not in ${citation.source} verbatim: "${citation.quote}"`)
  }
  const given = facility.provenance ?? []
  for (const entry of given) {
    if (entry.quote !== undefined && !inSource(entry.source, entry.quote)) {
      refuse(`the provenance of ${entry.field} quotes what is not in ${entry.source ?? 'a source'} verbatim: "${entry.quote}"`)
    }
    if (entry.basis === 'source' && entry.quote === undefined) refuse(`the provenance of ${entry.field} says source but quotes nothing`)
  }
  const explained = (pointer: string) => given.some((entry) => entry.field === pointer || pointer.startsWith(`${entry.field}/`))
  const provenance: ProvenanceEntry[] = [...given]
  const add = (entry: ProvenanceEntry) => {
    if (!explained(entry.field)) provenance.push(entry)
  }
  /** The first cited sentence containing a text (compared without spaces). */
  const citing = (text: string) => citations.find((citation) => compact(citation.quote).includes(compact(text)))
  const fromCitation = (field: string, text: string, what: string) => {
    if (explained(field)) return
    const citation = citing(text)
    if (citation === undefined) {
      return refuse(`${what} "${text}" is in none of its cited sentences: quote one that has it, or give ${field} its provenance`)
    }
    add({ field, basis: 'source', source: citation.source, quote: citation.quote })
  }

  for (const field of notFromSources) {
    if (facility[field] !== undefined && !given.some((entry) => isAbout(entry, field))) {
      refuse(`${field} is not something the source gives: leave it out, or give /${field} provenance of its own`)
    }
  }

  fromCitation('/name/zh', facility.name.zh, 'the name')
  for (const [index, alias] of (facility.aliases ?? []).entries()) fromCitation(`/aliases/${index}`, alias, 'the alias')
  if (facility.name.en !== undefined) {
    add({ field: '/name/en', basis: 'translation', note: 'Translated from the Chinese name; the source is in Chinese.' })
  }
  if (facility.description !== undefined) {
    add({ field: '/description', basis: 'summary', note: 'Written by the editors from the cited sentences.' })
  }
  if (facility.elderCareTier !== undefined) {
    add({ field: '/elderCareTier', basis: 'inferred', note: 'The tier of the three-tier elder-care system the entry stands for.' })
  }

  // Dates: the source's own words, verbatim.
  const dateTexts: string[] = []
  for (const [milestone, bases] of Object.entries(facility.dates ?? {})) {
    for (const [basis, date] of Object.entries(bases ?? {})) {
      if (date === undefined) continue
      const field = `/dates/${milestone}/${basis}`
      if (date.text === undefined) {
        if (!explained(field)) refuse(`${field} has no text: give the source's words for the date`)
        continue
      }
      if (![...texts.values()].some((text) => text.includes(date.text ?? ''))) {
        refuse(`the date text of ${field} is not in the source verbatim: "${date.text}"`)
      }
      dateTexts.push(date.text)
      const citation = citing(date.text)
      add({
        field,
        basis: 'source',
        source: citation?.source ?? citations[0]?.source,
        quote: citation?.quote ?? date.text,
        note: `"${date.text}" read as ${date.edtf} (EDTF).`,
      })
    }
  }

  // Status: supported by the words of a cited sentence.
  if (!explained('/status')) {
    const found = citations.flatMap((citation) =>
      statusWords.filter((entry) => citation.quote.includes(entry.words)).map((entry) => ({ ...entry, citation })),
    )
    const support = found.find((entry) => entry.statuses.includes(facility.status))
    if (support === undefined) {
      const said = found.map((entry) => `"${entry.words}" (${entry.statuses.join(' or ')})`).join(', ')
      refuse(
        `the status ${facility.status} is not what its cited sentences say` +
          (said === '' ? ': none of them has words the seed maps to a status (src/seed/verify.ts)' : `: they say ${said}`),
      )
    } else {
      add({
        field: '/status',
        basis: 'source',
        source: support.citation.source,
        quote: support.citation.quote,
        note: `"${support.words}": ${facility.status}`,
      })
    }
  }
  if (facility.statusEffective !== undefined && !explained('/statusEffective')) {
    const date = Object.values(facility.dates ?? {})
      .flatMap((bases) => Object.values(bases ?? {}))
      .find((d) => d?.edtf === facility.statusEffective && d?.text !== undefined)
    if (date?.text === undefined) refuse(`statusEffective ${facility.statusEffective} is none of its dates: give it provenance`)
    else add({ field: '/statusEffective', basis: 'source', quote: date.text, source: citing(date.text)?.source ?? citations[0]?.source })
  }

  // Attributes: a number or text found in a cited sentence, or provenance of their own.
  for (const [key, value] of Object.entries(facility.attributes ?? {})) {
    const field = `/attributes/${key}`
    if (explained(field)) continue
    const parts = Array.isArray(value) ? value : [value]
    const texts = parts.every((part) => typeof part === 'string' || typeof part === 'number') ? parts.map(String) : []
    const citation = texts.length === 0 ? undefined : citations.find((c) => texts.every((text) => compact(c.quote).includes(compact(text))))
    if (citation === undefined) {
      refuse(`${field} (${JSON.stringify(value)}) is not in its cited sentences: give it provenance (e.g. basis inferred, with a note)`)
    } else {
      add({ field, basis: 'source', source: citation.source, quote: citation.quote })
    }
  }
  return { ...facility, provenance: byField(provenance) }
}

export interface AreaForCheck {
  id: string
  level: string
  parent?: string
  centre?: { lat: number; lng: number }
  bounds?: { minLat: number; minLng: number; maxLat: number; maxLng: number }
  facts?: { text: { zh: string; en: string }; source: string; quote: string }[]
}

/** An area's centre lies inside its district's box; its facts are quoted verbatim. */
export function verifyArea(area: AreaForCheck, areas: readonly AreaForCheck[], texts: SourceTexts, where: string) {
  const refuse = (message: string): never => {
    throw new SeedFileError(`${where} (${area.id}): ${message}`)
  }
  if (area.centre !== undefined) {
    let district: AreaForCheck | undefined = area
    while (district !== undefined && district.level !== 'district') {
      const parent: string | undefined = district.parent
      district = parent === undefined ? undefined : areas.find((a) => a.id === parent)
    }
    const box = district?.bounds
    if (box === undefined) return refuse('has a centre but no district with bounds to check it against')
    const { lat, lng } = area.centre
    if (lat < box.minLat || lat > box.maxLat || lng < box.minLng || lng > box.maxLng) {
      refuse(`its centre ${lat},${lng} is outside ${district?.id}'s bounds`)
    }
  }
  for (const fact of area.facts ?? []) {
    if (!texts.get(fact.source)?.includes(fact.quote)) refuse(`the fact's quote is not in ${fact.source} verbatim: "${fact.quote}"`)
    if (!compact(fact.quote).includes(compact(fact.text.zh))) refuse(`the fact "${fact.text.zh}" is not in its quote`)
  }
}
