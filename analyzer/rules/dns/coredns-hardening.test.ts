import { ruleTester } from '../testing.js';
import { corednsHardening } from './coredns-hardening.js';
import { corefileWithForward, dnsSnapshot, KUBEADM_COREFILE } from './testing.js';

const cm = 'configmap:kube-system/coredns';

ruleTester(corednsHardening).run({
  valid: [
    { name: 'kubeadm default passes', snapshot: () => dnsSnapshot() },
    { name: 'two upstreams', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('223.5.5.5 223.6.6.6') }) },
  ],
  invalid: [
    {
      name: 'a single explicit upstream',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('223.5.5.5') }),
      findings: [{ status: 'warn', subject: cm, messageId: 'single-upstream', data: { upstream: '223.5.5.5' } }],
    },
    {
      name: 'no cache, loop or reload',
      snapshot: () => dnsSnapshot({ corefile: KUBEADM_COREFILE.replace('    cache 30\n    loop\n    reload\n', '') }),
      findings: [
        { status: 'warn', subject: cm, messageId: 'no-cache' },
        { status: 'warn', subject: cm, messageId: 'no-loop' },
        { status: 'warn', subject: cm, messageId: 'no-reload' },
      ],
    },
    {
      name: 'health checks disabled',
      snapshot: () =>
        dnsSnapshot({
          corefile: KUBEADM_COREFILE.replace('max_concurrent 1000', 'max_concurrent 1000\n      max_fails 0'),
        }),
      findings: [{ status: 'warn', subject: cm, messageId: 'health-checks-off' }],
    },
    {
      name: 'no ConfigMap',
      snapshot: () => dnsSnapshot({ corefile: null }),
      findings: [{ status: 'unknown', subject: cm, missing: ['cluster.configmap.kube-system.coredns'] }],
    },
  ],
});
