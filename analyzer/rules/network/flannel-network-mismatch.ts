// NET-202: flannel's net-conf.json "Network" must contain every node's podCIDR (allocated by
// kube-controller-manager from kubeadm's podSubnet). A cluster built with
// --pod-network-cidr=192.168.0.0/16 and the stock kube-flannel.yml (10.244.0.0/16) routes nothing.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { FileRef, Seen, Snapshot } from '../../model/types.js';
import { basisOf, CLUSTER, missingInputs } from '../lib/reports.js';
import { cidrContains, jsonEvidence, lineAt, parseCidr, present, seenEvidence } from '../lib/host.js';
import { flannelPresence, unlessFlannel } from './flannel-presence.js';
import { cmd, remedy, word } from '../../text/shell.js';

const CONFIGMAPS = ['kube-flannel/kube-flannel-cfg', 'kube-system/kube-flannel-cfg'];

interface Compared {
  readonly what: string;
  readonly cidr: string;
  readonly file: FileRef;
  readonly ev?: EvidenceRef | undefined;
}

/** flannel's Network: net-conf.json of kube-flannel-cfg, else FLANNEL_NETWORK of a node's subnet.env */
function flannelNetwork(s: Snapshot): { value: string; file: FileRef; ev?: EvidenceRef | undefined } | undefined {
  const seen = s.derived.podCidr.flannel;
  if (s.cluster.flannelNetConf && seen)
    return {
      value: seen.value,
      file: { bundle: seen.at.bundle, path: seen.at.path },
      ev: seenEvidence(s, seen, 'flannel Network'),
    };
  for (const h of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const k3s = h.k3sFlannelNetConf;
    if (k3s?.value.Network)
      return {
        value: k3s.value.Network,
        file: k3s.ref,
        ev: jsonEvidence(s, k3s.ref, '/Network', "flannel Network of k3s's embedded flannel"),
      };
  }
  for (const h of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const v = h.subnetEnv?.value.vars.get('FLANNEL_NETWORK');
    if (h.subnetEnv && v)
      return {
        value: v.value,
        file: h.subnetEnv.ref,
        ev: lineAt(s, h.subnetEnv.ref, v.line, `flannel Network as flanneld on ${h.node} runs it`),
      };
  }
  return undefined;
}

/** every other statement of the cluster's pod subnets: the allocator's range and each node's lease */
function compared(s: Snapshot): Compared[] {
  const out: Compared[] = [];
  const at = (x: Seen<string>): FileRef => ({ bundle: x.at.bundle, path: x.at.path });
  const kubeadm = s.derived.podCidr.kubeadm;
  if (kubeadm && parseCidr(kubeadm.value))
    out.push({
      what: `kubeadm podSubnet ${kubeadm.value}`,
      cidr: kubeadm.value,
      file: at(kubeadm),
      ev: seenEvidence(s, kubeadm, 'the cluster CIDR nodes get subnets from'),
    });
  for (const p of s.derived.podNetworks) {
    if (!/controller-manager|cluster-cidr/.test(p.by) || !parseCidr(p.value)) continue;
    out.push({
      what: `${p.by} ${p.value}`,
      cidr: p.value,
      file: at(p),
      ev: seenEvidence(s, p, 'the range node subnets are allocated from'),
    });
  }
  for (const n of s.derived.podCidr.nodes) {
    if (parseCidr(n.value))
      out.push({
        what: `${n.by} podCIDR ${n.value}`,
        cidr: n.value,
        file: at(n),
        ev: seenEvidence(s, n, 'a node subnet'),
      });
  }
  for (const h of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const v = h.subnetEnv?.value.vars.get('FLANNEL_SUBNET');
    const cidr = v ? parseCidr(v.value)?.text : undefined;
    if (h.subnetEnv && v && cidr)
      out.push({
        what: `the lease of ${h.node} (FLANNEL_SUBNET ${v.value})`,
        cidr,
        file: h.subnetEnv.ref,
        ev: lineAt(s, h.subnetEnv.ref, v.line, 'the subnet flanneld leased this node'),
      });
  }
  return out;
}

export const flannelNetworkMismatch: Rule = {
  id: 'NET-202',
  slug: 'flannel-network-mismatch',
  layer: 'network',
  severity: 'critical',
  title: 'flannel Network does not match the cluster pod CIDR',
  needs: [
    'cluster.configmap.kube-flannel.kube-flannel-cfg',
    'cluster.nodes',
    'cluster.configmap.kube-system.kubeadm-config',
    'host.flannel-subnet-env',
  ],
  decidesFrom: [
    ['cluster.configmap.kube-flannel.kube-flannel-cfg', 'cluster.nodes'],
    ['cluster.configmap.kube-flannel.kube-flannel-cfg', 'cluster.configmap.kube-system.kubeadm-config'],
    ['cluster.configmap.kube-flannel.kube-flannel-cfg', 'host.flannel-subnet-env'],
    ['host.flannel-subnet-env'],
  ],
  docs: {
    why: "kube-controller-manager gives each node a podCIDR out of the cluster CIDR (kubeadm's podSubnet, --pod-network-cidr). flannel routes and masquerades its own \"Network\" from kube-flannel-cfg. If the two differ, nodes get subnets flannel does not route, the masquerade rules cover the wrong range, and flanneld may refuse the node's lease. A node's /run/flannel/subnet.env shows it alone: FLANNEL_SUBNET (the node's podCIDR) outside FLANNEL_NETWORK.",
    fix: 'Make net-conf.json "Network" equal the cluster CIDR (`kubectl -n kube-flannel edit configmap kube-flannel-cfg`) and restart the flannel DaemonSet; or rebuild with --pod-network-cidr matching flannel.',
  },
  messages: {
    mismatch: 'flannel Network {network} does not contain {what}',
    badNetwork: 'flannel Network "{network}" is not a CIDR',
    matches: 'flannel Network {network} contains every node podCIDR',
    matchesSome: 'flannel Network {network} contains {what} (no nodes list: other nodes not compared)',
    notUsed: 'the cluster does not run flannel',
  },
  explains: [
    { rule: 'NET-204', match: 'cluster' },
    { rule: 'NET-205', match: 'cluster' },
  ],
  run(s) {
    const presence = flannelPresence(s);
    const skip = unlessFlannel(s, presence);
    if (skip.length) return skip;
    const collected = CONFIGMAPS.find((k) => s.cluster.configMaps.has(k));
    const key = collected ?? (CONFIGMAPS[0] as string);
    const [ns, name] = key.split('/') as [string, string];
    const flannel = flannelNetwork(s);
    // a flanneld under systemd (Charmed: configured from etcd) or embedded in k3s/RKE2 has no
    // kube-flannel ConfigMap: name the cluster, not a ConfigMap that does not exist
    const noConfigMap =
      !collected && (presence.style === 'systemd' || presence.style === 'embedded' || presence.style === 'snap');
    const subject: Subject = noConfigMap ? CLUSTER : { kind: 'configmap', namespace: ns, name };
    if (!flannel) return [missingInputs(subject, [`cluster.configmap.${ns}.${name}`, 'host.flannel-subnet-env'])];
    const restart = noConfigMap
      ? [
          'cat /run/flannel/subnet.env',
          'juju config flannel cidr  # Charmed: the Network flanneld gets from etcd',
          'systemctl restart flannel flanneld k3s 2>/dev/null',
        ]
      : [
          cmd`kubectl -n ${word('namespace', ns)} edit configmap ${word('name', name)}`,
          cmd`kubectl -n ${word('namespace', ns)} rollout restart daemonset kube-flannel-ds`,
        ];
    const network = parseCidr(flannel.value);
    if (!network) {
      return [
        {
          status: 'fail',
          subject,
          messageId: 'badNetwork',
          data: { network: flannel.value },
          evidence: present(flannel.ev),
          remediation: remedy('Set "Network" to the cluster CIDR.', restart),
        },
      ];
    }
    const all = compared(s);
    if (all.length === 0) return [missingInputs(subject, ['cluster.nodes', 'host.flannel-subnet-env'])];
    const outside = all.filter((c) => !cidrContains(network, c.cidr));
    const basis = [flannel.file, ...basisOf(...all.map((c) => c.file))];
    // "every node" needs the nodes list; one node's lease shows that node only
    if (outside.length === 0 && !s.cluster.nodes)
      return [
        {
          status: 'pass',
          subject,
          messageId: 'matchesSome',
          data: {
            network: network.text,
            what:
              all
                .slice(0, 3)
                .map((c) => c.what)
                .join(', ') + (all.length > 3 ? ` and ${all.length - 3} more` : ''),
          },
          basis,
        } satisfies Report,
      ];
    if (outside.length === 0)
      return [
        { status: 'pass', subject, messageId: 'matches', data: { network: network.text }, basis } satisfies Report,
      ];
    const target = s.derived.podCidr.kubeadm?.value ?? outside[0]?.cidr ?? network.text;
    return [
      {
        status: 'fail',
        subject,
        messageId: 'mismatch',
        data: {
          network: network.text,
          what:
            outside
              .slice(0, 3)
              .map((o) => o.what)
              .join(', ') + (outside.length > 3 ? ` and ${outside.length - 3} more` : ''),
          count: outside.length,
        },
        evidence: present(flannel.ev, ...outside.slice(0, 5).map((o) => o.ev)),
        remediation: remedy(
          `Set "Network" ${noConfigMap ? "where this flannel takes it from (Charmed: the flannel charm's cidr in etcd; k3s: --cluster-cidr)" : 'in net-conf.json'} to the cluster CIDR (${target}) and restart flannel.`,
          restart,
        ),
      },
    ];
  },
};
