// Not found, bad request, unavailable and internal error pages, in the page's language.
import { html, type Html } from '../html.js'
import { prefixOf, words, type Language } from '../i18n.js'
import { searchBox } from './home.js'

export function errorPage(language: Language, status: number, detail?: string): { title: string; body: Html } {
  const w = words[language]
  const [title, text] =
    status === 404
      ? [w.notFoundTitle, w.notFoundText]
      : status === 503
        ? [w.unavailableTitle, w.unavailableText]
        : status < 500
          ? [w.badRequestTitle, detail ?? '']
          : [w.errorTitle, w.errorText]
  return {
    title,
    body: html`<h1>${title}</h1>
<p>${text}</p>
${status === 404 || status === 400 ? searchBox(language) : null}
<p><a href="${prefixOf(language)}/">${w.backHome}</a></p>`,
  }
}
