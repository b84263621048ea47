// Where each fact on a facility page comes from, for a person: the article (with its sentence),
// the editors (a summary, a translation, a descriptive name where the article gives none), an
// inference (with its note), or staff (who, when). The API's `provenance` entries (JSON Pointers
// into the facility as written) are grouped by what they rest on, so one sentence is quoted once
// with every fact it gives. The notes are the data's own words, in English: marked so.
import type { Facility } from '../facilities/schemas.js'
import { html, type Html } from './html.js'
import { instantInWords, words, type Language } from './i18n.js'

type Entry = Facility['provenance'][number]
type Basis = Entry['basis']

const basisLabels: Record<Basis, { zh: string; en: string }> = {
  source: { zh: '原文', en: 'In the article' },
  summary: { zh: '编辑根据原文撰写', en: 'Summary by the editors' },
  translation: { zh: '翻译', en: 'Translation' },
  descriptive: { zh: '描述性名称（原文没有给出名称）', en: 'Descriptive name (the article gives none)' },
  inferred: { zh: '推断（原文没有这样说）', en: 'Inferred (not said in these words)' },
  staff: { zh: '工作人员录入', en: 'Entered by staff' },
}

/** The short mark beside a fact that is not in the source's words. */
const basisMarks: Record<Exclude<Basis, 'source' | 'staff'>, { zh: string; en: string }> = {
  summary: { zh: '编辑撰写', en: 'editors’ summary' },
  translation: { zh: '译名', en: 'translation' },
  descriptive: { zh: '描述性名称', en: 'descriptive name' },
  inferred: { zh: '推断', en: 'inferred' },
}

const fieldLabels: Record<string, { zh: string; en: string }> = {
  '/name': { zh: '名称', en: 'Name' },
  '/dates': { zh: '日期', en: 'Dates' },
  '/attributes': { zh: '其他信息', en: 'Other facts' },
  '/name/zh': { zh: '中文名称', en: 'Chinese name' },
  '/name/en': { zh: '英文名称', en: 'English name' },
  '/aliases': { zh: '别名', en: 'Other names' },
  '/description': { zh: '简介', en: 'Description' },
  '/status': { zh: '状态', en: 'Status' },
  '/statusEffective': { zh: '状态生效日期', en: 'Status date' },
  '/area': { zh: '地区', en: 'Area' },
  '/address': { zh: '地址', en: 'Address' },
  '/location': { zh: '位置', en: 'Location' },
  '/geometry': { zh: '线路走向', en: 'Route' },
  '/elderCareTier': { zh: '养老服务层级', en: 'Elder-care tier' },
  '/ageRange': { zh: '适用年龄', en: 'Ages' },
  '/accessibility': { zh: '无障碍设施', en: 'Accessibility' },
  '/openingHours': { zh: '开放时间', en: 'Opening hours' },
  '/phone': { zh: '电话', en: 'Phone' },
  '/website': { zh: '网站', en: 'Website' },
  '/capacity': { zh: '名额', en: 'Places' },
  '/category': { zh: '类别', en: 'Category' },
}

const milestoneLabels: Record<string, { zh: string; en: string }> = {
  construction_start: { zh: '开工', en: 'construction start' },
  completion: { zh: '竣工', en: 'completion' },
  opening: { zh: '开放', en: 'opening' },
}
const dateBasisLabels: Record<string, { zh: string; en: string }> = {
  planned: { zh: '原计划', en: 'planned' },
  expected: { zh: '预计', en: 'expected' },
  actual: { zh: '实际', en: 'actual' },
}

/** Known attributes by name; any other is shown by its key. */
const attributeLabels: Record<string, { zh: string; en: string }> = {
  affordable: { zh: '普惠性', en: 'Public-benefit (affordable)' },
  childFriendly: { zh: '儿童友好', en: 'Child-friendly' },
  honours: { zh: '荣誉', en: 'Honours' },
  placesAdded: { zh: '新增学位', en: 'Places added' },
  firstInDistrict: { zh: '全区首批', en: 'Among the first in the district' },
}

const pick = (text: { zh: string; en: string }, language: Language) => (language === 'en' ? text.en : text.zh)

/** The fact a JSON Pointer names, in words: 中文名称, 别名“华南医院”, 开放（实际）日期 … */
export function fieldInWords(field: string, facility: Facility, language: Language): string {
  const parts = field.split('/').slice(1)
  const [head, second, third] = parts
  if (head === 'aliases' && second !== undefined) {
    const alias = facility.aliases[Number(second)]
    const name = pick(fieldLabels['/aliases'] as { zh: string; en: string }, language)
    return alias === undefined ? name : language === 'en' ? `${name}: “${alias}”` : `${name}“${alias}”`
  }
  if (head === 'dates' && second !== undefined) {
    const milestone = milestoneLabels[second]
    const basis = third === undefined ? undefined : dateBasisLabels[third]
    const m = milestone === undefined ? second : pick(milestone, language)
    const b = basis === undefined ? '' : pick(basis, language)
    return language === 'en' ? `Date of ${m}${b === '' ? '' : ` (${b})`}` : `${m}日期${b === '' ? '' : `（${b}）`}`
  }
  if (head === 'attributes' && second !== undefined) {
    const known = attributeLabels[second]
    return known === undefined ? second : pick(known, language)
  }
  const direct = fieldLabels[field] ?? fieldLabels[`/${head}`]
  return direct === undefined ? field : pick(direct, language)
}

/** A stable id for a field's line in the list, for the marks beside facts to link to. */
export const provenanceId = (field: string) => `prov${field.replace(/[^A-Za-z0-9]+/g, '-')}`

/** The entry that says where a field comes from: its own, or the nearest enclosing one. */
export function provenanceOf(facility: Facility, field: string): Entry | undefined {
  let best: Entry | undefined
  for (const entry of facility.provenance) {
    if (field === entry.field || field.startsWith(`${entry.field}/`)) {
      if (best === undefined || entry.field.length > best.field.length) best = entry
    }
  }
  return best
}

/**
 * A small mark beside a fact that is not in anyone's own words ("译名", "推断"), linking to its
 * line in the list below; nothing for a fact quoted from the article or entered by staff (both
 * are first-hand: the list says which, and staff's by whom and when), or one with no entry.
 */
export function provenanceMark(facility: Facility, field: string, language: Language): Html | null {
  const entry = provenanceOf(facility, field)
  if (entry === undefined || entry.basis === 'source' || entry.basis === 'staff') return null
  return html` <a class="prov-mark b-${entry.basis}" href="#${provenanceId(entry.field)}">${pick(basisMarks[entry.basis], language)}</a>`
}

const order = ['/name', '/aliases', '/status', '/statusEffective', '/dates', '/description', '/elderCareTier', '/ageRange', '/capacity']
function rank(field: string): number {
  const index = order.findIndex((prefix) => field === prefix || field.startsWith(`${prefix}/`))
  return index === -1 ? order.length : index
}

interface Group {
  basis: Basis
  source: string | null
  quote: string | null
  by: string | null
  at: string | null
  entries: Entry[]
}

function groupsOf(entries: Entry[]): Group[] {
  const groups: Group[] = []
  const sorted = [...entries].sort((a, b) => rank(a.field) - rank(b.field) || a.field.localeCompare(b.field))
  for (const entry of sorted) {
    const same = groups.find(
      (g) => g.basis === entry.basis && g.source === entry.source && g.quote === entry.quote && g.by === entry.by && g.at === entry.at,
    )
    if (same === undefined) {
      groups.push({ basis: entry.basis, source: entry.source, quote: entry.quote, by: entry.by, at: entry.at, entries: [entry] })
    } else same.entries.push(entry)
  }
  return groups
}

/** The section listing, for every fact the record has provenance for, where it comes from. */
export function provenanceSection(facility: Facility, language: Language): Html | null {
  if (facility.provenance.length === 0) return null
  const w = words[language]
  const titles = new Map(facility.citations.map((c) => [c.source.id, c.source.title]))
  // The notes are written in English by the editors; a Chinese page says so with lang.
  const noteLang = language === 'en' ? null : 'en'
  return html`<section aria-labelledby="provenance"><h2 id="provenance">${w.provenance}</h2>
<p class="hint">${w.provenanceIntro}</p>
<ul class="provenance">
${groupsOf(facility.provenance).map(
  (group) => html`<li>
<p><span class="basis b-${group.basis}">${pick(basisLabels[group.basis], language)}</span>${
    group.basis === 'staff' && (group.by !== null || group.at !== null)
      ? html` <span class="hint">${group.by === null ? null : w.staffBy(group.by)}${group.by !== null && group.at !== null ? (language === 'en' ? ', ' : '，') : null}${group.at === null ? null : w.staffAt(instantInWords(group.at, facility.timeZone, language))}</span>`
      : null
  }</p>
<ul class="prov-fields">${group.entries.map(
    (entry) =>
      html`<li id="${provenanceId(entry.field)}">${fieldInWords(entry.field, facility, language)}${entry.note === null ? null : html`${language === 'en' ? ': ' : '：'}<span${noteLang === null ? null : html` lang="${noteLang}"`}>${entry.note}</span>`}</li>`,
  )}</ul>
${
  group.quote === null
    ? null
    : html`<figure><blockquote lang="zh-Hans">${group.quote}</blockquote>${
        group.source === null
          ? null
          : html`<figcaption>— <cite lang="zh-Hans">${titles.get(group.source) ?? group.source}</cite></figcaption>`
      }</figure>`
}
</li>`,
)}
</ul></section>`
}
