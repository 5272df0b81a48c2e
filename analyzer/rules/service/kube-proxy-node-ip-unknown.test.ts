import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { kubeProxyNodeIpUnknown } from './kube-proxy-node-ip-unknown.js';

const podLog = (text: string) =>
  snapshotOf({ node: 'node07', files: { 'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log': text } });

// quoted from public threads: kubernetes/kubernetes#57518 (1.9), kubernetes/kubernetes#82412 (1.17),
// a 1.2x log quoted in a public repository, the 1.27+ message from kube-proxy's source
const V1_9 =
  'W1220 16:46:26.875651       1 server.go:580] Failed to retrieve node info: nodes "node07.example.com" not found\nW1220 16:46:26.875785       1 proxier.go:471] invalid nodeIP, initializing kube-proxy with 127.0.0.1 as nodeIP\n';
const V1_2X =
  'E1101 07:45:11.124100       1 node.go:152] Failed to retrieve node info: Get "https://127.0.0.1:6443/api/v1/nodes/bjy-idc-bdata-k8s-test04": dial tcp 127.0.0.1:6443: connect: connection refused\nI1101 07:45:11.124136       1 server.go:843] "Can\'t determine this node\'s IP, assuming 127.0.0.1; if this is incorrect, please set the --bind-address flag"\n';
const V1_27 =
  'I0301 10:00:00.000000       1 server.go:681] "Can\'t determine this node\'s IP, assuming loopback; if this is incorrect, please set the --bind-address flag"\n';
const V1_17_EXIT =
  'E0906 18:25:21.183640   41689 node.go:124] Failed to retrieve node info: nodes "127.0.0.1" not found\nF0906 18:25:21.183724   41689 server.go:443] unable to get node IP for hostname 127.0.0.1\n';
const OK = 'I0707 18:33:52.691427       1 node.go:163] Successfully retrieved node IP: 10.66.66.3\n';

ruleTester(kubeProxyNodeIpUnknown).run({
  valid: [{ name: 'node IP retrieved (1.24 log)', snapshot: () => podLog(OK) }],
  invalid: [
    {
      name: '1.9: FQDN hostname, Node registered by short name',
      snapshot: () => podLog(V1_9),
      findings: [
        {
          status: 'fail',
          subject: 'node:node07',
          messageId: 'loopback',
          data: { why: 'nodes "node07.example.com" not found' },
          cites: [
            'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log:1',
            'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log:2',
          ],
        },
      ],
    },
    {
      name: '1.2x: API not reachable at start-up (degraded: a warning)',
      snapshot: () => podLog(V1_2X),
      findings: [{ status: 'warn', subject: 'node:node07', messageId: 'loopback' }],
    },
    {
      name: '1.27+: "assuming loopback", no reason logged',
      snapshot: () => podLog(V1_27),
      findings: [{ status: 'warn', subject: 'node:node07', messageId: 'loopback', data: { why: 'no reason logged' } }],
    },
    {
      name: '1.17: kube-proxy exits instead',
      snapshot: () => podLog(V1_17_EXIT),
      findings: [{ status: 'fail', subject: 'node:node07', messageId: 'exits', data: { name: '127.0.0.1' } }],
    },
    {
      name: 'no kube-proxy log: unknown',
      snapshot: () => snapshotOf({ node: 'node07', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' } }),
      findings: [{ status: 'unknown', subject: 'cluster' }],
    },
  ],
});
