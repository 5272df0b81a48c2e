// The HTML report (issue 13): one self-contained file for a ticket. Inline CSS and JS, no URL
// outside the page, readable without JavaScript (the script only adds filters and search). Every
// bundle and rule-pack string goes through html-escape.ts; in-page links are built from anchorId
// only; the Content-Security-Policy allows the two inline blocks by hash and nothing from the network.
import { createHash } from 'node:crypto';
import { redactionNotice } from '../redact/notice.js';
import { allRules } from '../rules/catalog.js';
import { LAYERS, subjectKey, type Chain, type EvidenceRef, type Finding, type Status } from '../rules/types.js';
import { nodeOf } from '../causal/link.js';
import { fateSentence, stepChainWhere } from '../trace/format.js';
import type { FixPlace } from './fix-places.js';
import { buildReportModel, chainFindings, evidenceLocation, fixesOf, type ReportInput } from './model.js';
import { platformLine, platformSource } from './platform.js';
import { CSS, SCRIPT } from './html-assets.js';
import { anchorId, h, h1, ha, hrefTo } from './html-escape.js';
import { planEmbed, renderFiles, type Citation, type EmbedPlan } from './html-files.js';
import { reportTraces, type ReportTrace } from './html-traces.js';

export interface HtmlOptions {
  /** bytes of embedded file views (default 640 KiB: the demo report stays under 1 MB) */
  readonly maxEmbedBytes?: number;
  /** netsnap's version for the header (default: the model's, from package.json) */
  readonly version?: string;
  /** rule titles and docs (packs included); default: the built-in catalog */
  readonly rules?: readonly { readonly id: string; readonly title: string; readonly docs: { readonly why: string } }[];
}

export const DEFAULT_EMBED_BYTES = 640 * 1024;

const LABEL: Record<Status, string> = { fail: '✗ fail', warn: '! warn', unknown: '? unknown', pass: '✓ pass' };
/** lines of context around a cited range in an evidence excerpt, and the most lines an excerpt shows */
const EXCERPT_CONTEXT = 2;
const EXCERPT_MAX = 14;
const QUOTE_MAX = 4000;

const DIRECTION: Record<ReportTrace['direction'], string> = {
  egress: 'a pod of the node to the internet',
  ingress: 'a pod of another node to a pod here',
  service: "a pod's packet to the Service",
};

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

interface Ctx {
  readonly input: ReportInput;
  readonly ids: ReadonlyMap<Finding, string>;
  readonly plan: EmbedPlan;
  readonly why: ReadonlyMap<string, { title: string; why: string }>;
  readonly tracesOf: ReadonlyMap<Finding, number[]>;
  readonly fixOf: ReadonlyMap<string, string>;
}

const fixAnchor = (p: FixPlace) => anchorId(`fix-${p.kind === 'node' ? `node:${p.node}` : p.kind}`);
const findingAnchor = (c: Ctx, f: Finding) => anchorId(`finding-${c.ids.get(f) ?? 'x'}`);

/** evidence lines of one file close enough to share one excerpt */
interface EvidenceGroup {
  readonly refs: EvidenceRef[];
  from: number;
  to: number;
}

const sameUnit = (a: EvidenceRef, b: EvidenceRef) =>
  a.bundle === b.bundle && a.path === b.path && a.pointer === b.pointer;

function groupEvidence(evidence: readonly EvidenceRef[]): EvidenceGroup[] {
  const out: EvidenceGroup[] = [];
  for (const e of evidence) {
    if (e.line === undefined) {
      out.push({ refs: [e], from: 0, to: 0 });
      continue;
    }
    const end = Math.max(e.line, e.endLine ?? e.line);
    const from = Math.max(1, e.line - EXCERPT_CONTEXT);
    const to = end + EXCERPT_CONTEXT;
    const g = out.find(
      (x) =>
        x.to > 0 &&
        sameUnit(x.refs[0]!, e) &&
        from <= x.to + 1 &&
        to >= x.from - 1 &&
        Math.max(x.to, to) - Math.min(x.from, from) < EXCERPT_MAX,
    );
    if (g) {
      g.refs.push(e);
      g.from = Math.min(g.from, from);
      g.to = Math.max(g.to, to);
    } else out.push({ refs: [e], from, to });
  }
  return out;
}

function excerpt(c: Ctx, g: EvidenceGroup): string {
  const e = g.refs[0]!;
  const unit = { bundle: e.bundle, path: e.path, ...(e.pointer !== undefined ? { pointer: e.pointer } : {}) };
  const lines =
    e.line === undefined
      ? undefined
      : c.input.snapshot.files.lines(unit, g.from, Math.min(g.to, g.from + EXCERPT_MAX - 1));
  if (!lines || lines.length === 0) {
    const q =
      e.quote.length > QUOTE_MAX ? `${e.quote.slice(0, QUOTE_MAX)}… (${e.quote.length - QUOTE_MAX} more)` : e.quote;
    return `<pre class="quote">${h(q)}</pre>`;
  }
  const hit = (n: number) => g.refs.some((r) => n >= r.line! && n <= Math.max(r.line!, r.endLine ?? r.line!));
  const rows = lines.map((text, i) => {
    const n = g.from + i;
    const t = text.length > 400 ? `${text.slice(0, 400)}…` : text;
    return `<span${hit(n) ? ' class="hit"' : ''}><b>${n}</b>${h(t)}</span>`;
  });
  return `<pre class="src">${rows.join('')}</pre>`;
}

function evidenceBlock(c: Ctx, g: EvidenceGroup): string {
  const locs = g.refs.map((e) => {
    const target = c.plan.anchorFor(e);
    const loc = `<code>${h1(`${e.bundle}:${evidenceLocation(e)}`)}</code>`;
    const link = target
      ? ` <a href="${hrefTo(target)}">full file</a>`
      : ' <span class="note">(not embedded in this report: see <a href="#files">Bundle files</a>)</span>';
    return `<div class="loc">${loc}${e.note ? ` — ${h1(e.note)}` : ''}${link}</div>`;
  });
  return `<div class="ev">${locs.join('')}${excerpt(c, g)}</div>`;
}

function findingCard(c: Ctx, f: Finding): string {
  const node = nodeOf(f) ?? '';
  const doc = c.why.get(f.ruleId);
  const parts = [
    `<div class="card" id="${findingAnchor(c, f)}"><h3><span class="badge s-${f.status}">${LABEL[f.status]}</span>`,
    `<span class="rid">${h1(f.ruleId)}</span> <code>${h1(subjectKey(f.subject))}</code>`,
    `<span class="meta">${h1(f.layer)} · ${h1(f.severity)}${node ? ` · node ${h1(node)}` : ''}</span></h3>`,
    `<p class="msg">${h1(f.message)}</p>`,
  ];
  if (doc) parts.push(`<p class="why"><b>Why:</b> ${h1(doc.title)}. ${h(doc.why)}</p>`);
  if (f.missing?.length) parts.push(`<p>Missing: ${f.missing.map((m) => `<code>${h1(m)}</code>`).join(', ')}</p>`);
  for (const g of groupEvidence(f.evidence)) parts.push(evidenceBlock(c, g));
  if (f.remediation && f.status !== 'pass') {
    const group = c.fixOf.get(c.ids.get(f) ?? '');
    parts.push(
      `<p><b>Fix:</b> ${h(f.remediation.explanation)}${group ? ` <a href="${hrefTo(group)}">(by place)</a>` : ''}</p>`,
      `<pre class="cmd">${h(f.remediation.commands.join('\n'))}</pre>`,
    );
  }
  const traces = c.tracesOf.get(f) ?? [];
  if (traces.length)
    parts.push(`<p>Packet traces: ${traces.map((i) => `<a href="#trace-${i}">trace ${i + 1}</a>`).join(', ')}</p>`);
  parts.push('</div>');
  return parts.join('');
}

function findingEl(c: Ctx, f: Finding, inner: string): string {
  return (
    `<article class="finding ${f.status}" data-layer="${ha(f.layer)}" data-severity="${ha(f.severity)}" ` +
    `data-node="${ha(nodeOf(f) ?? '')}">${inner}</article>`
  );
}

function chainEl(c: Ctx, ch: Chain, seen: Set<Finding>, depth: number): string {
  seen.add(ch.finding);
  const kids = ch.explains.map((x) => {
    if (seen.has(x.finding) || depth > 50)
      return `<p class="label">explains <a href="${hrefTo(findingAnchor(c, x.finding))}">${h1(x.finding.ruleId)} ${h1(subjectKey(x.finding.subject))}</a> (shown above)</p>`;
    return `<p class="label">explains:</p>${chainEl(c, x, seen, depth + 1)}`;
  });
  return findingEl(
    c,
    ch.finding,
    `${findingCard(c, ch.finding)}${kids.length ? `<div class="explains">${kids.join('')}</div>` : ''}`,
  );
}

function traceEl(c: Ctx, t: ReportTrace, i: number): string {
  const r = t.result;
  const inp = r.input;
  const ref = r.iptablesRef;
  const head =
    `<h3>Trace ${i + 1}: ${h1(inp.src)} → ${h1(inp.dst)}${inp.dport !== undefined ? `:${inp.dport}` : ''} ${h1(inp.proto)} ` +
    `on node ${h1(r.node)}<span class="meta">${DIRECTION[t.direction]}, as <a href="${hrefTo(findingAnchor(c, t.finding))}">` +
    `${h1(t.finding.ruleId)}</a> traced it${t.filterAcceptsAll ? ' (filter table taken as accepting all)' : ''}</span></h3>`;
  const out = [`<section class="trace" id="trace-${i}">${head}`];
  if (r.missing.length) out.push(`<p class="note">missing from the bundle: ${r.missing.map(h1).join(', ')}</p>`);
  r.branches.forEach((b, n) => {
    if (r.branches.length > 1)
      out.push(`<p>branch ${n + 1} of ${r.branches.length}, probability ${(b.probability * 100).toFixed(1)}%</p>`);
    out.push('<table><tr><th>hook</th><th>where</th><th>verdict</th><th class="text">rule</th><th>line</th></tr>');
    for (const s of b.steps) {
      const at = ref && s.line !== undefined ? c.plan.anchorFor({ ...ref, line: s.line }) : undefined;
      const line = s.line === undefined ? '' : at ? `<a href="${hrefTo(at)}">${s.line}</a>` : String(s.line);
      out.push(
        `<tr><td>${h1(s.hook)}</td><td class="where">${h1(stepChainWhere(s) ?? '')}</td><td>${h1(s.verdict)}</td>` +
          `<td class="text"><code>${h1(s.text ?? '')}</code></td><td>${line}</td></tr>`,
      );
    }
    out.push(`</table><p class="fate">⇒ ${h1(fateSentence(b.fate))}</p>`);
  });
  out.push('</section>');
  return out.join('');
}

export function renderHtml(input: ReportInput, opts: HtmlOptions = {}): string {
  const m = buildReportModel(input);
  const s = input.snapshot;
  const ids = m.ids;
  const traces = reportTraces(s, m.findings);
  const tracesOf = new Map<Finding, number[]>();
  traces.forEach((t, i) => tracesOf.set(t.finding, [...(tracesOf.get(t.finding) ?? []), i]));
  const problems = m.findings.filter((f) => f.status !== 'pass');
  const citations: Citation[] = [
    ...problems.flatMap((f) => f.evidence),
    ...traces.flatMap((t) =>
      t.result.iptablesRef
        ? t.result.branches.flatMap((b) => b.steps.map((st) => ({ ...t.result.iptablesRef!, line: st.line })))
        : [],
    ),
  ];
  const plan = planEmbed(s.files, s.bundles, citations, opts.maxEmbedBytes ?? DEFAULT_EMBED_BYTES);
  // every shown finding's fixes (the model's m.fixes holds the root chains' only), causes first
  const inChains = chainFindings(m.roots).filter((f) => f.status !== 'pass');
  const chained = new Set(inChains);
  const groups = fixesOf([...inChains, ...problems.filter((f) => !chained.has(f))], ids);
  const fixOf = new Map<string, string>();
  groups.forEach((g) => {
    for (const it of g.items) fixOf.set(it.findingId, fixAnchor(g.place));
  });
  const rules = opts.rules ?? allRules;
  const why = new Map(rules.map((r) => [r.id, { title: r.title, why: r.docs.why }]));
  const c: Ctx = { input, ids, plan, why, tracesOf, fixOf };

  // probe failures no finding explains are roots but not causes: their own section, as in the text report
  const unexplained = new Set(m.unexplained);
  const causes = m.roots.filter((r) => !unexplained.has(r));
  const notice = redactionNotice(s.bundles, { forSharing: true });
  const nodes = [...new Set(s.bundles.map((b) => b.node).filter((n): n is string => !!n))];
  const body: string[] = [];
  body.push('<h1>netsnap report</h1>');
  if (notice.warning) body.push(`<p class="banner s-fail" id="unredacted">⚠ Not redacted: ${h1(notice.warning)}</p>`);
  body.push('<div class="top"><header>');
  const source = platformSource(m.platform);
  const server = s.cluster.version?.value.serverVersion;
  body.push(
    '<dl class="head">',
    `<dt>cluster</dt><dd>${server ? `Kubernetes ${h1(server)}` : 'version not collected'}${s.cluster.bundle ? ` (cluster data from <code>${h1(s.cluster.bundle)}</code>)` : ''}</dd>`,
    `<dt>nodes</dt><dd>${nodes.length ? nodes.map((n) => `<code>${h1(n)}</code>`).join(', ') : 'none'}</dd>`,
    `<dt>bundles</dt><dd>${s.bundles.map((b) => `<code>${h1(b.id)}</code>${b.createdAt ? ` ${h1(b.createdAt)}` : ''}`).join('<br>')}</dd>`,
    `<dt>platform</dt><dd>${h1(platformLine(m.platform))}${source ? `<br><span class="note">from ${h1(source)}</span>` : ''}</dd>`,
    `<dt>collected</dt><dd>${s.now ? h1(s.now) : 'unknown'}</dd>`,
    `<dt>redaction</dt><dd class="${notice.unredacted.length ? 's-fail' : ''}">${h1(m.redaction)}</dd>`,
    `<dt>tool</dt><dd>${h1(m.tool.name)} ${h1(opts.version ?? m.tool.version)}</dd>`,
    '</dl>',
    `<p><b>${causes.length} root cause(s)</b>${unexplained.size > 0 ? `, <b>${unexplained.size} unexplained symptom(s)</b>` : ''}: ${m.counts.fail} fail, ${m.counts.warn} warn, ${m.counts.unknown} unknown, ${m.counts.pass} pass</p>`,
    '</header>',
  );
  // the layer stack, symptoms on top, causes at the bottom
  body.push(
    '<section id="layers"><h2>Layer stack</h2><p class="note">symptoms show on top, causes sit below</p>',
    '<table class="stack"><tr><th>layer</th>',
  );
  body.push(
    (['fail', 'warn', 'unknown', 'pass'] as const).map((st) => `<th class="n s-${st}">${st}</th>`).join(''),
    '</tr>',
  );
  for (const layer of LAYERS) {
    const fs = m.findings.filter((f) => f.layer === layer);
    const n = (st: Status) => fs.filter((f) => f.status === st).length;
    body.push(
      `<tr class="layer"><td>${layer}</td>${(['fail', 'warn', 'unknown', 'pass'] as const).map((st) => `<td class="n s-${st}">${n(st) || ''}</td>`).join('')}</tr>`,
    );
  }
  body.push('</table></section></div>');

  // filters: hidden until the script runs (without JavaScript everything is shown)
  const sevs = [...new Set(m.findings.map((f) => f.severity))];
  body.push(
    '<nav id="filters" hidden><fieldset><legend>layer</legend>',
    ...LAYERS.map((l) => `<label><input type="checkbox" name="layer" value="${l}" checked> ${l}</label>`),
    '</fieldset><fieldset><legend>severity</legend>',
    ...sevs.map((v) => `<label><input type="checkbox" name="severity" value="${ha(v)}" checked> ${h1(v)}</label>`),
    '</fieldset><label>node <select name="node"><option value="">all</option>',
    ...nodes.map((n) => `<option value="${ha(n)}">${h1(n)}</option>`),
    '</select></label><input type="search" placeholder="search findings" aria-label="search findings">',
    '<span id="shown" class="note"></span></nav>',
  );

  body.push('<section id="roots"><h2>Root causes</h2>');
  if (causes.length === 0) body.push('<p>None found.</p>');
  const seen = new Set<Finding>();
  for (const r of causes) body.push(chainEl(c, r, seen, 0));
  body.push('</section>');
  if (unexplained.size > 0) {
    body.push(
      '<section id="unexplained"><h2>Unexplained symptoms</h2>',
      '<p class="note">probe results no finding explains: the cause is a fault netsnap does not know, or lies outside what the bundles hold (another host, the network between nodes)</p>',
    );
    for (const r of m.unexplained) body.push(chainEl(c, r, seen, 0));
    body.push('</section>');
  }
  if (m.others.size > 0) {
    body.push('<section id="others"><h2>Other findings</h2>');
    for (const [layer, fs] of m.others)
      body.push(`<h3>${h1(layer)}</h3>`, ...fs.map((f) => findingEl(c, f, findingCard(c, f))));
    body.push('</section>');
  }
  body.push('<section id="completeness"><h2>Data completeness</h2>');
  if (m.unknown.length === 0) body.push('<p>Every check had its inputs.</p>');
  for (const f of m.unknown) body.push(findingEl(c, f, findingCard(c, f)));
  const errors = s.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    body.push(`<p>${errors.length} file problem(s):</p><ul>`);
    for (const p of errors.slice(0, 50))
      body.push(
        `<li><code>${h1(`${p.bundle ?? ''}:${p.file}${p.line ? `:${p.line}` : ''}`)}</code>: ${h1(p.message)}</li>`,
      );
    if (errors.length > 50) body.push(`<li>and ${errors.length - 50} more</li>`);
    body.push('</ul>');
  }
  body.push('</section>');
  body.push('<section id="fixes" class="fixes"><h2>Fixes, by where they run</h2>');
  if (groups.length === 0) body.push('<p>No fix to suggest.</p>');
  for (const g of groups) {
    body.push(`<section id="${fixAnchor(g.place)}"><h3>${h1(g.label.replace(/^# /, ''))}</h3>`);
    for (const it of g.items) {
      const f = problems.find((x) => ids.get(x) === it.findingId);
      const to = f ? `<a href="${hrefTo(findingAnchor(c, f))}">${h1(it.ruleId)}</a>` : h1(it.ruleId);
      body.push(`<div>${to}</div><pre class="cmd">${h(it.command)}</pre>`);
    }
    body.push('</section>');
  }
  body.push('<p class="note">netsnap never runs these; check each before you do.</p></section>');
  body.push('<section id="traces"><h2>Packet traces</h2>');
  if (traces.length === 0) body.push('<p>No rule that fired traced a packet.</p>');
  traces.forEach((t, i) => body.push(traceEl(c, t, i)));
  body.push('</section>');
  const passes = m.findings.filter((f) => f.status === 'pass');
  body.push(
    `<section id="passed"><h2>Passed checks</h2><details><summary>${passes.length} check(s) passed</summary><ul>`,
    ...passes.map((f) => `<li><b>${h1(f.ruleId)}</b> <code>${h1(subjectKey(f.subject))}</code>: ${h1(f.message)}</li>`),
    '</ul></details></section>',
  );
  const nodeOfBundle = new Map(s.bundles.map((b) => [b.id, b.node ?? '']));
  body.push('<section id="files"><h2>Bundle files</h2>', renderFiles(plan, nodeOfBundle), '</section>');

  const csp =
    `default-src 'none'; style-src 'sha256-${sha256(CSS)}'; script-src 'sha256-${sha256(SCRIPT)}'; ` +
    "img-src 'none'; form-action 'none'; base-uri 'none'";
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>netsnap report${nodes.length ? `: ${h1(nodes.join(', '))}` : ''}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    ...body,
    `</main><script>${SCRIPT}</script></body></html>\n`,
  ].join('\n');
}
