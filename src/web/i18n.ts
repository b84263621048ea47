// The residents' pages speak Simplified Chinese at / and English at /en/…: one URL per page and
// language, so a link shared is the page the sharer saw. Words of the interface live here; the
// data's own words (names, labels) come from the records and the domain.
import type { UncertainDate } from '../domain/uncertain-date.js'
import type { AccessibilityFeature, CapacityUnit, ElderCareTier } from '../generated/prisma/enums.js'
import type { Language } from '../http/language.js'

export type { Language }
export const languages: Language[] = ['zh-Hans', 'en']

/** The path prefix of a language: '' for Chinese, '/en' for English. */
export const prefixOf = (language: Language) => (language === 'en' ? '/en' : '')

/** The same page in the other language (a path with its query). */
export function switchLanguage(pathWithQuery: string, from: Language): string {
  if (from === 'en') return pathWithQuery.replace(/^\/en(?=\/|$|\?)/, '') || '/'
  return pathWithQuery === '/' ? '/en/' : `/en${pathWithQuery.startsWith('/?') ? `/${pathWithQuery.slice(1)}` : pathWithQuery}`
}

const zh = {
  siteName: '邻里 · 平湖街道设施查询',
  siteShort: '邻里',
  tagline: '查找平湖街道的医院、学校、幼儿园、托育、养老服务和在建项目',
  skip: '跳到主要内容',
  otherLanguage: 'English',
  otherLanguageName: 'English',
  search: '搜索',
  searchLabel: '搜索设施或项目',
  searchHint: '可输入中文、拼音、拼音首字母（如 hnyy）或英文',
  browse: '按类别查找',
  openNow: '现在开放',
  openNowLink: '查看现在开放的设施',
  nearMe: '我附近',
  nearMeIntro: '按距离列出附近的设施。浏览器会询问是否允许使用您的位置；您也可以输入所在的社区或街道。',
  useMyLocation: '使用我的位置',
  locating: '正在获取您的位置…',
  locationFailed: '无法获取您的位置。请在下面输入所在的社区或街道。',
  chooseArea: '所在社区或街道',
  placeHint: (examples: string) => `输入名称，例如：${examples}`,
  nearPlace: (name: string) => `${name}附近`,
  nearPlaceNotice: (name: string, centreName: string | null) =>
    centreName === null
      ? `按距离列出${name}附近的设施。距离从${name}的大致中心算起，仅供参考。`
      : `按距离列出${name}附近的设施。${name}的中心位置未知，距离从${centreName}的大致中心算起，仅供参考。`,
  placeNotFound: (text: string) => `找不到“${text}”这个社区或街道。可以试试：`,
  // A distance from an approximate point is rounded as coarsely as it is known.
  distanceRough: (m: number) =>
    `约 ${m < 950 ? `${Math.max(100, Math.round(m / 100) * 100)} 米` : `${(m / 1000).toFixed(1)} 公里`}（大致距离）`,
  show: '查看',
  recentProjects: '最近更新的项目',
  allProjects: '全部项目',
  results: '搜索结果',
  filters: '筛选',
  category: '类别',
  status: '状态',
  area: '地区',
  any: '全部',
  hasCapacity: '有空余名额',
  age: '服务对象年龄（岁）',
  ageHint: '例如孩子 4 岁填 4。只列出公布了适用年龄且包含该年龄的设施。',
  accessibility: '无障碍设施',
  sort: '排序',
  sortRelevance: '相关度',
  sortDistance: '距离',
  sortName: '名称',
  sortOpening: '开放日期',
  sortUpdated: '最近更新',
  apply: '更新结果',
  clear: '清除全部筛选',
  resultCount: (n: number) => `找到 ${n} 个结果`,
  resultCountAtLeast: (n: number) => `找到 ${n} 个以上结果`,
  nothingFound: '没有找到符合条件的设施。',
  nothingHelp: ['检查拼写，或改用拼音首字母（如 hnyy）', '减少筛选条件', '浏览全部类别'],
  fuzzyNote: '没有完全匹配的结果，以下是相近的名称：',
  nextPage: '下一页',
  firstPage: '回到第一页',
  distance: (m: number) => (m < 1000 ? `${m} 米` : `${(m / 1000).toFixed(1)} 公里`),
  approximate: '位置为大致位置，未计算距离',
  approximateGroup: '位置不精确的设施（不按距离排序）',
  openState: { open: '现在开放', closed: '现在关闭', unknown: '未公布开放时间' },
  opening: '开放',
  opens: '预计开放',
  opened: '开放于',
  statusSince: '状态生效',
  scheduled: (status: string, when: string) => `计划于 ${when} 变为“${status}”`,
  hours: '开放时间',
  today: '今天',
  closedDay: '休息',
  mapLabel: '地图',
  yourPosition: '您的位置',
  placeCentre: (name: string, centreName: string) =>
    name === centreName ? `${name}的大致中心（距离由此算起）` : `${name}：${centreName}的大致中心（距离由此算起）`,
  zoomIn: '放大',
  zoomOut: '缩小',
  mapNote: '地图上的地点与列表中的相同。',
  mapApproximateNote: '虚线圆圈是大致位置（所在地区的中心），不是准确地址；圆圈大小不代表范围。',
  approximateArea: '大致位置（所在地区的中心），不是准确地址：',
  hoursDay: '日期',
  hoursTimes: '开放时间',
  dayDate: (month: number, day: number) => `${month}月${day}日`,
  publicHoliday: (name: string) => `${name}（法定节假日）`,
  holidayHoursPublished: '按公布的节假日开放时间。',
  holidayHoursUnknown: '公布的开放时间没有说明节假日安排，实际可能不同。',
  makeUpWorkday: (name: string) => `调休上班日（${name}）`,
  makeUpHours: '按工作日（星期一）的开放时间列出，实际可能不同。',
  usually: (times: string) => `平时 ${times}`,
  weekPlain: '本周没有法定节假日或调休。',
  weekHolidays: '本周有法定节假日或调休，开放时间已按节假日安排列出。',
  calendarUnknown: (year: number) => `节假日日历尚未包含 ${year} 年：表中为常规开放时间，法定节假日和调休可能不同。`,
  nextOpen: (when: string) => `下次开放：${when}`,
  nextClose: (when: string) => `关闭时间：${when}`,
  capacity: '名额',
  capacityTotal: '总数',
  capacityAvailable: '空余',
  capacityAsOf: '数据日期',
  ageRange: '适用年龄',
  ageRangeText: (min: string, max: string) => `${min} 至 ${max}`,
  ageFrom: (min: string) => `${min}起`,
  ageUpTo: (max: string) => `至 ${max}`,
  months: (m: number) => (m % 12 === 0 ? `${m / 12} 岁` : m < 12 ? `${m} 个月` : `${Math.floor(m / 12)} 岁 ${m % 12} 个月`),
  address: '地址',
  phone: '电话',
  website: '网站',
  location: '位置',
  locationApproximate: '大致位置（所在地区的中心），并非准确地址。',
  sources: '资料来源',
  lastVerified: '最后核实',
  notVerified: '尚未经工作人员核实，内容来自下列资料。',
  provenance: '每项信息的来源',
  areaFacts: '资料中关于本地区的内容',
  fromArticle: '原文',
  provenanceIntro: '每项信息注明出处：报道原文（附原句）、编辑的翻译或撰写、推断，或工作人员录入。编辑的说明为英文。',
  staffBy: (by: string) => `录入人：${by}`,
  staffAt: (at: string) => `时间：${at}`,
  history: '状态记录',
  noHistory: '暂无状态变更记录。',
  reportProblem: '报告问题',
  reportProblemText: '发现信息有误？请告诉我们，工作人员核实后会更正。',
  reportProblemLink: '报告错误',
  description: '简介',
  dates: '日期',
  planned: '原计划',
  expected: '预计',
  actual: '实际',
  delayed: '已推迟',
  onTime: '未推迟',
  milestones: { constructionStart: '开工', completion: '竣工', opening: '开放' },
  projects: '建设项目',
  projectsIntro: '道路、轨道交通、物流等项目，按建设阶段分组。日期按原计划、预计和实际分别列出。',
  timeline: '进度',
  stages: '阶段',
  noProjects: '这一阶段暂无项目。',
  areaFacilities: (n: number) => `本地区共有 ${n} 个设施和项目`,
  subAreas: '下辖地区',
  about: '关于数据',
  docs: 'API 文档',
  notFoundTitle: '找不到此页面',
  notFoundText: '您输入的网址可能有误，或页面已被移除。',
  errorTitle: '出错了',
  errorText: '我们这边出了问题，已记录下来。请稍后再试。',
  badRequestTitle: '无法理解这个请求',
  unavailableTitle: '服务暂时不可用',
  unavailableText: '数据库暂时没有响应，请几秒后再试。',
  backHome: '返回首页',
  footer: '数据来源：平湖街道 2022 年 10 月公开报道。所有状态以资料为准。',
  precision: {
    quarter: ['第一季度', '第二季度', '第三季度', '第四季度'],
    half: ['上半年', '下半年'],
  },
  weekdays: ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'],
}

type Words = typeof zh

const en: Words = {
  siteName: 'Linli · Pinghu facilities',
  siteShort: 'Linli',
  tagline: "Find Pinghu's hospitals, schools, kindergartens, childcare, elder care and building projects",
  skip: 'Skip to main content',
  otherLanguage: '中文',
  otherLanguageName: '简体中文',
  search: 'Search',
  searchLabel: 'Search for a facility or project',
  searchHint: 'Chinese, pinyin, pinyin initials (like hnyy) or English',
  browse: 'Browse by category',
  openNow: 'Open now',
  openNowLink: 'See what is open now',
  nearMe: 'Near me',
  nearMeIntro: 'List places by distance. Your browser will ask whether to share your location; or type your community or street.',
  useMyLocation: 'Use my location',
  locating: 'Finding your location…',
  locationFailed: 'Your location could not be found. Type your community or street below instead.',
  chooseArea: 'Your community or street',
  placeHint: (examples: string) => `Its name, for example: ${examples}`,
  nearPlace: (name: string) => `Near ${name}`,
  nearPlaceNotice: (name: string, centreName: string | null) =>
    centreName === null
      ? `Places near ${name}, nearest first. Distances are from the approximate centre of ${name}: only a rough guide.`
      : `Places near ${name}, nearest first. The centre of ${name} is not known: distances are from the approximate centre of ${centreName}, only a rough guide.`,
  placeNotFound: (text: string) => `No community or street called “${text}” was found. Try:`,
  distanceRough: (m: number) =>
    `about ${m < 950 ? `${Math.max(100, Math.round(m / 100) * 100)} m` : `${(m / 1000).toFixed(1)} km`} (approximate)`,
  show: 'Show',
  recentProjects: 'Recently updated projects',
  allProjects: 'All projects',
  results: 'Search results',
  filters: 'Filters',
  category: 'Category',
  status: 'Status',
  area: 'Area',
  any: 'Any',
  hasCapacity: 'Has places available',
  age: 'Age of the person (years)',
  ageHint: 'For a 4-year-old enter 4. Only places that publish an age range including that age are listed.',
  accessibility: 'Accessibility',
  sort: 'Sort by',
  sortRelevance: 'Relevance',
  sortDistance: 'Distance',
  sortName: 'Name',
  sortOpening: 'Opening date',
  sortUpdated: 'Recently updated',
  apply: 'Update results',
  clear: 'Clear all filters',
  resultCount: (n: number) => (n === 1 ? '1 result' : `${n} results`),
  resultCountAtLeast: (n: number) => `more than ${n.toLocaleString('en')} results`,
  nothingFound: 'Nothing matches your search.',
  nothingHelp: ['Check the spelling, or try pinyin initials (like hnyy)', 'Remove some filters', 'Browse all categories'],
  fuzzyNote: 'Nothing matched exactly. These names are close:',
  nextPage: 'Next page',
  firstPage: 'Back to the first page',
  distance: (m: number) => (m < 1000 ? `${m} m` : `${(m / 1000).toFixed(1)} km`),
  approximate: 'Approximate location: distance not shown',
  approximateGroup: 'Places with an approximate location (not ranked by distance)',
  openState: { open: 'Open now', closed: 'Closed now', unknown: 'Opening hours not published' },
  opening: 'Opening',
  opens: 'Expected to open',
  opened: 'Opened',
  statusSince: 'Since',
  scheduled: (status: string, when: string) => `Becomes “${status}” on ${when}`,
  hours: 'Opening hours',
  today: 'Today',
  closedDay: 'Closed',
  mapLabel: 'Map',
  yourPosition: 'Your position',
  placeCentre: (name: string, centreName: string) =>
    name === centreName
      ? `${name}: its approximate centre (distances are from here)`
      : `${name}: the approximate centre of ${centreName} (distances are from here)`,
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  mapNote: 'The map shows the same places as the list.',
  mapApproximateNote:
    'A dashed circle is an approximate location (the centre of the area), not the exact site; its size is not the extent.',
  approximateArea: 'Approximate location (the centre of the area), not the exact site:',
  hoursDay: 'Day',
  hoursTimes: 'Hours',
  dayDate: (month: number, day: number) => `${day} ${monthNames[month - 1]?.slice(0, 3)}`,
  publicHoliday: (name: string) => `${name} (public holiday)`,
  holidayHoursPublished: 'Holiday hours as published.',
  holidayHoursUnknown: 'The published hours say nothing about holidays: they may differ.',
  makeUpWorkday: (name: string) => `Make-up working day (调休) for ${name}`,
  makeUpHours: 'Listed with the hours of a working day (Monday): they may differ.',
  usually: (times: string) => `usually ${times.toLowerCase()}`,
  weekPlain: 'No public holidays or make-up working days this week.',
  weekHolidays: 'This week has public holidays or make-up working days: the hours below take them into account.',
  calendarUnknown: (year: number) =>
    `The holiday calendar does not cover ${year} yet: these are the regular hours; public holidays and make-up working days may differ.`,
  nextOpen: (when: string) => `Opens next: ${when}`,
  nextClose: (when: string) => `Closes: ${when}`,
  capacity: 'Places',
  capacityTotal: 'Total',
  capacityAvailable: 'Available',
  capacityAsOf: 'As of',
  ageRange: 'Ages',
  ageRangeText: (min: string, max: string) => `${min} to ${max}`,
  ageFrom: (min: string) => `from ${min}`,
  ageUpTo: (max: string) => `up to ${max}`,
  months: (m: number) =>
    m % 12 === 0
      ? `${m / 12} year${m === 12 ? '' : 's'}`
      : m < 12
        ? `${m} month${m === 1 ? '' : 's'}`
        : `${Math.floor(m / 12)} yr ${m % 12} mo`,
  address: 'Address',
  phone: 'Phone',
  website: 'Website',
  location: 'Location',
  locationApproximate: 'Approximate (the centre of its area), not the exact site.',
  sources: 'Sources',
  lastVerified: 'Last verified',
  notVerified: 'Not yet verified by staff; taken from the sources below.',
  provenance: 'Where each fact comes from',
  areaFacts: 'What the sources say about this area',
  fromArticle: 'In the article',
  provenanceIntro:
    'Each fact says where it comes from: the article (with its sentence), a translation or summary by the editors, an inference, or staff.',
  staffBy: (by: string) => `by ${by}`,
  staffAt: (at: string) => `on ${at}`,
  history: 'Status history',
  noHistory: 'No status changes recorded.',
  reportProblem: 'Report a problem',
  reportProblemText: 'Something wrong? Tell us; staff will check it and correct it.',
  reportProblemLink: 'Report a mistake',
  description: 'About',
  dates: 'Dates',
  planned: 'Planned',
  expected: 'Expected',
  actual: 'Actual',
  delayed: 'Delayed',
  onTime: 'Not delayed',
  milestones: { constructionStart: 'Construction start', completion: 'Completion', opening: 'Opening' },
  projects: 'Projects',
  projectsIntro: 'Roads, rail, logistics and other projects, by stage, with planned, expected and actual dates.',
  timeline: 'Timeline',
  stages: 'Stages',
  noProjects: 'No projects at this stage.',
  areaFacilities: (n: number) => (n === 1 ? '1 facility or project in this area' : `${n} facilities and projects in this area`),
  subAreas: 'Areas within it',
  about: 'About the data',
  docs: 'API documentation',
  notFoundTitle: 'Page not found',
  notFoundText: 'The address may be mistyped, or the page has been removed.',
  errorTitle: 'Something went wrong',
  errorText: 'Something went wrong on our side and it has been logged. Please try again later.',
  badRequestTitle: 'This request could not be understood',
  unavailableTitle: 'Service unavailable',
  unavailableText: 'The database is not answering. Please try again in a few seconds.',
  backHome: 'Go to the home page',
  footer: 'Source: public report on Pinghu Street, October 2022. Statuses are as the sources say.',
  precision: { quarter: ['Q1', 'Q2', 'Q3', 'Q4'], half: ['first half of', 'second half of'] },
  weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
}

export const words: Record<Language, Words> = { 'zh-Hans': zh, en }

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** A day (YYYY-MM-DD) in words: 2026年9月1日 / 1 September 2026. */
export function dayInWords(day: string, language: Language): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return language === 'en' ? `${d} ${monthNames[m - 1]} ${y}` : `${y}年${m}月${d}日`
}

/** An instant in words, in the time zone of the place: 2026年3月4日 08:00 / 4 March 2026, 08:00. */
export function instantInWords(iso: string, timeZone: string, language: Language): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  )
  const day = dayInWords(`${parts.year}-${parts.month}-${parts.day}`, language)
  return language === 'en' ? `${day}, ${parts.hour}:${parts.minute}` : `${day} ${parts.hour}:${parts.minute}`
}

/**
 * A date as precisely as it is known, in words: 2026年第四季度 / Q4 2026, never "2026-36".
 */
export function dateInWords(date: Pick<UncertainDate, 'edtf' | 'precision'>, language: Language): string {
  const w = words[language]
  const core = date.edtf.replace(/[~?%]/g, '')
  const uncertain = date.edtf !== core ? (language === 'en' ? ' (about)' : '（约）') : ''
  const [yearText = '', partText = ''] = core.split('-')
  const year = Number(yearText)
  const part = Number(partText)
  switch (date.precision) {
    case 'year':
      return (language === 'en' ? `${year}` : `${year}年`) + uncertain
    case 'month':
      return (language === 'en' ? `${monthNames[part - 1]} ${year}` : `${year}年${part}月`) + uncertain
    case 'day':
      return dayInWords(core, language) + uncertain
    case 'quarter': {
      const quarter = w.precision.quarter[part - 33]
      return (language === 'en' ? `${quarter} ${year}` : `${year}年${quarter}`) + uncertain
    }
    case 'half_year': {
      const half = w.precision.half[part - 40]
      return (language === 'en' ? `${half} ${year}` : `${year}年${half}`) + uncertain
    }
    case 'interval': {
      const [from = '', to = ''] = core.split('/')
      const a = dateInWords({ edtf: from, precision: precisionOfPart(from) }, language)
      const b = dateInWords({ edtf: to, precision: precisionOfPart(to) }, language)
      return language === 'en' ? `${a} to ${b}` : `${a}至${b}`
    }
  }
}

function precisionOfPart(text: string): UncertainDate['precision'] {
  if (/^\d{4}$/.test(text)) return 'year'
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return 'day'
  const part = Number(text.slice(5))
  return part >= 33 && part <= 36 ? 'quarter' : part >= 40 ? 'half_year' : 'month'
}

export const accessibilityLabels: Record<AccessibilityFeature, { zh: string; en: string }> = {
  step_free_entrance: { zh: '无台阶入口', en: 'Step-free entrance' },
  lift: { zh: '电梯', en: 'Lift' },
  accessible_toilet: { zh: '无障碍卫生间', en: 'Accessible toilet' },
  accessible_parking: { zh: '无障碍停车位', en: 'Accessible parking' },
  hearing_loop: { zh: '助听环路', en: 'Hearing loop' },
  braille_signage: { zh: '盲文标识', en: 'Braille signage' },
  wheelchair_loan: { zh: '轮椅借用', en: 'Wheelchair loan' },
}

export const capacityUnitLabels: Record<CapacityUnit, { zh: string; en: string }> = {
  beds: { zh: '床位', en: 'Beds' },
  places: { zh: '学位/名额', en: 'Places' },
  school_places: { zh: '学位', en: 'School places' },
  childcare_places: { zh: '托位', en: 'Childcare places' },
  elder_care_beds: { zh: '养老床位', en: 'Elder-care beds' },
  parking_spaces: { zh: '停车位', en: 'Parking spaces' },
}

export const elderCareTierLabels: Record<ElderCareTier, { zh: string; en: string }> = {
  street_centre: { zh: '街道长者服务中心', en: 'Street centre' },
  community_station: { zh: '社区长者服务站', en: 'Community station' },
  residential_point: { zh: '小区长者服务点', en: 'Residential point' },
}

/** A bilingual label in the language. */
export const label = (text: { zh: string; en: string }, language: Language) => (language === 'en' ? text.en : text.zh)
