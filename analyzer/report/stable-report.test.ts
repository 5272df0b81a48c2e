// Issue 20 items 5-7 through the real demo (the article scenario): stable ids across runs, bundle
// order and filters; fixes grouped by where they run; the markdown ticket report's bound and
// inertness, checked with a real CommonMark renderer (markdown-it).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { analyze } from '../causal/analyze.js';
import { loadSnapshot } from '../model/load.js';
import { corednsNotReady } from '../rules/dns/coredns-not-ready.js';
import { corednsUpstreamUnusable } from '../rules/dns/coredns-upstream-unusable.js';
import { kubeDnsNoEndpoints } from '../rules/dns/kube-dns-no-endpoints.js';
import { corefileWithForward, dnsSnapshot, timeoutLine } from '../rules/dns/testing.js';
import { buildJsonReport } from './json.js';
import { renderMarkdown } from './markdown.js';
import { buildReportModel, type ReportInput } from './model.js';
import { renderText } from './text.js';

const DIR = new URL('../../fixtures/scenarios/article-full-story/', import.meta.url).pathname;
const bundles = readdirSync(DIR)
  .filter((n) => n.startsWith('netsnap-'))
  .sort()
  .map((n) => join(DIR, n));

async function demo(paths: readonly string[]): Promise<ReportInput> {
  const { snapshot } = await loadSnapshot(paths);
  return { snapshot, analysis: analyze(snapshot) };
}

interface J {
  roots: { finding: string; explains: J['roots'] }[];
  findings: { id: string; ruleId: string; status: string; subject: { key: string }; explainedBy: string[] }[];
  fixes: { place: { kind: string; node?: string }; items: { finding: string; command: string }[] }[];
}
const json = (input: ReportInput): J => buildJsonReport(input) as J;
const byId = (j: J) => new Map(j.findings.map((f) => [f.id, `${f.ruleId} ${f.subject.key} ${f.status}`]));

describe('stable finding ids on the demo', () => {
  it('are rule/subject, unique, and identical across runs and bundle order', async () => {
    expect(bundles).toHaveLength(3);
    const a = json(await demo(bundles));
    const b = json(await demo(bundles));
    const r = json(await demo([...bundles].reverse()));
    expect(new Set(a.findings.map((f) => f.id)).size).toBe(a.findings.length);
    expect(byId(b)).toEqual(byId(a));
    expect(byId(r)).toEqual(byId(a));
    expect(r.roots).toEqual(a.roots);
    expect(a.roots.map((x) => x.finding)).toEqual(['SYS-104/node:worker-1', 'DNS-402/configmap:kube-system/coredns']);
    const dns401 = a.findings.find((f) => f.ruleId === 'DNS-401');
    expect(dns401?.id).toBe('DNS-401/deployment:kube-system/coredns');
    expect(dns401?.explainedBy).toEqual(['DNS-402/configmap:kube-system/coredns']);
  });

  it('are the same with --layer and --node filters', async () => {
    const input = await demo(bundles);
    const all = byId(json(input));
    for (const filter of [{ layers: ['dns' as const] }, { node: 'worker-2' }, { layers: ['system' as const] }]) {
      const part = json({ ...input, filter });
      expect(part.findings.length).toBeGreaterThan(0);
      expect(part.findings.length).toBeLessThan(all.size);
      for (const [id, what] of byId(part)) expect(all.get(id)).toBe(what);
    }
  });
});

describe('fixes by place on the demo', () => {
  it("puts SYS-104's iptables command under node worker-1 and kubectl commands under kubectl", async () => {
    const input = await demo(bundles);
    const { fixes } = buildReportModel(input);
    expect(fixes.map((g) => g.place)).toEqual([{ kind: 'node', node: 'worker-1' }, { kind: 'kubectl' }]);
    expect(fixes[0]?.items.map((i) => [i.findingId, i.command.split(' ')[0]])).toEqual([
      ['SYS-104/node:worker-1', 'iptables'],
    ]);
    expect(fixes[1]?.items.every((i) => i.command.startsWith('kubectl '))).toBe(true);
    expect(new Set(fixes[1]?.items.map((i) => i.findingId))).toEqual(
      new Set([
        'SYS-104/node:worker-1',
        'DNS-402/configmap:kube-system/coredns',
        'DNS-401/deployment:kube-system/coredns',
        'DNS-406/service:kube-system/kube-dns',
      ]),
    );
    // the root cause's fix comes before the fixes of its symptoms
    const kube = fixes[1]?.items.map((i) => i.findingId) ?? [];
    expect(kube.indexOf('DNS-402/configmap:kube-system/coredns')).toBeLessThan(
      kube.indexOf('DNS-401/deployment:kube-system/coredns'),
    );
    expect(json(input).fixes[0]?.items[0]?.finding).toBe('SYS-104/node:worker-1');
  });

  it('text report names where each command runs, each command once', async () => {
    const lines = renderText(await demo(bundles), { width: 80 }).split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('# on node worker-1')).toBeGreaterThan(at('FIXES'));
    expect(at('$ iptables -t nat -A POSTROUTING')).toBeGreaterThan(at('# on node worker-1'));
    expect(at('# with kubectl')).toBeGreaterThan(at('$ iptables -t nat -A POSTROUTING'));
    expect(at('$ kubectl -n kube-system rollout restart deployment coredns')).toBeGreaterThan(at('# with kubectl'));
    expect(lines.filter((l) => l.includes('rollout restart deployment coredns'))).toHaveLength(1);
  });
});

const md = new MarkdownIt({ html: true, linkify: true });

describe('markdown for tickets', () => {
  it('the demo: summary table first, root causes, fixes by place, the rest in <details>, <= 60 lines', async () => {
    const text = renderMarkdown({ ...(await demo(bundles)), tool: { name: 'netsnap', version: '9.8.7' } });
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(60);
    const html = md.render(text);
    const order = ['<table>', '<h3>Root causes</h3>', '<h3>Fixes', '<details>'].map((s) => html.indexOf(s));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > (order[k - 1] as number)))).toBe(true);
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    for (const cell of ['collected', '2024-11-20T09:30:54Z', 'worker-1', 'kubeadm', 'netsnap 9.8.7', 'redacted'])
      expect(table).toContain(cell);
    const fixes = html.slice(html.indexOf('<h3>Fixes'), html.indexOf('<details>'));
    expect(fixes).toMatch(
      /worker-1.*\n<pre><code class="language-sh">\[ &quot;\$\(hostname\)&quot; = worker-1 \] \|\| exit 1/,
    );
    expect(fixes.indexOf('iptables -t nat')).toBeLessThan(fixes.indexOf('With kubectl'));
    expect(html.slice(html.indexOf('<details>'))).toContain('Data completeness');
  });

  it('hostile pod names and log lines render as code, never as HTML, links, headings or table cells', () => {
    const evil =
      'x`y``z|a</details><details><summary>pwn</summary>[c](javascript:alert(1))<img src=x onerror=alert(1)>';
    const pod = `coredns-${evil}\n# HEADING\n| forged | row |\n</details>`;
    const snapshot = dnsSnapshot(
      {
        corefile: corefileWithForward('233.5.5.5'),
        nodes: [`cp-1${evil}`, 'worker-1'],
        pods: [
          { name: pod, node: `cp-1${evil}`, ready: false },
          { name: 'coredns-b', node: 'worker-1', ready: false },
        ],
        logs: { [pod]: `${timeoutLine('233.5.5.5')} ${evil}\n<script>alert(2)</script>\n` },
      },
      `cp-1${evil}`,
    );
    const analysis = analyze(snapshot, { rules: [corednsNotReady, corednsUpstreamUnusable, kubeDnsNoEndpoints] });
    const text = renderMarkdown({ snapshot, analysis });
    expect(text).toContain('onerror'); // the text is there, as code
    const html = md.render(text);
    expect(html.match(/<details>/g)).toHaveLength(1);
    expect(html.match(/<\/details>/g)).toHaveLength(1);
    expect(html.match(/<summary>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img|<script|<a |<h1|<h2>(?!netsnap)|<h[4-6]/);
    expect(html.match(/<h\d>/g)).toEqual(['<h2>', '<h3>', '<h3>']);
    // the summary table keeps its two columns on every row
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    for (const row of table.split('<tr>').slice(1)) expect(row.match(/<t[dh]/g)).toHaveLength(2);
    // and in the source too (a renderer drops excess cells silently, others may not)
    const rows = text.split('\n').filter((l) => l.startsWith('|'));
    expect(rows.some((l) => l.includes('cp-1x'))).toBe(true);
    for (const l of rows) expect(l.match(/(?<!\\)\|/g)).toHaveLength(3);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
