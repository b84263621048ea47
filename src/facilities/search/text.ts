// What text search matches against. Residents search in Chinese (华南), full pinyin (huanan,
// "rong hu"), pinyin initials (hnyy) and English, so every write stores, lower-cased in one column
// with a trigram index: the names and aliases, their pinyin run together and their initials, and
// every CJK character and character pair as a word of its own — so one- and two-character Chinese
// queries, too short for trigrams, can still be answered from the index as whole words.
import { customPinyin, pinyin } from 'pinyin-pro'

/**
 * Readings pinyin-pro gets wrong in the directory's names (it reads 深大 "shen dai", 长者 "zhang
 * zhe"). Its custom dictionary takes precedence over its own. Changing this changes search_text:
 * every row's is recomputed at the next start (search/refresh.ts).
 */
export const pinyinCorrections: Readonly<Record<string, string>> = {
  深大: 'shen da',
  长者: 'chang zhe',
  长者服务: 'chang zhe fu wu',
}
customPinyin(pinyinCorrections)

const cjk = /\p{Script=Han}/u

/**
 * Names the rules by which searchTextOf and namePinyinOf derive their columns: the corrections
 * above, and a number to raise whenever those functions change what they make. When it differs
 * from what the database was last brought up to, every row's columns are computed again.
 */
const derivationRules = 1
export const searchTextVersion = `${derivationRules}:${JSON.stringify(pinyinCorrections)}`

/** Lower-case, without spaces or punctuation: how both queries and names are compared. */
export function normalizeSearch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '')
}

function pinyinForms(text: string): string[] {
  if (!cjk.test(text)) return []
  const syllables = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
  const initials = pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
  return [syllables.join(''), initials.join('')]
}

function cjkGrams(text: string): string[] {
  const characters = [...text].filter((character) => cjk.test(character))
  const grams = new Set(characters)
  for (let i = 0; i + 1 < characters.length; i += 1) grams.add(`${characters[i]}${characters[i + 1]}`)
  return [...grams]
}

export function searchTextOf(names: { nameZh: string; nameEn: string | null; aliases: string[] }): string {
  const chinese = [names.nameZh, ...names.aliases]
  const words = new Set<string>()
  for (const name of [...chinese, names.nameEn ?? '']) {
    const normalized = normalizeSearch(name)
    if (normalized !== '') words.add(normalized)
  }
  for (const name of chinese) {
    for (const form of pinyinForms(name)) words.add(normalizeSearch(form))
    for (const gram of cjkGrams(name)) words.add(gram)
  }
  // English names also as separate words, so "hospital" matches as a word.
  for (const word of (names.nameEn ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word.length > 1) words.add(word)
  // Padded with spaces, so "% word %" finds any whole word, the first and last too.
  return ` ${[...words].join(' ')} `
}

/** Pinyin of the Chinese name, for sorting by name the way Chinese readers expect. */
export function namePinyinOf(nameZh: string): string {
  return pinyin(nameZh, { toneType: 'num', type: 'array', nonZh: 'consecutive', v: true }).join(' ').toLowerCase()
}
