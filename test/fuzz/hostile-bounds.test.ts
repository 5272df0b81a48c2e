// Issue 19, item 3: bounded analysis. The hang and crash cases of the hostile corpus, generated
// here: an iptables jump loop (also with goto), chains that fan out 16 × 2 and 14 × 4, 100,000
// matching non-terminating rules in one chain, a Corefile of 20,000-100,000 server blocks, and
// JSON nested 1,000,000 deep (pods.json, services.json, manifest.json). Each must finish with the
// right outcome (an undetermined branch with its reason, a LoadProblem naming the file, or an
// analysis); the vitest timeout is the only time bound (speed is measured in `npm run bench`).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../../analyzer/parse/iptables-save.js';
import { parseIpLinks, parseIpRoutes } from '../../analyzer/parse/ip-json.js';
import { parseCorefile } from '../../analyzer/parse/corefile.js';
import { simulate, type TraceHost } from '../../analyzer/trace/simulate.js';
import { MAX_DEPTH, STEP_BUDGET, STEP_BUDGET_WHY } from '../../analyzer/trace/netfilter.js';
import type { TraceInput, TraceResult } from '../../analyzer/trace/types.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { jsonNestingExceeds, jsonTooDeepMessage, MAX_JSON_DEPTH } from '../../analyzer/core/json-depth.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { renderText } from '../../analyzer/report/text.js';
import { renderJson } from '../../analyzer/report/json.js';
import { renderMarkdown } from '../../analyzer/report/markdown.js';
import { readBundles } from '../../analyzer/bundle/read.js';
import { redactBundles } from '../../analyzer/redact/bundle.js';
import {
  blocks,
  deepArray as deepArrayOf,
  deepObject as deepObjectOf,
  fanout,
  inject,
  logRules,
  upstream,
} from '../../bench/hostile-inputs.js';

const T = 60_000;

// ---------------------------------------------------------------- the tracer

// Real output of iptables-save and `ip -j` on a flannel node (node 192.168.56.11, pods 10.244.1.0/24).
const ref = new URL('../../fixtures/reference/trace/', import.meta.url);
const saveText = readFileSync(new URL('iptables-save-nft.txt', ref), 'utf8');
const routes = parseIpRoutes(readFileSync(new URL('ip-j-route-all.json', ref), 'utf8')).value;
const addrs = parseIpLinks(readFileSync(new URL('ip-j-d-addr.json', ref), 'utf8')).value;

function hostWith(chains: readonly string[], rules: readonly string[]): TraceHost {
  const parsed = parseIptablesSave(inject(saveText, chains, rules));
  expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return { node: 'worker-1', iptables: parsed.value, routes, addrs, podCidr: '10.244.0.0/16' };
}

/** a pod's packet to the internet: PREROUTING, FORWARD, POSTROUTING */
const podToInternet: TraceInput = {
  src: '10.244.1.5',
  dst: '8.8.8.8',
  proto: 'udp',
  dport: 53,
  origin: { kind: 'local-pod', iface: 'cni0' },
};
/** the node's own packet: OUTPUT, POSTROUTING */
const nodeToInternet: TraceInput = {
  src: '192.168.56.11',
  dst: '8.8.8.8',
  proto: 'udp',
  dport: 53,
  origin: { kind: 'host' },
};

const only = (r: TraceResult) => {
  expect(r.branches).toHaveLength(1);
  return r.branches[0]!;
};

describe('tracer: loops are cut, undetermined with the loop named', () => {
  it('a jump loop A → B → A stops at the jump that re-enters A', { timeout: T }, () => {
    const b = only(simulate(hostWith(['A', 'B'], ['-A FORWARD -j A', '-A A -j B', '-A B -j A']), podToInternet));
    expect(b.fate).toEqual({
      kind: 'undetermined',
      at: 'filter/B rule 1',
      why: 'chain A re-entered with the same packet (loop A → B → A)',
      needs: [],
    });
    expect(b.steps.at(-1)!.verdict).toBe(
      'UNDETERMINED: jump A: chain A re-entered with the same packet (loop A → B → A); not followed',
    );
  });

  it('the same loop with goto (-g)', { timeout: T }, () => {
    const b = only(simulate(hostWith(['A', 'B'], ['-A FORWARD -g A', '-A A -g B', '-A B -g A']), podToInternet));
    expect(b.fate).toEqual({
      kind: 'undetermined',
      at: 'filter/B rule 1',
      why: 'chain A re-entered with the same packet (loop A → B → A)',
      needs: [],
    });
  });

  it('a loop whose chains jump twice each (a fan-out loop) is cut at the first re-entry', { timeout: T }, () => {
    const b = only(
      simulate(
        hostWith(['A', 'B'], ['-A FORWARD -j A', '-A A -j B', '-A A -j B', '-A B -j A', '-A B -j A']),
        podToInternet,
      ),
    );
    expect(b.fate).toMatchObject({
      kind: 'undetermined',
      why: 'chain A re-entered with the same packet (loop A → B → A)',
    });
  });

  it('a user chain jumping back to the built-in chain it was entered from is a loop too', { timeout: T }, () => {
    const b = only(simulate(hostWith(['A'], ['-A FORWARD -j A', '-A A -j FORWARD']), podToInternet));
    expect(b.fate).toMatchObject({
      kind: 'undetermined',
      at: 'filter/A rule 1',
      why: 'chain FORWARD re-entered with the same packet (loop FORWARD → A → FORWARD)',
    });
  });

  it(
    'a chain re-entered with a different packet is not a loop: a MARK between the two entries lets the walk go on',
    { timeout: T },
    () => {
      const rules = [
        '-A FORWARD -j A',
        '-A A -m mark --mark 0x1/0x1 -j RETURN',
        '-A A -j MARK --set-xmark 0x1/0x1',
        '-A A -j A',
      ];
      const b = only(simulate(hostWith(['A'], rules), podToInternet));
      expect(b.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0' });
      expect(b.steps.filter((s) => s.verdict === 'jump A')).toHaveLength(2);
    },
  );

  it(`a chain nested deeper than ${MAX_DEPTH} without a loop is cut at the jump, undetermined`, { timeout: T }, () => {
    const n = MAX_DEPTH + 10;
    const chains = Array.from({ length: n }, (_, i) => `D${i}`);
    const rules = ['-A FORWARD -j D0', ...chains.slice(0, -1).map((c, i) => `-A ${c} -j D${i + 1}`)];
    const b = only(simulate(hostWith(chains, rules), podToInternet));
    expect(b.fate).toEqual({
      kind: 'undetermined',
      at: `filter/D${MAX_DEPTH - 1} rule 1`,
      why: `chain nesting deeper than ${MAX_DEPTH}`,
      needs: [],
    });
  });
});

describe('tracer: fan-out shares work and has a step budget', () => {
  it(
    '16 chains × 2 jumps (65,536 walks): every walk is traced from shared sub-walks, and the packet leaves',
    { timeout: T },
    () => {
      const [chains, rules] = fanout(16, 2);
      const b = only(simulate(hostWith(chains, rules), podToInternet));
      expect(b.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0', src: '192.168.56.11' });
      // each of the 2^15 walks of C15 jumps into C16 and logs there, as an unshared walk would show
      expect(b.steps.filter((s) => s.verdict === 'jump C16')).toHaveLength(2 ** 15);
      expect(b.steps.filter((s) => s.chain === 'C16' && s.verdict === 'LOG (non-terminating)')).toHaveLength(2 ** 15);
    },
  );

  it(
    `14 chains × 4 jumps (4^13 walks) exhausts the step budget of ${STEP_BUDGET}: undetermined, with the reason`,
    { timeout: T },
    () => {
      const [chains, rules] = fanout(14, 4);
      const b = only(simulate(hostWith(chains, rules), podToInternet));
      expect(b.fate).toMatchObject({ kind: 'undetermined', why: STEP_BUDGET_WHY });
      expect(STEP_BUDGET_WHY).toBe(`step budget of ${STEP_BUDGET} exhausted`);
    },
  );

  it('the same fan-out on the node’s own OUTPUT path', { timeout: T }, () => {
    const [chains, rules] = fanout(14, 4, 'OUTPUT');
    const b = only(simulate(hostWith(chains, rules), nodeToInternet));
    expect(b.fate).toMatchObject({ kind: 'undetermined', at: 'filter/OUTPUT rule 1', why: STEP_BUDGET_WHY });
  });

  it(
    '100,000 matching non-terminating rules in one chain are walked in linear time and the packet leaves',
    { timeout: T },
    () => {
      const rules = logRules(100_000);
      const b = only(simulate(hostWith([], rules), podToInternet));
      expect(b.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0' });
      expect(b.steps.filter((s) => s.chain === 'FORWARD' && s.verdict === 'LOG (non-terminating)')).toHaveLength(
        100_000,
      );
    },
  );
});

// ---------------------------------------------------------------- bundles: analyze, redact

const HEALTHY = new URL('../../fixtures/scenarios/healthy/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'netsnap-bounds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** a copy of the healthy scenario's bundles, edited; returns the bundle paths */
function healthyCopy(name: string, edit: (bundle: string, node: string) => void): string[] {
  const dir = join(tmp, name);
  cpSync(HEALTHY, dir, { recursive: true });
  rmSync(join(dir, 'expected.json'));
  return readdirSync(dir)
    .sort()
    .map((b) => {
      edit(join(dir, b), b);
      return join(dir, b);
    });
}

const CP = 'netsnap-control-plane-20241120T093000Z';

function reportsRender(input: Parameters<typeof renderText>[0]): void {
  expect(renderText(input, { width: 80 })).toContain('netsnap analyze');
  expect(JSON.parse(renderJson(input))).toBeTypeOf('object');
  expect(renderMarkdown(input)).toContain('netsnap');
}

describe('analyze: hostile iptables in every node bundle', () => {
  const editDumps = (chains: readonly string[], rules: readonly string[]) => (bundle: string) => {
    for (const f of ['iptables-save.txt', 'iptables-nft-save.txt']) {
      const p = join(bundle, 'host', f);
      const text = readFileSync(p, 'utf8');
      if (text.includes('*filter')) writeFileSync(p, inject(text, chains, rules));
    }
  };

  it('a jump loop: the FORWARD rule (SYS-103) is unknown, not a pass or a crash', { timeout: T }, async () => {
    const { snapshot } = await loadSnapshot(
      healthyCopy('loop', editDumps(['A', 'B'], ['-A FORWARD -j A', '-A A -j B', '-A B -j A'])),
    );
    const a = analyze(snapshot);
    const sys103 = a.findings.filter((f) => f.ruleId === 'SYS-103');
    expect(sys103.length).toBeGreaterThan(0);
    for (const f of sys103) expect(f.status).toBe('unknown');
    reportsRender({ analysis: a, snapshot });
  });

  it('14 × 4 fan-out and 100,000 LOG rules: the analysis finishes', { timeout: T }, async () => {
    const [chains, rules] = fanout(14, 4);
    const logs = logRules(100_000);
    for (const [name, c, r] of [
      ['fan', chains, rules],
      ['logs', [], logs],
    ] as const) {
      const { snapshot } = await loadSnapshot(healthyCopy(name, editDumps(c, r)));
      const a = analyze(snapshot);
      expect(a.findings.some((f) => f.ruleId === 'SYS-103')).toBe(true);
      expect(a.findings.filter((f) => f.ruleId.startsWith('ERR') || /could not run/.test(f.message))).toEqual([]);
    }
  });
});

describe('Corefile: 20,000-100,000 server blocks', () => {
  it('the parser reads 100,000 blocks', { timeout: T }, () => {
    const r = parseCorefile(blocks(100_000));
    expect(r.problems).toEqual([]);
    expect(r.value.servers).toHaveLength(100_000);
    expect(r.value.servers.at(-1)!.keys[0]!.zone).toBe('zone99999.example');
  });

  it(
    'the DNS rules over 20,000 blocks finish (each block cited once, not the whole Corefile split per citation)',
    { timeout: T },
    async () => {
      const paths = healthyCopy('corefile', (bundle, node) => {
        if (node !== CP) return;
        const p = join(bundle, 'cluster/configmaps/kube-system/coredns.json');
        const cm = JSON.parse(readFileSync(p, 'utf8')) as { data: { Corefile: string } };
        cm.data.Corefile += blocks(20_000);
        writeFileSync(p, JSON.stringify(cm));
      });
      const { snapshot } = await loadSnapshot(paths);
      expect(snapshot.cluster.corefile?.value.servers.length).toBeGreaterThan(20_000);
      const a = analyze(snapshot);
      // DNS-407's single-upstream advice, once per added block, each citing its own lines
      const single = a.findings.filter((f) => f.ruleId === 'DNS-407' && f.messageId === 'single-upstream');
      expect(single).toHaveLength(20_000);
      const last = single.find(
        (f) => f.message === `forward . has a single upstream ${upstream(19_999)} and no fallback`,
      );
      expect(last?.evidence[0]).toMatchObject({
        pointer: '/data/Corefile',
        quote: `    forward . ${upstream(19_999)}`,
      });
    },
  );
});

describe('JSON nested 1,000,000 deep', () => {
  const deepArray = deepArrayOf(1_000_000);
  const deepObject = deepObjectOf(1_000_000);

  it('JSON.parse itself copes with 1,000,000 levels; jsonNestingExceeds measures the value iteratively', () => {
    expect(jsonNestingExceeds(JSON.parse(deepArray))).toBe(true);
    expect(jsonNestingExceeds(JSON.parse(deepObject))).toBe(true);
    const nest = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
    expect(jsonNestingExceeds(nest(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(nest(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds({ a: '['.repeat(5000), b: [1, { c: null }] })).toBe(false);
    expect(jsonNestingExceeds('x')).toBe(false);
  });

  it(
    'the model refuses pods.json and services.json with a problem naming each file; analyze and every report finish',
    { timeout: T },
    async () => {
      const paths = healthyCopy('deep', (bundle, node) => {
        if (node !== CP) return;
        writeFileSync(join(bundle, 'cluster/pods.json'), deepArray);
        writeFileSync(join(bundle, 'cluster/services.json'), deepObject);
      });
      const { snapshot } = await loadSnapshot(paths);
      for (const file of ['cluster/pods.json', 'cluster/services.json']) {
        expect(snapshot.problems).toContainEqual(
          expect.objectContaining({ bundle: CP, file, message: jsonTooDeepMessage(), severity: 'error' }),
        );
      }
      const a = analyze(snapshot);
      const bnd = a.findings.filter((f) => f.ruleId === 'BND-902' && f.status === 'warn').map((f) => f.message);
      expect(bnd).toContain(`cluster/pods.json could not be parsed: ${jsonTooDeepMessage()}`);
      expect(a.findings.filter((f) => /could not run/.test(f.message))).toEqual([]);
      reportsRender({ analysis: a, snapshot });
    },
  );

  it(
    'redact leaves a too-deep file as plain text and says why; a too-deep manifest is a problem naming manifest.json',
    { timeout: T },
    async () => {
      const paths = healthyCopy('deep-redact', (bundle, node) => {
        if (node !== CP) return;
        writeFileSync(join(bundle, 'cluster/pods.json'), deepArray);
        const m = readFileSync(join(bundle, 'manifest.json'), 'utf8').trimEnd();
        writeFileSync(join(bundle, 'manifest.json'), `${m.slice(0, -1)},"x":${deepArray}}`);
      });
      const raws = await readBundles(paths);
      const cp = raws.find((r) => r.id === CP)!;
      expect(cp.problems).toContainEqual(
        expect.objectContaining({ message: expect.stringContaining(jsonTooDeepMessage()) }),
      );
      const r = redactBundles(raws);
      const out = r.bundles.find((b) => b.id === CP)!;
      expect(out.textFallbacks).toContain('cluster/pods.json');
      expect(out.textFallbackWhy?.get('cluster/pods.json')).toMatch(/^nested deeper than \d+ levels$/);
    },
  );
});
