import { ruleTester } from '../testing.js';
import { corednsUpstreamUnusable } from './coredns-upstream-unusable.js';
import { corefileWithForward, dnsSnapshot, KUBEADM_COREFILE, timeoutLine } from './testing.js';
import { configMapJson } from '../../model/testing.js';
import { typoOf } from './resolvers.js';
import { describe, expect, it } from 'vitest';

const cm = 'configmap:kube-system/coredns';
const pod = 'coredns-6f6b679f8f-rgq7r';
const LOG = 'cluster.log.kube-system.<coredns pod>.coredns';
const startLog =
  '[INFO] plugin/reload: Running configuration SHA512 = 0ab4\nCoreDNS-1.11.1\nlinux/amd64, go1.20.7, ae2bbc2';

ruleTester(corednsUpstreamUnusable).run({
  valid: [
    {
      name: 'kubeadm default forwards to /etc/resolv.conf, CoreDNS log without failures',
      snapshot: () => dnsSnapshot({ logs: { [pod]: `${startLog}\n` } }),
    },
    {
      name: 'no Corefile: a CoreDNS log without failures decides alone',
      snapshot: () => dnsSnapshot({ corefile: null, logs: { [pod]: `${startLog}\n` } }),
    },
    {
      name: 'AliDNS pair',
      snapshot: () =>
        dnsSnapshot({ corefile: corefileWithForward('223.5.5.5 223.6.6.6'), logs: { [pod]: `${startLog}\n` } }),
    },
    {
      name: 'internal resolver 10.1.1.1 is not a typo of 1.1.1.1',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('10.1.1.1'), logs: { [pod]: `${startLog}\n` } }),
    },
    {
      name: 'Cloudflare family resolver 1.1.1.2 is real',
      snapshot: () =>
        dnsSnapshot({ corefile: corefileWithForward('dns://1.1.1.2:53'), logs: { [pod]: `${startLog}\n` } }),
    },
  ],
  invalid: [
    {
      name: 'the article: 233.5.5.5 is multicast and a typo of 223.5.5.5, with timeouts in the log',
      snapshot: () =>
        dnsSnapshot({
          corefile: corefileWithForward('233.5.5.5'),
          logs: { [pod]: `${timeoutLine('233.5.5.5')}\n${timeoutLine('233.5.5.5', 45679)}\n` },
        }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'bad-address-typo',
          data: { upstream: '233.5.5.5', range: 'multicast', suggestion: '223.5.5.5', failures: 2 },
        },
      ],
    },
    {
      name: 'loopback upstream',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('127.0.0.1') }),
      findings: [{ status: 'fail', subject: cm, messageId: 'bad-address', data: { range: 'loopback' } }],
    },
    {
      name: 'unspecified upstream',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('0.0.0.0') }),
      findings: [{ status: 'fail', subject: cm, data: { range: 'unspecified' } }],
    },
    {
      name: 'reserved upstream',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('240.0.0.1') }),
      findings: [{ status: 'fail', subject: cm, data: { range: 'reserved' } }],
    },
    {
      name: 'link-local upstream',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('169.254.20.10') }),
      findings: [{ status: 'fail', subject: cm, data: { range: 'linkLocal' } }],
    },
    {
      name: 'broadcast upstream',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('255.255.255.255') }),
      findings: [{ status: 'fail', subject: cm, data: { range: 'broadcast' } }],
    },
    {
      name: 'a real resolver that times out from the pods',
      snapshot: () =>
        dnsSnapshot({
          corefile: corefileWithForward('114.114.114.114'),
          logs: { [pod]: `${timeoutLine('114.114.114.114')}\n` },
        }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'timeouts',
          data: { upstream: '114.114.114.114', failures: 1, error: 'i/o timeout' },
        },
      ],
    },
    {
      name: 'a typo of 8.8.8.8 without timeouts only warns',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('8.8.8.9 8.8.4.4') }),
      findings: [{ status: 'warn', subject: cm, messageId: 'typo', data: { suggestion: '8.8.8.8' } }],
    },
    {
      name: '/etc/resolv.conf upstream timing out is named from the log',
      snapshot: () => dnsSnapshot({ logs: { [pod]: `${timeoutLine('192.168.65.254')}\n` } }),
      findings: [
        { status: 'fail', subject: cm, messageId: 'resolv-conf-timeouts', data: { upstream: '192.168.65.254' } },
      ],
    },
    {
      name: 'no coredns ConfigMap and no CoreDNS log',
      snapshot: () => dnsSnapshot({ corefile: null }),
      findings: [{ status: 'unknown', subject: cm, missing: ['cluster.configmap.kube-system.coredns', LOG] }],
    },
    {
      name: 'real-capture false pass: /etc/resolv.conf upstream with neither the node resolv.conf nor a CoreDNS log is unknown',
      snapshot: () => dnsSnapshot(),
      findings: [{ status: 'unknown', subject: cm, missing: ['host.resolv-conf', LOG] }],
    },
    {
      name: 'the node resolv.conf shows addresses, not answers: still unknown without a log (dropping the log must not turn a fail into a pass)',
      snapshot: () => dnsSnapshot({ files: { 'host/resolv.conf': 'nameserver 192.168.1.1\n' } }),
      findings: [{ status: 'unknown', subject: cm, missing: ['host.resolv-conf', LOG] }],
    },
    {
      name: 'explicit sane upstreams without a log: unknown',
      snapshot: () => dnsSnapshot({ corefile: corefileWithForward('223.5.5.5 223.6.6.6') }),
      findings: [{ status: 'unknown', subject: cm, missing: [LOG] }],
    },
    {
      name: 'log alone: i/o timeouts to an upstream fail without the Corefile',
      snapshot: () =>
        dnsSnapshot({ corefile: null, logs: { [pod]: `${startLog}\n${timeoutLine('10.118.225.100')}\n` } }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'log-timeouts',
          data: { upstream: '10.118.225.100', failures: 1 },
          cites: [`cluster/logs/kube-system/${pod}/coredns.log:4`],
        },
      ],
    },
    {
      name: 'only the loop probe (HINFO) timing out warns: the upstream may just ignore HINFO (CoreDNS 1.9.4 form)',
      snapshot: () =>
        dnsSnapshot({
          corefile: null,
          logs: {
            [pod]:
              '[ERROR] plugin/errors: 2 2645034031827185895.3589184578021158306. HINFO: read udp 10.32.0.2:34463->10.118.225.100:53: i/o timeout\n',
          },
        }),
      findings: [
        { status: 'warn', subject: cm, messageId: 'probe-timeouts', data: { upstream: '10.118.225.100', failures: 1 } },
      ],
    },
    {
      name: 'HINFO probe and real queries timing out fail',
      snapshot: () =>
        dnsSnapshot({
          logs: {
            [pod]: `[ERROR] plugin/errors: 2 2645034031827185895.3589184578021158306. HINFO: read udp 10.32.0.2:34463->10.118.225.100:53: i/o timeout\n${timeoutLine('10.118.225.100')}\n`,
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'resolv-conf-timeouts',
          data: { upstream: '10.118.225.100', failures: 2 },
        },
      ],
    },
    {
      name: 'explicit upstream with only probe timeouts warns',
      snapshot: () =>
        dnsSnapshot({
          corefile: corefileWithForward('20.128.8.8'),
          logs: {
            [pod]:
              '[ERROR] plugin/errors: 2 3797952284163317497.7063757873447144811. HINFO: read udp 192.168.209.17:36807->20.128.8.8:53: i/o timeout\n',
          },
        }),
      findings: [{ status: 'warn', subject: cm, messageId: 'probe-timeouts', data: { upstream: '20.128.8.8' } }],
    },
    {
      name: 'proxy plugin (CoreDNS 1.2) unreachable backend to the resolv.conf upstream',
      snapshot: () =>
        dnsSnapshot({
          corefile: KUBEADM_COREFILE.replace('forward . /etc/resolv.conf', 'proxy . /etc/resolv.conf'),
          logs: {
            [pod]:
              '2018/11/05 13:48:22 [ERROR] 2 google.com. A: unreachable backend: read udp 10.244.0.5:33960->10.0.2.3:53: i/o timeout\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'resolv-conf-timeouts',
          data: { upstream: '10.0.2.3', error: 'i/o timeout' },
        },
      ],
    },
    {
      name: 'every upstream marked down: no healthy proxies',
      snapshot: () =>
        dnsSnapshot({
          corefile: corefileWithForward('8.8.8.8 8.8.4.4'),
          logs: { [pod]: '[ERROR] plugin/errors: 2 example.org. A: no healthy proxies\n' },
        }),
      findings: [{ status: 'fail', subject: cm, messageId: 'no-healthy', data: { failures: 1 } }],
    },
    {
      name: 'over TCP: dial tcp to the upstream times out (CoreDNS 1.6.6 on EKS form)',
      snapshot: () =>
        dnsSnapshot({
          corefile: null,
          logs: {
            [pod]:
              '[ERROR] plugin/errors: 2 xxxxxxxxxxxxxx.eu-west-3.rds.amazonaws.com. AAAA: dial tcp 10.28.0.2:53: i/o timeout\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'log-timeouts',
          data: { upstream: '10.28.0.2', error: 'i/o timeout' },
        },
      ],
    },
    {
      name: 'RKE2 pod log without a pod list (rke2-coredns-rke2-coredns-<hash>)',
      snapshot: () =>
        dnsSnapshot({
          corefile: null,
          omit: ['cluster/pods.json'],
          files: {
            'cluster/logs/kube-system/rke2-coredns-rke2-coredns-5cc9cf4f97-8bmqw/coredns.log': `${timeoutLine('10.0.2.3')}\n`,
          },
        }),
      findings: [{ status: 'fail', subject: cm, messageId: 'log-timeouts', data: { upstream: '10.0.2.3' } }],
    },
    {
      name: 'the API server timing out is not an upstream failure',
      snapshot: () =>
        dnsSnapshot({
          corefile: null,
          logs: {
            [pod]:
              '[WARNING] plugin/kubernetes: Kubernetes API connection failure: Get "https://10.96.0.1:443/version": dial tcp 10.96.0.1:443: i/o timeout\n',
          },
        }),
      findings: [{ status: 'pass', subject: cm, messageId: 'ok-log' }],
    },
    {
      name: 'RKE2: the Corefile lives in rke2-coredns-rke2-coredns',
      snapshot: () =>
        dnsSnapshot({
          corefile: null,
          files: {
            'cluster/configmaps/kube-system/rke2-coredns-rke2-coredns.json': configMapJson({
              name: 'rke2-coredns-rke2-coredns',
              data: { Corefile: corefileWithForward('233.5.5.5') },
            }),
          },
        }),
      findings: [
        { status: 'fail', subject: 'configmap:kube-system/rke2-coredns-rke2-coredns', messageId: 'bad-address-typo' },
      ],
    },
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
    for (const ip of ['223.5.5.5', '1.1.1.1', '10.1.1.1', '192.168.1.1', '9.9.9.10'])
      expect(typoOf(ip)).toBeUndefined();
  });
});
