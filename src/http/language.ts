// Names and labels are in Simplified Chinese unless the client prefers English
// (Accept-Language). Responses say which they chose (Content-Language) and that it varies.
import type { FastifyReply } from 'fastify'
import { weightedRanges } from './negotiation.js'

export type Language = 'zh-Hans' | 'en'

/** Says which language a response is in, and that it depends on Accept(-Language). */
export function setLanguage(reply: FastifyReply, language: Language) {
  reply.header('content-language', language)
  reply.header('vary', 'Accept, Accept-Language')
}

/** The best of zh-Hans and en for an Accept-Language header (RFC 9110 q-values); zh-Hans by default. */
export function negotiateLanguage(header: string | undefined): Language {
  if (header === undefined) return 'zh-Hans'
  const ranked = weightedRanges(header)
    .filter((entry) => entry.q > 0 && entry.range !== '')
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { range: tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
    if (tag === 'zh' || tag.startsWith('zh-') || tag === '*') return 'zh-Hans'
  }
  return 'zh-Hans'
}

/** Text in the chosen language, falling back to Chinese, the language every record has. */
export function pick(text: { zh: string; en: string | null }, language: Language): string {
  return language === 'en' && text.en !== null ? text.en : text.zh
}

/** Response headers of a route that answers in the negotiated language, for its schema. */
export const languageHeaders = {
  'Content-Language': { type: 'string', enum: ['zh-Hans', 'en'], description: 'The language names and labels are in.', 'x-required': true },
  Vary: { type: 'string', examples: ['Accept, Accept-Language'], 'x-required': true },
}
