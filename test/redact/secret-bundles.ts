// A two-node kubeadm + flannel cluster with the article's fault (CoreDNS forwards to 233.5.5.5, a
// typo of 223.5.5.5) and a user namespace, built from real samples, plus planted secrets. The
// planted values are unique strings, so a test can grep every output byte for each of them.
import { corefileForwardingTo } from '../../analyzer/model/kubeadm-defaults.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawBundle } from '../../analyzer/bundle/types.js';
import {
  configMapJson,
  daemonSetJson,
  deploymentJson,
  endpointsJson,
  kubeList,
  nodeJson,
  podJson,
  rawBundle,
  serviceJson,
} from '../../analyzer/model/testing.js';

const REF = join(import.meta.dirname, '../../fixtures/reference/redact');
const ref = (f: string): string => readFileSync(join(REF, f), 'utf8');

/** Every planted secret: none of these strings may survive redaction. */
export const PLANTED = {
  envToken: 'tok-9f8e7d6c5b4a3f2e1d0c-planted',
  awsKey: 'AKIAPLANTED7EXAMPLE9',
  configMapPassword: 'Hunter2-Planted-Pw!',
  pemBody: [
    'MIIEowIBAAKCAQEAplantedPLANTEDplantedPLANTEDplantedPLANTEDplanted',
    'QWERTYplantedKEYbodyLINEtwoPLANTEDplantedPLANTEDplantedPLANTEDpl',
    'ZXCVBNplantedKEYbodyLINEthreePLANTEDplantedPLANTEDplantedPLANTED',
  ],
  kubeProxyBearer: 'k8s-bearer-5f4e3d2c1b0a9988-planted',
  jwt: 'eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYW50ZWQifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cGxhbnRlZCJ9.c2lnbmF0dXJlLXBsYW50ZWQtc2lnbmF0dXJlLXBsYW50ZWQ',
  urlPassword: 'UrlPl4nted-pass',
  lastAppliedPassword: 'LastApplied-Planted-Secret',
  clientKeyData: 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCnBsYW50ZWQ=',
} as const;

export function plantedStrings(): string[] {
  const { pemBody, ...rest } = PLANTED;
  return [...Object.values(rest), ...pemBody];
}

export const COREFILE_TYPO = corefileForwardingTo('233.5.5.5');

const TS = '2025-01-15T09:58:';
const corednsLog = (ip: string) =>
  [
    `${TS}01.114203817Z [INFO] plugin/ready: Still waiting on: "kubernetes"`,
    `${TS}03.120991120Z [ERROR] plugin/errors: 2 4547991504243258144.3688648895315093531. HINFO: read udp ${ip}:45678->233.5.5.5:53: i/o timeout`,
    `${TS}04.000000001Z [INFO] loading tls key -----BEGIN RSA PRIVATE KEY-----`,
    ...PLANTED.pemBody.map((l, i) => `${TS}04.00000000${i + 2}Z ${l}`),
    `${TS}04.000000009Z -----END RSA PRIVATE KEY-----`,
    `${TS}05.121330012Z [ERROR] plugin/errors: 2 web.shop.svc.cluster.local. A: read udp ${ip}:51244->233.5.5.5:53: i/o timeout`,
    '',
  ].join('\n');

const kubeProxyLog = (nodeIp: string) =>
  ref('kube-proxy-v1.31.log').replace('192.168.121.74', nodeIp) +
  `I1212 03:47:16.000001       1 flags.go:64] FLAG: --token="${PLANTED.kubeProxyBearer}"\n` +
  `I1212 03:47:16.000002       1 round_trippers.go:466] curl -v -XGET -H "Authorization: Bearer ${PLANTED.kubeProxyBearer}" 'https://192.168.56.11:6443/api/v1/nodes/worker-1'\n`;

const flannelLog = `I0115 09:57:00.000001       1 main.go:212] CLI flags config: {etcdEndpoints:https://flannel:${PLANTED.urlPassword}@192.168.56.11:2379 etcdPrefix:/coreos.com/network}\n`;

const kubeProxyContainer = {
  name: 'kube-proxy',
  image: 'registry.k8s.io/kube-proxy:v1.31.0',
  command: [
    '/usr/local/bin/kube-proxy',
    '--config=/var/lib/kube-proxy/config.conf',
    '--hostname-override=$(NODE_NAME)',
    `--token=${PLANTED.kubeProxyBearer}`,
  ],
};

const webContainer = (extra = {}) => ({
  name: 'web',
  image: 'registry.shop.example/web:1.4.2',
  ports: [{ containerPort: 8080, name: 'http' }],
  env: [
    { name: 'API_TOKEN', value: PLANTED.envToken },
    { name: 'AWS_ACCESS_KEY_ID', value: PLANTED.awsKey },
    { name: 'LOG_LEVEL', value: 'info' },
  ],
  ...extra,
});

function withEnv(obj: object, containers: object[]): object {
  const o = obj as { spec: { containers?: object[]; template?: { spec: { containers: object[] } } } };
  if (o.spec.template) o.spec.template.spec.containers = containers;
  else o.spec.containers = containers;
  return obj;
}

function clusterFiles(): Record<string, string | object> {
  const kubeProxyCm = JSON.parse(ref('configmap-kube-proxy.json')) as { data: Record<string, string> };
  kubeProxyCm.data['kubeconfig.conf'] =
    `${kubeProxyCm.data['kubeconfig.conf'] ?? ''}\n# admin copy left behind\n    client-key-data: ${PLANTED.clientKeyData}\n`;
  const corednsCm = configMapJson({
    name: 'coredns',
    data: { Corefile: COREFILE_TYPO, 'backup.conf': `user = admin\npassword = ${PLANTED.configMapPassword}\n` },
  }) as { metadata: Record<string, unknown> };
  const web = deploymentJson({ name: 'web', namespace: 'shop', replicas: 2, ready: 2 }) as {
    metadata: { annotations?: Record<string, string> };
  };
  web.metadata.annotations = {
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
      kind: 'Deployment',
      spec: { env: [{ name: 'DB_PASSWORD', value: PLANTED.lastAppliedPassword }] },
    }),
  };
  const pods = [
    podJson({
      name: 'coredns-668d6bf9bc-m9wgw',
      namespace: 'kube-system',
      node: 'worker-1',
      ip: '10.244.1.2',
      labels: { 'k8s-app': 'kube-dns' },
      ready: false,
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
    }),
    podJson({
      name: 'coredns-668d6bf9bc-x7k2p',
      namespace: 'kube-system',
      node: 'worker-2',
      hostIP: '192.168.56.12',
      ip: '10.244.2.3',
      labels: { 'k8s-app': 'kube-dns' },
      ready: false,
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
    }),
    withEnv(
      podJson({
        name: 'kube-proxy-4xk9p',
        namespace: 'kube-system',
        node: 'worker-1',
        hostNetwork: true,
        labels: { 'k8s-app': 'kube-proxy' },
      }),
      [kubeProxyContainer],
    ),
    withEnv(
      podJson({
        name: 'kube-proxy-8hq2z',
        namespace: 'kube-system',
        node: 'worker-2',
        hostIP: '192.168.56.12',
        hostNetwork: true,
        labels: { 'k8s-app': 'kube-proxy' },
      }),
      [kubeProxyContainer],
    ),
    podJson({
      name: 'kube-flannel-ds-tl4mc',
      namespace: 'kube-flannel',
      node: 'worker-1',
      hostNetwork: true,
      labels: { app: 'flannel' },
      containers: [{ name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.25.6' }],
    }),
    podJson({
      name: 'kube-flannel-ds-q8r2n',
      namespace: 'kube-flannel',
      node: 'worker-2',
      hostIP: '192.168.56.12',
      hostNetwork: true,
      labels: { app: 'flannel' },
      containers: [{ name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.25.6' }],
    }),
    withEnv(
      podJson({
        name: 'web-7d9f8b6c5d-abcde',
        namespace: 'shop',
        node: 'worker-1',
        ip: '10.244.1.5',
        labels: { app: 'web' },
      }),
      [webContainer()],
    ),
    withEnv(
      podJson({
        name: 'web-7d9f8b6c5d-fghij',
        namespace: 'shop',
        node: 'worker-2',
        hostIP: '192.168.56.12',
        ip: '10.244.2.6',
        labels: { app: 'web' },
      }),
      [webContainer()],
    ),
  ];
  return {
    'cluster/nodes.json': kubeList([
      nodeJson({ name: 'worker-1', podCIDR: '10.244.1.0/24', internalIP: '192.168.56.11' }),
      nodeJson({ name: 'worker-2', podCIDR: '10.244.2.0/24', internalIP: '192.168.56.12' }),
    ]),
    'cluster/pods.json': kubeList(pods),
    'cluster/services.json': kubeList([
      serviceJson({
        name: 'kubernetes',
        namespace: 'default',
        clusterIP: '10.96.0.1',
        selector: null,
        ports: [{ name: 'https', port: 443, targetPort: 6443 }],
      }),
      JSON.parse(ref('service-kube-dns.json')) as object,
      serviceJson({
        name: 'web',
        namespace: 'shop',
        clusterIP: '10.96.45.7',
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      }),
    ]),
    'cluster/endpoints.json': kubeList([
      endpointsJson({
        name: 'kube-dns',
        namespace: 'kube-system',
        notReady: [
          { ip: '10.244.1.2', node: 'worker-1', pod: 'coredns-668d6bf9bc-m9wgw' },
          { ip: '10.244.2.3', node: 'worker-2', pod: 'coredns-668d6bf9bc-x7k2p' },
        ],
        ports: [
          { port: 53, name: 'dns', protocol: 'UDP' },
          { port: 53, name: 'dns-tcp' },
          { port: 9153, name: 'metrics' },
        ],
      }),
      endpointsJson({
        name: 'web',
        namespace: 'shop',
        ready: [
          { ip: '10.244.1.5', node: 'worker-1', pod: 'web-7d9f8b6c5d-abcde' },
          { ip: '10.244.2.6', node: 'worker-2', pod: 'web-7d9f8b6c5d-fghij' },
        ],
        ports: [{ port: 8080, name: 'http' }],
      }),
    ]),
    'cluster/deployments.json': kubeList([
      deploymentJson({
        name: 'coredns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns' },
        replicas: 2,
        ready: 0,
      }),
      withEnv(web, [webContainer()]),
    ]),
    'cluster/daemonsets.json': kubeList([
      withEnv(
        daemonSetJson({
          name: 'kube-proxy',
          namespace: 'kube-system',
          labels: { 'k8s-app': 'kube-proxy' },
          desired: 2,
        }),
        [kubeProxyContainer],
      ),
      daemonSetJson({ name: 'kube-flannel-ds', namespace: 'kube-flannel', labels: { app: 'flannel' }, desired: 2 }),
    ]),
    'cluster/events.json': kubeList([
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web-7d9f8b6c5d-abcde.17a', namespace: 'shop' },
        involvedObject: { kind: 'Pod', name: 'web-7d9f8b6c5d-abcde', namespace: 'shop' },
        reason: 'Pulled',
        message: `Pulled with credentials Bearer ${PLANTED.jwt}`,
        type: 'Normal',
      },
    ]),
    'cluster/configmaps/kube-system/coredns.json': corednsCm,
    'cluster/configmaps/kube-system/kube-proxy.json': kubeProxyCm,
    'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': JSON.parse(
      ref('configmap-kube-flannel-cfg.json'),
    ) as object,
    'cluster/logs/kube-system/coredns-668d6bf9bc-m9wgw/coredns.log': corednsLog('10.244.1.2'),
    'cluster/logs/kube-system/kube-proxy-4xk9p/kube-proxy.log': kubeProxyLog('192.168.56.11'),
    'cluster/logs/kube-flannel/kube-flannel-ds-tl4mc/kube-flannel.log': flannelLog,
  };
}

const SYSCTL = 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.conf.all.rp_filter = 0\n';

function hostFiles(n: 1 | 2): Record<string, string> {
  const sub = (s: string) =>
    n === 1 ? s : s.replace(/192\.168\.56\.11/g, '192.168.56.12').replace(/10\.244\.1\./g, '10.244.2.');
  return {
    'host/iptables-save.txt': sub(ref('iptables-save-nft.txt')),
    'host/ip-addr.json': sub(ref('ip-j-d-addr.json')),
    'host/ip-route.json': sub(ref('ip-j-route-all.json')),
    'host/sysctl.txt': SYSCTL,
    'host/resolv.conf': 'nameserver 192.168.56.2\nsearch corp.example.com\n',
    'host/hostname.txt': `worker-${n}\n`,
    'host/flannel-subnet.env': `FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.${n}.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`,
  };
}

/** Two bundles (worker-1 with cluster data, worker-2 host only) with every planted secret. */
export function secretBundles(): RawBundle[] {
  return [
    rawBundle({
      id: 'netsnap-worker-1-20250115T100000Z',
      node: 'worker-1',
      createdAt: '2025-01-15T10:00:00Z',
      files: { ...clusterFiles(), ...hostFiles(1) },
    }),
    rawBundle({
      id: 'netsnap-worker-2-20250115T100100Z',
      node: 'worker-2',
      createdAt: '2025-01-15T10:01:00Z',
      files: hostFiles(2),
      manifest: { flags: [`--kubeconfig-token=${PLANTED.kubeProxyBearer}`] },
    }),
  ];
}
