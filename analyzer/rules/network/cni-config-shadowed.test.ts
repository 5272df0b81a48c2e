import { ruleTester } from '../testing.js';
import { kubeList, nodeJson, podJson, snapshotOf } from '../../model/testing.js';
import { cniConfigShadowed } from './cni-config-shadowed.js';

// as kube-flannel.yml installs it, and as other installers leave theirs
const FLANNEL =
  '{\n  "name": "cbr0",\n  "cniVersion": "0.3.1",\n  "plugins": [\n    {\n      "type": "flannel",\n      "delegate": {\n        "hairpinMode": true,\n        "isDefaultGateway": true\n      }\n    },\n    {\n      "type": "portmap",\n      "capabilities": {\n        "portMappings": true\n      }\n    }\n  ]\n}\n';
const CALICO =
  '{\n  "name": "k8s-pod-network",\n  "cniVersion": "0.3.1",\n  "plugins": [\n    {\n      "type": "calico",\n      "datastore_type": "kubernetes",\n      "ipam": {\n        "type": "calico-ipam"\n      }\n    },\n    {\n      "type": "portmap",\n      "capabilities": {"portMappings": true}\n    }\n  ]\n}\n';
const CONTAINERD =
  '{\n  "cniVersion": "1.0.0",\n  "name": "containerd-net",\n  "plugins": [\n    {\n      "type": "bridge",\n      "bridge": "cni0",\n      "isGateway": true,\n      "ipMasq": true,\n      "ipam": {\n        "type": "host-local",\n        "ranges": [[{"subnet": "10.88.0.0/16"}]]\n      }\n    }\n  ]\n}\n';
const MULTUS =
  '{\n  "cniVersion": "0.3.1",\n  "name": "multus-cni-network",\n  "type": "multus",\n  "kubeconfig": "/etc/cni/net.d/multus.d/multus.kubeconfig",\n  "delegates": []\n}\n';

const flannelPod = podJson({
  name: 'kube-flannel-ds-abcde',
  namespace: 'kube-flannel',
  node: 'worker-1',
  labels: { app: 'flannel' },
  hostNetwork: true,
  containers: [{ name: 'kube-flannel' }],
});
const calicoPod = podJson({
  name: 'calico-node-xyz12',
  namespace: 'kube-system',
  node: 'worker-1',
  labels: { 'k8s-app': 'calico-node' },
  hostNetwork: true,
  containers: [{ name: 'calico-node' }],
});
const cluster = (...pods: object[]) => ({
  'cluster/pods.json': kubeList(pods),
  'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1', podCIDR: '10.244.1.0/24' })]),
});
const host = (cni: Record<string, string>, extra: Record<string, string | object> = cluster(flannelPod)) =>
  snapshotOf({
    node: 'worker-1',
    files: { ...extra, ...Object.fromEntries(Object.entries(cni).map(([f, t]) => [`host/cni/${f}`, t])) },
  });

ruleTester(cniConfigShadowed).run({
  valid: [
    { name: 'only the flannel config', snapshot: () => host({ '10-flannel.conflist': FLANNEL }) },
    {
      name: 'a podman bridge that sorts after flannel is never loaded',
      snapshot: () => host({ '10-flannel.conflist': FLANNEL, '87-podman-bridge.conflist': CONTAINERD }),
    },
    {
      name: 'multus first delegates to the cluster network',
      snapshot: () => host({ '00-multus.conf': MULTUS, '10-flannel.conflist': FLANNEL }),
    },
    {
      name: 'a non-config file in net.d is not a config',
      snapshot: () =>
        host({ '10-flannel.conflist': FLANNEL, 'calico-kubeconfig': '{"apiVersion": "v1", "kind": "Config"}' }),
    },
    {
      name: "canal: its calico-type config is the cluster's own (flannel and calico both run)",
      snapshot: () =>
        host(
          { '10-canal.conflist': CALICO, '10-flannel.conflist': FLANNEL },
          cluster(
            podJson({
              name: 'canal-x2vd9',
              namespace: 'kube-system',
              node: 'worker-1',
              containers: [{ name: 'calico-node' }, { name: 'kube-flannel' }],
            }),
          ),
        ),
    },
    {
      name: 'k3s reads its own CNI dir: a leftover in /etc/cni/net.d is not loaded',
      snapshot: () =>
        host({ '10-calico.conflist': CALICO }, { ...cluster(flannelPod), 'host/k3s/cni/10-flannel.conflist': FLANNEL }),
    },
    {
      name: 'calico cluster with a calico config first',
      snapshot: () => host({ '10-calico.conflist': CALICO, '10-flannel.conflist': FLANNEL }, cluster(calicoPod)),
    },
  ],
  invalid: [
    {
      name: "calico config left behind sorts before flannel's",
      snapshot: () => host({ '10-calico.conflist': CALICO, '10-flannel.conflist': FLANNEL }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'shadowed',
          data: {
            winner: '10-calico.conflist',
            winnerType: 'calico',
            intended: '10-flannel.conflist',
            intendedType: 'flannel',
          },
          cites: ['host/cni/10-calico.conflist#/plugins/0/type', 'host/cni/10-flannel.conflist#/plugins/0/type'],
        },
      ],
    },
    {
      name: "containerd's default bridge config sorts before flannel's",
      snapshot: () => host({ '10-containerd-net.conflist': CONTAINERD, '10-flannel.conflist': FLANNEL }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'shadowed',
          data: { winner: '10-containerd-net.conflist', winnerType: 'bridge' },
        },
      ],
    },
    {
      name: 'host-only: flannel.1 and subnet.env show flannel, a bridge config wins',
      snapshot: () =>
        host(
          { '10-containerd-net.conflist': CONTAINERD, '10-flannel.conflist': FLANNEL },
          { 'host/flannel-subnet.env': 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\n' },
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'shadowed' }],
    },
    {
      name: 'nothing says which CNI the cluster runs: two different configs warn',
      snapshot: () => host({ '10-calico.conflist': CALICO, '20-bridge.conflist': CONTAINERD }, {}),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'several',
          data: { winner: '10-calico.conflist', count: 2 },
        },
      ],
    },
    {
      name: "k3s: a bridge config in k3s's own CNI dir sorts before its flannel config",
      snapshot: () =>
        host(
          {},
          {
            ...cluster(flannelPod),
            'host/k3s/cni/05-bridge.conflist': CONTAINERD,
            'host/k3s/cni/10-flannel.conflist': FLANNEL,
          },
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'shadowed',
          data: { winner: '05-bridge.conflist' },
          cites: ['host/k3s/cni/05-bridge.conflist#/plugins/0/type'],
        },
      ],
    },
    {
      name: 'no CNI config collected: unknown',
      snapshot: () => host({}, { 'host/uname.txt': 'Linux\n' }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.cni.*'] }],
    },
  ],
});
