// HSDS wants a UUID for every object, and Linli has one row (a facility) where HSDS has four
// (organization, service, location, service-at-location) plus schedules, accessibility entries and
// taxonomy terms. Their ids are name-based UUIDs (RFC 9562 version 5) of the facility id and the
// role, so they are stable across requests and servers without being stored anywhere.
import { createHash } from 'node:crypto'

/** The namespace of Linli's HSDS ids (a random v4 UUID, fixed forever). */
const namespace = Buffer.from('6f0b8d3e2c4a4f7e9b1d5a8c3e7f2b10', 'hex')

export function nameUuid(name: string): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest()
  const bytes = hash.subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The service is the facility itself: its id is the facility id. */
export const hsdsIds = {
  service: (facilityId: string) => facilityId,
  organization: (facilityId: string) => nameUuid(`facility/${facilityId}/organization`),
  location: (facilityId: string) => nameUuid(`facility/${facilityId}/location`),
  serviceAtLocation: (facilityId: string) => nameUuid(`facility/${facilityId}/service_at_location`),
  schedule: (facilityId: string, index: number) => nameUuid(`facility/${facilityId}/schedule/${index}`),
  phone: (facilityId: string) => nameUuid(`facility/${facilityId}/phone`),
  accessibility: (facilityId: string, feature: string) => nameUuid(`facility/${facilityId}/accessibility/${feature}`),
  attribute: (facilityId: string, termCode: string) => nameUuid(`facility/${facilityId}/attribute/${termCode}`),
  taxonomy: () => nameUuid('taxonomy/linli-category'),
  taxonomyTerm: (code: string) => nameUuid(`taxonomy/linli-category/${code}`),
}
