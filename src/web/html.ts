// HTML built from tagged templates that escape every interpolated value by default: a string,
// number or anything else becomes text; only an Html value (made by this tag, so already
// escaped) goes in as markup. There is no way to turn a plain string into markup except
// jsonLd below, which escapes for its own context. Pages are therefore safe by construction.

/** Markup made by `html`: what may be placed into another template without escaping. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value
  }
}

/** What a template accepts: markup, text, numbers; nothing for null, undefined and false; lists of these. */
export type Renderable = Html | string | number | null | undefined | false | readonly Renderable[]

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c)
}

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return (value as readonly Renderable[]).map(render).join('')
  return escapeText(String(value))
}

/** The tag: html`<p>${text}</p>` escapes `text`; nested html`…` values go in as they are. */
export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i] as Renderable) + (strings[i + 1] ?? '')
  return new Html(out)
}

/**
 * A JSON-LD data block. JSON is not HTML: inside <script> only "</" (and "<!--") can end or
 * disturb the element, so every "<" is written as its JSON escape; the browser never runs it
 * (a data block, type application/ld+json), so the Content-Security-Policy needs no exception.
 */
export function jsonLd(data: unknown): Html {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
  return new Html(`<script type="application/ld+json">${json}</script>`)
}
