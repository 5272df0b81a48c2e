import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';
import { clusterIpPingSemantics } from './cluster-ip-ping-semantics.js';

const CONF = readFileSync(fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)), 'utf8');
const withConf = (conf: string) => snapshotOf({ node: 'cp-1', files: { 'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({ name: 'kube-proxy', data: { 'config.conf': conf } }) } });

ruleTester(clusterIpPingSemantics).run({
  valid: [{ name: 'no kube-proxy anywhere', snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }) }],
  invalid: [
    { name: 'iptables mode (mode "" in the real kubeadm config)', snapshot: () => withConf(CONF), findings: [{ status: 'pass', subject: 'cluster', messageId: 'iptables', data: { mode: 'iptables' } }] },
    { name: 'IPVS mode', snapshot: () => withConf(CONF.replace('mode: ""', 'mode: ipvs')), findings: [{ status: 'pass', subject: 'cluster', messageId: 'ipvs' }] },
  ],
});
