// Issue 19, item 4: the corpus's output-injection strings, planted in a bundle and in a rule pack,
// go through every sink (text report, markdown report, JSON report, inspect, the rules listing)
// and none reaches the output raw: no control, escape or bidi character in any terminal or JSON
// output, no forged line, and in markdown nothing outside a code span or fence that could render
// as HTML, a link or a heading.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeBundleDir } from '../analyzer/bundle/write.js';
import { run as inspect } from '../analyzer/commands/inspect.js';
import { run as rules } from '../analyzer/commands/rules.js';
import { buildSnapshot } from '../analyzer/model/build.js';
import {
  bundleEntries,
  configMapJson,
  kubeList,
  nodeJson,
  podJson,
  rawBundle,
  serviceJson,
} from '../analyzer/model/testing.js';
import { renderJson } from '../analyzer/report/json.js';
import { renderMarkdown } from '../analyzer/report/markdown.js';
import { renderText } from '../analyzer/report/text.js';
import { analyze } from '../analyzer/causal/analyze.js';
import { loadPackFile } from '../analyzer/rules/packs/load.js';
import { allRules } from '../analyzer/rules/catalog.js';
import type { Rule } from '../analyzer/rules/types.js';
import { hostilePack } from './helpers/hostile-pack.js';

const INJECTIONS = [
  '\u001b]0;title\u0007',
  '\u001b[2J',
  '\u0007',
  '\rFORGED',
  '\u202e',
  '<img src=x onerror=alert(1)>',
  '# heading',
  '[x](javascript:alert(1))',
  '``` ````',
  '\nFORGED',
];
const ALL = INJECTIONS.join('');
/** raw in output: C0 but \n, DEL, C1, bidi controls and other invisible format characters */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/u;

const files = {
  'cluster/nodes.json': kubeList([nodeJson({ name: `node${ALL}`, podCIDR: '10.244.1.0/24' })]),
  'cluster/pods.json': kubeList([
    podJson({
      name: `coredns-${ALL}`,
      namespace: 'kube-system',
      node: `node${ALL}`,
      ip: '10.244.1.2',
      labels: { 'k8s-app': 'kube-dns' },
      ready: false,
    }),
  ]),
  'cluster/services.json': kubeList([
    serviceJson({ name: `web${ALL}`, namespace: `shop${ALL}`, clusterIP: '10.96.0.50' }),
  ]),
  'cluster/configmaps/kube-system/coredns.json': configMapJson({
    name: 'coredns',
    data: { Corefile: `.:53 {\n    forward . 10.0.0.1 ${ALL}\n    bogus${ALL}\n}\n` },
  }),
  'host/sysctl.txt': `net.ipv4.ip_forward = 0${ALL}\n`,
  'host/resolv.conf': `nameserver 10.96.0.10\nsearch ${ALL}.example\n`,
};

const PACK = hostilePack(ALL);

let dir = '';
let pack: Rule[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netsnap-hostile-output-'));
  await writeBundleDir(join(dir, 'bundle'), bundleEntries(rawBundle({ node: `node${ALL}`, files })));
  await writeFile(join(dir, 'pack.yaml'), PACK);
  pack = await loadPackFile(join(dir, 'pack.yaml'), new Set(allRules.map((r) => r.id)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function input() {
  const snapshot = buildSnapshot([rawBundle({ node: `node${ALL}`, files })]);
  return { snapshot, analysis: analyze(snapshot, { packs: pack }) };
}

async function capture(runIt: () => Promise<number>): Promise<string> {
  let out = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    expect(await runIt()).toBe(0);
    return out;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** a terminal sink: no raw character, and no line an injected newline or CR started */
function expectInertTerminal(out: string): void {
  expect(out).toContain('\\x07'); // the planted BEL is there, shown escaped
  expect(out).toContain('\\u202e');
  expect(out.split('\n').filter((l) => RAW.test(l))).toEqual([]);
  expect(out.split('\n').filter((l) => /^\s*FORGED/.test(l))).toEqual([]);
}

/** markdown with fenced blocks and code spans taken out: what a renderer would interpret */
function outsideCode(md: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const run = /^\s*(`{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (run !== undefined && run.length >= fence.length && line.trim() === run) fence = undefined;
      continue;
    }
    if (run !== undefined) {
      fence = run;
      continue;
    }
    let rest = line;
    let out = '';
    for (;;) {
      const open = /`+/.exec(rest);
      if (!open) break;
      const after = rest.slice(open.index + open[0].length);
      const close = new RegExp(`(?<!\`)${open[0]}(?!\`)`).exec(after);
      if (!close) break;
      out += rest.slice(0, open.index);
      rest = after.slice(close.index + close[0].length);
    }
    kept.push(out + rest);
  }
  expect(fence).toBeUndefined();
  return kept.join('\n');
}

describe('injection strings through every sink', () => {
  it('the pack and the bundle produce findings that carry the strings', () => {
    const { analysis } = input();
    const evil = analysis.findings.filter((f) => f.ruleId === 'EVIL-001');
    expect(evil.length).toBe(1);
    expect(evil[0]!.message).toContain('\u202e');
  });

  it('text report', () => {
    expectInertTerminal(renderText(input(), { color: false, verbose: true }));
  });

  it('markdown report: inert, and nothing outside code can render as HTML, a link or a heading', () => {
    const md = renderMarkdown(input());
    expect(md.split('\n').filter((l) => RAW.test(l))).toEqual([]);
    expect(md).toContain('<img src=x'); // it is there, inside code
    // netsnap's own <details> lines are the only HTML allowed
    const prose = outsideCode(md).replace(/^(<details><summary>[a-z ,]+<\/summary>|<\/details>)$/gm, '');
    expect(prose).not.toMatch(/<img|<[a-z]/i);
    expect(prose).not.toMatch(/\]\(|javascript:/);
    expect(prose.split('\n').filter((l) => /^\s*#/.test(l) && !/^#{2,4} /.test(l))).toEqual([]);
    expect(prose).not.toContain('heading');
    expect(prose).not.toContain('FORGED');
  });

  it('JSON report: control and bidi characters \\u-escaped, the values intact', () => {
    const text = renderJson(input());
    expect(RAW.test(text.replace(/\n/g, ''))).toBe(false);
    expect(text).toContain('\\u202e');
    const json = JSON.parse(text) as { findings: { ruleId: string; message: string }[] };
    expect(json.findings.find((f) => f.ruleId === 'EVIL-001')?.message).toContain(`says ${ALL}`);
  });

  it('inspect (text and --json)', async () => {
    expectInertTerminal(await capture(() => inspect([join(dir, 'bundle')])));
    const json = await capture(() => inspect([join(dir, 'bundle'), '--json']));
    expect(RAW.test(json.replace(/\n/g, ''))).toBe(false);
    expect((JSON.parse(json) as { bundles: { node: string }[] }).bundles[0]!.node).toBe(`node${ALL}`);
  });

  it('rules listing and one rule docs (a pack title with a newline forges no line)', async () => {
    const list = await capture(() => rules(['--rules', join(dir, 'pack.yaml')]));
    expectInertTerminal(list);
    expect(list.split('\n').filter((l) => l.startsWith('EVIL-001'))).toHaveLength(1);
    expectInertTerminal(await capture(() => rules(['--rules', join(dir, 'pack.yaml'), 'EVIL-001'])));
    const json = await capture(() => rules(['--rules', join(dir, 'pack.yaml'), '--json']));
    expect(RAW.test(json.replace(/\n/g, ''))).toBe(false);
  });
});
