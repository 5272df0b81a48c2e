import { ruleTester } from '../testing.js';
import { corednsProbePlugins } from './coredns-probe-plugins.js';
import { dnsSnapshot, KUBEADM_COREFILE } from './testing.js';

const cm = 'configmap:kube-system/coredns';

ruleTester(corednsProbePlugins).run({
  valid: [
    { name: 'kubeadm default', snapshot: () => dnsSnapshot() },
    { name: 'no probes at all', snapshot: () => dnsSnapshot({ probes: { readiness: null, liveness: null }, corefile: KUBEADM_COREFILE.replace('    ready\n', '') }) },
  ],
  invalid: [
    { name: 'ready plugin removed', snapshot: () => dnsSnapshot({ corefile: KUBEADM_COREFILE.replace('    ready\n', '') }), findings: [{ status: 'fail', subject: cm, messageId: 'plugin-missing', data: { plugin: 'ready', port: 8181 } }] },
    {
      name: 'health moved to another port',
      snapshot: () => dnsSnapshot({ corefile: KUBEADM_COREFILE.replace('    health {', '    health :8081 {') }),
      findings: [{ status: 'fail', subject: cm, messageId: 'port-mismatch', data: { plugin: 'health', pluginPort: 8081 } }],
    },
    { name: 'no deployments collected', snapshot: () => dnsSnapshot({ omit: ['cluster/deployments.json'] }), findings: [{ status: 'unknown', subject: cm, missing: ['cluster.deployments'] }] },
  ],
});
