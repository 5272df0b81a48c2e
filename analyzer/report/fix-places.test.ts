import { describe, expect, it } from 'vitest';
import type { Finding, Layer, Subject } from '../rules/types.js';
import { groupFixes, placeOf, renderFixFile } from './fix-places.js';
import { stableFindingIds } from './ids.js';

function f(ruleId: string, layer: Layer, subject: Subject, commands: string[]): Finding {
  return {
    ruleId,
    status: 'fail',
    severity: 'critical',
    layer,
    subject,
    messageId: 'bad',
    message: 'bad',
    evidence: [],
    basis: [],
    remediation: { explanation: 'fix it', commands },
  };
}

const sys = f('SYS-104', 'system', { kind: 'node', name: 'worker-1' }, [
  'iptables -t nat -A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE',
  'kubectl -n kube-system rollout restart daemonset kube-proxy',
]);
const dns = f('DNS-402', 'dns', { kind: 'configmap', namespace: 'kube-system', name: 'coredns' }, [
  'kubectl -n kube-system edit configmap coredns',
  'netsnap analyze bundles/',
]);
const each = f('SYS-110', 'system', { kind: 'cluster', name: '' }, ['sysctl -w net.ipv4.ip_forward=1']);
const pod = f('NET-301', 'network', { kind: 'pod', namespace: 'd', name: 'web', node: 'worker-2' }, [
  'sudo ip route add 10.244.2.0/24 via 192.168.0.3',
]);

describe('placeOf', () => {
  it('kubectl anywhere, netsnap and ssh on the laptop, the rest on the finding node', () => {
    expect(placeOf('kubectl get pods', dns)).toEqual({ kind: 'kubectl' });
    expect(placeOf('  KUBECONFIG=x /usr/bin/kubectl get pods', dns)).toEqual({ kind: 'kubectl' });
    expect(placeOf('netsnap inspect b', sys)).toEqual({ kind: 'laptop' });
    expect(placeOf('ssh <node> sudo sh netsnap-collect.sh', sys)).toEqual({ kind: 'laptop' });
    expect(placeOf('iptables-save', sys)).toEqual({ kind: 'node', node: 'worker-1' });
    expect(placeOf('sudo ip route', pod)).toEqual({ kind: 'node', node: 'worker-2' });
    expect(placeOf('sysctl -a', each)).toEqual({ kind: 'each-node' });
  });
});

describe('groupFixes', () => {
  const findings = [sys, dns, pod, each];
  const ids = stableFindingIds(findings);
  const groups = groupFixes(findings, ids);

  it('puts a node command under its node and kubectl commands under kubectl, nodes first', () => {
    expect(groups.map((g) => g.place)).toEqual([
      { kind: 'node', node: 'worker-1' },
      { kind: 'node', node: 'worker-2' },
      { kind: 'each-node' },
      { kind: 'kubectl' },
      { kind: 'laptop' },
    ]);
    expect(groups[0]?.items).toEqual([
      { findingId: 'SYS-104/node:worker-1', ruleId: 'SYS-104', command: sys.remediation?.commands[0] },
    ]);
    expect(groups[3]?.items.map((i) => i.findingId)).toEqual([
      'SYS-104/node:worker-1',
      'DNS-402/configmap:kube-system/coredns',
    ]);
    expect(groups[0]?.label).toBe('# on node worker-1');
  });

  it('orders places the same for any input order, items in input order, each command once', () => {
    const rev = [...findings].reverse();
    const again = groupFixes(rev, stableFindingIds(rev));
    expect(again.map((g) => g.place)).toEqual(groups.map((g) => g.place));
    expect(again[3]?.items.map((i) => i.ruleId)).toEqual(['DNS-402', 'SYS-104']);
    const twice = groupFixes([sys, sys], ['a', 'b']);
    expect(twice[0]?.items.map((i) => i.findingId)).toEqual(['a']);
  });

  it('renders markdown sections with a hostname guard, never a shebang', () => {
    const md = renderFixFile(groups, { tool: { name: 'netsnap', version: '1.2.3' } });
    expect(md).not.toContain('#!/');
    const w1 = md.indexOf('## On node `worker-1`');
    const guard = md.indexOf('[ "$(hostname)" = worker-1 ] || exit 1');
    const ipt = md.indexOf('iptables -t nat -A POSTROUTING');
    const kube = md.indexOf('## With kubectl');
    expect(w1).toBeGreaterThanOrEqual(0);
    expect(guard).toBeGreaterThan(w1);
    expect(ipt).toBeGreaterThan(guard);
    expect(kube).toBeGreaterThan(ipt);
    expect(md.indexOf('kubectl -n kube-system edit configmap coredns')).toBeGreaterThan(kube);
  });

  it('keeps a hostile node name inert in the heading, the label and the guard', () => {
    const evil = f('SYS-104', 'system', { kind: 'node', name: 'w$(reboot)`\n## owned' }, ['iptables -L']);
    const g = groupFixes([evil], stableFindingIds([evil]));
    expect(g[0]?.label).toBe('# on node w$(reboot)`\\n## owned');
    const md = renderFixFile(g);
    expect(md).not.toContain('$(hostname)');
    expect(md).toContain('exit 1  # stop: the node name in the bundle is not a host name');
    expect(md.split('\n').filter((l) => l.startsWith('## '))).toEqual(['## On node ``w$(reboot)`\\n## owned``']);
  });
});
