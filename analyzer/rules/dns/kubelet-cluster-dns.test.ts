import { ruleTester } from '../testing.js';
import { kubeletClusterDns } from './kubelet-cluster-dns.js';
import { dnsFiles } from './testing.js';
import { snapshotOf } from '../../model/testing.js';

const KUBELET = (ip: string) => `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS:\n- ${ip}\nclusterDomain: cluster.local\n`;
const snap = (files: Record<string, string>, omit: string[] = []) => () => snapshotOf({ node: 'worker-1', files: { ...dnsFiles({ omit }), ...files } });

ruleTester(kubeletClusterDns).run({
  valid: [{ name: 'clusterDNS is the kube-dns IP', snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.96.0.10') }) }],
  invalid: [
    { name: 'clusterDNS from another service CIDR', snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.10.0.10') }), findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'mismatch', data: { clusterDNS: '10.10.0.10', kubeDns: '10.96.0.10' } }] },
    { name: 'kubelet config not collected', snapshot: snap({ 'host/resolv.conf': 'nameserver 192.168.56.1\n' }), findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.kubelet-config'] }] },
    { name: 'services not collected', snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.96.0.10') }, ['cluster/services.json']), findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.services'] }] },
  ],
});
