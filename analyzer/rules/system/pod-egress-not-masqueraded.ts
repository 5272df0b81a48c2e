// SYS-104: a pod packet to the internet must meet a MASQUERADE/SNAT on its way out of the node,
// or replies come back to a 10.244.x address nobody outside routes. flannel's FLANNEL-POSTRTG
// (`-s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE`) or a plain `-s <pod CIDR> -j MASQUERADE`
// counts; kube-proxy's KUBE-POSTROUTING only masquerades packets marked 0x4000, so it does not.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { IptablesSave } from '../../parse/types.js';
import { missingInputs, nodeSubject } from '../lib/reports.js';
import { defaultRouteDev, lineAt, nodePodCidr, PEER_EXPLAINS, podNetworkFor, present, ruleEvidence, samplePodIp } from '../lib/host.js';
import { iptablesDumps, localAddresses, walkChain, type Packet, type Verdict } from '../lib/host-iptables.js';
import { OUTSIDE_IP } from './forward-chain-drops-pod-traffic.js';

export function podEgressPacket(host: HostState, local: string): Packet | undefined {
  const src = samplePodIp(local);
  const out = defaultRouteDev(host);
  return src ? { src, dst: OUTSIDE_IP, proto: 'tcp', state: 'NEW', mark: 0, inIface: 'cni0', local: localAddresses(host), ...(out ? { outIface: out } : {}) } : undefined;
}

/** does a pod → internet packet get source-NATed on this host (any backend)? */
export function masqueradeVerdicts(host: HostState, packet: Packet): { dump: Sourced<IptablesSave>; verdict: Verdict }[] {
  return iptablesDumps(host)
    .filter((d) => d.value.tables.has('nat'))
    .map((dump) => ({ dump, verdict: walkChain(dump.value, 'nat', 'POSTROUTING', packet) }));
}

function whatItMet(s: Snapshot, host: HostState, dump: Sourced<IptablesSave>, v: Verdict): EvidenceRef[] {
  const chain = dump.value.tables.get('nat')?.chains.get('POSTROUTING');
  const evs: (EvidenceRef | undefined)[] = [];
  if (chain) evs.push(lineAt(s, dump.ref, chain.line, 'nat POSTROUTING: the chain a pod packet leaving the node walks'));
  for (const r of v.met.slice(0, 4)) evs.push(ruleEvidence(dump.ref, r, 'met on the way, none of them masquerades pod traffic'));
  const ipmasq = host.subnetEnv?.value.vars.get('FLANNEL_IPMASQ');
  if (host.subnetEnv && ipmasq && ipmasq.value === 'false') evs.push(lineAt(s, host.subnetEnv.ref, ipmasq.line, 'flanneld runs without --ip-masq'));
  return present(...evs);
}

export const podEgressNotMasqueraded: Rule = {
  id: 'SYS-104',
  slug: 'pod-egress-not-masqueraded',
  layer: 'system',
  severity: 'critical',
  title: 'No MASQUERADE/SNAT for pod traffic leaving the cluster',
  needs: ['host.iptables-save', 'cluster.nodes'],
  docs: {
    why: 'Pod addresses (10.244.x) are private to the cluster. A pod packet to the internet or to a host outside the cluster must be source-NATed to the node address in nat POSTROUTING, or the replies never find their way back: pods resolve names (CoreDNS forwards from the node) but time out on anything external. flannel adds these rules when started with --ip-masq (the default manifest does); kube-proxy\'s own MASQUERADE only covers Service traffic it marked.',
    fix: 'Restore flannel\'s rules (restart its pod on the node, check `--ip-masq` in the DaemonSet) or add `iptables -t nat -A POSTROUTING -s <pod CIDR> ! -d <pod CIDR> -j MASQUERADE`.',
  },
  messages: {
    notMasqueraded: 'pod traffic leaving node {node} for outside the pod network is not masqueraded ({verdict})',
    masqueraded: 'pod traffic leaving node {node} is masqueraded by {chain} rule {index}',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const local = nodePodCidr(s, host.node);
      const network = podNetworkFor(s, host);
      const packet = local ? podEgressPacket(host, local) : undefined;
      const verdicts = packet ? masqueradeVerdicts(host, packet) : [];
      if (!packet || !network || verdicts.length === 0) {
        out.push(missingInputs(subject, [...(iptablesDumps(host).length === 0 ? ['host.iptables-save'] : []), ...(!packet || !network ? ['cluster.nodes'] : [])]));
        continue;
      }
      const hit = verdicts.find((x) => x.verdict.kind === 'snat');
      if (hit?.verdict.rule) {
        out.push({ status: 'pass', subject, messageId: 'masqueraded', data: { node: host.node, chain: hit.verdict.rule.chain, index: hit.verdict.rule.index } });
        continue;
      }
      const first = verdicts[0] as (typeof verdicts)[number];
      out.push({
        status: 'fail',
        subject,
        messageId: 'notMasqueraded',
        data: { node: host.node, verdict: first.verdict.rule ? `${first.verdict.rule.chain} rule ${first.verdict.rule.index} ${first.verdict.rule.target ?? ''}`.trim() : 'no rule matched', network },
        evidence: whatItMet(s, host, first.dump, first.verdict),
        remediation: {
          explanation: 'Restore flannel\'s masquerade rules (restart its pod on this node; the DaemonSet must pass --ip-masq), or add the rule by hand.',
          commands: [
            `kubectl -n kube-flannel delete pod --field-selector spec.nodeName=${host.node} -l app=flannel`,
            "kubectl -n kube-flannel get daemonset kube-flannel-ds -o jsonpath='{.spec.template.spec.containers[0].args}'",
            `iptables -t nat -A POSTROUTING -s ${network} ! -d ${network} -j MASQUERADE`,
          ],
        },
      });
    }
    return out;
  },
};
