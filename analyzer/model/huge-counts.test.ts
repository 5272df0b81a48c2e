// A bundle decides how many problems, items and words it holds. `a.push(...b)` with b past ~125,000
// elements throws "Maximum call stack size exceeded", which stopped the whole load (found by the
// bench: a resolv.conf of 16 long-run lines, 124,843 problems, crashed `netsnap analyze` and
// `netsnap redact`). Here each such count is 200,000, and the rest of the bundle still loads.
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './build.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { kubeList, nodeJson, rawBundle } from './testing.js';
import { parseResolvConf } from '../parse/resolv-conf.js';
import { lowerBound, pushAll } from '../core/arrays.js';

const N = 200_000;

describe('counts a bundle decides, past the argument limit of a spread call', () => {
  it('pushAll appends 200,000 elements in order', () => {
    const to = [-1];
    pushAll(
      to,
      Array.from({ length: N }, (_, i) => i),
    );
    expect(to.length).toBe(N + 1);
    expect([to[0], to[1], to[N]]).toEqual([-1, 0, N - 1]);
  });

  it('200,000 bad resolv.conf lines and 200,000 bad list items: problems for each, the rest loads', () => {
    const raw = rawBundle({
      node: 'w1',
      files: {
        'host/resolv.conf': `${'bogus x\n'.repeat(N)}nameserver 10.96.0.10\n`,
        'cluster/pods.json': kubeList(Array.from({ length: N }, () => ({ kind: 'Pod', metadata: {} }))),
        'cluster/nodes.json': kubeList([nodeJson({ name: 'w1' })]),
      },
    });
    const s = buildSnapshot([raw]);
    const count = (file: string) => s.problems.filter((p) => p.file === file).length;
    expect(count('host/resolv.conf')).toBeGreaterThanOrEqual(N);
    expect(count('cluster/pods.json')).toBe(N);
    expect(s.problems.find((p) => p.file === 'cluster/pods.json')).toMatchObject({
      pointer: '/items/0',
      code: LOAD_PROBLEM_CODES.schema,
    });
    expect(s.hosts.get('w1')?.resolvConf?.value.nameservers.map((n) => n.address)).toEqual(['10.96.0.10']);
    expect(s.cluster.nodes?.map((n) => n.obj.metadata.name)).toEqual(['w1']);
    expect(s.cluster.pods).toEqual([]);
  });

  it('a resolv.conf options line of 200,000 words is parsed whole', () => {
    const r = parseResolvConf(`options ${'ndots:5 '.repeat(N)}\nnameserver 10.0.0.1\n`);
    expect(r.value?.options.length).toBe(N);
    expect(r.value?.nameservers.map((n) => n.address)).toEqual(['10.0.0.1']);
  });
});

describe('lowerBound', () => {
  it('finds the first element >= x, at each edge', () => {
    const xs = [1, 3, 3, 7];
    expect([0, 1, 2, 3, 4, 7, 8].map((x) => lowerBound(xs, x))).toEqual([0, 0, 1, 1, 3, 3, 4]);
    expect(lowerBound(['a', 'b/c', 'b/d', 'c'], 'b/')).toBe(1);
    expect(lowerBound([], 5)).toBe(0);
  });
});
