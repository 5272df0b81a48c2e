import { describe, expect, it } from 'vitest';
import { snapshotOf, rawBundle } from './testing.js';
import { probeJson, probesJson } from './testing-probes.js';
import { PROBES_PATH } from './probes.js';
import { ProbesSchema } from '../zod/probes.js';

const load = (doc: unknown) => {
  const s = snapshotOf(rawBundle({ node: 'worker-1', files: { [PROBES_PATH]: doc as object } }));
  return { host: s.hosts.get('worker-1'), problems: s.problems.filter((p) => p.file === PROBES_PATH) };
};

describe('host/probes.json', () => {
  const good = probesJson('worker-1', [
    probeJson({ check: 'external-ip' }),
    probeJson({
      check: 'dns-cluster',
      target: { ip: '10.96.0.10', port: 53, proto: 'udp', name: 'kubernetes.default.svc.cluster.local' },
      outcome: 'timeout',
      successes: 0,
      latencyMs: null,
      detail: ';; connection timed out; no servers could be reached',
    }),
  ]);

  it('the builder writes the contract', () => {
    expect(ProbesSchema.safeParse(good).success).toBe(true);
  });

  it('loads every probe with its pointer', () => {
    const { host, problems } = load(good);
    expect(problems).toEqual([]);
    expect(host?.probes?.ref).toEqual({ bundle: 'netsnap-worker-1', path: PROBES_PATH });
    expect(host?.probes?.value.probes.map((p) => [p.check, p.outcome, p.pointer])).toEqual([
      ['external-ip', 'ok', '/probes/0'],
      ['dns-cluster', 'timeout', '/probes/1'],
    ]);
    expect(host?.probes?.value.vantages.map((v) => v.id)).toEqual(['host', 'pod:default/web-1']);
  });

  it('no file: no probes and no problem', () => {
    const s = snapshotOf(rawBundle({ node: 'worker-1', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' } }));
    expect(s.hosts.get('worker-1')?.probes).toBeUndefined();
    expect(s.problems).toEqual([]);
  });

  it('a bad probe is dropped with a problem naming its pointer; the others load', () => {
    const doc = { ...good, probes: [good.probes[0], { ...good.probes[1], outcome: 'exploded' }] };
    const { host, problems } = load(doc);
    expect(host?.probes?.value.probes.map((p) => p.pointer)).toEqual(['/probes/0']);
    expect(problems.map((p) => [p.pointer, p.code, p.severity])).toEqual([['/probes/1', 'schema', 'error']]);
    expect(problems[0]?.message).toContain('outcome');
  });

  it('another schema or a missing field: the file is refused with a problem', () => {
    for (const doc of [{ ...good, schema: 'netsnap.probes/v9' }, { ...good, node: undefined }, []]) {
      const { host, problems } = load(doc);
      expect(host?.probes).toBeUndefined();
      expect(problems.map((p) => [p.file, p.code])).toEqual([[PROBES_PATH, 'schema']]);
    }
  });

  it('not JSON: a bad-json problem with a line', () => {
    const s = snapshotOf(
      rawBundle({ node: 'worker-1', files: { [PROBES_PATH]: '{"schema": "netsnap.probes/v1",\n' } }),
    );
    expect(s.hosts.get('worker-1')?.probes).toBeUndefined();
    expect(s.problems.map((p) => [p.file, p.code, p.line])).toEqual([[PROBES_PATH, 'bad-json', 2]]);
  });

  it('fields the contract does not name pass through', () => {
    const { host, problems } = load({ ...good, collectorExtra: 1, probes: [{ ...good.probes[0], rttMs: [1, 2] }] });
    expect(problems).toEqual([]);
    expect(host?.probes?.value.probes).toHaveLength(1);
  });
});
