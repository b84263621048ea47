// Every facility has a category; the category decides which status lifecycle it follows.
import type { FacilityCategory } from '../generated/prisma/enums.js'

export type FacilityKind = 'service' | 'project'

/** Services are places people use; projects are infrastructure being planned or built. */
export const kindOfCategory: Record<FacilityCategory, FacilityKind> = {
  hospital: 'service',
  school: 'service',
  kindergarten: 'service',
  childcare: 'service',
  elder_care: 'service',
  culture_venue: 'service',
  sports_venue: 'service',
  public_service: 'service',
  market: 'service',
  road: 'project',
  bridge: 'project',
  expressway: 'project',
  intercity_rail: 'project',
  metro: 'project',
  logistics_hub: 'project',
  utility: 'project',
  commercial_building: 'project',
}

export const categories = Object.keys(kindOfCategory) as FacilityCategory[]

export const categoryLabels: Record<FacilityCategory, { zh: string; en: string }> = {
  hospital: { zh: '医院', en: 'Hospital' },
  school: { zh: '学校', en: 'School' },
  kindergarten: { zh: '幼儿园', en: 'Kindergarten' },
  childcare: { zh: '托育机构', en: 'Childcare centre' },
  elder_care: { zh: '养老服务', en: 'Elder care' },
  culture_venue: { zh: '文化场馆', en: 'Culture venue' },
  sports_venue: { zh: '体育场馆', en: 'Sports venue' },
  public_service: { zh: '公共服务', en: 'Public service' },
  market: { zh: '市场', en: 'Market' },
  road: { zh: '道路', en: 'Road' },
  bridge: { zh: '桥梁', en: 'Bridge' },
  expressway: { zh: '高速公路', en: 'Expressway' },
  intercity_rail: { zh: '城际铁路', en: 'Intercity railway' },
  metro: { zh: '地铁', en: 'Metro' },
  logistics_hub: { zh: '物流枢纽', en: 'Logistics hub' },
  utility: { zh: '市政公用设施', en: 'Utility' },
  commercial_building: { zh: '商务楼宇', en: 'Commercial building' },
}
