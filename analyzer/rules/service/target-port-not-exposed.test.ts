import { ruleTester } from '../testing.js';
import { kubeList, podJson, serviceJson, snapshotOf, sourceRecord } from '../../model/testing.js';
import { targetPortNotExposed } from './target-port-not-exposed.js';

const svc = (targetPort: number | string) =>
  serviceJson({ name: 'web', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort }] });
const pod = (ports?: { containerPort: number; name?: string }[]) =>
  podJson({
    name: 'web-7d4b9c6f5-abcde',
    node: 'worker-1',
    ip: '10.244.1.5',
    labels: { app: 'web' },
    containers: [{ name: 'web', ...(ports ? { ports } : {}) }],
  });
const cluster = (service: object, p: object) =>
  snapshotOf({
    node: 'worker-1',
    files: { 'cluster/services.json': kubeList([service]), 'cluster/pods.json': kubeList([p]) },
  });

ruleTester(targetPortNotExposed).run({
  valid: [
    {
      name: 'numeric targetPort declared',
      snapshot: () => cluster(svc(8080), pod([{ containerPort: 8080, name: 'http' }])),
    },
    {
      name: 'named targetPort declared',
      snapshot: () => cluster(svc('http'), pod([{ containerPort: 8080, name: 'http' }])),
    },
    { name: 'pods declare no ports: numeric targetPort cannot be judged', snapshot: () => cluster(svc(8080), pod()) },
  ],
  invalid: [
    {
      // before: pass "the targetPorts of 1 Services are declared" with no pod of its namespace ever listed
      name: 'a pods list of namespace openstack only: a default-namespace Service is not checked, unknown partial-list',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: { 'cluster/services.json': kubeList([svc(8080)]), 'cluster/pods.json': kubeList([]) },
          manifest: {
            sources: [
              sourceRecord('cluster/services.json'),
              {
                ...sourceRecord('cluster/pods.json'),
                namespaces: ['openstack'],
                partial: 'namespaces openstack only; not default',
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
        },
      ],
    },
    {
      name: 'named targetPort the pod does not declare',
      snapshot: () => cluster(svc('web'), pod([{ containerPort: 8080, name: 'http' }])),
      findings: [
        { status: 'fail', subject: 'service:default/web', messageId: 'namedMissing', data: { target: 'web' } },
      ],
    },
    {
      name: 'numeric targetPort not among declared ports',
      snapshot: () => cluster(svc(80), pod([{ containerPort: 8080 }])),
      findings: [{ status: 'warn', subject: 'service:default/web', messageId: 'numberMissing', data: { target: 80 } }],
    },
  ],
});
