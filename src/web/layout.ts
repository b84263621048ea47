// The frame of every page: language, title and description, canonical URL and its hreflang
// pair, Open Graph, the header with the language switch, and the footer.
import { assets } from './assets.js'
import { html, type Html, type Renderable } from './html.js'
import { prefixOf, switchLanguage, words, type Language } from './i18n.js'

export interface Page {
  language: Language
  title: string
  description: string
  /** The path of this page in its language, with its query where the query makes the page. */
  path: string
  /** The site's origin, for absolute canonical and hreflang URLs. */
  origin: string
  body: Html
  head?: Renderable
  /** Whether the "near me" script is needed. */
  nearMe?: boolean
  /** Whether the page has a map to show (Leaflet and the map script). */
  map?: boolean
  /** Pages that should not be indexed (errors, deep result pages). */
  noindex?: boolean
}

export function layout(page: Page): Html {
  const w = words[page.language]
  const prefix = prefixOf(page.language)
  const other: Language = page.language === 'en' ? 'zh-Hans' : 'en'
  const here = `${page.origin}${page.path}`
  const zhPath = page.language === 'en' ? switchLanguage(page.path, 'en') : page.path
  const enPath = page.language === 'en' ? page.path : switchLanguage(page.path, 'zh-Hans')
  const otherPath = other === 'en' ? enPath : zhPath
  const fullTitle = page.title === w.siteName ? page.title : `${page.title} – ${w.siteShort}`
  return html`<!doctype html>
<html lang="${page.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${fullTitle}</title>
<meta name="description" content="${page.description}">
${page.noindex === true ? html`<meta name="robots" content="noindex">` : html`<link rel="canonical" href="${here}">`}
<link rel="alternate" hreflang="zh-Hans" href="${page.origin}${zhPath}">
<link rel="alternate" hreflang="en" href="${page.origin}${enPath}">
<link rel="alternate" hreflang="x-default" href="${page.origin}${zhPath}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="${w.siteName}">
<meta property="og:title" content="${page.title}">
<meta property="og:description" content="${page.description}">
<meta property="og:url" content="${here}">
<meta property="og:locale" content="${page.language === 'en' ? 'en_GB' : 'zh_CN'}">
<link rel="stylesheet" href="${assets.css.path}">
${page.head}
</head>
<body>
<a class="skip" href="#main">${w.skip}</a>
<header class="site"><div class="wrap">
<a class="brand" href="${prefix}/">${w.siteShort} <span lang="${page.language === 'en' ? 'zh-Hans' : 'en'}">${page.language === 'en' ? '邻里' : 'Linli'}</span></a>
<nav aria-label="${page.language === 'en' ? 'Site' : '网站导航'}"><ul>
<li><a href="${prefix}/search">${w.search}</a></li>
<li><a href="${prefix}/projects">${w.projects}</a></li>
<li><a href="${prefix}/about">${w.about}</a></li>
<li><a href="${otherPath}" hreflang="${other}" lang="${other}">${w.otherLanguage}</a></li>
</ul></nav>
</div></header>
<div class="wrap"><main id="main" tabindex="-1">
${page.body}
</main></div>
<footer class="site"><div class="wrap">
<ul>
<li><a href="${prefix}/about">${w.about}</a></li>
<li><a href="/docs">${w.docs}</a></li>
<li><a href="${otherPath}" hreflang="${other}" lang="${other}">${w.otherLanguageName}</a></li>
</ul>
<p>${w.footer}</p>
</div></footer>
${page.nearMe === true ? html`<script src="${assets.nearMe.path}" defer></script>` : null}
${page.map === true ? html`<script src="${assets.leaflet.path}" defer></script><script src="${assets.map.path}" defer></script>` : null}
</body>
</html>`
}
