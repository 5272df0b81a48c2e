import '../catalog.js';
import { describe, expect, it } from 'vitest';
import { ruleTester } from '../testing.js';
import { sourceNotCollected } from './source-not-collected.js';
import { bundleWithManifestFile, deniedSource } from './testing.js';
import { snapshotOf, sourceRecord } from '../../model/testing.js';
import { runRules } from '../engine.js';

const FILES = { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' };
const withSources =
  (...extra: ReturnType<typeof sourceRecord>[]) =>
  () =>
    snapshotOf(bundleWithManifestFile({ id: 'b1', node: 'w1', files: FILES, extraSources: extra }));

ruleTester(sourceNotCollected).run({
  valid: [
    { name: 'everything collected', snapshot: withSources() },
    {
      name: 'absent: a tool the node does not have',
      snapshot: withSources(
        sourceRecord('host/ipvsadm.txt', { status: 'absent', exitCode: 127, stderrTail: 'sh: ipvsadm: not found\n' }),
      ),
    },
    {
      name: 'absent: no kubectl on the node (a host-only bundle by design)',
      snapshot: withSources(
        sourceRecord('cluster/nodes.json', {
          status: 'absent',
          exitCode: 127,
          stderrTail: 'kubectl: command not found\n',
        }),
      ),
    },
    {
      name: 'absent: a ConfigMap this distribution does not have (k3s: no kube-proxy ConfigMap)',
      snapshot: withSources(
        sourceRecord('cluster/configmaps/kube-system/kube-proxy.json', {
          status: 'absent',
          exitCode: 1,
          stderrTail: 'Error from server (NotFound): configmaps "kube-proxy" not found\n',
        }),
      ),
    },
    {
      name: 'skipped by a collector flag (--no-cluster)',
      snapshot: withSources(sourceRecord('cluster/pods.json', { status: 'skipped', exitCode: null })),
    },
  ],
  invalid: [
    {
      name: 'denied: iptables-save without root',
      snapshot: withSources(deniedSource('host/iptables-save.txt')),
      findings: [
        {
          status: 'warn',
          subject: 'bundle:b1',
          messageId: 'failed',
          data: { source: 'host.iptables-save', status: 'denied' },
          cites: ['manifest.json#/sources/1'],
        },
      ],
    },
    {
      name: 'failed: bridge fdb of a device that does not exist',
      snapshot: withSources(
        sourceRecord('host/bridge-fdb.json', {
          status: 'failed',
          exitCode: 1,
          stderrTail: 'Cannot find device "flannel.1"\n',
        }),
      ),
      findings: [
        {
          status: 'warn',
          subject: 'bundle:b1',
          messageId: 'failed',
          data: { source: 'host.bridge-fdb', status: 'failed', reason: ': Cannot find device "flannel.1"' },
        },
      ],
    },
    {
      name: 'timeout: kubectl get pods against a slow apiserver',
      snapshot: withSources(sourceRecord('cluster/pods.json', { status: 'timeout', exitCode: 124, stderrTail: '' })),
      findings: [
        {
          status: 'warn',
          subject: 'bundle:b1',
          messageId: 'failed',
          data: { source: 'cluster.pods', status: 'timeout', count: 1 },
        },
      ],
    },
    {
      name: 'only the failures count among absent and skipped ones',
      snapshot: withSources(
        sourceRecord('host/ipvsadm.txt', { status: 'absent', exitCode: 127 }),
        sourceRecord('cluster/pods.json', { status: 'skipped', exitCode: null }),
        deniedSource('host/conntrack-stats.txt'),
      ),
      findings: [
        {
          status: 'warn',
          subject: 'bundle:b1',
          messageId: 'failed',
          data: { count: 1, sources: 'host.conntrack-stats (denied)' },
        },
      ],
    },
    {
      name: 'a pass rests on the manifest',
      snapshot: withSources(),
      findings: [{ status: 'pass', subject: 'bundle:b1', messageId: 'ok' }],
    },
  ],
});

describe('BND-901 basis', () => {
  it('a pass names manifest.json as its basis, so the engine keeps it a pass', () => {
    const f = runRules([sourceNotCollected], withSources()());
    expect(f.map((x) => [x.status, x.basis])).toEqual([['pass', [{ bundle: 'b1', path: 'manifest.json' }]]]);
  });
});
