import { ruleTester } from '../testing.js';
import { endpointSliceJson, kubeList, podJson, serviceJson, snapshotOf, sourceRecord } from '../../model/testing.js';
import { serviceWithoutReadyEndpoints } from './service-without-ready-endpoints.js';

const web = serviceJson({
  name: 'web',
  clusterIP: '10.96.0.99',
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 80, targetPort: 8080 }],
});
const kubeDns = serviceJson({
  name: 'kube-dns',
  namespace: 'kube-system',
  clusterIP: '10.96.0.10',
  selector: { 'k8s-app': 'kube-dns' },
  ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
});
const pod = (over: { labels?: Record<string, string>; ready?: boolean; phase?: string } = {}) =>
  podJson({ name: 'web-7d4b9c6f5-abcde', node: 'worker-1', ip: '10.244.1.5', labels: { app: 'web' }, ...over });
const slice = (ready: string[], notReady: string[] = []) =>
  endpointSliceJson({ name: 'web', ready, notReady, ports: [{ name: 'http', port: 8080 }] });

const cluster = (pods: object[], slices: object[]) =>
  snapshotOf({
    node: 'worker-1',
    files: {
      'cluster/services.json': kubeList([web, kubeDns]),
      'cluster/pods.json': kubeList(pods),
      'cluster/endpointslices.json': kubeList(slices),
    },
  });

ruleTester(serviceWithoutReadyEndpoints).run({
  valid: [
    {
      name: 'web has a ready endpoint; kube-dns without endpoints is left to DNS-406',
      snapshot: () => cluster([pod()], [slice(['10.244.1.5'])]),
    },
  ],
  invalid: [
    {
      // before: fail selector-no-match for web, whose namespace the sos `--namespace openstack` pods list never held
      name: 'no selected pod in a pods list of other namespaces: unknown partial-list; a Service of a covered namespace is still judged',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/services.json': kubeList([
              web,
              serviceJson({
                name: 'keystone',
                namespace: 'openstack',
                clusterIP: '10.152.183.20',
                selector: { app: 'keystone' },
                ports: [{ port: 5000 }],
              }),
            ]),
            'cluster/pods.json': kubeList([]),
            'cluster/endpointslices.json': kubeList([]),
          },
          manifest: {
            sources: [
              sourceRecord('cluster/services.json'),
              {
                ...sourceRecord('cluster/pods.json'),
                namespaces: ['openstack'],
                partial: 'namespaces openstack only; not default',
              },
              sourceRecord('cluster/endpointslices.json'),
            ],
          },
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'service:default/web',
          messageId: 'partial-list',
          data: { list: 'cluster/pods.json' },
          missing: ['cluster.pods'],
          cites: ['manifest.json#/sources/1/partial'],
        },
        {
          status: 'fail',
          subject: 'service:openstack/keystone',
          messageId: 'noReady',
          data: { reason: 'selector-no-match' },
        },
      ],
    },
    {
      // canonical/hotsos sunbeam capture: mysql-replicas selects role=replicas, the one MySQL pod is role=primary
      name: 'a role no pod holds (replicas of a one-member database): warn, not a selector typo',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/services.json': kubeList([
              serviceJson({
                name: 'mysql-replicas',
                clusterIP: '10.152.183.19',
                selector: { 'application-name': 'mysql', 'cluster-name': 'cluster-9d30', role: 'replicas' },
                ports: [{ port: 3306 }],
              }),
            ]),
            'cluster/pods.json': kubeList([
              podJson({
                name: 'mysql-0',
                node: 'worker-1',
                ip: '10.1.0.20',
                labels: { 'application-name': 'mysql', 'cluster-name': 'cluster-9d30', role: 'primary' },
              }),
            ]),
            'cluster/endpoints.json': kubeList([]),
          },
        }),
      findings: [
        {
          status: 'warn',
          subject: 'service:default/mysql-replicas',
          messageId: 'noneInRole',
          data: { key: 'role', wanted: 'replicas', held: 'primary' },
        },
      ],
    },
    {
      name: 'one selector key differs but the pods lack the other key: still a selector mismatch',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/services.json': kubeList([
              serviceJson({
                name: 'web2',
                clusterIP: '10.96.0.98',
                selector: { app: 'web', tier: 'front' },
                ports: [{ port: 80 }],
              }),
            ]),
            'cluster/pods.json': kubeList([
              podJson({ name: 'web2-0', node: 'worker-1', ip: '10.244.1.6', labels: { app: 'webapp' } }),
            ]),
            'cluster/endpoints.json': kubeList([]),
          },
        }),
      findings: [{ status: 'fail', subject: 'service:default/web2', data: { reason: 'selector-no-match' } }],
    },
    {
      name: 'selector matches no pod',
      snapshot: () => cluster([pod({ labels: { app: 'webapp' } })], [slice([])]),
      findings: [{ status: 'fail', subject: 'service:default/web', data: { reason: 'selector-no-match', pods: 0 } }],
    },
    {
      name: 'pod pending',
      snapshot: () => cluster([pod({ phase: 'Pending', ready: false })], [slice([])]),
      findings: [{ status: 'fail', subject: 'service:default/web', data: { reason: 'pods-not-running' } }],
    },
    {
      name: 'pod running, readiness failing',
      snapshot: () => cluster([pod({ ready: false })], [slice([], ['10.244.1.5'])]),
      findings: [{ status: 'fail', subject: 'service:default/web', data: { reason: 'pods-not-ready', pods: 1 } }],
    },
    // a named targetPort the pods do not declare: Ready pods, yet the controller lists none
    {
      name: 'pods Ready but not endpoints',
      snapshot: () => cluster([pod()], [slice([])]),
      findings: [{ status: 'fail', subject: 'service:default/web', data: { reason: 'ready-not-listed', pods: 1 } }],
    },
    {
      name: 'no endpoints or slices collected: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'cluster/services.json': kubeList([web]) } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.endpointslices', 'cluster.endpoints'] }],
    },
  ],
});
