// Issue 13 item 1 on the demo (article-full-story): the HTML report holds the root causes with their
// chains, evidence linked to line anchors of the embedded files, fixes by place, the traced packet;
// every in-page link resolves; nothing outside the page is referenced; the report stays under 1 MB,
// and a small byte budget embeds only what evidence cites, saying what it left out.
import { beforeAll, describe, expect, it } from 'vitest';
import { readBundles } from '../../analyzer/bundle/read.js';
import { buildSnapshot } from '../../analyzer/model/build.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { rawBundle } from '../../analyzer/model/testing.js';
import { readFileSync } from 'node:fs';
import { analyze } from '../../analyzer/causal/analyze.js';
import { renderHtml } from '../../analyzer/report/html.js';
import { stableFindingIds } from '../../analyzer/report/ids.js';
import type { ReportInput } from '../../analyzer/report/model.js';
import { bundlePaths } from '../scenario-helpers.js';

let input: ReportInput;
let html = '';
let idOf: (rule: string, subject?: string) => string;

beforeAll(async () => {
  const { snapshot } = await loadSnapshot(bundlePaths('article-full-story'));
  input = { snapshot, analysis: analyze(snapshot) };
  html = renderHtml(input, { version: '9.9.9' });
  const ids = stableFindingIds(input.analysis.findings);
  idOf = (rule, subject) => {
    const fs = input.analysis.findings;
    const i = fs.findIndex(
      (f, n) => f.ruleId === rule && f.status !== 'pass' && (subject === undefined || ids[n]?.includes(subject)),
    );
    return `finding-${ids[i] ?? 'missing'}`;
  };
});

/** the element with this id, as the text from its opening tag to the end of the page */
const from = (id: string) => html.slice(Math.max(0, html.indexOf(` id="${id}"`)));
const section = (id: string) => {
  const s = from(id);
  return s.slice(0, s.indexOf('</section>'));
};
const ids = () => [...html.matchAll(/ id="([^"]*)"/g)].map((m) => m[1] ?? '');
const hrefs = () => [...html.matchAll(/ href="([^"]*)"/g)].map((m) => m[1] ?? '');

describe('the demo as one HTML file', () => {
  it('is under 1 MB', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(1_000_000);
  });

  it('header: nodes, collection time, tool version, platform, and a visible unredacted warning', () => {
    const head = html.slice(0, html.indexOf('id="roots"'));
    for (const n of ['control-plane', 'worker-1', 'worker-2']) expect(head).toContain(`<code>${n}</code>`);
    expect(head).toContain('2024-11-20T09:30:54Z');
    expect(head).toContain('netsnap 9.9.9');
    expect(head).toContain('distribution kubeadm');
    expect(head).toMatch(/class="banner[^"]*" id="unredacted"/);
  });

  it('root causes SYS-104 (explaining SYS-108) and DNS-402 (explaining DNS-401, DNS-406) with their chains', () => {
    const roots = section('roots');
    const sys104 = roots.indexOf(`id="${idOf('SYS-104', 'worker-1')}"`);
    const dns402 = roots.indexOf(`id="${idOf('DNS-402')}"`);
    expect(sys104).toBeGreaterThan(0);
    expect(dns402).toBeGreaterThan(sys104);
    expect(roots.indexOf(`id="${idOf('SYS-108', 'worker-1')}"`)).toBeGreaterThan(sys104);
    const chain = roots.slice(dns402);
    expect(chain).toContain(`id="${idOf('DNS-401')}"`);
    expect(chain).toContain(`id="${idOf('DNS-406')}"`);
    // each finding once in full
    for (const f of ['SYS-104', 'DNS-402', 'DNS-401']) expect(html.split(`id="${idOf(f)}"`)).toHaveLength(2);
  });

  it('evidence: the cited iptables line is highlighted in the excerpt and linked to the file view', () => {
    const card = from(idOf('SYS-104', 'worker-1'));
    const body = card.slice(0, card.indexOf('</article>'));
    expect(body).toContain('href="#worker-1/host/iptables-save.txt:L55"');
    expect(body).toMatch(/<span class="hit"><b>55<\/b>:POSTROUTING ACCEPT \[0:0\]<\/span>/);
    expect(html).toMatch(/<span id="worker-1\/host\/iptables-save.txt:L55" class="hit"><b>55<\/b>:POSTROUTING ACCEPT/);
    // the Corefile line DNS-402 cites, inside the ConfigMap
    const anchor = 'control-plane/cluster/configmaps/kube-system/coredns.json~23~/data/Corefile:L13';
    expect(from(idOf('DNS-402'))).toContain(`href="#${anchor}"`);
    expect(from(anchor)).toMatch(/^ id="[^"]+" class="hit"><b>13<\/b>\s*forward \. 233\.5\.5\.5/);
  });

  it('every in-page link resolves to exactly one element, and ids are unique', () => {
    const all = ids();
    expect(new Set(all).size).toBe(all.length);
    const known = new Set(all);
    const links = hrefs();
    expect(links.length).toBeGreaterThan(30);
    expect(links.filter((h) => !h.startsWith('#') || !known.has(h.slice(1)))).toEqual([]);
  });

  it('references nothing outside the page: no src, no external href, no url() or @import', () => {
    expect(/\ssrc=/.test(html)).toBe(false);
    expect(hrefs().filter((h) => !h.startsWith('#'))).toEqual([]);
    const style = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
    expect(style).not.toMatch(/url\(|@import/);
  });

  it('fixes grouped by where they run, each linked back to its finding', () => {
    const node = section('fix-node:worker-1');
    expect(node).toContain('iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE');
    expect(node).toContain(`href="#${idOf('SYS-104', 'worker-1')}"`);
    const kubectl = section('fix-kubectl');
    expect(kubectl).toContain('kubectl');
    expect(kubectl).toContain(`href="#${idOf('DNS-402')}"`);
  });

  it("SYS-104's traced packet: a pod of worker-1 to 1.1.1.1:443, its steps linked to iptables lines", () => {
    const t = section('trace-0');
    expect(t).toContain('10.244.1.2 → 1.1.1.1:443 tcp on node worker-1');
    expect(t).toContain('nat/KUBE-POSTROUTING #1');
    expect(t).toContain('href="#worker-1/host/iptables-save.txt:L108"');
    expect(t).toContain('leaves via eth0');
    expect(from(idOf('SYS-104', 'worker-1'))).toContain('href="#trace-0"');
  });

  it("DNS-406's traced DNS queries: a pod's packet to kube-dns 10.96.0.10:53/udp rejected by KUBE-SERVICES", () => {
    const t = section('trace-1');
    expect(t).toContain('10.244.0.2 → 10.96.0.10:53 udp on node control-plane');
    expect(t).toContain('rejected by filter/KUBE-SERVICES rule 1');
    expect(t).toContain('href="#control-plane/host/iptables-save.txt:L45"');
    expect(from(idOf('DNS-406'))).toContain('href="#trace-1"');
  });

  it('readable without JavaScript: findings are in the static HTML, only the filter bar waits for the script', () => {
    expect(html).toContain('<nav id="filters" hidden>');
    expect(html).not.toMatch(/class="[^"]*filtered/);
    expect((html.match(/<article class="finding /g) ?? []).length).toBe(9);
  });

  it('a small byte budget embeds the cited files first and lists what it left out', () => {
    const small = renderHtml(input, { maxEmbedBytes: 80_000 });
    expect(Buffer.byteLength(small)).toBeLessThan(Buffer.byteLength(html) / 3);
    expect(small).toContain('id="worker-1/host/iptables-save.txt:L55"');
    const left = small.slice(small.indexOf('id="left-out"'));
    expect(left).toMatch(/Not embedded: \d+ file\(s\)/);
    expect(left).toContain('<code>worker-2/host/ip-route.json</code>');
    const known = new Set([...small.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]));
    const broken = [...small.matchAll(/ href="#([^"]*)"/g)].map((m) => m[1]).filter((h) => !known.has(h));
    expect(broken).toEqual([]);
  });
});

describe('a large bundle', () => {
  it('embeds windows around the cited lines of a huge file, leaves the rest out with a note, stays small', async () => {
    const raws = await readBundles(bundlePaths('article-full-story'));
    const w1 = raws.find((r) => r.id.includes('worker-1'));
    if (!w1) throw new Error('no worker-1 bundle');
    const files = w1.files as Map<string, Buffer>;
    const save = files.get('host/iptables-save.txt')?.toString('utf8') ?? '';
    const padding = Array.from({ length: 40_000 }, (_, i) => `# padding line ${i} ${'x'.repeat(60)}`).join('\n');
    files.set('host/iptables-save.txt', Buffer.from(`${save}${padding}\n`));
    files.set('host/big.log', Buffer.from(`${'y'.repeat(99)}\n`.repeat(60_000)));
    const snapshot = buildSnapshot(raws);
    const big = renderHtml({ snapshot, analysis: analyze(snapshot) });
    expect(Buffer.byteLength(big)).toBeLessThan(1_000_000);
    expect(big).toContain('id="worker-1/host/iptables-save.txt:L55"');
    expect(big).not.toContain('id="worker-1/host/iptables-save.txt:L20000"');
    expect(big).toMatch(/<code>worker-1\/host\/iptables-save.txt<\/code><span class="meta"> · \d+ of 40\d{3} lines/);
    const left = big.slice(big.indexOf('id="left-out"'));
    expect(left).toContain('<code>worker-1/host/big.log</code> 5860 KiB · over the size budget');
  });
});

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('small inputs', () => {
  it('no bundle at all, and a host-only bundle without findings: a page whose links all resolve', () => {
    for (const raws of [[], [rawBundle({ node: 'n1', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' } })]]) {
      const snapshot = buildSnapshot(raws);
      const page = renderHtml({ snapshot, analysis: analyze(snapshot) });
      expect(page).toContain('<section id="roots"><h2>Root causes</h2>');
      expect(page).toContain(`<dt>tool</dt><dd>netsnap ${version}</dd>`); // package.json's by default
      const known = new Set([...page.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]));
      expect([...page.matchAll(/ href="#([^"]*)"/g)].map((m) => m[1]).filter((h) => !known.has(h))).toEqual([]);
    }
  });
});
