import { ruleTester } from '../testing.js';
import { endpointSliceJson, kubeList, serviceJson, snapshotOf } from '../../model/testing.js';
import { ipvsReadyEndpointDrained } from './ipvs-ready-endpoint-drained.js';

// the ipvsadm -Ln layout of the real captures (fixtures/reference/ipvs/), weights edited per case
const HEAD =
  'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
const listing = (...weights: number[]) =>
  `${HEAD}TCP  10.96.0.100:80 rr\n${weights.map((w, i) => `  -> 10.244.1.${i + 5}:8080              Masq    ${w}      0          0\n`).join('')}`;

const SERVICES = kubeList([
  serviceJson({ name: 'web', clusterIP: '10.96.0.100', ports: [{ port: 80, targetPort: 8080 }] }),
]);
const slices = (ready: string[], notReady: string[] = []) =>
  kubeList([endpointSliceJson({ name: 'web', ready, notReady, ports: [{ port: 8080 }] })]);

const snap = (ipvsadm: string, eps = slices(['10.244.1.5', '10.244.1.6'])) =>
  snapshotOf({
    node: 'worker-1',
    files: { 'host/ipvsadm.txt': ipvsadm, 'cluster/services.json': SERVICES, 'cluster/endpointslices.json': eps },
  });

ruleTester(ipvsReadyEndpointDrained).run({
  valid: [
    {
      name: 'iptables-mode node (no ipvsadm listing): not judged',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: { 'cluster/services.json': SERVICES, 'cluster/endpointslices.json': slices(['10.244.1.5']) },
        }),
    },
  ],
  invalid: [
    {
      name: 'every ready endpoint at weight 1',
      snapshot: () => snap(listing(1, 1)),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'weighted', data: { count: 1 } }],
    },
    {
      name: 'a terminating (not ready) endpoint at weight 0 is graceful termination, not a fault',
      snapshot: () => snap(listing(1, 0), slices(['10.244.1.5'], ['10.244.1.6'])),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'weighted' }],
    },
    {
      name: 'all real servers at weight 0, both endpoints ready: fail',
      snapshot: () => snap(listing(0, 0)),
      findings: [
        {
          status: 'fail',
          subject: 'service:default/web@worker-1',
          messageId: 'allDrained',
          data: { port: '80/tcp', ready: 2, drained: 2 },
          cites: [
            'host/ipvsadm.txt:4',
            'host/ipvsadm.txt:5',
            'cluster/endpointslices.json',
            'cluster/services.json#/items/0/spec/clusterIP',
          ],
        },
      ],
    },
    {
      name: 'one of two ready endpoints at weight 0: warn',
      snapshot: () => snap(listing(1, 0)),
      findings: [
        { status: 'warn', subject: 'service:default/web@worker-1', messageId: 'someDrained', data: { drained: 1 } },
      ],
    },
    {
      name: 'no EndpointSlices or Endpoints collected: unknown',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: { 'host/ipvsadm.txt': listing(0, 0), 'cluster/services.json': SERVICES },
        }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.endpointslices'] }],
    },
    {
      name: 'no Service list: unknown',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: { 'host/ipvsadm.txt': listing(0, 0), 'cluster/endpointslices.json': slices(['10.244.1.5']) },
        }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.services'] }],
    },
  ],
});
