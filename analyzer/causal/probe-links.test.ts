// Probe findings (PRB-5xx) in the causal chains: the links are declared on the symptom's side
// (RuleMeta.explainedBy) and merged by the linker into the cause rules' explains.
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { symptomsOf } from './link.js';
import { subjectKey } from '../rules/types.js';
import { failed, POD, probedNode, unprobedNode } from '../rules/probe/testing.js';
import { editedIptables } from '../rules/lib/host-testing.js';

const ext = { check: 'external-ip' } as const;
const remote = {
  check: 'remote-pod',
  target: { ip: '10.244.2.7', proto: 'icmp', pod: 'default/web-2', node: 'worker-2' },
} as const;
const NO_MASQ = editedIptables([
  [
    '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully\n',
    '',
  ],
]);
const key = (f: { ruleId: string; subject: Parameters<typeof subjectKey>[0] }) =>
  `${f.ruleId} ${subjectKey(f.subject)}`;

describe('probe findings in the causal chains', () => {
  it('pod -> external times out on a node without MASQUERADE: under SYS-104 there, and the tracer agrees', () => {
    const a = analyze(probedNode([failed(ext)], {}, { 'host/iptables-save.txt': NO_MASQ }));
    const sys104 = a.roots.find((r) => r.finding.ruleId === 'SYS-104');
    expect(sys104 && symptomsOf(sys104).map(key)).toContain(`PRB-507 ${POD}`);
    expect(a.roots.map((r) => key(r.finding))).not.toContain(`PRB-507 ${POD}`);
    expect(a.findings.filter((f) => f.ruleId === 'PRB-510').map((f) => f.status)).toEqual(['pass']);
  });

  it('the same timeout on a node that masquerades: nothing explains it, a root of its own', () => {
    const a = analyze(probedNode([failed(ext)]));
    expect(a.roots.map((r) => key(r.finding))).toEqual(expect.arrayContaining([`PRB-507 ${POD}`, `PRB-510 ${POD}`]));
  });

  it('a remote-pod timeout the tracer does not predict: both the failure and the disagreement are roots', () => {
    const roots = analyze(probedNode([failed(remote)])).roots.map((r) => key(r.finding));
    expect(roots).toEqual(expect.arrayContaining([`PRB-502 ${POD}`, `PRB-510 ${POD}`]));
  });

  it('a bundle collected without --probe: no probe finding at all (not applicable, never pass)', () => {
    expect(analyze(unprobedNode()).findings.filter((f) => f.layer === 'probe')).toEqual([]);
  });
});
