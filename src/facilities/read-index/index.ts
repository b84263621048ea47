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
import type { EarthPoint } from '../../domain/geo.js'
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
/**
 * A cell's key, a small integer (a Map hashes it faster than a larger number: a nearby search looks
 * up hundreds of cells, 15–20% of its walk's time). Rows 32,768 cells (65°) apart, or columns 65,536
 * (131°), share a key: what a key lists is always checked for its distance, so they only cost a look.
 */
const cellKey = (row: number, column: number) => ((row & 0x7fff) << 16) | (column & 0xffff)
const cellOf = (latitude: number, longitude: number) => cellKey(Math.floor(latitude / cellDegrees), Math.floor(longitude / cellDegrees))

const serviceCategory = new Set<string>(serviceCategories)
/** A keyset cursor (the last sort key of the page before) as the index compares with it. */
interface Cursor {
  value: number | null
  id: Uint8Array
}
const cursorOf = (key: SortKey | undefined): Cursor | undefined =>
  key === undefined ? undefined : { value: key[0] === null ? null : Number(key[0]), id: parsedUuid(key[1]) }

/** A query as the index evaluates it. */
interface Plan {
  text?: {
    /** normalizeSearch(q) */
    q: string
    /** One or two characters: matched as a whole word. */
    short: boolean
    /** What a facility's text must contain (the LIKE pattern's literal), in UTF-8, and its bigrams. */
    match: Uint8Array
    matchBits: [number, number][]
    /** The top relevance band's condition: the text starts a word (long) or the name (short). */
    top: Uint8Array
    topBits: [number, number][]
    /** ` q `: the text is a whole word (relevance). */
    word: Uint8Array
    synonymCategories?: ReadonlySet<number>
    synonymAttributeBits: number
  }
  near?: { point: EarthPoint; chord: number; latitude: number; longitude: number; radius: number }
  categories?: ReadonlySet<number>
  statuses?: ReadonlySet<number>
  hasOpeningHours: boolean
}

interface Candidate {
  slot: number
  chord: number | null
}
type NearCandidate = Candidate & { chord: number; key: number }

// Bits of FacilityIndex.flags.
const exactFlag = 1
const openingHoursFlag = 2
const locatedFlag = 4
const pointFlag = 8

/**
 * Slots listed under keys (grid cells, word starts): one block of typed arrays for what was there at
 * the last `freeze`, small arrays for what was added since. 100,000 facilities make ~40,000 cells
 * and ~1,000,000 word starts; as a JS array a key they took ~18 MB of heap, in one block ~5 MB.
 * A slot stays listed when its facility is removed or replaced: readers check what they find.
 */
const pairsPerChunk = 32_768

class SlotLists<Key> {
  private readonly buckets = new Map<Key, number>()
  /** Bucket b's slots (b below the buckets at the last freeze) are slots[starts[b]] … slots[starts[b + 1] - 1]. */
  private starts = new Int32Array(1)
  private slots = new Int32Array(0)
  /** Additions since the last freeze, by bucket… */
  private added = new Map<number, number[]>()
  /**
   * …or, in bulk (a build), as (bucket, slot) pairs in chunks of typed arrays: no JS array a key to
   * collect after, nor a grown array's old copies.
   */
  private pairs: Int32Array[] = []
  private pairCount = 0
  bulk = false
  /** Listed slots, stale ones included. */
  size = 0

  add(key: Key, slot: number) {
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      bucket = this.buckets.size
      this.buckets.set(key, bucket)
    }
    this.size += 1
    if (this.bulk) {
      const at = (this.pairCount % pairsPerChunk) * 2
      if (at === 0) this.pairs.push(new Int32Array(pairsPerChunk * 2))
      const chunk = this.pairs.at(-1) as Int32Array
      chunk[at] = bucket
      chunk[at + 1] = slot
      this.pairCount += 1
      return
    }
    const slots = this.added.get(bucket)
    if (slots === undefined) this.added.set(bucket, [slot])
    else slots.push(slot)
  }

  /** Calls `visit` with each slot listed under the key. */
  each(key: Key, visit: (slot: number) => void) {
    const bucket = this.buckets.get(key)
    if (bucket === undefined) return
    if (bucket + 1 < this.starts.length) {
      const end = this.starts[bucket + 1] as number
      for (let i = this.starts[bucket] as number; i < end; i += 1) visit(this.slots[i] as number)
    }
    const added = this.added.get(bucket)
    if (added !== undefined) for (const slot of added) visit(slot)
    // A build's pairs are read only if something searches before it is frozen.
    this.eachPair((pairBucket, slot) => {
      if (pairBucket === bucket) visit(slot)
    })
  }

  private eachPair(visit: (bucket: number, slot: number) => void) {
    for (let i = 0; i < this.pairCount; i += 1) {
      const chunk = this.pairs[Math.floor(i / pairsPerChunk)] as Int32Array
      const at = (i % pairsPerChunk) * 2
      visit(chunk[at] as number, chunk[at + 1] as number)
    }
  }

  /** Moves what was added into the block, and ends a bulk. */
  freeze() {
    const frozen = this.starts.length - 1
    // Each bucket's count at its successor's place, then their running sums: where each starts.
    const starts = new Int32Array(this.buckets.size + 1)
    const count = (bucket: number, n: number) => {
      starts[bucket + 1] = (starts[bucket + 1] as number) + n
    }
    for (let bucket = 0; bucket < frozen; bucket += 1) count(bucket, (this.starts[bucket + 1] as number) - (this.starts[bucket] as number))
    this.eachPair((bucket) => count(bucket, 1))
    for (const [bucket, added] of this.added) count(bucket, added.length)
    for (let bucket = 0; bucket < this.buckets.size; bucket += 1) count(bucket, starts[bucket] as number)
    const slots = new Int32Array(starts[this.buckets.size] as number)
    const next = starts.slice(0, -1)
    const put = (bucket: number, slot: number) => {
      const at = next[bucket] as number
      slots[at] = slot
      next[bucket] = at + 1
    }
    for (let bucket = 0; bucket < frozen; bucket += 1) {
      for (let i = this.starts[bucket] as number; i < (this.starts[bucket + 1] as number); i += 1) put(bucket, this.slots[i] as number)
    }
    this.eachPair(put)
    for (const [bucket, added] of this.added) for (const slot of added) put(bucket, slot)
    this.starts = starts
    this.slots = slots
    this.added = new Map()
    this.pairs = []
    this.pairCount = 0
    this.bulk = false
  }
}

/** Hex digit values by character code (-1: not one). */
const hexValue = new Int8Array(128).fill(-1)
for (const [i, digit] of [...'0123456789abcdef'].entries()) {
  hexValue[digit.charCodeAt(0)] = i
  hexValue[digit.toUpperCase().charCodeAt(0)] = i
}
const hexCodes = [...'0123456789abcdef'].map((digit) => digit.charCodeAt(0))

/** A UUID's 16 bytes (in either case, as PostgreSQL reads it); false if it is not one. */
function uuidBytes(id: string, into: Uint8Array, at = 0): boolean {
  if (id.length !== 36) return false
  let byte = 0
  for (let i = 0; i < 36; i += 1) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== 45) return false
      continue
    }
    const high = hexValue[id.charCodeAt(i)] ?? -1
    const low = hexValue[id.charCodeAt(i + 1)] ?? -1
    if (high < 0 || low < 0) return false
    into[at + byte] = high * 16 + low
    byte += 1
    i += 1
  }
  return true
}

/** A UUID's 16 bytes, for comparing slots' ids with it. */
function parsedUuid(id: string): Uint8Array {
  const bytes = new Uint8Array(16)
  if (!uuidBytes(id, bytes)) throw new Error(`not a UUID: ${id}`)
  return bytes
}

/**
 * The facilities' ids, 16 bytes a slot, found by an open-addressing hash table: as strings in a
 * Map, 100,000 ids took ~10 MB of heap, here ~3 MB outside it. Bytes compare as PostgreSQL orders
 * uuids (and as their lower-case text sorts).
 */
class IdTable {
  private bytes = new Uint8Array(0)
  private live = new Uint8Array(0)
  /** slot + 1 at the position the slot's id hashes to (or after it: linear probing); 0 is empty. */
  private table = new Int32Array(0)
  private readonly scratch = new Uint8Array(16)
  size = 0
  /** Slots ever used: every live slot is below it. */
  length = 0

  resize(capacity: number) {
    const bytes = new Uint8Array(capacity * 16)
    bytes.set(this.bytes.subarray(0, Math.min(this.bytes.length, bytes.length)))
    this.bytes = bytes
    const live = new Uint8Array(capacity)
    live.set(this.live.subarray(0, Math.min(this.live.length, capacity)))
    this.live = live
    let positions = 1024
    while (positions < capacity * 2) positions *= 2
    if (positions === this.table.length) return
    this.table = new Int32Array(positions)
    for (let slot = 0; slot < this.length; slot += 1) if (this.live[slot] === 1) this.place(slot)
  }

  private home(bytes: Uint8Array, at: number): number {
    // The last four bytes are random in UUIDs of versions 4 and 7.
    const word =
      ((bytes[at + 12] as number) << 24) |
      ((bytes[at + 13] as number) << 16) |
      ((bytes[at + 14] as number) << 8) |
      (bytes[at + 15] as number)
    return (Math.imul(word, 0x9e3779b1) >>> 0) & (this.table.length - 1)
  }

  private place(slot: number) {
    const mask = this.table.length - 1
    let position = this.home(this.bytes, slot * 16)
    while (this.table[position] !== 0) position = (position + 1) & mask
    this.table[position] = slot + 1
  }

  private equal(slot: number, bytes: Uint8Array, at: number): boolean {
    const base = slot * 16
    for (let i = 0; i < 16; i += 1) if (this.bytes[base + i] !== bytes[at + i]) return false
    return true
  }

  /** Where the id's entry is in the table, or -1. */
  private positionOf(bytes: Uint8Array, at: number): number {
    if (this.table.length === 0) return -1
    const mask = this.table.length - 1
    for (let position = this.home(bytes, at); ; position = (position + 1) & mask) {
      const entry = this.table[position] as number
      if (entry === 0) return -1
      if (this.equal(entry - 1, bytes, at)) return position
    }
  }

  slotOf(id: string): number | undefined {
    if (!uuidBytes(id, this.scratch)) return undefined
    const position = this.positionOf(this.scratch, 0)
    return position < 0 ? undefined : (this.table[position] as number) - 1
  }

  /** Gives the slot (free, within the capacity) this id. */
  set(slot: number, id: string) {
    if (!uuidBytes(id, this.bytes, slot * 16)) throw new Error(`not a UUID: ${id}`)
    this.live[slot] = 1
    this.place(slot)
    this.size += 1
    if (slot >= this.length) this.length = slot + 1
  }

  /** Frees the slot: its entry leaves the table, and the entries after it move back where a lookup finds them. */
  delete(slot: number) {
    const mask = this.table.length - 1
    let hole = this.positionOf(this.bytes, slot * 16)
    this.table[hole] = 0
    for (let position = (hole + 1) & mask; this.table[position] !== 0; position = (position + 1) & mask) {
      const entry = this.table[position] as number
      const home = this.home(this.bytes, (entry - 1) * 16)
      // The entry stays unless the hole lies between its home and here (cyclically): then it moves into it.
      const stays = hole <= position ? home > hole && home <= position : home > hole || home <= position
      if (stays) continue
      this.table[hole] = entry
      this.table[position] = 0
      hole = position
    }
    this.live[slot] = 0
    this.size -= 1
  }

  has(slot: number): boolean {
    return this.live[slot] === 1
  }

  /** The live slots, in slot order. */
  *slots(): Generator<number> {
    for (let slot = 0; slot < this.length; slot += 1) if (this.live[slot] === 1) yield slot
  }

  /** The id as text: one flat string (a string built by `+=` is a rope, flattened again by every Map lookup and serializer). */
  idOf(slot: number): string {
    const codes = this.codes
    let at = 0
    for (let i = 0; i < 16; i += 1) {
      if (i === 4 || i === 6 || i === 8 || i === 10) {
        codes[at] = 45
        at += 1
      }
      const byte = this.bytes[slot * 16 + i] as number
      codes[at] = hexCodes[byte >> 4] as number
      codes[at + 1] = hexCodes[byte & 15] as number
      at += 2
    }
    return String.fromCharCode(...codes)
  }

  private readonly codes = new Array<number>(36).fill(0)

  /** The order of two slots' ids. */
  compare(a: number, b: number): number {
    for (let i = 0; i < 16; i += 1) {
      const difference = (this.bytes[a * 16 + i] as number) - (this.bytes[b * 16 + i] as number)
      if (difference !== 0) return difference
    }
    return 0
  }

  /** The order of a slot's id and another id's bytes. */
  compareWith(slot: number, bytes: Uint8Array): number {
    for (let i = 0; i < 16; i += 1) {
      const difference = (this.bytes[slot * 16 + i] as number) - (bytes[i] as number)
      if (difference !== 0) return difference
    }
    return 0
  }
}

/** The few values a column has (categories, statuses, tie-breaks), each held once and named by its number. */
class Codes {
  private readonly numbers = new Map<string, number>()
  readonly values: string[] = []
  of(value: string): number {
    let code = this.numbers.get(value)
    if (code === undefined) {
      code = this.values.length
      this.numbers.set(value, code)
      this.values.push(value)
    }
    return code
  }
  /** The numbers of those values that have one (a value never seen matches nothing). */
  set(values: readonly string[]): Set<number> {
    return new Set(values.flatMap((value) => this.numbers.get(value) ?? []))
  }
}

const utf8 = (text: string) => Buffer.from(text, 'utf8')

/**
 * The index is held in columns — typed arrays by slot, and one UTF-8 arena of the search texts —
 * rather than an object a facility: 100,000 facilities as objects with their texts as (two-byte,
 * since they hold Chinese) JS strings took ~85 MB of heap, and the collector's time with it.
 */
export class FacilityIndex {
  private capacity = 0
  /** By slot: the facility's id; a free slot has none. */
  private readonly ids = new IdTable()
  private readonly freeSlots: number[] = []
  private signatures = new Uint32Array(0)
  /** Where each slot's search text is in the arena, in bytes. */
  private textStart = new Uint32Array(0)
  private textLength = new Uint32Array(0)
  private arena = Buffer.alloc(0)
  private arenaUsed = 0
  /** Bytes of the arena no slot points to any more (replaced or removed texts). */
  private arenaGarbage = 0
  private category = new Uint8Array(0)
  private status = new Uint8Array(0)
  private flags = new Uint8Array(0)
  private latitude = new Float64Array(0)
  private longitude = new Float64Array(0)
  /** earth_point, three coordinates a slot. */
  private points = new Float64Array(0)
  private bonus = new Uint32Array(0)
  private attributeBits = new Int32Array(0)
  private readonly categories = new Codes()
  private readonly statuses = new Codes()
  private readonly bonuses = new Codes()
  /** By category number: whether it is a service (relevance's half point). */
  private readonly services: boolean[] = []
  /** Located slots by grid cell; `staleCells` of them no longer there. */
  private cells = new SlotLists<number>()
  private staleCells = 0
  /**
   * Slots by the first three characters (UTF-16 units) of each word of their search text, and by
   * the first one to four of the name (its first word): the top relevance band's candidates.
   * Entries of a facility since removed stay until there are many (a lookup checks each anyway).
   */
  private wordStarts = new SlotLists<string>()
  private nameStarts = new SlotLists<string>()
  /** Marks of the slots seen by one lookup (`stamp` is the lookup's). */
  private seen = new Int32Array(0)
  private stamp = 0
  private stalePostings = 0
  /** Slots in id order (uuid order is the order of their lower-case text); rebuilt after writes. */
  private idOrder: number[] | undefined = []
  /** Facilities whose tie-break text the relevance score cannot read (never seen): relevance goes to SQL. */
  private oddBonuses = 0

  get size() {
    return this.ids.size
  }

  // Columns and arena grow by a quarter, not double: at 100,000 facilities doubling left a third
  // of their 50 MB unused, and a copy of them costs a few milliseconds.
  private grow(slots: number) {
    if (slots <= this.capacity) return
    this.resize(Math.max(1024, Math.ceil(this.capacity * 1.25), slots))
  }

  private resize(capacity: number) {
    const grown = <T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(array: T, make: (n: number) => T, width = 1): T => {
      const next = make(capacity * width)
      next.set(array.subarray(0, Math.min(array.length, next.length)))
      return next
    }
    this.signatures = grown(this.signatures, (n) => new Uint32Array(n), signatureWords)
    this.textStart = grown(this.textStart, (n) => new Uint32Array(n))
    this.textLength = grown(this.textLength, (n) => new Uint32Array(n))
    this.category = grown(this.category, (n) => new Uint8Array(n))
    this.status = grown(this.status, (n) => new Uint8Array(n))
    this.flags = grown(this.flags, (n) => new Uint8Array(n))
    this.latitude = grown(this.latitude, (n) => new Float64Array(n))
    this.longitude = grown(this.longitude, (n) => new Float64Array(n))
    this.points = grown(this.points, (n) => new Float64Array(n), 3)
    this.bonus = grown(this.bonus, (n) => new Uint32Array(n))
    this.attributeBits = grown(this.attributeBits, (n) => new Int32Array(n))
    this.ids.resize(capacity)
    this.capacity = capacity
  }

  /** Appends a text to the arena (copying the live ones into a new one when it is full). */
  private store(slot: number, text: string) {
    const length = Buffer.byteLength(text, 'utf8')
    if (this.arenaUsed + length > this.arena.length) this.copyArena(Math.ceil((this.arenaUsed - this.arenaGarbage + length) * 1.25), slot)
    this.arena.write(text, this.arenaUsed, 'utf8')
    this.textStart[slot] = this.arenaUsed
    this.textLength[slot] = length
    this.arenaUsed += length
  }

  /** The live texts (but `skip`'s, being replaced) into a new arena of `size` bytes (1 MB at least). */
  private copyArena(size: number, skip?: number) {
    const next = Buffer.allocUnsafe(Math.max(1 << 20, size))
    let used = 0
    for (const other of this.ids.slots()) {
      if (other === skip) continue
      const start = this.textStart[other] as number
      const end = start + (this.textLength[other] as number)
      this.arena.copy(next, used, start, end)
      this.textStart[other] = used
      used += end - start
    }
    this.arena = next
    this.arenaUsed = used
    this.arenaGarbage = 0
  }

  /**
   * Makes room for this many facilities and bytes of search text, and a little more for the writes
   * that follow: a build that knows its size allocates once, instead of leaving garbage columns and
   * arenas behind it for the collector (the process's peak memory).
   */
  reserve(facilities: number, textBytes: number) {
    const headroom = (n: number) => Math.ceil(n * 1.05) + 64
    this.resize(Math.max(this.capacity, headroom(facilities)))
    this.copyArena(Math.max(this.arena.length, headroom(textBytes)))
    this.startBulk()
  }

  private startBulk() {
    for (const lists of [this.wordStarts, this.nameStarts, this.cells]) lists.bulk = true
  }

  /** After a build: the lists in their compact form. */
  freeze() {
    this.wordStarts.freeze()
    this.nameStarts.freeze()
    this.cells.freeze()
  }

  private textOf(slot: number): string {
    const start = this.textStart[slot] as number
    return this.arena.toString('utf8', start, start + (this.textLength[slot] as number))
  }

  /** Whether the slot's search text contains `needle` (UTF-8 bytes match where the characters do). */
  private contains(slot: number, needle: Uint8Array): boolean {
    const arena = this.arena
    const start = this.textStart[slot] as number
    const last = start + (this.textLength[slot] as number) - needle.length
    const first = needle[0]
    next: for (let at = start; at <= last; at += 1) {
      if (arena[at] !== first) continue
      for (let i = 1; i < needle.length; i += 1) if (arena[at + i] !== needle[i]) continue next
      return true
    }
    return false
  }

  private startsWith(slot: number, needle: Uint8Array): boolean {
    if ((this.textLength[slot] as number) < needle.length) return false
    const start = this.textStart[slot] as number
    for (let i = 0; i < needle.length; i += 1) if (this.arena[start + i] !== needle[i]) return false
    return true
  }

  /** Adds or replaces a facility. */
  put(facility: IndexedFacility) {
    this.remove(facility.id)
    const slot = this.freeSlots.pop() ?? this.ids.length
    this.grow(slot + 1)
    this.ids.set(slot, facility.id)
    signatureOf(facility.searchText, this.signatures, slot * signatureWords)
    this.store(slot, facility.searchText)
    const category = this.categories.of(facility.category)
    this.services[category] = serviceCategory.has(facility.category)
    this.category[slot] = category
    this.status[slot] = this.statuses.of(facility.status)
    const located = facility.latitude !== null && facility.longitude !== null
    this.flags[slot] =
      (facility.exact ? exactFlag : 0) |
      (facility.hasOpeningHours ? openingHoursFlag : 0) |
      (located ? locatedFlag : 0) |
      (facility.point === null ? 0 : pointFlag)
    this.latitude[slot] = facility.latitude ?? 0
    this.longitude[slot] = facility.longitude ?? 0
    if (facility.point !== null) this.points.set(facility.point, slot * 3)
    this.bonus[slot] = this.bonuses.of(facility.shorterNameBonus)
    this.attributeBits[slot] = facility.attributeSynonyms
    this.addStarts(slot, facility.searchText)
    if (located) {
      this.cells.add(cellOf(facility.latitude as number, facility.longitude as number), slot)
    }
    if (!/^0\.0\d*$/.test(facility.shorterNameBonus)) this.oddBonuses += 1
    // Appended in id order (the build streams so), the order stays valid.
    const order = this.idOrder
    const last = order?.at(-1)
    if (order !== undefined && (last === undefined || this.ids.compare(last, slot) < 0)) order.push(slot)
    else this.idOrder = undefined
    this.rank = undefined
  }

  /** Removes a facility (deleted), if the index has it. */
  remove(id: string) {
    const slot = this.ids.slotOf(id)
    if (slot === undefined) return
    if (((this.flags[slot] as number) & locatedFlag) !== 0) this.staleCells += 1
    if (!/^0\.0\d*$/.test(this.bonuses.values[this.bonus[slot] as number] as string)) this.oddBonuses -= 1
    this.stalePostings += this.startsOf(this.textOf(slot)).length
    this.arenaGarbage += this.textLength[slot] as number
    this.ids.delete(slot)
    this.freeSlots.push(slot)
    this.idOrder = undefined
    this.rank = undefined
    // Stale entries cost each lookup a check: when they are many, the lists are made again.
    const postings = this.wordStarts.size + this.nameStarts.size
    if (this.stalePostings > 100_000 && this.stalePostings * 3 > postings) this.relist()
    else if (this.staleCells > 10_000 && this.staleCells * 3 > this.cells.size) this.relist()
  }

  private startsOf(searchText: string): [SlotLists<string>, string][] {
    const [, name = '', ...rest] = searchText.split(' ')
    // A word shorter than three units cannot start a text of three characters (the Chinese
    // character words are most of the words, and none is needed here).
    const keys = new Set<string>([name, ...rest].filter((word) => word.length >= 3).map((word) => word.slice(0, 3)))
    const starts: [SlotLists<string>, string][] = [...keys].map((key) => [this.wordStarts, key])
    for (const length of [1, 2, 3, 4]) if (name.length >= length) starts.push([this.nameStarts, name.slice(0, length)])
    return starts
  }

  private addStarts(slot: number, searchText: string) {
    for (const [lists, key] of this.startsOf(searchText)) lists.add(key, slot)
  }

  /** Lists the live slots again, without the stale entries, and freezes the lists. */
  private relist() {
    this.wordStarts = new SlotLists()
    this.nameStarts = new SlotLists()
    this.cells = new SlotLists()
    this.startBulk()
    this.stalePostings = 0
    this.staleCells = 0
    for (const slot of this.ids.slots()) {
      this.addStarts(slot, this.textOf(slot))
      if (((this.flags[slot] as number) & locatedFlag) !== 0)
        this.cells.add(cellOf(this.latitude[slot] as number, this.longitude[slot] as number), slot)
    }
    this.freeze()
  }

  /** A new mark for `seen`: each slot is taken once per lookup, though stale entries may list it twice. */
  private newStamp() {
    this.stamp += 1
    if (this.seen.length < this.ids.length) this.seen = new Int32Array(this.ids.length * 2)
    return this.stamp
  }

  /** The top band's candidates (each once): slots with a word (long text) or the name (short) starting as the text does. */
  private topCandidates(text: NonNullable<Plan['text']>): number[] {
    const stamp = this.newStamp()
    const found: number[] = []
    // Bigrams checked first.
    const take = (slot: number) => {
      if (this.seen[slot] === stamp || !this.ids.has(slot) || !this.hasBits(slot, text.topBits)) return
      this.seen[slot] = stamp
      found.push(slot)
    }
    if (text.short) this.nameStarts.each(text.q, take)
    else this.wordStarts.each(text.q.slice(0, 3), take)
    return found
  }

  /** Each slot's position in id order. */
  private rank: Int32Array | undefined

  private rankOf(): Int32Array {
    if (this.rank === undefined) {
      const rank = new Int32Array(this.ids.length)
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
    this.idOrder ??= [...this.ids.slots()].sort((a, b) => this.ids.compare(a, b))
    return this.idOrder
  }

  /** Whether this index answers a search of these filters and sort. */
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
        match: utf8(match),
        matchBits: requiredBits(match),
        top: utf8(top),
        topBits: requiredBits(top),
        word: utf8(` ${q} `),
        synonymCategories: synonym?.categories === undefined ? undefined : this.categories.set(synonym.categories),
        synonymAttributeBits,
      }
    }
    if (filters.near !== undefined) {
      if (point === undefined) throw new Error('a search near a point needs its earth point')
      const { lat, lng, radius } = filters.near
      plan.near = { point, chord: chordOfMeters(radius), latitude: lat, longitude: lng, radius }
    }
    if (filters.categories !== undefined) plan.categories = this.categories.set(filters.categories)
    if (filters.statuses !== undefined) plan.statuses = this.statuses.set(filters.statuses)
    return plan
  }

  /** The slots whose signatures have the bits: one pass over the signatures, no facility read. */
  private withBits(bits: [number, number][]): number[] {
    const found: number[] = []
    const signatures = this.signatures
    const end = this.ids.length
    const [first, ...rest] = bits
    if (first === undefined) return [...this.ids.slots()]
    const [firstWord, firstMask] = first
    next: for (let slot = 0; slot < end; slot += 1) {
      const base = slot * signatureWords
      if (((signatures[base + firstWord] as number) & firstMask) !== firstMask) continue
      for (const [word, mask] of rest) if (((signatures[base + word] as number) & mask) !== mask) continue next
      if (this.ids.has(slot)) found.push(slot)
    }
    return found
  }

  private hasBits(slot: number, bits: [number, number][]): boolean {
    const base = slot * signatureWords
    for (const [word, mask] of bits) if (((this.signatures[base + word] as number) & mask) !== mask) return false
    return true
  }

  /** The category and status conditions alone, the cheapest to test: two array reads. */
  private ofKind(slot: number, plan: Plan): boolean {
    return (
      (plan.categories === undefined || plan.categories.has(this.category[slot] as number)) &&
      (plan.statuses === undefined || plan.statuses.has(this.status[slot] as number))
    )
  }

  /** Every condition but nearness (which the candidates were chosen by). */
  private matches(slot: number, plan: Plan): boolean {
    if (!this.ofKind(slot, plan)) return false
    if (plan.hasOpeningHours && ((this.flags[slot] as number) & openingHoursFlag) === 0) return false
    const text = plan.text
    if (text === undefined) return true
    if (this.hasBits(slot, text.matchBits) && this.contains(slot, text.match)) return true
    return (
      text.synonymCategories?.has(this.category[slot] as number) === true ||
      (text.synonymAttributeBits !== 0 && ((this.attributeBits[slot] as number) & text.synonymAttributeBits) !== 0)
    )
  }

  private inTopBand(slot: number, plan: Plan): boolean {
    const text = plan.text as NonNullable<Plan['text']>
    if (!this.hasBits(slot, text.topBits)) return false
    return text.short ? this.startsWith(slot, text.top) : this.contains(slot, text.top)
  }

  /** The chord from the slot's point to the query's when it is in the cube around the circle and within it. */
  private chordWithin(slot: number, near: NonNullable<Plan['near']>): number | undefined {
    if (!this.ids.has(slot) || ((this.flags[slot] as number) & pointFlag) === 0) return undefined
    const [qx, qy, qz] = near.point
    const { chord } = near
    const x = this.points[slot * 3] as number
    const y = this.points[slot * 3 + 1] as number
    const z = this.points[slot * 3 + 2] as number
    if (x < qx - chord || x > qx + chord || y < qy - chord || y > qy + chord || z < qz - chord || z > qz + chord) return undefined
    const dx = x - qx
    const dy = y - qy
    const dz = z - qz
    const distance = Math.sqrt(dx * dx + dy * dy + dz * dz)
    return distance <= chord ? distance : undefined
  }

  /**
   * The facilities within the circle (earth_point in the cube around it and its chord within the
   * radius's, as the SQL asks), with their chords; undefined without `near`.
   */
  private nearCandidates(plan: Plan): Map<number, number> | undefined {
    const near = plan.near
    if (near === undefined) return undefined
    const found = new Map<number, number>()
    const consider = (slot: number) => {
      const distance = this.chordWithin(slot, near)
      if (distance !== undefined) found.set(slot, distance)
    }
    const reach = this.reachOf(near)
    if (reach === undefined) {
      for (const slot of this.ids.slots()) consider(slot)
      return found
    }
    for (let row = reach.south; row <= reach.north; row += 1) {
      for (let column = reach.west; column <= reach.east; column += 1) {
        this.cells.each(cellKey(row, column), consider)
      }
    }
    return found
  }

  /** Nearest first (by sort key: band + chord), then by id. */
  private readonly byKey = (a: NearCandidate, b: NearCandidate) => a.key - b.key || this.ids.compare(a.slot, b.slot)

  /**
   * The first `wanted` matches within the circle that `accept` takes (given the slot and its sort
   * key, `band` + chord), nearest first (then by id): the grid's cells ring by ring from the
   * centre, until no cell of the next ring can hold anything nearer than the last of them.
   */
  private nearest(plan: Plan, accept: (slot: number, key: number) => boolean, wanted: number, band: number): NearCandidate[] {
    const near = plan.near as NonNullable<Plan['near']>
    const best: NearCandidate[] = []
    if (wanted <= 0) return best
    const stamp = this.newStamp()
    const consider = (slot: number) => {
      if (this.seen[slot] === stamp) return
      this.seen[slot] = stamp
      // Most facilities of a circle are of other kinds than the one asked for: no geometry for them.
      if (!this.ofKind(slot, plan)) return
      const distance = this.chordWithin(slot, near)
      if (distance === undefined) return
      const key = band + distance
      if (!accept(slot, key) || !this.matches(slot, plan)) return
      const worst = best[wanted - 1]
      const candidate = { slot, chord: distance, key }
      if (best.length === wanted && worst !== undefined && this.byKey(candidate, worst) >= 0) return
      best.push(candidate)
      best.sort(this.byKey)
      if (best.length > wanted) best.pop()
    }
    const reach = this.reachOf(near)
    if (reach === undefined) {
      for (const slot of this.ids.slots()) consider(slot)
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
      this.cells.each(cellKey(r, c), consider)
    }
    for (let k = 0; k <= rings; k += 1) {
      const last = best[wanted - 1]
      if (k > 0 && last !== undefined) {
        const lower = 2 * cosMax * Math.sin(((k - 1) * cellDegrees * Math.PI) / 180 / 2) * (1 - 1e-9)
        // Adding the band keeps the order (rounding is monotonic): no key further out is below it.
        if (band + lower > last.key) break
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
  private after(value: number | null, slot: number, after: Cursor | undefined, descending: boolean): boolean {
    if (after === undefined) return true
    const { value: last, id } = after
    if (last === null) return value === null && this.ids.compareWith(slot, id) > 0
    if (value === null) return true
    return (descending ? value < last : value > last) || (value === last && this.ids.compareWith(slot, id) > 0)
  }

  /**
   * The relevance score as relevanceSql computes it for a substring match: whole word 2, a word
   * starting with the text 1, the name starting with it 1; a service 0.5; the shorter-name
   * tie-break. PostgreSQL adds these as numeric and converts the sum to float8 from its decimal
   * text, so the sum is spelled out in decimal and read the same way.
   */
  private relevanceOf(slot: number, text: NonNullable<Plan['text']>): number {
    // Scored only in the top band, whose members all contain ` q` (a word starts with the text): that step is 1.
    const steps = (this.contains(slot, text.word) ? 2 : 0) + 1 + (this.startsWith(slot, text.top) ? 1 : 0)
    const half = this.services[this.category[slot] as number] === true ? 1 : 0
    // Few distinct scores (steps, half, tie-break): each read once from its spelling, then kept by number.
    const key = ((this.bonus[slot] as number) * 5 + steps) * 2 + half
    let score = this.scores[key]
    if (score === undefined) {
      // The tie-break is "0.0…" (under 0.01): its digits after "0.0" follow the half.
      score = Number.parseFloat(`${steps}.${half * 5}${(this.bonuses.values[this.bonus[slot] as number] as string).slice(3)}`)
      this.scores[key] = score
    }
    return score
  }

  /** Scores by (tie-break, steps, half), as relevanceOf numbers them. */
  private readonly scores: number[] = []

  /**
   * A page of hits as searchFacilities (search/query.ts) answers it, for a search `supports`
   * accepted; `point` is earthPointOf(near), as the SQL compares with too.
   */
  search(filters: SearchFilters, options: { sort: Sort; limit: number; after?: SortKey }, point?: EarthPoint): IndexedHit[] {
    const plan = this.plan(filters, point)
    // Nearest first reads the circle from its centre outwards; other sorts read all of it.
    const near = options.sort === 'distance' ? undefined : this.nearCandidates(plan)
    const distanceOf = (chord: number | null | undefined) =>
      chord == null ? null : Math.round(2 * earthRadiusMeters * Math.asin(Math.min(chord / 2, 1)))
    const idOf = (candidate: Candidate) => this.ids.idOf(candidate.slot)
    const hit = (candidate: Candidate, key: SortKey): IndexedHit => ({
      id: idOf(candidate),
      key,
      distanceMeters: distanceOf(candidate.chord),
    })
    /** The matching facilities among `slots`, in that order, until `wanted` pass `accept`. */
    const collect = (slots: Iterable<number>, accept: (slot: number) => boolean, wanted: number) => {
      const found: Candidate[] = []
      if (wanted <= 0) return found
      for (const slot of slots) {
        if (!accept(slot) || !this.matches(slot, plan)) continue
        found.push({ slot, chord: near?.get(slot) ?? null })
        if (found.length === wanted) break
      }
      return found
    }
    /** The candidate slots in id order: the circle's, or all. */
    const inIdOrder = (): Iterable<number> => (near === undefined ? this.inIdOrder() : this.sortedById([...near.keys()]))
    const { limit, after } = options

    if (options.sort === 'created') {
      // The sort value is NULL for every row: after a cursor means after its id (afterSql).
      const cursor = cursorOf(after)
      return collect(inIdOrder(), (slot) => this.after(null, slot, cursor, false), limit).map((c) => hit(c, [null, idOf(c)]))
    }

    if (options.sort === 'distance') {
      const cursor = cursorOf(after)
      // The key of an approximate location is approximateBand + its chord, compared as a sum (search/query.ts).
      const byDistance = (exact: boolean, band: number, wanted: number) =>
        this.nearest(
          plan,
          (slot, key) => (((this.flags[slot] as number) & exactFlag) !== 0) === exact && this.after(key, slot, cursor, false),
          wanted,
          band,
        )
      const inSecondBand = after !== undefined && typeof after[0] === 'number' && after[0] >= approximateBand
      const hits = inSecondBand ? [] : byDistance(true, 0, limit).map((c) => hit(c, [c.key, idOf(c)]))
      for (const c of byDistance(false, approximateBand, limit - hits.length)) hits.push(hit(c, [c.key, idOf(c)]))
      return hits
    }

    // Relevance, in two bands as searchFacilities reads them: the top band (the text starts a
    // word, or a short text the name) by score, then every other match in id order.
    const text = plan.text as NonNullable<Plan['text']>
    const bottomScore = text.short ? 3 : 0
    const hits: IndexedHit[] = []
    if (after === undefined || after[0] !== bottomScore) {
      // Every match of the band is scored (a common text has tens of thousands): one pass that
      // keeps the best `limit`, no object a match.
      const cursor = cursorOf(after)
      const best: { slot: number; score: number }[] = []
      const better = (score: number, slot: number, than: { slot: number; score: number }) =>
        score > than.score || (score === than.score && this.ids.compare(slot, than.slot) < 0)
      for (const slot of near?.keys() ?? this.topCandidates(text)) {
        if (!this.inTopBand(slot, plan) || !this.matches(slot, plan)) continue
        const score = this.relevanceOf(slot, text)
        if (!this.after(score, slot, cursor, true)) continue
        const worst = best[limit - 1]
        if (limit <= 0 || (worst !== undefined && !better(score, slot, worst))) continue
        let at = best.length
        while (at > 0 && better(score, slot, best[at - 1] as { slot: number; score: number })) at -= 1
        best.splice(at, 0, { slot, score })
        if (best.length > limit) best.pop()
      }
      for (const { slot, score } of best) hits.push(hit({ slot, chord: near?.get(slot) ?? null }, [score, this.ids.idOf(slot)]))
    }
    if (hits.length < limit) {
      const afterId = after !== undefined && after[0] === bottomScore ? parsedUuid(after[1]) : undefined
      // A rare text: its few candidates, sorted; a common one (or a synonym): every facility in
      // id order, until the page is full.
      let slots =
        near === undefined && text.synonymCategories === undefined && text.synonymAttributeBits === 0
          ? this.withBits(text.matchBits)
          : undefined
      slots = slots !== undefined && slots.length <= 5_000 ? this.sortedById(slots) : undefined
      const bottom = collect(
        slots ?? inIdOrder(),
        (slot) => (afterId === undefined || this.ids.compareWith(slot, afterId) > 0) && !this.inTopBand(slot, plan),
        limit - hits.length,
      )
      for (const candidate of bottom) hits.push(hit(candidate, [bottomScore, idOf(candidate)]))
    }
    return hits
  }

  /** How many facilities match, counted up to cap + 1: what matchCount answers. */
  count(filters: SearchFilters, cap: number, point?: EarthPoint): number {
    // In no order, and no hits made: only how many.
    const plan = this.plan(filters, point)
    let found = 0
    for (const slot of this.nearCandidates(plan)?.keys() ?? this.inIdOrder()) {
      if (!this.matches(slot, plan)) continue
      found += 1
      if (found > cap) break
    }
    return found
  }

  /** Whether anything matches (the text as a substring): what resolveTextMode asks. */
  hasMatch(filters: SearchFilters, point?: EarthPoint): boolean {
    return this.count({ ...filters, textMode: 'substring' }, 0, point) > 0
  }
}
