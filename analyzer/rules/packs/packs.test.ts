import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubeList, podJson, snapshotOf } from '../../model/testing.js';
import { setLeanObjects } from '../../model/lists.js';
import { runRules } from '../engine.js';
import { contractProblems } from '../testing.js';
import { subjectKey } from '../types.js';
import { compilePack } from './compile.js';
import { validatePack } from './load.js';

const EXAMPLE = new URL('../../../docs/example-pack.yaml', import.meta.url);

function snap() {
  return snapshotOf({
    node: 'w1',
    files: {
      'cluster/pods.json': kubeList([
        podJson({ name: 'coredns-1', namespace: 'kube-system', node: 'w1', ip: '10.244.0.2' }),
        podJson({ name: 'kube-flannel-ds-x', namespace: 'kube-system', node: 'w1', phase: 'Pending', ready: false }),
        podJson({ name: 'web', namespace: 'default', node: 'w1', phase: 'Pending' }),
      ]),
      'host/sysctl.txt': 'net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.rp_filter = 1\n',
    },
  });
}

describe('the example pack (docs/example-pack.yaml)', () => {
  const { pack, problems } = validatePack(readFileSync(EXAMPLE, 'utf8'), 'docs/example-pack.yaml');
  it('validates', () => expect(problems).toEqual([]));

  it('runs like built-in rules: ids, statuses, subjects and openable evidence', () => {
    const s = snap();
    const findings = runRules(compilePack(pack!), s, {}, { strict: true });
    const bad = findings
      .filter((f) => f.status !== 'pass')
      .map((f) => [f.ruleId, f.status, subjectKey(f.subject), f.data?.phase ?? '']);
    expect(bad).toEqual([
      ['SITE-002', 'warn', 'node:w1', ''],
      ['SITE-001', 'fail', 'pod:kube-system/kube-flannel-ds-x@w1', 'Pending'],
    ]);
    expect(findings.flatMap((f) => contractProblems(f, s))).toEqual([]);
    expect(findings.find((f) => f.ruleId === 'SITE-002')?.evidence[0]).toMatchObject({
      path: 'host/sysctl.txt',
      line: 2,
    });
    // a pass rests on the item it read: the pods list
    const passes = findings.filter((f) => f.status === 'pass');
    expect(passes.length).toBeGreaterThan(0);
    // `where` (the data form of the old filter script) admits kube-system pods only: default/web is neither a finding
    // nor a pass
    expect(findings.filter((f) => f.ruleId === 'SITE-001').map((f) => `${f.status} ${subjectKey(f.subject)}`)).toEqual([
      'pass pod:kube-system/coredns-1@w1',
      'fail pod:kube-system/kube-flannel-ds-x@w1',
    ]);
    expect(passes.filter((f) => f.basis.length === 0).map((f) => `${f.ruleId} ${subjectKey(f.subject)}`)).toEqual([]);
    expect(findings.filter((f) => f.messageId === 'no-basis')).toEqual([]);
  });
});

describe('validatePack errors name the line and the field', () => {
  it('a bad op', () => {
    const text = readFileSync(EXAMPLE, 'utf8').replace('op: ne', 'op: nope');
    const { problems } = validatePack(text, 'p.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^p\.yaml:19: rules\.0\.when: .*op: eq\|ne/);
  });
  it('a YAML syntax error', () => {
    const { problems } = validatePack('apiVersion: netsnap.dev/v1\nrules: [\n', 'p.yaml');
    expect(problems[0]).toMatch(/^p\.yaml:\d+: /);
  });
  it('a missing field', () => {
    const { problems } = validatePack(
      'apiVersion: netsnap.dev/v1\nkind: RulePack\nname: x\nrules:\n  - id: SITE-001\n    slug: a\n',
      'p.yaml',
    );
    expect(problems.some((p) => p.startsWith('p.yaml:5: rules.0.layer'))).toBe(true);
  });
});

describe('packs see whole objects', () => {
  it('a field no schema declares (status.qosClass) is there, with its evidence quoted from the bundle', () => {
    const pod = (name: string, qos: string) => ({
      ...podJson({ name, namespace: 'default', node: 'w1' }),
      status: { phase: 'Running', qosClass: qos },
    });
    // every list lean (by default only lists over 256 MiB are), so the view must read items back
    setLeanObjects({ minBytes: 0 });
    let s: ReturnType<typeof snapshotOf>;
    try {
      s = snapshotOf({
        node: 'w1',
        files: {
          'cluster/pods.json': JSON.stringify({
            kind: 'PodList',
            items: [pod('a', 'Guaranteed'), pod('b', 'BestEffort')],
          }),
        },
      });
    } finally {
      setLeanObjects();
    }
    const text = readFileSync(EXAMPLE, 'utf8')
      .split('\n  - id: SITE-002')[0]!
      .replace('op: eq, value: kube-system', 'op: eq, value: default')
      .replace('"$.status.phase", op: ne, value: Running', '"$.status.qosClass", op: eq, value: BestEffort')
      .replace('data: { phase: "$.status.phase" }', 'data: { phase: "$.status.qosClass" }');
    const { pack, problems } = validatePack(text, 'qos.yaml');
    expect(problems).toEqual([]);
    const findings = runRules(compilePack(pack!), s, {}, { strict: true });
    expect(findings.map((f) => `${f.status} ${subjectKey(f.subject)} ${String(f.data?.phase)}`)).toEqual([
      'pass pod:default/a@w1 undefined',
      'fail pod:default/b@w1 BestEffort',
    ]);
    expect(findings.flatMap((f) => contractProblems(f, s))).toEqual([]);
  });
});
