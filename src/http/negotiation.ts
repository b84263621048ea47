// Content negotiation (RFC 9110 §12): the ranges an Accept or Accept-Language header lists, with
// their q-values, read one way for both.

export interface WeightedRange {
  /** The media range or language tag, lower-cased. */
  range: string
  q: number
  /** Position in the header, to break ties the way the client listed them. */
  index: number
}

/** The comma-separated entries of an Accept-like header with their q-values (1 when not given). */
export function weightedRanges(header: string): WeightedRange[] {
  return header.split(',').map((part, index) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
    return { range: range.trim(), q: q === undefined ? 1 : Number(q), index }
  })
}

/**
 * The offered media type the client prefers: each offer gets the quality of the most specific
 * range that matches it; the highest wins, ties going to the order of the offers. Undefined when
 * the client accepts none of them. No header (or an empty one) accepts the first offer.
 */
export function negotiateMediaType<Offer extends string>(accept: string | undefined, offers: readonly Offer[]): Offer | undefined {
  if (accept === undefined || accept.trim() === '') return offers[0]
  const ranges = weightedRanges(accept)
  let best: { offer: Offer; q: number } | undefined
  for (const offer of offers) {
    const [major] = offer.split('/')
    const match =
      ranges.find((r) => r.range === offer) ?? ranges.find((r) => r.range === `${major}/*`) ?? ranges.find((r) => r.range === '*/*')
    if (match !== undefined && match.q > 0 && (best === undefined || match.q > best.q)) best = { offer, q: match.q }
  }
  return best?.offer
}
