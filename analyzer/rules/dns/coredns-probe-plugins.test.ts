import { ruleTester } from '../testing.js';
import { corednsProbePlugins } from './coredns-probe-plugins.js';
import { dnsSnapshot, KUBEADM_COREFILE } from './testing.js';

const cm = 'configmap:kube-system/coredns';

ruleTester(corednsProbePlugins).run({
  valid: [
    { name: 'kubeadm default', snapshot: () => dnsSnapshot() },
    {
      name: 'no probes at all',
      snapshot: () =>
        dnsSnapshot({
          probes: { readiness: null, liveness: null },
          corefile: KUBEADM_COREFILE.replace('    ready\n', ''),
        }),
    },
  ],
  invalid: [
    {
      name: 'ready plugin removed',
      snapshot: () => dnsSnapshot({ corefile: KUBEADM_COREFILE.replace('    ready\n', '') }),
      findings: [{ status: 'fail', subject: cm, messageId: 'plugin-missing', data: { plugin: 'ready', port: 8181 } }],
    },
    {
      name: 'health moved to another port',
      snapshot: () => dnsSnapshot({ corefile: KUBEADM_COREFILE.replace('    health {', '    health :8081 {') }),
      findings: [
        { status: 'fail', subject: cm, messageId: 'port-mismatch', data: { plugin: 'health', pluginPort: 8081 } },
      ],
    },
    {
      name: 'no deployments nor pods collected',
      snapshot: () => dnsSnapshot({ omit: ['cluster/deployments.json', 'cluster/pods.json'] }),
      findings: [{ status: 'unknown', subject: cm, missing: ['cluster.deployments'] }],
    },
    {
      name: 'no Deployment list: the probe of a CoreDNS pod decides (ready plugin removed, coredns/coredns#3403 form)',
      snapshot: () =>
        dnsSnapshot({ omit: ['cluster/deployments.json'], corefile: KUBEADM_COREFILE.replace('    ready\n', '') }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'plugin-missing',
          data: { plugin: 'ready', port: 8181 },
          cites: ['cluster/pods.json#/items/0/spec/containers/0/readinessProbe'],
        },
      ],
    },
    {
      name: 'no Deployment list: a pod with the kubeadm probes passes',
      snapshot: () => dnsSnapshot({ omit: ['cluster/deployments.json'] }),
      findings: [{ status: 'pass', subject: cm, messageId: 'ok' }],
    },
  ],
});
