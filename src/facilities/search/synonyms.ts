// Words residents use for a kind of place, reviewed by hand: a query that is one of these words
// finds the places of those categories (or with that attribute) as well as names containing it.
// "养老" finds the elder-care tier named 小区长者服务点; "托儿所" the 托育 centre; "小学" the
// schools (the directory does not tell primary from secondary). Keep it small: every word here is
// a promise of what it finds, checked by test/search/relevance.test.ts.
import type { FacilityCategory } from '../../generated/prisma/enums.js'
import { normalizeSearch } from './text.js'

export interface Synonym {
  /** As residents type them; compared after normalizeSearch (lower case, no spaces or punctuation). */
  words: readonly string[]
  categories?: readonly FacilityCategory[]
  /** Attributes the places have, e.g. { childFriendly: true }. */
  attributes?: Readonly<Record<string, boolean>>
}

export const synonyms: readonly Synonym[] = [
  {
    words: ['养老', '养老院', '敬老院', '老人', '老年人', '长者', '养老服务', 'elder care', 'elderly', 'old people', 'yanglao'],
    categories: ['elder_care'],
  },
  {
    words: ['托儿所', '托育', '托儿', '托育园', 'daycare', 'day care', 'nursery', 'creche', 'childcare', 'tuoersuo', 'tuoyu'],
    categories: ['childcare'],
  },
  { words: ['幼儿园', '幼稚园', 'kindergarten', 'preschool', 'youeryuan'], categories: ['kindergarten'] },
  {
    words: ['学校', '小学', '中学', '初中', '高中', 'school', 'primary school', 'middle school', 'xuexiao', 'xiaoxue'],
    categories: ['school'],
  },
  { words: ['医院', '看病', '就医', 'hospital', 'yiyuan'], categories: ['hospital'] },
  { words: ['地铁', '轨道交通', 'metro', 'subway', 'ditie'], categories: ['metro'] },
  { words: ['城际', '城际铁路', '轻轨', 'intercity', 'chengji'], categories: ['intercity_rail'] },
  { words: ['高速', '高速公路', 'expressway', 'motorway', 'gaosu'], categories: ['expressway'] },
  { words: ['市场', '菜市场', '商场', 'market', 'shichang'], categories: ['market'] },
  { words: ['儿童友好', 'child friendly', 'child-friendly', 'ertongyouhao'], attributes: { childFriendly: true } },
]

const byWord = new Map<string, Synonym>(
  synonyms.flatMap((synonym) => synonym.words.map((word) => [normalizeSearch(word), synonym] as const)),
)

/** What a query stands for besides its own text, if it is one of the words above. */
export const synonymOf = (q: string): Synonym | undefined => byWord.get(normalizeSearch(q))
