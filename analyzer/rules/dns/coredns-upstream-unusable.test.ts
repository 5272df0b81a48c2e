import { ruleTester } from '../testing.js';
import { corednsUpstreamUnusable } from './coredns-upstream-unusable.js';
import { corefileWithForward, dnsSnapshot, timeoutLine } from './testing.js';
import { typoOf } from './resolvers.js';
import { describe, expect, it } from 'vitest';

const cm = 'configmap:kube-system/coredns';
const pod = 'coredns-6f6b679f8f-rgq7r';

ruleTester(corednsUpstreamUnusable).run({
  valid: [
    { name: 'kubeadm default forwards to /etc/resolv.conf', snapshot: () => dnsSnapshot() },
    { name: 'AliDNS pair', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('223.5.5.5 223.6.6.6') }) },
    { name: 'internal resolver 10.1.1.1 is not a typo of 1.1.1.1', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('10.1.1.1') }) },
    { name: 'Cloudflare family resolver 1.1.1.2 is real', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('dns://1.1.1.2:53') }) },
  ],
  invalid: [
    {
      name: 'the article: 233.5.5.5 is multicast and a typo of 223.5.5.5, with timeouts in the log',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('233.5.5.5'), logs: { [pod]: `${timeoutLine('233.5.5.5')}\n${timeoutLine('233.5.5.5', 45679)}\n` } }),
      findings: [{ status: 'fail', subject: cm, messageId: 'bad-address-typo', data: { upstream: '233.5.5.5', range: 'multicast', suggestion: '223.5.5.5', failures: 2 } }],
    },
    { name: 'loopback upstream', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('127.0.0.1') }), findings: [{ status: 'fail', subject: cm, messageId: 'bad-address', data: { range: 'loopback' } }] },
    { name: 'unspecified upstream', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('0.0.0.0') }), findings: [{ status: 'fail', subject: cm, data: { range: 'unspecified' } }] },
    { name: 'reserved upstream', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('240.0.0.1') }), findings: [{ status: 'fail', subject: cm, data: { range: 'reserved' } }] },
    { name: 'link-local upstream', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('169.254.20.10') }), findings: [{ status: 'fail', subject: cm, data: { range: 'linkLocal' } }] },
    { name: 'broadcast upstream', snapshot: () => dnsSnapshot({ corefile: corefileWithForward('255.255.255.255') }), findings: [{ status: 'fail', subject: cm, data: { range: 'broadcast' } }] },
    {
      name: 'a real resolver that times out from the pods',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('114.114.114.114'), logs: { [pod]: `${timeoutLine('114.114.114.114')}\n` } }),
      findings: [{ status: 'fail', subject: cm, messageId: 'timeouts', data: { upstream: '114.114.114.114', failures: 1, error: 'i/o timeout' } }],
    },
    {
      name: 'a typo of 8.8.8.8 without timeouts only warns',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('8.8.8.9 8.8.4.4') }),
      findings: [{ status: 'warn', subject: cm, messageId: 'typo', data: { suggestion: '8.8.8.8' } }],
    },
    {
      name: '/etc/resolv.conf upstream timing out is named from the log',
      snapshot: () => dnsSnapshot({ logs: { [pod]: `${timeoutLine('192.168.65.254')}\n` } }),
      findings: [{ status: 'fail', subject: cm, messageId: 'resolv-conf-timeouts', data: { upstream: '192.168.65.254' } }],
    },
    { name: 'no coredns ConfigMap', snapshot: () => dnsSnapshot({ corefile: null }), findings: [{ status: 'unknown', subject: cm, missing: ['cluster.configmap.kube-system.coredns'] }] },
  ],
});

describe('typoOf', () => {
  it.each([
    ['233.5.5.5', '223.5.5.5'],
    ['223.5.5.6', '223.5.5.5'],
    ['114.114.114.144', '114.114.114.114'],
    ['8.8.8.88', '8.8.8.8'],
    ['119.92.29.29', '119.29.29.29'], // digits swapped within one octet
  ])('%s -> %s', (ip, want) => {
    expect(typoOf(ip)?.ip).toBe(want);
  });
  it('never for the real ones or private addresses', () => {
    for (const ip of ['223.5.5.5', '1.1.1.1', '10.1.1.1', '192.168.1.1', '9.9.9.10']) expect(typoOf(ip)).toBeUndefined();
  });
});
