// The sign-in form: a key, exchanged for a session (POST /staff/session); without JavaScript.
import { html, type Html } from '../../web/html.js'
import { consoleWords, type Language } from '../i18n.js'
import { staffPath } from '../session.js'

export function signInPage(language: Language, failed: boolean): Html {
  const w = consoleWords[language]
  return html`<h1>${w.signInTitle}</h1>
<p>${w.signInIntro}</p>
${
  failed
    ? html`<div class="error-summary" role="alert"><h2>${w.errorSummary}</h2><ul><li><a href="#key">${w.signInFailed}</a></li></ul></div>`
    : null
}
<form method="post" action="${staffPath}/session">
<div class="field${failed ? ' field-error' : ''}">
<label for="key">${w.key}</label>
${failed ? html`<p role="alert" id="key-error" class="error-message">${w.signInFailed}</p>` : null}
<input id="key" name="key" type="password" autocomplete="off" required${failed ? html` aria-describedby="key-error" aria-invalid="true"` : null}>
</div>
<button type="submit">${w.signIn}</button>
</form>`
}

export function errorBody(language: Language, title: string, detail: string | undefined): Html {
  const w = consoleWords[language]
  return html`<h1>${title}</h1>
${detail === undefined ? null : html`<p>${detail}</p>`}
<p><a href="${staffPath}">${w.back}</a></p>`
}
