import { describe, expect, it } from 'vitest';
import { ruleTester } from '../testing.js';
import { corefileRejected } from './corefile-rejected.js';
import { directiveInRelease, parseVersion, propertyRemovedIn, type Version } from './coredns-plugins.js';
import { corefileWithForward, dnsFiles, KUBEADM_COREFILE, type DnsSetup } from './testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';

const cm = 'configmap:kube-system/coredns';
const pod = 'coredns-6f6b679f8f-rgq7r';
const LOG = 'cluster.log.kube-system.<coredns pod>.coredns';
const CF = 'cluster/configmaps/kube-system/coredns.json#/data/Corefile';
// proxy had its own properties (no max_concurrent): the kubeadm forward block goes with it
const PROXY = KUBEADM_COREFILE.replace(
  'forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }',
  'proxy . /etc/resolv.conf',
);
const UPSTREAM = KUBEADM_COREFILE.replace('pods insecure', 'pods insecure\n       upstream');
const TRANSFER = KUBEADM_COREFILE.replace('pods insecure', 'pods insecure\n       transfer to *');

const K3S = `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
`;

/** the DNS setup with another CoreDNS image in the Deployment and the pods */
const snap = (o: DnsSetup, image?: string) => () => {
  const files = dnsFiles(o);
  if (image) {
    for (const k of ['cluster/deployments.json', 'cluster/pods.json']) {
      if (files[k])
        files[k] = JSON.parse(
          JSON.stringify(files[k]).replaceAll('registry.k8s.io/coredns/coredns:v1.11.1', image),
        ) as object;
    }
  }
  return snapshotOf({ node: 'cp-1', files });
};
const NO_VERSION = ['cluster/deployments.json', 'cluster/pods.json'];

ruleTester(corefileRejected).run({
  valid: [
    { name: 'kubeadm default Corefile on CoreDNS 1.11.1', snapshot: snap({}) },
    {
      name: 'proxy on CoreDNS 1.4.0, its last release',
      snapshot: snap({ corefile: PROXY.replace('    ready\n', '') }, 'k8s.gcr.io/coredns:1.4.0'),
    },
    {
      name: 'kubernetes transfer on 1.7.1, the last release with it',
      snapshot: snap({ corefile: TRANSFER }, 'coredns/coredns:1.7.1'),
    },
    {
      name: 'k3s Corefile (hosts NodeHosts, import of coredns-custom *.override/*.server, k3s-io/k3s#8159) on rancher/mirrored-coredns-coredns:1.10.1',
      snapshot: snap({ corefile: K3S }, 'rancher/mirrored-coredns-coredns:1.10.1'),
    },
    {
      name: 'no version anywhere: current directives only',
      snapshot: snap({ corefile: corefileWithForward('8.8.8.8 8.8.4.4'), omit: NO_VERSION }),
    },
  ],
  invalid: [
    {
      name: 'proxy after an upgrade to 1.5.0 (the release that dropped it)',
      snapshot: snap({ corefile: PROXY }, 'coredns/coredns:1.5.0'),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'not-in-release',
          data: { directive: 'proxy', version: '1.5.0', line: 13 },
          cites: [`${CF}:13`, 'cluster/deployments.json#/items/0/spec/template/spec/containers/0/image'],
        },
      ],
    },
    {
      name: 'kubernetes upstream on 1.7.0',
      snapshot: snap({ corefile: UPSTREAM }, 'coredns/coredns:1.7.0'),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'removed-property',
          data: { directive: 'upstream', plugin: 'kubernetes', removed: '1.7.0', line: 9 },
        },
      ],
    },
    {
      name: 'kubernetes upstream on 1.6.9 still loads',
      snapshot: snap({ corefile: UPSTREAM }, 'coredns/coredns:1.6.9'),
      findings: [{ status: 'pass', subject: cm, messageId: 'ok', data: { version: '1.6.9' } }],
    },
    {
      name: 'kubernetes transfer on 1.8.0',
      snapshot: snap({ corefile: TRANSFER }, 'coredns/coredns:1.8.0'),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'removed-property',
          data: { directive: 'transfer', removed: '1.8.0' },
        },
      ],
    },
    {
      name: 'ready on 1.4.0 (ready arrived in 1.5.0)',
      snapshot: snap({}, 'k8s.gcr.io/coredns:1.4.0'),
      findings: [
        { status: 'fail', subject: cm, messageId: 'not-in-release', data: { directive: 'ready', version: '1.4.0' } },
      ],
    },
    {
      name: 'Corefile alone: a directive no release has (typo)',
      snapshot: snap({ corefile: KUBEADM_COREFILE.replace('    loop\n', '    lop\n'), omit: NO_VERSION }),
      findings: [{ status: 'fail', subject: cm, messageId: 'unknown-directive', data: { directive: 'lop', line: 17 } }],
    },
    {
      name: 'Corefile alone: proxy and kubernetes upstream load only on older releases',
      snapshot: snap({ corefile: PROXY.replace('pods insecure', 'pods insecure\n       upstream'), omit: NO_VERSION }),
      findings: [
        {
          status: 'warn',
          subject: cm,
          messageId: 'release-dependent',
          data: { directive: 'kubernetes upstream', span: 'before 1.7.0' },
        },
        {
          status: 'warn',
          subject: cm,
          messageId: 'release-dependent',
          data: { directive: 'proxy', span: '1.0.0 to before 1.5.0' },
        },
      ],
    },
    {
      name: 'custom image: an unknown directive may be a compiled-in external plugin',
      snapshot: snap(
        { corefile: KUBEADM_COREFILE.replace('    loop\n', '    alternate SERVFAIL . 8.8.8.8\n') },
        'example.com/dns/server:1.11.1',
      ),
      findings: [
        { status: 'warn', subject: cm, messageId: 'custom-build-directive', data: { directive: 'alternate' } },
      ],
    },
    {
      name: 'version from the log banner when no Deployment or pod says it',
      snapshot: snap({
        corefile: PROXY,
        omit: NO_VERSION,
        logs: { [pod]: '.:53\n2019-10-11T01:02:03.000Z [INFO] CoreDNS-1.6.4\nlinux/amd64, go1.13.1, b139ba3\n' },
      }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'not-in-release',
          data: { directive: 'proxy', version: '1.6.4' },
          cites: [`cluster/logs/kube-system/${pod}/coredns.log:2`],
        },
      ],
    },
    {
      name: 'the crash line names the Corefile line (1.6.4 form)',
      snapshot: snap(
        {
          corefile: PROXY,
          logs: { [pod]: "/etc/coredns/Corefile:13 - Error during parsing: Unknown directive 'proxy'\n" },
        },
        'coredns/coredns:1.6.4',
      ),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'rejected-log',
          data: { directive: 'proxy', line: 13, version: '1.6.4' },
          cites: [`cluster/logs/kube-system/${pod}/coredns.log:1`, `${CF}:13`],
        },
      ],
    },
    {
      name: 'log alone: plugin/kubernetes unknown property (1.7 form)',
      snapshot: snap({
        corefile: null,
        omit: NO_VERSION,
        logs: {
          [pod]: "plugin/kubernetes: /etc/coredns/Corefile:25 - Error during parsing: unknown property 'upstream'\n",
        },
      }),
      findings: [{ status: 'fail', subject: cm, messageId: 'rejected-log', data: { directive: 'upstream', line: 25 } }],
    },
    {
      name: 'log alone: 1.5.0 prints the directive without quotes',
      snapshot: snap({
        corefile: null,
        logs: { [pod]: '/etc/coredns/Corefile:10 - Error during parsing: Unknown directive proxy\n' },
      }),
      findings: [{ status: 'fail', subject: cm, messageId: 'rejected-log', data: { directive: 'proxy' } }],
    },
    {
      name: 'k3s coredns-custom: an .override line no release has, cited in its key',
      snapshot: snap(
        {
          corefile: K3S,
          files: {
            'cluster/configmaps/kube-system/coredns-custom.json': configMapJson({
              name: 'coredns-custom',
              data: { 'log.override': 'log\nlogg\n', 'custom.server': 'why.local {\n  forward . 127.0.0.1\n}\n' },
            }),
          },
        },
        'rancher/mirrored-coredns-coredns:1.10.1',
      ),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'unknown-directive',
          data: { directive: 'logg', line: 2 },
          cites: ['cluster/configmaps/kube-system/coredns-custom.json#/data/log.override:2'],
        },
      ],
    },
    {
      name: 'the reload plugin refused an edit: CoreDNS still runs, warn (1.2+ form)',
      snapshot: snap({
        logs: {
          [pod]:
            "[ERROR] plugin/reload: Corefile changed but reload failed: /etc/coredns/Corefile:5 - Error during parsing: Unknown directive 'forwrd'\n",
        },
      }),
      findings: [{ status: 'warn', subject: cm, messageId: 'rejected-reload', data: { directive: 'forwrd', line: 5 } }],
    },
    {
      name: 'a crash in a previous container while every CoreDNS pod is Ready now is history',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            ...dnsFiles({}),
            [`cluster/logs/kube-system/${pod}/coredns.previous.log`]:
              "/etc/coredns/Corefile:13 - Error during parsing: Unknown directive 'proxy'\n",
          },
        }),
      findings: [{ status: 'pass', subject: cm, messageId: 'ok' }],
    },
    {
      name: 'a crash in a previous container of a pod still not Ready fails',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            ...dnsFiles({
              pods: [{ name: pod, node: 'cp-1', ready: false, waitingReason: 'CrashLoopBackOff', restarts: 4 }],
            }),
            [`cluster/logs/kube-system/${pod}/coredns.previous.log`]:
              "/etc/coredns/Corefile:13 - Error during parsing: Unknown directive 'proxy'\n",
          },
        }),
      findings: [{ status: 'fail', subject: cm, messageId: 'rejected-log', data: { directive: 'proxy' } }],
    },
    {
      name: 'a forward property no release knows (typo of max_fails)',
      snapshot: snap({ corefile: KUBEADM_COREFILE.replace('max_concurrent 1000', 'max_fail 0') }),
      findings: [
        {
          status: 'fail',
          subject: cm,
          messageId: 'unknown-property',
          data: { directive: 'max_fail', plugin: 'forward', line: 14 },
          cites: [`${CF}:14`],
        },
      ],
    },
    {
      name: 'a block of a plugin whose properties are not modelled: unknown without a log',
      snapshot: snap({
        corefile: KUBEADM_COREFILE.replace('    loadbalance\n', '    dnssec {\n      key file Kexample\n    }\n'),
      }),
      findings: [{ status: 'unknown', subject: cm, missing: [LOG] }],
    },
    {
      name: 'the same with a CoreDNS log that shows no rejection passes',
      snapshot: snap({
        corefile: KUBEADM_COREFILE.replace('    loadbalance\n', '    dnssec {\n      key file Kexample\n    }\n'),
        logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' },
      }),
      findings: [{ status: 'pass', subject: cm, messageId: 'ok' }],
    },
    {
      name: 'log alone without a crash line',
      snapshot: snap({ corefile: null, logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' } }),
      findings: [{ status: 'pass', subject: cm, messageId: 'ok-log' }],
    },
    {
      name: 'neither Corefile nor log',
      snapshot: snap({ corefile: null }),
      findings: [{ status: 'unknown', subject: cm, missing: ['cluster.configmap.kube-system.coredns', LOG] }],
    },
  ],
});

describe('CoreDNS plugin releases', () => {
  const v = (x: string) => parseVersion(x) as Version;
  it('proxy: 1.4.0 yes, 1.5.0 no; forward from 1.0.5; import always', () => {
    expect(directiveInRelease('proxy', v('1.4.0'))?.ok).toBe(true);
    expect(directiveInRelease('proxy', v('1.5.0'))?.ok).toBe(false);
    expect(directiveInRelease('forward', v('1.0.4'))?.ok).toBe(false);
    expect(directiveInRelease('forward', v('1.0.5'))?.ok).toBe(true);
    expect(directiveInRelease('import', v('1.0.0'))?.ok).toBe(true);
    expect(directiveInRelease('nosuch', v('1.11.1'))).toBeUndefined();
  });
  it('kubernetes upstream is rejected from 1.7.0', () => {
    expect(propertyRemovedIn('kubernetes', 'upstream', v('1.6.9'))).toBeUndefined();
    expect(propertyRemovedIn('kubernetes', 'upstream', v('1.7.0'))?.removed).toBe('1.7.0');
    expect(parseVersion('v1.11.1-eksbuild.1')).toEqual([1, 11, 1]);
  });
});
