import { ruleTester } from '../testing.js';
import { endpointSliceJson, kubeList, serviceJson, snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles } from '../lib/host-testing.js';
import { serviceRulesOutOfSync } from './service-rules-out-of-sync.js';

// the captured iptables-save programs kube-system/kube-dns:dns -> 10.244.0.2:53, 10.244.1.2:53
// and rejects default/web:http as having no endpoints
const kubeDns = serviceJson({ name: 'kube-dns', namespace: 'kube-system', clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }] });
const web = serviceJson({ name: 'web', clusterIP: '10.96.0.99', ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
const dnsSlice = (...ips: string[]) => endpointSliceJson({ name: 'kube-dns', namespace: 'kube-system', ready: ips, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
const webSlice = (...ips: string[]) => endpointSliceJson({ name: 'web', ready: ips, ports: [{ name: 'http', port: 8080 }] });

const node = (slices: object[], ipvsadm?: string) =>
  snapshotOf(
    capturedNode(
      'worker-1',
      ipvsadm ? { 'host/ipvsadm.txt': ipvsadm } : {},
      clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], { 'cluster/services.json': kubeList([kubeDns, web]), 'cluster/endpointslices.json': kubeList(slices) }),
    ),
  );

ruleTester(serviceRulesOutOfSync).run({
  valid: [
    { name: 'kube-dns endpoints match, web has none (real capture)', snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice()]) },
  ],
  invalid: [
    {
      name: 'a CoreDNS pod moved: the rules still DNAT to the old IP',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.7'), webSlice()]),
      findings: [{ status: 'fail', subject: 'service:kube-system/kube-dns@worker-1', messageId: 'stale', data: { ports: 'dns' } }],
    },
    {
      name: 'web got a ready endpoint, the node still rejects it',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice('10.244.1.5')]),
      findings: [{ status: 'fail', subject: 'service:default/web@worker-1', messageId: 'missing', data: { ports: 'http' } }],
    },
    {
      name: 'no services list: unknown',
      snapshot: () => snapshotOf(capturedNode()),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.services'] }],
    },
  ],
});
