import { describe, expect, it } from 'vitest';
import { analyze } from '../causal/analyze.js';
import { corednsNotReady } from '../rules/dns/coredns-not-ready.js';
import { corednsUpstreamUnusable } from '../rules/dns/coredns-upstream-unusable.js';
import { kubeDnsNoEndpoints } from '../rules/dns/kube-dns-no-endpoints.js';
import { corefileWithForward, dnsSnapshot, timeoutLine } from '../rules/dns/testing.js';
import { buildJsonReport, REPORT_SCHEMA } from './json.js';
import { renderMarkdown } from './markdown.js';
import { exitCodeFor, inert } from './model.js';
import { renderText } from './text.js';

const pod = 'coredns-6f6b679f8f-rgq7r';
function article() {
  const snapshot = dnsSnapshot({
    corefile: corefileWithForward('233.5.5.5'),
    pods: [
      { name: pod, node: 'cp-1', ready: false },
      { name: 'coredns-6f6b679f8f-x8k2p', node: 'worker-1', ready: false },
    ],
    logs: {
      [pod]: `${timeoutLine('233.5.5.5')}\n\u001b[2J\u001b]0;pwned\u0007 evil\n[ERROR] plugin/errors: 2 x. A: read udp 10.244.0.2:1->233.5.5.5:53: i/o timeout \u001b[31mred\n`,
    },
  });
  const analysis = analyze(snapshot, { rules: [corednsNotReady, corednsUpstreamUnusable, kubeDnsNoEndpoints] });
  return { snapshot, analysis };
}

describe('text report', () => {
  it('fits 80 columns, has no escape sequence without colour, and shows the chain root first', () => {
    const text = renderText(article());
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).not.toMatch(/[\u001b\u0007]/);
    const order = ['DNS-402', 'DNS-401', 'DNS-406'].map((id) => text.indexOf(`FAIL ${id}`));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > (order[k - 1] as number)))).toBe(true);
    expect(text).toContain('$ kubectl -n kube-system rollout restart deployment coredns');
  });

  it('colour only when asked, labels always', () => {
    const text = renderText(article(), { color: true });
    expect(text).toContain('\u001b[31m✗ FAIL');
    expect(renderText(article(), { color: false })).toContain('✗ FAIL');
  });

  it('bundle text is inert', () => {
    expect(inert('a\u001b[31mb\u0007')).toBe('a␛[31mb\\x07');
  });
});

describe('json report', () => {
  it('is versioned and links roots to findings by id', () => {
    const j = buildJsonReport(article()) as {
      schema: string;
      roots: { finding: string; explains: { finding: string }[] }[];
      findings: { id: string; ruleId: string; explainedBy: string[] }[];
    };
    expect(j.schema).toBe(REPORT_SCHEMA);
    const byId = new Map(j.findings.map((f) => [f.id, f]));
    expect(j.roots.map((r) => byId.get(r.finding)?.ruleId)).toEqual(['DNS-402']);
    const child = byId.get(j.roots[0]!.explains[0]!.finding);
    expect(child?.ruleId).toBe('DNS-401');
    expect(child?.explainedBy).toEqual([j.roots[0]!.finding]);
  });
});

describe('markdown report', () => {
  it('puts bundle text in fences and names the root cause', () => {
    const md = renderMarkdown(article());
    expect(md).toContain('1. **DNS-402** `configmap:kube-system/coredns`: ');
    expect(md).not.toMatch(/\u001b/);
  });
});

describe('exit codes', () => {
  it('follows --fail-on', () => {
    const { analysis } = article();
    expect(exitCodeFor(analysis.findings, 'critical')).toBe(1);
    expect(exitCodeFor(analysis.findings, 'never')).toBe(0);
    expect(
      exitCodeFor(
        analysis.findings.filter((f) => f.status === 'pass'),
        'warning',
      ),
    ).toBe(0);
  });
});
