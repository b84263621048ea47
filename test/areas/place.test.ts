// "Near" a typed place: which street or community a resident's text names, and the approximate
// centre to measure from — its own, or the nearest area above it that has one.
import t from 'tap'
import { findPlace } from '../../src/areas/directory.js'
import type { Area } from '../../src/generated/prisma/client.js'

const at = new Date('2026-11-30T00:00:00Z')
const area = (
  id: string,
  level: Area['level'],
  nameZh: string,
  nameEn: string,
  parentId: string | null,
  centre?: [number, number],
): Area => ({
  id,
  level,
  nameZh,
  nameEn,
  parentId,
  facts: [],
  centreLat: centre?.[0] ?? null,
  centreLng: centre?.[1] ?? null,
  createdAt: at,
  updatedAt: at,
})

const areas = [
  area('shenzhen', 'city', '深圳市', 'Shenzhen', null),
  area('longgang', 'district', '龙岗区', 'Longgang District', 'shenzhen'),
  area('pinghu', 'street', '平湖街道', 'Pinghu Subdistrict', 'longgang', [22.6866, 114.124]),
  area('pinghu-community', 'community', '平湖社区', 'Pinghu Community', 'pinghu'),
  area('hehua', 'community', '禾花社区', 'Hehua Community', 'pinghu'),
  area('shanxia', 'community', '山厦社区', 'Shanxia Community', 'pinghu', [22.7, 114.13]),
]

const found = (text: string) => {
  const place = findPlace(areas, text)
  return place === null ? null : { area: place.area.id, centreOf: place.centreOf.id, centre: place.centre }
}

t.test('a community by any of its names, with the centre of the nearest area that has one', async (t) => {
  const hehua = { area: 'hehua', centreOf: 'pinghu', centre: { lat: 22.6866, lng: 114.124 } }
  for (const text of ['禾花社区', '禾花', ' 禾花 ', 'hehua', 'Hehua Community', 'HEHUA', '禾花社区居委会']) t.same(found(text), hehua, text)
  t.same(found('山厦'), { area: 'shanxia', centreOf: 'shanxia', centre: { lat: 22.7, lng: 114.13 } }, 'its own centre when it has one')
})

t.test('平湖 is the community before the street; the street by its full name', async (t) => {
  t.equal(found('平湖')?.area, 'pinghu-community')
  t.equal(found('平湖社区')?.area, 'pinghu-community')
  t.equal(found('平湖街道')?.area, 'pinghu')
  t.equal(found('Pinghu Subdistrict')?.area, 'pinghu')
})

t.test('nothing for what names no street or community, or has no centre above it', async (t) => {
  for (const text of ['', '社区', 'Atlantis', '龙岗区', '深圳', '华']) t.equal(found(text), null, JSON.stringify(text))
  const orphan = [area('lonely', 'community', '孤岛社区', 'Lonely Community', null)]
  t.equal(findPlace(orphan, '孤岛'), null)
})
