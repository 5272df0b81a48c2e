import { ruleTester } from '../testing.js';
import { snapshotOf, sourceRecord } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { nodeWithoutPodCidr } from './node-without-pod-cidr.js';

// capture k3s-1.20-troubleshoot-2021-redacted: troubleshoot's redactor left spec.podCIDR `***HIDDEN***/24`
const HIDDEN = '***HIDDEN***/24';

ruleTester(nodeWithoutPodCidr).run({
  valid: [
    {
      name: 'every node has a subnet',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            { name: 'cp-1', podCIDR: '10.244.0.0/24' },
            { name: 'worker-1', podCIDR: '10.244.1.0/24' },
          ]),
        }),
    },
  ],
  invalid: [
    {
      name: 'worker-2 never got a podCIDR',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            { name: 'cp-1', podCIDR: '10.244.0.0/24' },
            { name: 'worker-2', podCIDR: null },
          ]),
        }),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'none' }],
    },
    {
      // flannel-io/flannel#728 (flannel 0.7, the 0.7/0.8 "failed to register network" form)
      name: 'no node list, the flannel log names the node without a podCIDR',
      snapshot: () =>
        snapshotOf({
          node: 'k8s-test-2.novalocal',
          files: {
            'cluster/logs/kube-system/kube-flannel-ds-3fk2m/kube-flannel.log':
              'E0519 00:37:28.550351       1 network.go:102] failed to register network: failed to acquire lease: node "k8s-test-2.novalocal" pod cidr not assigned\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:k8s-test-2.novalocal',
          messageId: 'none',
          cites: ['cluster/logs/kube-system/kube-flannel-ds-3fk2m/kube-flannel.log:1'],
        },
      ],
    },
    {
      name: 'no node list: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes'] }],
    },
    {
      name: 'a podCIDR a redactor hid is no subnet: unknown redacted (before: pass "has podCIDR ***HIDDEN***/24")',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            { name: 'cp-1', podCIDR: '10.244.0.0/24' },
            { name: 'worker-1', podCIDR: HIDDEN },
          ]),
        }),
      findings: [
        { status: 'pass', subject: 'node:cp-1', messageId: 'has' },
        {
          status: 'unknown',
          subject: 'node:worker-1',
          messageId: 'redacted',
          data: { value: HIDDEN, redacted: true },
          missing: ['cluster.nodes'],
          cites: ['cluster/nodes.json#/items/1/spec/podCIDR'],
        },
      ],
    },
    {
      // capture openshift-4.7-insights-sample: the archive keeps a selection of pods, no DaemonSets
      name: 'no flannel pod in a selection of pods: unknown partial-list, never "does not run flannel"',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/nodes.json': { items: [{ metadata: { name: 'cp-1' }, spec: {} }] },
            'cluster/pods.json': { items: [] },
          },
          manifest: {
            sources: [
              sourceRecord('cluster/nodes.json'),
              {
                ...sourceRecord('cluster/pods.json'),
                partial: 'the Insights Operator archive holds a selection of pods, not every pod',
              },
            ],
          },
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'cluster',
          messageId: 'partial-list',
          data: { list: 'cluster/pods.json' },
          missing: ['cluster.pods'],
          cites: ['manifest.json#/sources/1/partial'],
        },
      ],
    },
  ],
});
