// The diff as one self-contained HTML page (no script, no network: the CSP allows only inline
// style). Every bundle string goes through the HTML sinks of analyzer/report/html-escape.ts.
import { h, h1 } from '../report/html-escape.js';
import type { ChainSummary, DiffResult } from './types.js';
import {
  buildDiffView,
  CATEGORY_TITLE,
  changeMark,
  changeText,
  sourceLabel,
  refText,
  sideLine,
  statusPair,
} from './view.js';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1b1b1b}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
code,pre{font:12.5px ui-monospace,monospace}pre{white-space:pre-wrap;word-break:break-all;margin:.2em 0}
.fixed{color:#1a7f37}.new,.still-failing{color:#b42318}.changed-status{color:#9a6700}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}
li{margin:.25em 0}.ref{color:#555}`;

function chains(title: string, roots: readonly ChainSummary[]): string {
  const items = roots.map(
    (r) =>
      `<li><code>${h1(r.id)}</code> (${h1(r.status)})${
        r.symptoms.length ? `<ul>${r.symptoms.map((s) => `<li>explains <code>${h1(s)}</code></li>`).join('')}</ul>` : ''
      }</li>`,
  );
  return `<h2>${title}</h2>${items.length ? `<ul>${items.join('')}</ul>` : '<p>None.</p>'}`;
}

export function renderDiffHtml(d: DiffResult): string {
  const v = buildDiffView(d);
  const parts: string[] = [];
  parts.push(`<h1>${h1(v.headline)}</h1>`);
  parts.push(`<p>${h1(sideLine('before', d.before))}<br>${h1(sideLine('after', d.after))}</p>`);
  parts.push(
    `<table><tr><th>category</th><th>findings</th></tr>${Object.entries(v.counts)
      .map(
        ([k, n]) => `<tr><td class="${k}">${CATEGORY_TITLE[k as keyof typeof CATEGORY_TITLE]}</td><td>${n}</td></tr>`,
      )
      .join('')}</table>`,
  );
  for (const s of v.sections) {
    if (s.rows.length === 0) continue;
    const rows = s.rows.map(
      (r) =>
        `<li><code>${h1(r.id)}</code> ${h1(statusPair(r))} (${h1(r.severity)}): ${h1(r.message)}${
          r.sources.length
            ? `<ul>${r.sources.map((c) => `<li>because ${changeMark(c)} <code>${h1(sourceLabel(c))}</code>: <code>${h1(changeText(c))}</code></li>`).join('')}</ul>`
            : ''
        }</li>`,
    );
    parts.push(
      `<h2 class="${s.category}">${CATEGORY_TITLE[s.category]} (${s.rows.length})</h2><ul>${rows.join('')}</ul>`,
    );
  }
  parts.push(chains('Root causes before', v.rootsBefore), chains('Root causes after', v.rootsAfter));
  parts.push(`<h2>Source changes (${d.sources.length})</h2>`);
  if (v.sources.length === 0) parts.push('<p>None.</p>');
  for (const g of v.sources) {
    const items = g.changes.map(
      (c) =>
        `<li><pre>${changeMark(c)} ${h(changeText(c))}</pre>${
          c.beforeRef ? `<div class="ref">before: <code>${h1(refText(c.beforeRef))}</code></div>` : ''
        }${c.afterRef ? `<div class="ref">after: <code>${h1(refText(c.afterRef))}</code></div>` : ''}</li>`,
    );
    parts.push(`<h3><code>${h1(g.heading)}</code></h3><ul>${items.join('')}</ul>`);
  }
  for (const o of v.omitted) parts.push(`<p>${h1(o)}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netsnap diff</title><style>${CSS}</style></head>
<body>${parts.join('\n')}</body></html>
`;
}
