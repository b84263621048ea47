// What searches need of every facility, in this process's memory, so the frequent searches (the
// plain list, nearby, text by relevance) are answered without PostgreSQL planning and walking its
// trigram and GiST indexes for each. It answers exactly what the SQL search (search/query.ts)
// answers — same rows, order and sort keys, so cursors pass between the two — for the shapes it
// supports; for any other it answers undefined and the SQL answers. The list items themselves are
// read by primary key (query.ts hitsOf).
import type { FacilityCategory, FacilityStatus } from '../../generated/prisma/enums.js'
import {
  approximateBand,
  chordOfMeters,
  earthRadiusMeters,
  type IndexedHit,
  type SearchFilters,
  serviceCategories,
  type Sort,
  type SortKey,
} from '../search/query.js'
import { synonymOf, synonyms } from '../search/synonyms.js'
import { normalizeSearch } from '../search/text.js'

/** The synonyms that stand for an attribute: bit i of IndexedFacility.attributeSynonyms is the i-th one's. */
export const attributeSynonyms = synonyms.filter((synonym) => synonym.attributes !== undefined)

/** One facility as the index holds it: the columns the SQL search's conditions and order read. */
export interface IndexedFacility {
  id: string
  searchText: string
  category: FacilityCategory
  status: FacilityStatus
  /** location_precision = 'exact'. */
  exact: boolean
  latitude: number | null
  longitude: number | null
  /** earth_point (the unit sphere), as PostgreSQL computed it; null without a location. */
  point: [number, number, number] | null
  hasOpeningHours: boolean
  /** `(0.005 / char_length(name_zh))::text`, the relevance tie-break as PostgreSQL's numeric spells it. */
  shorterNameBonus: string
  /** Bit i: the attributes contain attributeSynonyms[i]'s. */
  attributeSynonyms: number
}

/** A point on the unit sphere (the query's earth_point_of, as the database computes it). */
export type EarthPoint = [number, number, number]

/** Filters the index answers; any other present makes it decline. */
const supportedFilters = new Set(['q', 'textMode', 'near', 'categories', 'statuses', 'hasOpeningHours', 'crs'])

// Bigram signatures: 512 bits a facility of the bigrams (UTF-16 pairs, spaces included) of its
// search text. A LIKE pattern's literal text can only be in a text that has all its bigrams, so a
// text search tests a few words per facility before comparing any string.
const signatureWords = 16
const bigramBit = (a: number, b: number) => (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 23

function signatureOf(text: string, into: Uint32Array, offset: number) {
  into.fill(0, offset, offset + signatureWords)
  for (let i = 0; i + 1 < text.length; i += 1) {
    const bit = bigramBit(text.charCodeAt(i), text.charCodeAt(i + 1))
    const word = offset + (bit >>> 5)
    into[word] = (into[word] as number) | (1 << (bit & 31))
  }
}

/** The (word, mask) pairs a facility's signature must have for the text to be in its search text. */
function requiredBits(text: string): [number, number][] {
  const words = new Map<number, number>()
  for (let i = 0; i + 1 < text.length; i += 1) {
    const bit = bigramBit(text.charCodeAt(i), text.charCodeAt(i + 1))
    words.set(bit >>> 5, (words.get(bit >>> 5) ?? 0) | (1 << (bit & 31)))
  }
  return [...words]
}

/**
 * Grid cells of 0.002° (about 220 m), for the facilities near a point: small enough that a cell
 * of a dense town centre holds tens of facilities, not thousands.
 */
const cellDegrees = 0.002
const cellKey = (row: number, column: number) => (row + 50_000) * 200_000 + (column + 100_000)
const cellOf = (latitude: number, longitude: number) => cellKey(Math.floor(latitude / cellDegrees), Math.floor(longitude / cellDegrees))

const serviceCategory = new Set<string>(serviceCategories)
const idAfter = (id: string, after: string) => id > after

/** A query as the index evaluates it. */
interface Plan {
  text?: {
    /** normalizeSearch(q) */
    q: string
    /** One or two characters: matched as a whole word. */
    short: boolean
    /** What a facility's text must contain (the LIKE pattern's literal), and its bigrams. */
    match: string
    matchBits: [number, number][]
    /** The top relevance band's condition: the text starts a word (long) or the name (short). */
    top: string
    topBits: [number, number][]
    synonymCategories?: ReadonlySet<string>
    synonymAttributeBits: number
  }
  near?: { point: EarthPoint; chord: number; latitude: number; longitude: number; radius: number }
  categories?: ReadonlySet<string>
  statuses?: ReadonlySet<string>
  hasOpeningHours: boolean
}

interface Candidate {
  facility: IndexedFacility
  chord: number | null
}

export class FacilityIndex {
  private slots: (IndexedFacility | undefined)[] = []
  private readonly slotOf = new Map<string, number>()
  private readonly freeSlots: number[] = []
  private signatures = new Uint32Array(signatureWords * 1024)
  private readonly cells = new Map<number, Set<number>>()
  /**
   * Slots by the first three characters (UTF-16 units) of each word of their search text, and by
   * the first one to four of the name (its first word): the top relevance band's candidates.
   * Entries of a facility since removed stay until there are many (a lookup checks each anyway).
   */
  private wordStarts = new Map<string, number[]>()
  private nameStarts = new Map<string, number[]>()
  private postings = 0
  /** Marks of the slots seen by one lookup (`stamp` is the lookup's). */
  private seen = new Int32Array(0)
  private stamp = 0
  private stalePostings = 0
  /** Slots in id order (uuid order is the order of their lower-case text); rebuilt after writes. */
  private idOrder: number[] | undefined = []
  /** Facilities whose tie-break text the relevance score cannot read (never seen): relevance goes to SQL. */
  private oddBonuses = 0

  get size() {
    return this.slotOf.size
  }

  /** Adds or replaces a facility. */
  put(facility: IndexedFacility) {
    this.remove(facility.id)
    const slot = this.freeSlots.pop() ?? this.slots.length
    this.slots[slot] = facility
    this.slotOf.set(facility.id, slot)
    if ((slot + 1) * signatureWords > this.signatures.length) {
      const grown = new Uint32Array(this.signatures.length * 2)
      grown.set(this.signatures)
      this.signatures = grown
    }
    signatureOf(facility.searchText, this.signatures, slot * signatureWords)
    this.addStarts(slot, facility)
    if (facility.latitude !== null && facility.longitude !== null) {
      const cell = cellOf(facility.latitude, facility.longitude)
      const members = this.cells.get(cell)
      if (members === undefined) this.cells.set(cell, new Set([slot]))
      else members.add(slot)
    }
    if (!/^0\.0\d*$/.test(facility.shorterNameBonus)) this.oddBonuses += 1
    // Appended in id order (the build streams so), the order stays valid.
    const order = this.idOrder
    const last = order?.at(-1)
    if (order !== undefined && (last === undefined || (this.slots[last] as IndexedFacility).id < facility.id)) order.push(slot)
    else this.idOrder = undefined
    this.rank = undefined
  }

  /** Removes a facility (deleted), if the index has it. */
  remove(id: string) {
    const slot = this.slotOf.get(id)
    if (slot === undefined) return
    const facility = this.slots[slot] as IndexedFacility
    if (facility.latitude !== null && facility.longitude !== null) {
      this.cells.get(cellOf(facility.latitude, facility.longitude))?.delete(slot)
    }
    if (!/^0\.0\d*$/.test(facility.shorterNameBonus)) this.oddBonuses -= 1
    this.slots[slot] = undefined
    this.slotOf.delete(id)
    this.freeSlots.push(slot)
    this.idOrder = undefined
    this.rank = undefined
    this.stalePostings += this.startsOf(facility).length
    if (this.stalePostings > 100_000 && this.stalePostings * 3 > this.postings) this.rebuildStarts()
  }

  private startsOf(facility: IndexedFacility): [Map<string, number[]>, string][] {
    const [, name = '', ...rest] = facility.searchText.split(' ')
    // A word shorter than three units cannot start a text of three characters (the Chinese
    // character words are most of the words, and none is needed here).
    const keys = new Set<string>([name, ...rest].filter((word) => word.length >= 3).map((word) => word.slice(0, 3)))
    const starts: [Map<string, number[]>, string][] = [...keys].map((key) => [this.wordStarts, key])
    for (const length of [1, 2, 3, 4]) if (name.length >= length) starts.push([this.nameStarts, name.slice(0, length)])
    return starts
  }

  private addStarts(slot: number, facility: IndexedFacility) {
    for (const [map, key] of this.startsOf(facility)) {
      const slots = map.get(key)
      if (slots === undefined) map.set(key, [slot])
      else slots.push(slot)
      this.postings += 1
    }
  }

  private rebuildStarts() {
    this.wordStarts = new Map()
    this.nameStarts = new Map()
    this.postings = 0
    this.stalePostings = 0
    for (const slot of this.slotOf.values()) this.addStarts(slot, this.slots[slot] as IndexedFacility)
  }

  /** The top band's candidates (each once): slots with a word (long text) or the name (short) starting as the text does. */
  private topCandidates(text: NonNullable<Plan['text']>): number[] {
    const slots = text.short ? this.nameStarts.get(text.q) : this.wordStarts.get(text.q.slice(0, 3))
    if (slots === undefined) return []
    // Each slot once (a replaced facility's old entries may repeat it), bigrams checked first.
    this.stamp += 1
    if (this.seen.length < this.slots.length) this.seen = new Int32Array(this.slots.length * 2)
    const found: number[] = []
    for (const slot of slots) {
      if (this.seen[slot] === this.stamp || this.slots[slot] === undefined || !this.hasBits(slot, text.topBits)) continue
      this.seen[slot] = this.stamp
      found.push(slot)
    }
    return found
  }

  /** Each slot's position in id order. */
  private rank: Int32Array | undefined

  private rankOf(): Int32Array {
    if (this.rank === undefined) {
      const rank = new Int32Array(this.slots.length)
      for (const [position, slot] of this.inIdOrder().entries()) rank[slot] = position
      this.rank = rank
    }
    return this.rank
  }

  /** Slots sorted in id order. */
  private sortedById(slots: number[]): number[] {
    const rank = this.rankOf()
    return slots.sort((a, b) => (rank[a] as number) - (rank[b] as number))
  }

  private inIdOrder(): number[] {
    this.idOrder ??= [...this.slotOf.values()].sort((a, b) => {
      const x = (this.slots[a] as IndexedFacility).id
      const y = (this.slots[b] as IndexedFacility).id
      return x < y ? -1 : x > y ? 1 : 0
    })
    return this.idOrder
  }

  /**
   * Whether this index answers a search of these filters and sort; `point` is the database's
   * earth_point_of the `near` point (computed there: its trigonometry and this engine's differ in
   * the last bit for a few points in a hundred).
   */
  supports(filters: SearchFilters, sort: Sort): boolean {
    for (const [key, value] of Object.entries(filters)) if (value !== undefined && !supportedFilters.has(key)) return false
    if (filters.textMode === 'fuzzy') return false
    if (filters.q !== undefined && normalizeSearch(filters.q) === '') return false
    switch (sort) {
      case 'created':
        return true
      case 'distance':
        return filters.near !== undefined
      case 'relevance':
        return filters.q !== undefined && this.oddBonuses === 0
      default:
        return false
    }
  }

  private plan(filters: SearchFilters, point: EarthPoint | undefined): Plan {
    const plan: Plan = { hasOpeningHours: filters.hasOpeningHours === true }
    if (filters.q !== undefined) {
      const q = normalizeSearch(filters.q)
      const short = [...q].length < 3
      const match = short ? ` ${q} ` : q
      const top = ` ${q}`
      const synonym = synonymOf(q)
      let synonymAttributeBits = 0
      for (const [i, attributeSynonym] of attributeSynonyms.entries()) if (attributeSynonym === synonym) synonymAttributeBits |= 1 << i
      plan.text = {
        q,
        short,
        match,
        matchBits: requiredBits(match),
        top,
        topBits: requiredBits(top),
        synonymCategories: synonym?.categories === undefined ? undefined : new Set(synonym.categories),
        synonymAttributeBits,
      }
    }
    if (filters.near !== undefined) {
      if (point === undefined) throw new Error('a search near a point needs its earth point')
      const { lat, lng, radius } = filters.near
      plan.near = { point, chord: chordOfMeters(radius), latitude: lat, longitude: lng, radius }
    }
    if (filters.categories !== undefined) plan.categories = new Set(filters.categories)
    if (filters.statuses !== undefined) plan.statuses = new Set(filters.statuses)
    return plan
  }

  /** The slots whose signatures have the bits: one pass over the signatures, no facility read. */
  private withBits(bits: [number, number][]): number[] {
    const found: number[] = []
    const signatures = this.signatures
    const end = this.slots.length
    const [first, ...rest] = bits
    if (first === undefined) return [...this.slotOf.values()]
    const [firstWord, firstMask] = first
    next: for (let slot = 0; slot < end; slot += 1) {
      const base = slot * signatureWords
      if (((signatures[base + firstWord] as number) & firstMask) !== firstMask) continue
      for (const [word, mask] of rest) if (((signatures[base + word] as number) & mask) !== mask) continue next
      if (this.slots[slot] !== undefined) found.push(slot)
    }
    return found
  }

  private hasBits(slot: number, bits: [number, number][]): boolean {
    const base = slot * signatureWords
    for (const [word, mask] of bits) if (((this.signatures[base + word] as number) & mask) !== mask) return false
    return true
  }

  /** Every condition but nearness (which the candidates were chosen by). */
  private matches(slot: number, facility: IndexedFacility, plan: Plan): boolean {
    if (plan.categories !== undefined && !plan.categories.has(facility.category)) return false
    if (plan.statuses !== undefined && !plan.statuses.has(facility.status)) return false
    if (plan.hasOpeningHours && !facility.hasOpeningHours) return false
    const text = plan.text
    if (text === undefined) return true
    if (this.hasBits(slot, text.matchBits) && facility.searchText.includes(text.match)) return true
    return (
      text.synonymCategories?.has(facility.category) === true ||
      (text.synonymAttributeBits !== 0 && (facility.attributeSynonyms & text.synonymAttributeBits) !== 0)
    )
  }

  private inTopBand(slot: number, facility: IndexedFacility, plan: Plan): boolean {
    const text = plan.text as NonNullable<Plan['text']>
    if (!this.hasBits(slot, text.topBits)) return false
    return text.short ? facility.searchText.startsWith(text.top) : facility.searchText.includes(text.top)
  }

  /**
   * The facilities within the circle (earth_point in the cube around it and its chord within the
   * radius's, as the SQL asks), with their chords; undefined without `near`.
   */
  private nearCandidates(plan: Plan): Map<number, number> | undefined {
    const near = plan.near
    if (near === undefined) return undefined
    const [qx, qy, qz] = near.point
    const { chord } = near
    const found = new Map<number, number>()
    const consider = (slot: number) => {
      const point = (this.slots[slot] as IndexedFacility).point
      if (point === null) return
      const [x, y, z] = point
      if (x < qx - chord || x > qx + chord || y < qy - chord || y > qy + chord || z < qz - chord || z > qz + chord) return
      const dx = x - qx
      const dy = y - qy
      const dz = z - qz
      const distance = Math.sqrt(dx * dx + dy * dy + dz * dz)
      if (distance <= chord) found.set(slot, distance)
    }
    const reach = this.reachOf(near)
    if (reach === undefined) {
      for (const slot of this.slotOf.values()) consider(slot)
      return found
    }
    for (let row = reach.south; row <= reach.north; row += 1) {
      for (let column = reach.west; column <= reach.east; column += 1) {
        const members = this.cells.get(cellKey(row, column))
        if (members !== undefined) for (const slot of members) consider(slot)
      }
    }
    return found
  }

  /**
   * The first `wanted` matches within the circle that `accept` takes, nearest first (then by id):
   * the grid's cells ring by ring from the centre, until no cell of the next ring can hold
   * anything nearer than the last of them.
   */
  private nearest(plan: Plan, accept: (facility: IndexedFacility, chord: number) => boolean, wanted: number): Candidate[] {
    const near = plan.near as NonNullable<Plan['near']>
    const [qx, qy, qz] = near.point
    const { chord } = near
    const best: Candidate[] = []
    if (wanted <= 0) return best
    const order = (a: Candidate, b: Candidate) => (a.chord as number) - (b.chord as number) || (a.facility.id < b.facility.id ? -1 : 1)
    const consider = (slot: number) => {
      const facility = this.slots[slot] as IndexedFacility
      const point = facility.point
      if (point === null) return
      const x = point[0]
      const y = point[1]
      const z = point[2]
      if (x < qx - chord || x > qx + chord || y < qy - chord || y > qy + chord || z < qz - chord || z > qz + chord) return
      const dx = x - qx
      const dy = y - qy
      const dz = z - qz
      const distance = Math.sqrt(dx * dx + dy * dy + dz * dz)
      if (distance > chord || !accept(facility, distance) || !this.matches(slot, facility, plan)) return
      const worst = best[wanted - 1]
      const candidate = { facility, chord: distance }
      if (best.length === wanted && worst !== undefined && order(candidate, worst) >= 0) return
      best.push(candidate)
      best.sort(order)
      if (best.length > wanted) best.pop()
    }
    const reach = this.reachOf(near)
    if (reach === undefined) {
      for (const slot of this.slotOf.values()) consider(slot)
      return best
    }
    const row = Math.floor(near.latitude / cellDegrees)
    const column = Math.floor(near.longitude / cellDegrees)
    const rings = Math.max(row - reach.south, reach.north - row, column - reach.west, reach.east - column)
    // A point k rings out is k - 1 cells away in latitude or longitude: its chord is at least
    // 2·cos(φmax)·sin(Δ/2) (haversine), φmax the largest latitude within reach.
    const cosMax = Math.cos(((Math.abs(near.latitude) + reach.latitudeDegrees) * Math.PI) / 180)
    const visit = (r: number, c: number) => {
      if (r < reach.south || r > reach.north || c < reach.west || c > reach.east) return
      const members = this.cells.get(cellKey(r, c))
      if (members !== undefined) for (const slot of members) consider(slot)
    }
    for (let k = 0; k <= rings; k += 1) {
      const last = best[wanted - 1]
      if (k > 0 && last !== undefined) {
        const lower = 2 * cosMax * Math.sin(((k - 1) * cellDegrees * Math.PI) / 180 / 2) * (1 - 1e-9)
        if (lower > (last.chord as number)) break
      }
      if (k === 0) visit(row, column)
      for (let c = column - k; c <= column + k && k > 0; c += 1) {
        visit(row - k, c)
        visit(row + k, c)
      }
      for (let r = row - k + 1; r <= row + k - 1 && k > 0; r += 1) {
        visit(r, column - k)
        visit(r, column + k)
      }
    }
    return best
  }

  /** The grid rows and columns the circle can reach, with a margin; undefined near a pole or the antimeridian. */
  private reachOf(near: NonNullable<Plan['near']>) {
    const angle = (near.radius / earthRadiusMeters) * 1.01 + 1e-9
    const latitudeDegrees = (angle * 180) / Math.PI
    const sinReach = Math.sin(angle) / Math.cos((near.latitude * Math.PI) / 180)
    const longitudeDegrees = sinReach >= 1 ? 360 : ((Math.asin(sinReach) * 180) / Math.PI) * 1.01
    const south = near.latitude - latitudeDegrees
    const north = near.latitude + latitudeDegrees
    const west = near.longitude - longitudeDegrees
    const east = near.longitude + longitudeDegrees
    if (south < -89 || north > 89 || west < -180 || east > 180) return undefined
    return {
      latitudeDegrees,
      south: Math.floor(south / cellDegrees),
      north: Math.floor(north / cellDegrees),
      west: Math.floor(west / cellDegrees),
      east: Math.floor(east / cellDegrees),
    }
  }

  /** Sort key order as the SQL's: by value (descending or not), then id; keyset "after" as afterSql. */
  private static after(value: number | null, id: string, after: SortKey | undefined, descending: boolean): boolean {
    if (after === undefined) return true
    const [last, lastId] = after
    if (last === null) return value === null && idAfter(id, lastId)
    if (value === null) return true
    const lastValue = Number(last)
    return (descending ? value < lastValue : value > lastValue) || (value === lastValue && idAfter(id, lastId))
  }

  /**
   * A page of hits as searchFacilities (search/query.ts) answers it, for a search `supports`
   * accepted; `point` is earth_point_of(near) as the database computes it.
   */
  search(filters: SearchFilters, options: { sort: Sort; limit: number; after?: SortKey }, point?: EarthPoint): IndexedHit[] {
    const plan = this.plan(filters, point)
    // Nearest first reads the circle from its centre outwards; other sorts read all of it.
    const near = options.sort === 'distance' ? undefined : this.nearCandidates(plan)
    const distanceOf = (chord: number | null | undefined) =>
      chord == null ? null : Math.round(2 * earthRadiusMeters * Math.asin(Math.min(chord / 2, 1)))
    const hit = (candidate: Candidate, key: SortKey): IndexedHit => ({
      id: candidate.facility.id,
      key,
      distanceMeters: distanceOf(candidate.chord),
    })
    /** The matching facilities among `slots`, in that order, until `wanted` pass `accept`. */
    const collect = (slots: Iterable<number>, accept: (slot: number, facility: IndexedFacility) => boolean, wanted: number) => {
      const found: Candidate[] = []
      if (wanted <= 0) return found
      for (const slot of slots) {
        const facility = this.slots[slot] as IndexedFacility
        if (!accept(slot, facility) || !this.matches(slot, facility, plan)) continue
        found.push({ facility, chord: near?.get(slot) ?? null })
        if (found.length === wanted) break
      }
      return found
    }
    /** The candidate slots in id order: the circle's, or all. */
    const inIdOrder = (): Iterable<number> => (near === undefined ? this.inIdOrder() : this.sortedById([...near.keys()]))
    const { limit, after } = options

    if (options.sort === 'created') {
      // The sort value is NULL for every row: after a cursor means after its id (afterSql).
      return collect(inIdOrder(), (_, facility) => FacilityIndex.after(null, facility.id, after, false), limit).map((c) =>
        hit(c, [null, c.facility.id]),
      )
    }

    if (options.sort === 'distance') {
      const byDistance = (exact: boolean, bandAfter: SortKey | undefined, wanted: number) =>
        this.nearest(
          plan,
          (facility, chord) => facility.exact === exact && FacilityIndex.after(chord, facility.id, bandAfter, false),
          wanted,
        )
      const inSecondBand = after !== undefined && typeof after[0] === 'number' && after[0] >= approximateBand
      const hits = inSecondBand ? [] : byDistance(true, after, limit).map((c) => hit(c, [c.chord, c.facility.id]))
      const secondAfter: SortKey | undefined = inSecondBand ? [Number(after[0]) - approximateBand, after[1]] : undefined
      for (const c of byDistance(false, secondAfter, limit - hits.length)) {
        hits.push(hit(c, [(c.chord as number) + approximateBand, c.facility.id]))
      }
      return hits
    }

    // Relevance, in two bands as searchFacilities reads them: the top band (the text starts a
    // word, or a short text the name) by score, then every other match in id order.
    const text = plan.text as NonNullable<Plan['text']>
    const bottomScore = text.short ? 3 : 0
    const hits: IndexedHit[] = []
    if (after === undefined || after[0] !== bottomScore) {
      const top = collect(
        near?.keys() ?? this.topCandidates(text),
        (slot, facility) => this.inTopBand(slot, facility, plan),
        Number.POSITIVE_INFINITY,
      )
      const scored = top
        .map((candidate) => ({ candidate, score: relevanceOf(candidate.facility, text.q) }))
        .filter(({ candidate, score }) => FacilityIndex.after(score, candidate.facility.id, after, true))
      const best = smallest(scored, limit, (a, b) => b.score - a.score || (a.candidate.facility.id < b.candidate.facility.id ? -1 : 1))
      for (const { candidate, score } of best) hits.push(hit(candidate, [score, candidate.facility.id]))
    }
    if (hits.length < limit) {
      const afterId = after !== undefined && after[0] === bottomScore ? after[1] : undefined
      // A rare text: its few candidates, sorted; a common one (or a synonym): every facility in
      // id order, until the page is full.
      let slots =
        near === undefined && text.synonymCategories === undefined && text.synonymAttributeBits === 0
          ? this.withBits(text.matchBits)
          : undefined
      slots = slots !== undefined && slots.length <= 5_000 ? this.sortedById(slots) : undefined
      const bottom = collect(
        slots ?? inIdOrder(),
        (slot, facility) => (afterId === undefined || idAfter(facility.id, afterId)) && !this.inTopBand(slot, facility, plan),
        limit - hits.length,
      )
      for (const candidate of bottom) hits.push(hit(candidate, [bottomScore, candidate.facility.id]))
    }
    return hits
  }

  /** Whether anything matches (the text as a substring): what resolveTextMode asks. */
  hasMatch(filters: SearchFilters, point?: EarthPoint): boolean {
    return this.search({ ...filters, textMode: 'substring' }, { sort: 'created', limit: 1 }, point).length > 0
  }
}

/** The first `limit` of `items` in `compare` order, without sorting them all. */
function smallest<T>(items: T[], limit: number, compare: (a: T, b: T) => number): T[] {
  const best: T[] = []
  if (limit <= 0) return best
  for (const item of items) {
    if (best.length === limit && compare(item, best[limit - 1] as T) >= 0) continue
    let low = 0
    let high = best.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compare(best[middle] as T, item) <= 0) low = middle + 1
      else high = middle
    }
    best.splice(low, 0, item)
    if (best.length > limit) best.pop()
  }
  return best
}

/** Scores by their decimal spelling: few distinct ones (steps, half, name length). */
const scores = new Map<string, number>()

/**
 * The relevance score as relevanceSql computes it for a substring match: whole word 2, a word
 * starting with the text 1, the name starting with it 1; a service 0.5; the shorter-name
 * tie-break. PostgreSQL adds these as numeric and converts the sum to float8 from its decimal
 * text, so the sum is spelled out in decimal and read the same way.
 */
export function relevanceOf(facility: IndexedFacility, q: string): number {
  const text = facility.searchText
  const steps = (text.includes(` ${q} `) ? 2 : 0) + (text.includes(` ${q}`) ? 1 : 0) + (text.startsWith(` ${q}`) ? 1 : 0)
  const half = serviceCategory.has(facility.category) ? '5' : '0'
  // shorterNameBonus is "0.0…" (under 0.01): its digits after "0.0" follow the half.
  const spelled = `${steps}.${half}${facility.shorterNameBonus.slice(3)}`
  let score = scores.get(spelled)
  if (score === undefined) {
    score = Number.parseFloat(spelled)
    if (scores.size < 100_000) scores.set(spelled, score)
  }
  return score
}
