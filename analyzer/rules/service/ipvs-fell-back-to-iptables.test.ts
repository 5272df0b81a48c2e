import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';
import { reference } from '../lib/host-testing.js';
import { ipvsFellBackToIptables } from './ipvs-fell-back-to-iptables.js';

const CONF = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)),
  'utf8',
);
const IPVS_CONF = CONF.replace('mode: ""', 'mode: ipvs');
const cm = (conf: string) => ({
  'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
    name: 'kube-proxy',
    data: { 'config.conf': conf },
  }),
});
const snap = (files: Record<string, string | object>) => snapshotOf({ node: 'worker-1', files });
const log = (text: string) => ({ 'cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log': text });

// quoted from public threads
const V1_8 =
  "W1116 09:02:43.496621       1 server_others.go:264] Can't use ipvs proxier, trying iptables proxier\nI1116 09:02:43.498852       1 server_others.go:122] Using iptables Proxier.\n";
const V1_10 =
  "E0514 13:55:16.139837       1 server_others.go:304] can't determine whether to use ipvs proxy, error: IPVS proxier will not be used because the following required kernel modules are not loaded: [ip_vs_sh nf_conntrack_ipv4 ip_vs ip_vs_rr ip_vs_wrr]\nI0514 13:55:16.524562       1 server_others.go:140] Using iptables Proxier.\n";
const V1_30 =
  'E0408 02:38:35.393265       1 server.go:134] "Error running ProxyServer" err="can\'t use the IPVS proxier: error getting ipset version, error: exit status 1"\n';
const IPVS_OK = 'I0119 17:06:52.872279       1 server_others.go:189] Using ipvs Proxier.\n';
const EMPTY_IPVSADM =
  'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
const IPVSADM =
  'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 192.168.56.10:6443           Masq    1      0          0\n';

ruleTester(ipvsFellBackToIptables).run({
  valid: [
    { name: 'IPVS configured and started', snapshot: () => snap({ ...cm(IPVS_CONF), ...log(IPVS_OK) }) },
    { name: 'iptables mode (the real kubeadm config)', snapshot: () => snap(cm(CONF)) },
    {
      name: 'IPVS configured, the node has virtual servers',
      snapshot: () => snap({ ...cm(IPVS_CONF), 'host/ipvsadm.txt': IPVSADM }),
    },
  ],
  invalid: [
    {
      name: '1.8 fallback line, no config collected',
      snapshot: () => snap(log(V1_8)),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'fellBack',
          cites: [
            'cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log:1',
            'cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log:2',
          ],
        },
      ],
    },
    {
      name: '1.10 "IPVS proxier will not be used" (modules built in)',
      snapshot: () => snap({ ...cm(IPVS_CONF), ...log(V1_10) }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'fellBack' }],
    },
    {
      name: '1.26+ exits instead of falling back',
      snapshot: () => snap(log(V1_30)),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'exits' }],
    },
    {
      name: 'configured ipvs, the log says the iptables proxier started',
      snapshot: () =>
        snap({
          ...cm(IPVS_CONF),
          ...log('I0327 02:16:25.532003       1 server_others.go:140] Using iptables Proxier.\n'),
        }),
      findings: [{ status: 'fail', subject: 'cluster', messageId: 'runsIptables' }],
    },
    {
      name: 'configured ipvs (RKE2 kube-proxy-arg), empty ipvsadm, Services in KUBE-SVC chains',
      snapshot: () =>
        snap({
          'host/rke2/config.yaml': 'kube-proxy-arg:\n  - proxy-mode=ipvs\n',
          'host/ipvsadm.txt': EMPTY_IPVSADM,
          'host/iptables-save.txt': reference('iptables-save-nft.txt'),
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'hostFellBack',
          cites: ['host/rke2/config.yaml:2', 'host/ipvsadm.txt:2', 'host/iptables-save.txt:'],
        },
      ],
    },
    {
      name: 'configured ipvs, ip_vs not among the loaded modules, Services in KUBE-SVC chains',
      snapshot: () =>
        snap({
          ...cm(IPVS_CONF),
          'host/modules.txt':
            'br_netfilter 32768 0 - Live 0x0000000000000000\nnf_conntrack 172032 5 - Live 0x0000000000000000\n',
          'host/iptables-save.txt': reference('iptables-save-nft.txt'),
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'hostFellBack',
          cites: ['host/modules.txt:1', 'host/iptables-save.txt:'],
        },
      ],
    },
    {
      name: 'configured ipvs, ip_vs loaded but no ipvsadm and no log: unknown',
      snapshot: () =>
        snap({
          ...cm(IPVS_CONF),
          'host/modules.txt': 'ip_vs 176128 6 ip_vs_rr, Live 0x0000000000000000\n',
          'host/iptables-save.txt': reference('iptables-save-nft.txt'),
        }),
      findings: [{ status: 'unknown', subject: 'cluster' }],
    },
    {
      name: 'configured ipvs, nothing shows what ran: unknown',
      snapshot: () => snap(cm(IPVS_CONF)),
      findings: [{ status: 'unknown', subject: 'cluster' }],
    },
  ],
});
