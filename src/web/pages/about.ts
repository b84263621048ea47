// Where the data comes from, how it is kept current, how to correct it, and the API for developers.
import { html, type Html } from '../html.js'
import type { Language } from '../i18n.js'

export function aboutPage(language: Language): Html {
  if (language === 'en') {
    return html`<h1>About the data</h1>
<h2 id="sources">Where it comes from</h2>
<p>Every facility and project here comes from a published source, quoted on its page. The first source is a public report on
Pinghu Street (Longgang District, Shenzhen) from October 2022; statuses are as of that report unless a later change is recorded.
English names are translations.</p>
<p>Each facility page says where each fact comes from: the article (with its sentence), a translation or summary by the editors,
a descriptive name where the article gives none, an inference (with why), or staff (who entered it, and when). Facts that are not
in anyone's own words carry a small mark beside them.</p>
<p>Opening hours are shown for the current week with Chinese public holidays and make-up working days (调休) on their days. Where
the published hours say what happens on holidays, the table follows them; where they do not, the page says the hours may differ.</p>
<p>Locations are approximate unless a page says otherwise: places whose exact site is not published are shown at the centre of
their area, and are never ranked by distance as if they were exact.</p>
<h2 id="current">How it is kept current</h2>
<p>Staff record each change with its reason; status changes can be scheduled ahead (for example the day a school opens) and take
effect at that moment. Each page shows when the facility was last verified and its status history.</p>
<h2 id="corrections">Corrections</h2>
<p>A form for residents to suggest corrections is being built. Until it is ready, there is no way on this site to send one:
we would rather say so than offer a link that goes nowhere.</p>
<h2 id="api">For developers</h2>
<p>Everything on these pages is available from the same service as a JSON API, with OpenAPI documentation at
<a href="/docs">/docs</a> and the document itself at <a href="/openapi.json">/openapi.json</a>.</p>`
  }
  return html`<h1>关于数据</h1>
<h2 id="sources">数据来源</h2>
<p>本站每一个设施和项目都来自公开资料，并在其页面引用原文。首批资料为 2022 年 10 月关于深圳市龙岗区平湖街道的公开报道；
除非另有记录的变更，状态以该报道为准。英文名称为翻译。</p>
<p>每个设施页面都注明每项信息的来源：报道原文（附原句）、编辑的翻译或撰写、原文没有给出名称时的描述性名称、推断（附理由），或工作人员录入（录入人和时间）。
不是原话的信息旁边有小标记。</p>
<p>开放时间按本周列出，法定节假日和调休上班日标在当天。公布的开放时间说明了节假日安排的，按其列出；没有说明的，页面会提示实际可能不同。</p>
<p>除非页面另有说明，位置均为大致位置：未公布准确地址的设施显示在所在地区的中心，不会当作准确位置按距离排序。</p>
<h2 id="current">如何保持更新</h2>
<p>工作人员记录每一次变更及其原因；状态变更可以提前安排（例如学校开学的日期），到时自动生效。每个页面都会显示最后核实时间和状态记录。</p>
<h2 id="corrections">纠错</h2>
<p>居民提交纠错建议的功能正在建设中。在此之前，本站还无法提交纠错——我们宁愿如实说明，也不提供无效的链接。</p>
<h2 id="api">开发者</h2>
<p>本站所有内容也由同一服务以 JSON API 提供，文档见 <a href="/docs">/docs</a>，OpenAPI 文档见 <a href="/openapi.json">/openapi.json</a>。</p>`
}
