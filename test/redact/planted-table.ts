// Issue 21: a table of secret values of many kinds, each planted where real clusters keep it (pod
// env, container args, `sh -c` command strings, ConfigMap data with embedded JSON/YAML/base64
// documents, annotations, logs, the Corefile, resolv.conf, kubeconfig and kubelet configs), on top
// of the article scenario of secret-bundles.ts. Values use the real token shapes, made unique by a
// seeded generator so a test can search every output byte (raw, base64, URL-encoded) for each.
import type { RawBundle } from '../../analyzer/bundle/types.js';
import { kubeList, rawBundle } from '../../analyzer/model/testing.js';
import { PLANTED, secretBundles } from './secret-bundles.js';
import { rnd as rndOver } from '../../bench/hostile-inputs.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = `${ALNUM}+/`;
const HEX = '0123456789abcdef';

/** deterministic pseudo-random text (xorshift32 seeded by `seed`), over ALNUM unless told */
export const rnd = (seed: string, n: number, alphabet = ALNUM): string => rndOver(seed, n, alphabet);

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const jwt = (seed: string): string =>
  `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(`{"sub":"${seed}","iat":1736935200}`)}.${rnd(`jwt-${seed}`, 43, `${ALNUM}_-`)}`;

export interface PlantedValue {
  /** what kind of secret (one row of docs/redaction.md) */
  readonly kind: string;
  readonly value: string;
  /** where it is planted */
  readonly place: string;
}

const V = {
  ghp: `ghp_${rnd('ghp', 36)}`,
  gho: `gho_${rnd('gho', 36)}`,
  ghs: `ghs_${rnd('ghs', 36)}`,
  ghPat: `github_pat_11${rnd('pat1', 20, UPPER_DIGITS)}_${rnd('pat2', 59)}`,
  glpat: `glpat-${rnd('glpat', 20)}`,
  xoxb: `xoxb-${rnd('xoxb1', 12, '0123456789')}-${rnd('xoxb2', 13, '0123456789')}-${rnd('xoxb3', 24)}`,
  xoxp: `xoxp-${rnd('xoxp1', 12, '0123456789')}-${rnd('xoxp2', 12, '0123456789')}-${rnd('xoxp3', 32, HEX)}`,
  slackHook: rnd('hook', 24),
  stripe: `sk_live_${rnd('stripe', 24)}`,
  google: `AIza${rnd('aiza', 35, `${ALNUM}_-`)}`,
  npm: `npm_${rnd('npm', 36)}`,
  jwtAnnotation: jwt('annotation'),
  awsKeyLine: `AKIA${rnd('akia', 16, UPPER_DIGITS)}`,
  awsSecretLine: rnd('awssecret', 40, B64),
  gcpKeyId: rnd('gcpkeyid', 40, HEX),
  gcpKeyBody: rnd('gcpbody', 64, B64),
  redisPw: `Rd1s-${rnd('redis', 12)}`,
  mysqlPw: `My5ql${rnd('mysql', 12)}`,
  dbPass: `DbP-${rnd('dbpass', 14)}`,
  dbPassFlag: `DbF-${rnd('dbflag', 14)}`,
  dbPwdFlag: `DbW-${rnd('dbpwd', 14)}`,
  adminPwd: `Adm-${rnd('adminpwd', 14)}`,
  resolvPass: `Rsv-${rnd('resolv', 14)}`,
  etcdPass: `Etc-${rnd('etcd', 14)}`,
  forwardPass: `Fwd-${rnd('forward', 14)}`,
  dockerPass: `Dkr-${rnd('docker', 14)}`,
  annotationBlob: rnd('annblob', 48, B64),
  b64YamlPass: `B64-${rnd('b64yaml', 14)}`,
  appYamlPass: `Yml-${rnd('appyaml', 14)}`,
  jsonClientSecret: `Jsn-${rnd('clientsecret', 14)}`,
  jsonApiKey: `Api-${rnd('apikey', 20)}`,
  kubeconfigToken: rnd('kctoken', 40, `${ALNUM}._-`),
  kubeconfigPassword: `Kcp-${rnd('kcpass', 14)}`,
  kubeletBearer: `Klt-${rnd('kubelet', 24)}`,
  k3sToken: `K10${rnd('k3s', 40, HEX)}::server:${rnd('k3s2', 32, HEX)}`,
  oidcSecret: `Oid-${rnd('oidc', 14)}`,
  basicAuthPass: `Bas-${rnd('basic', 14)}`,
  sasSig: rnd('sas', 43, ALNUM),
  bootstrap: `k9x2qa.${rnd('boot', 16, 'abcdefghijklmnopqrstuvwxyz0123456789').replace(/^./, '7')}`,
  xApiKey: `Xak-${rnd('xapikey', 24)}`,
  sessionKey: `Ses-${rnd('sessionkey', 24)}`,
  gitCredentials: `Git-${rnd('gitcred', 14)}`,
  tsAuthKey: `tskey-auth-${rnd('tskey', 12)}-${rnd('tskey2', 24)}`,
  awsSecretEnv: rnd('awsenv', 40, B64),
  encryptionSecret: b64(rnd('enc', 32)),
  urlQueryToken: `Qry/${rnd('query', 12)}+x=1`,
  binaryData: `Bin-${rnd('binarydata', 28)}`,
} as const;

const dockerAuth = b64(`robot$shop:${V.dockerPass}`);
const DOCKER_CONFIG = JSON.stringify({
  auths: { 'registry.shop.example': { username: 'robot$shop', password: V.dockerPass, auth: dockerAuth } },
});
const DOCKER_BLOB = b64(DOCKER_CONFIG);
const B64_YAML = b64(`db:\n  host: db.shop.svc\n  password: ${V.b64YamlPass}\n`);

const GCP_SA = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'shop-prod',
    private_key_id: V.gcpKeyId,
    private_key: `-----BEGIN PRIVATE KEY-----\n${V.gcpKeyBody}\n${rnd('gcpbody2', 64, B64)}\n-----END PRIVATE KEY-----\n`,
    client_email: 'dns-sync@shop-prod.iam.gserviceaccount.com',
    client_id: '104232327412341234123',
  },
  null,
  2,
);

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://192.168.56.10:6443
  name: shop
users:
- name: ci
  user:
    token: ${V.kubeconfigToken}
- name: legacy
  user:
    username: admin
    password: ${V.kubeconfigPassword}
`;

const COREFILE_EXTRA = `
corp.internal:53 {
    errors
    etcd corp.internal {
        path /skydns
        endpoint https://10.10.0.5:2379
        credentials dnsadmin ${V.etcdPass}
        tls /etc/coredns/etcd.crt /etc/coredns/etcd.key /etc/coredns/ca.crt
    }
    forward . tls://dnsuser:${V.forwardPass}@10.10.0.53 {
        tls_servername dns.corp.internal
    }
}
`;

/** Every planted value of this table, with its kind and place. */
export const TABLE: readonly PlantedValue[] = [
  { kind: 'github-token ghp_', value: V.ghp, place: 'log: git clone' },
  { kind: 'github-token gho_', value: V.gho, place: 'annotation, neutral key' },
  { kind: 'github-token ghs_', value: V.ghs, place: 'sh -c command, URL userinfo' },
  { kind: 'github-token github_pat_', value: V.ghPat, place: 'ConfigMap data ci.env' },
  { kind: 'gitlab-token glpat-', value: V.glpat, place: 'container args, neutral flag' },
  { kind: 'slack-token xoxb-', value: V.xoxb, place: 'ConfigMap embedded YAML, neutral key' },
  { kind: 'slack-token xoxp-', value: V.xoxp, place: 'log' },
  { kind: 'slack-webhook', value: V.slackHook, place: 'ConfigMap embedded YAML slack_api_url' },
  { kind: 'stripe-key sk_live_', value: V.stripe, place: 'env value, neutral name' },
  { kind: 'google-api-key AIza', value: V.google, place: 'annotation, neutral key' },
  { kind: 'npm-token npm_', value: V.npm, place: 'log and ConfigMap .npmrc' },
  { kind: 'jwt', value: V.jwtAnnotation, place: 'annotation, neutral key' },
  { kind: 'aws-access-key (same line)', value: V.awsKeyLine, place: 'log, one line with the secret' },
  { kind: 'aws-secret-access-key after AKIA', value: V.awsSecretLine, place: 'log and ConfigMap credentials' },
  { kind: 'aws-secret-access-key env', value: V.awsSecretEnv, place: 'env AWS_SECRET_ACCESS_KEY' },
  { kind: 'gcp private_key_id', value: V.gcpKeyId, place: 'ConfigMap embedded service-account JSON' },
  { kind: 'gcp private_key', value: V.gcpKeyBody, place: 'ConfigMap embedded service-account JSON' },
  { kind: 'redis url empty user', value: V.redisPw, place: 'env REDIS_URL' },
  { kind: 'mysql -p', value: V.mysqlPw, place: 'sh -c command string' },
  { kind: 'env DB_PASS', value: V.dbPass, place: 'env' },
  { kind: 'flag --db-pass=', value: V.dbPassFlag, place: 'container args' },
  { kind: 'flag --db-pwd value', value: V.dbPwdFlag, place: 'container args, separate word' },
  { kind: 'env camelCase adminPwd', value: V.adminPwd, place: 'env' },
  { kind: 'resolv.conf comment pass=', value: V.resolvPass, place: 'host/resolv.conf' },
  { kind: 'coredns etcd credentials', value: V.etcdPass, place: 'Corefile' },
  { kind: 'coredns forward userinfo', value: V.forwardPass, place: 'Corefile' },
  { kind: 'dockerconfigjson password', value: V.dockerPass, place: 'ConfigMap base64 .dockerconfigjson' },
  { kind: 'dockerconfigjson blob', value: DOCKER_BLOB, place: 'ConfigMap data .dockerconfigjson' },
  { kind: 'high-entropy annotation', value: V.annotationBlob, place: 'annotation, neutral key' },
  { kind: 'base64 YAML document', value: V.b64YamlPass, place: 'ConfigMap data values.yaml.b64' },
  { kind: 'embedded YAML password', value: V.appYamlPass, place: 'ConfigMap data application.yaml' },
  { kind: 'embedded JSON clientSecret', value: V.jsonClientSecret, place: 'ConfigMap data settings.json' },
  { kind: 'embedded JSON apiKey', value: V.jsonApiKey, place: 'ConfigMap data settings.json' },
  { kind: 'kubeconfig token', value: V.kubeconfigToken, place: 'ConfigMap data kubeconfig' },
  { kind: 'kubeconfig password', value: V.kubeconfigPassword, place: 'ConfigMap data kubeconfig' },
  { kind: 'kubelet staticPodURLHeader bearer', value: V.kubeletBearer, place: 'host/kubelet-config.yaml' },
  { kind: 'k3s token', value: V.k3sToken, place: 'host/k3s/config.yaml' },
  { kind: 'static pod --oidc-client-secret', value: V.oidcSecret, place: 'host/static-pods/kube-apiserver.yaml' },
  { kind: 'basic auth header', value: V.basicAuthPass, place: 'log, base64 in Authorization: Basic' },
  { kind: 'azure sas sig', value: V.sasSig, place: 'log URL query' },
  { kind: 'kubeadm bootstrap token', value: V.bootstrap, place: 'host/journal/kubelet.log' },
  { kind: 'x-api-key header', value: V.xApiKey, place: 'log' },
  { kind: 'properties session.key', value: V.sessionKey, place: 'ConfigMap data app.properties' },
  { kind: 'credentials env URL', value: V.gitCredentials, place: 'env GIT_CREDENTIALS' },
  { kind: 'authkey env', value: V.tsAuthKey, place: 'env TS_AUTHKEY' },
  { kind: 'encryption config secret', value: V.encryptionSecret, place: 'host/static-pods/encryption-config.yaml' },
  { kind: 'URL-encoded query access_token', value: V.urlQueryToken, place: 'log, URL query, percent-encoded' },
  { kind: 'ConfigMap binaryData (base64)', value: V.binaryData, place: 'ConfigMap binaryData, neutral key' },
];

/** The values planted by secret-bundles.ts (issue 6), as table rows. */
export const EARLIER: readonly PlantedValue[] = [
  { kind: 'env API_TOKEN', value: PLANTED.envToken, place: 'env' },
  { kind: 'aws-access-key env', value: PLANTED.awsKey, place: 'env' },
  { kind: 'configmap password =', value: PLANTED.configMapPassword, place: 'ConfigMap backup.conf' },
  ...PLANTED.pemBody.map((v) => ({ kind: 'pem private key in log', value: v, place: 'log' })),
  { kind: 'flag --token=', value: PLANTED.kubeProxyBearer, place: 'args, log, manifest flags' },
  { kind: 'jwt bearer in event', value: PLANTED.jwt, place: 'event message' },
  { kind: 'url password', value: PLANTED.urlPassword, place: 'log' },
  { kind: 'last-applied-configuration', value: PLANTED.lastAppliedPassword, place: 'annotation' },
  { kind: 'kubeconfig client-key-data', value: PLANTED.clientKeyData, place: 'ConfigMap kubeconfig.conf' },
];

export const ALL_PLANTED: readonly PlantedValue[] = [...TABLE, ...EARLIER];

/** Ordinary values that must survive plain-mode redaction (false-positive check). */
export const ORDINARY = [
  'registry.k8s.io/coredns/coredns:v1.11.3',
  'registry.k8s.io/kube-proxy:v1.31.0',
  'mysql:8.0.36',
  'coredns-668d6bf9bc-m9wgw',
  'kube-proxy-4xk9p',
  'kube-flannel-ds-tl4mc',
  '10.244.1.2',
  '192.168.56.11',
  '233.5.5.5',
  'worker-1',
  'worker-2',
  'shop',
  'web-7d9f8b6c5d-abcde',
  // an image digest, a checksum annotation and a uid: hashes named as such are not secrets
  `sha256:${rnd('digest', 64, HEX)}`,
  rnd('checksum', 64, HEX),
  '3b2c1d0e-1111-4222-8333-444455556666',
  'KUBE-SVC-TCOU7JCQXEZGVUNU',
  '/etc/coredns/etcd.key',
];

const webLog = (): string =>
  [
    `2025-01-15T09:58:10.000000001Z cloning https://github.com/shop/web.git with ${V.ghp}`,
    `2025-01-15T09:58:10.000000002Z notify slack as ${V.xoxp}`,
    `2025-01-15T09:58:10.000000003Z npm notice publishing with ${V.npm}`,
    `2025-01-15T09:58:10.000000004Z aws configure: ${V.awsKeyLine} aws_secret_access_key=${V.awsSecretLine} region=eu-west-1`,
    `2025-01-15T09:58:10.000000005Z GET /admin Authorization: Basic ${b64(`admin:${V.basicAuthPass}`)}`,
    `2025-01-15T09:58:10.000000006Z fetch https://shopbackup.blob.core.windows.net/db/dump.sql?sv=2022-11-02&se=2025-02-01&sr=b&sp=r&sig=${V.sasSig}`,
    `2025-01-15T09:58:10.000000007Z POST /v1/charge x-api-key: ${V.xApiKey} status=200`,
    `2025-01-15T09:58:10.000000008Z GET /healthz 200 from 10.244.1.1`,
    `2025-01-15T09:58:10.000000009Z GET https://api.shop.example/v1/orders?limit=10&access_token=${encodeURIComponent(V.urlQueryToken)}&page=2 200`,
    '',
  ].join('\n');

const appConfig = (): object => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config', namespace: 'shop', uid: '3b2c1d0e-1111-4222-8333-444455556666' },
  data: {
    '.dockerconfigjson': DOCKER_BLOB,
    'alertmanager.yml': `route:\n  receiver: ops\nreceivers:\n- name: ops\n  slack_configs:\n  - slack_api_url: https://hooks.slack.com/services/T0${rnd('hookT', 8, UPPER_DIGITS)}/B0${rnd('hookB', 8, UPPER_DIGITS)}/${V.slackHook}\n    channel: '#ops'\n    bot: ${V.xoxb}\n`,
    'application.yaml': `spring:\n  datasource:\n    url: jdbc:mysql://db.shop.svc:3306/shop\n    username: shop\n    password: ${V.appYamlPass}\n`,
    'settings.json': JSON.stringify(
      { oauth: { clientId: 'shop-web', clientSecret: V.jsonClientSecret }, maps: { apiKey: V.jsonApiKey } },
      null,
      2,
    ),
    'values.yaml.b64': B64_YAML,
    credentials: `[default]\naws_access_key_id = ${V.awsKeyLine} ; aws_secret_access_key = ${V.awsSecretLine}\n`,
    'ci.env': `export GH=${V.ghPat}\nexport CI=true\n`,
    '.npmrc': `//registry.npmjs.org/:_authToken=${V.npm}\n`,
    'sa.json': GCP_SA,
    kubeconfig: KUBECONFIG,
    'app.properties': `server.port=8080\nsession.key=${V.sessionKey}\n`,
  },
  binaryData: { 'blob.bin': b64(V.binaryData) },
});

const migrateContainer = {
  name: 'migrate',
  image: 'mysql:8.0.36',
  command: [
    'sh',
    '-c',
    `mysql -h db.shop.svc -u root -p${V.mysqlPw} shop < /migrations/001.sql && git clone https://x-access-token:${V.ghs}@github.com/shop/schema`,
  ],
  args: [`--db-pass=${V.dbPassFlag}`, '--db-pwd', V.dbPwdFlag, `--registry-login=${V.glpat}`],
  env: [
    { name: 'DB_PASS', value: V.dbPass },
    { name: 'REDIS_URL', value: `redis://:${V.redisPw}@redis.shop.svc:6379/0` },
    { name: 'PAYMENTS_CFG', value: `mode=live ${V.stripe}` },
    { name: 'adminPwd', value: V.adminPwd },
    { name: 'GIT_CREDENTIALS', value: `https://bot:${V.gitCredentials}@github.com` },
    { name: 'TS_AUTHKEY', value: V.tsAuthKey },
    { name: 'AWS_SECRET_ACCESS_KEY', value: V.awsSecretEnv },
  ],
};

interface PodLike {
  metadata: {
    name: string;
    namespace: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    generateName?: string;
    ownerReferences?: object[];
  };
  spec: { containers: object[] };
  status: Record<string, unknown>;
}

function plantPods(pods: { items: PodLike[] }): void {
  for (const p of pods.items) {
    if (p.metadata.namespace === 'shop') {
      const rs = p.metadata.name.replace(/-[a-z0-9]{5}$/, '');
      p.metadata.generateName = `${rs}-`;
      p.metadata.labels = { ...p.metadata.labels, 'pod-template-hash': rs.slice('web-'.length) };
      p.metadata.ownerReferences = [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs,
          uid: '5d4c3b2a-1111-4222-8333-444455556666',
          controller: true,
        },
      ];
      p.metadata.annotations = {
        'ci.example.com/last-run': V.gho,
        'maps.example.com/cfg': V.google,
        'example.com/identity': V.jwtAnnotation,
        'backup.example.com/blob': V.annotationBlob,
        'checksum/config': ORDINARY[14]!,
      };
      p.spec.containers.push(migrateContainer);
      p.status.containerStatuses = [
        {
          name: 'web',
          image: 'registry.shop.example/web:1.4.2',
          imageID: `registry.shop.example/web@${ORDINARY[13]!}`,
        },
      ];
    }
    if (p.metadata.name.startsWith('coredns-')) {
      p.metadata.generateName = 'coredns-668d6bf9bc-';
      p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'coredns-668d6bf9bc' }];
    }
  }
}

function endpointSlices(): object {
  const slice = (name: string, ns: string, svc: string, ip: string, node: string, pod: string) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      generateName: `${svc}-`,
      namespace: ns,
      labels: {
        'kubernetes.io/service-name': svc,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc }],
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [ip],
        conditions: { ready: true },
        nodeName: node,
        targetRef: { kind: 'Pod', name: pod, namespace: ns },
      },
    ],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
  return kubeList([
    slice('web-x8k2m', 'shop', 'web', '10.244.1.5', 'worker-1', 'web-7d9f8b6c5d-abcde'),
    slice('web-q4n7z', 'shop', 'web', '10.244.2.6', 'worker-2', 'web-7d9f8b6c5d-fghij'),
  ]);
}

const text = (b: Buffer | undefined): string => b?.toString('utf8') ?? '';

/**
 * The article scenario with every row of TABLE and EARLIER planted. `controlPlane` adds a node
 * named `control-plane` (kubeadm's default name on single-host clusters) to the node list.
 */
export function tableBundles(opts: { controlPlane?: boolean } = {}): RawBundle[] {
  const [w1, w2] = secretBundles();
  const files = new Map(w1!.files);
  const json = (p: string) => JSON.parse(text(files.get(p))) as Record<string, unknown>;
  const put = (p: string, v: string | object) =>
    files.set(p, Buffer.from(typeof v === 'string' ? v : `${JSON.stringify(v, null, 2)}\n`));

  const pods = json('cluster/pods.json') as unknown as { items: PodLike[] };
  plantPods(pods);
  put('cluster/pods.json', pods);
  put('cluster/endpointslices.json', endpointSlices());
  if (opts.controlPlane) {
    const nodes = json('cluster/nodes.json') as { items: { metadata: { name: string; labels?: object } }[] };
    const cp = JSON.parse(JSON.stringify(nodes.items[0])) as {
      metadata: { name: string; labels: Record<string, string> };
      spec: Record<string, unknown>;
      status: { addresses: { type: string; address: string }[] };
    };
    cp.metadata.name = 'control-plane';
    cp.metadata.labels = { 'kubernetes.io/hostname': 'control-plane', 'node-role.kubernetes.io/control-plane': '' };
    cp.spec.taints = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
    cp.spec.podCIDR = '10.244.0.0/24';
    cp.spec.podCIDRs = ['10.244.0.0/24'];
    cp.status.addresses = [
      { type: 'InternalIP', address: '192.168.56.10' },
      { type: 'Hostname', address: 'control-plane' },
    ];
    nodes.items.push(cp);
    put('cluster/nodes.json', nodes);
    put(
      'cluster/logs/kube-system/coredns-668d6bf9bc-m9wgw/coredns.log',
      `${text(files.get('cluster/logs/kube-system/coredns-668d6bf9bc-m9wgw/coredns.log'))}2025-01-15T09:58:06.000000001Z [INFO] lease held by control-plane\n`,
    );
  }
  const coredns = json('cluster/configmaps/kube-system/coredns.json') as { data: Record<string, string> };
  coredns.data.Corefile = `${coredns.data.Corefile}${COREFILE_EXTRA}`;
  put('cluster/configmaps/kube-system/coredns.json', coredns);
  put('cluster/configmaps/shop/app-config.json', appConfig());
  put('cluster/logs/shop/web-7d9f8b6c5d-abcde/web.log', webLog());
  put(
    'host/resolv.conf',
    `# written by corp-dns-agent (user=dnsagent pass=${V.resolvPass})\n${text(files.get('host/resolv.conf'))}`,
  );
  put(
    'host/kubelet-config.yaml',
    `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\nstaticPodURL: https://config.shop.example/pods\nstaticPodURLHeader:\n  Authorization:\n  - Bearer ${V.kubeletBearer}\n`,
  );
  put('host/k3s/config.yaml', `write-kubeconfig-mode: "0644"\ntoken: ${V.k3sToken}\nnode-label:\n- shop=true\n`);
  put(
    'host/static-pods/kube-apiserver.yaml',
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --advertise-address=192.168.56.10\n    - --oidc-client-secret=${V.oidcSecret}\n    - --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml\n    image: registry.k8s.io/kube-apiserver:v1.31.0\n`,
  );
  put(
    'host/static-pods/encryption-config.yaml',
    `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources:\n      - secrets\n    providers:\n      - aescbc:\n          keys:\n            - name: key1\n              secret: ${V.encryptionSecret}\n      - identity: {}\n`,
  );
  put(
    'host/journal/kubelet.log',
    `Jan 15 09:50:01 worker-1 kubeadm[812]: running kubeadm join 192.168.56.10:6443 --token ${V.bootstrap} --discovery-token-ca-cert-hash sha256:${rnd('cacerthash', 64, HEX)}\n`,
  );
  const first = rawBundle({
    id: w1!.id,
    node: 'worker-1',
    createdAt: w1!.manifest!.createdAt,
    files: Object.fromEntries(files),
  });
  return [first, w2!];
}
