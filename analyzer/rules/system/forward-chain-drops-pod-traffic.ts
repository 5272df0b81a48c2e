// SYS-103: what a new pod packet meets in the filter FORWARD chain, in order: jumps into
// KUBE-FORWARD / FLANNEL-FWD / DOCKER-USER..., RETURNs and finally the policy. A DROP policy
// without an ACCEPT for pod traffic (Docker sets one), or a REJECT ahead of flannel's ACCEPTs
// (firewalld's `-j REJECT --reject-with icmp-host-prohibited`), silently drops pod traffic.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { IptablesSave } from '../../parse/types.js';
import { missingInputs, nodeSubject } from '../lib/reports.js';
import { defaultRouteDev, lineAt, nodePodCidr, PEER_EXPLAINS, podNetworkFor, present, ruleEvidence, samplePodIp } from '../lib/host.js';
import { iptablesDumps, localAddresses, walkChain, type Packet, type Verdict } from '../lib/host-iptables.js';

/** stands for "any address outside the cluster" (TEST-NET-3, never routed) */
export const OUTSIDE_IP = '203.0.113.10';

interface Probe {
  readonly direction: 'egress' | 'ingress';
  readonly packet: Packet;
}

function probes(s: Snapshot, host: HostState, network: string, local: string): Probe[] {
  const out = defaultRouteDev(host);
  const own = samplePodIp(local);
  const peer = samplePodIp(network);
  const common = { proto: 'tcp' as const, state: 'NEW' as const, mark: 0, local: localAddresses(host) };
  const list: Probe[] = [];
  if (own) list.push({ direction: 'egress', packet: { ...common, src: own, dst: OUTSIDE_IP, inIface: 'cni0', ...(out ? { outIface: out } : {}) } });
  if (own && peer && peer !== own) list.push({ direction: 'ingress', packet: { ...common, src: peer, dst: own, inIface: 'flannel.1', outIface: 'cni0' } });
  return list;
}

function toolFor(host: HostState, dump: Sourced<IptablesSave>): string {
  if (dump === host.iptables) return 'iptables';
  return dump.value.backend === 'legacy' ? 'iptables-legacy' : 'iptables-nft';
}

function decidingEvidence(s: Snapshot, dump: Sourced<IptablesSave>, v: Verdict): EvidenceRef[] {
  if (v.rule) return [ruleEvidence(dump.ref, v.rule, 'the first rule that decides for pod traffic')];
  if (v.policyChain) return present(lineAt(s, dump.ref, v.policyChain.line, 'no rule accepts pod traffic, so the policy decides'));
  return [];
}

function remediation(tool: string, network: string, v: Verdict) {
  const accept = [`${tool} -I FORWARD 1 -s ${network} -j ACCEPT`, `${tool} -I FORWARD 2 -d ${network} -j ACCEPT`];
  if (v.rule) {
    return {
      explanation: `Rule ${v.rule.index} of ${v.rule.chain} drops pod traffic before any ACCEPT. Remove it or accept the pod network ahead of it; with firewalld, trust the pod network instead of editing its rules.`,
      commands: [`${tool} -D ${v.rule.chain} ${v.rule.index}`, ...accept, `firewall-cmd --permanent --zone=trusted --add-source=${network} && firewall-cmd --reload`],
    };
  }
  return {
    explanation: 'The FORWARD policy is DROP and nothing accepts the pod network first (Docker sets this policy; flannel adds FLANNEL-FWD ACCEPTs when it runs). Accept the pod network, or restore flannel\'s rules by restarting its pod on this node.',
    commands: [...accept, `${tool} -P FORWARD ACCEPT`],
  };
}

export const forwardChainDropsPodTraffic: Rule = {
  id: 'SYS-103',
  slug: 'forward-chain-drops-pod-traffic',
  layer: 'system',
  severity: 'critical',
  title: 'The FORWARD chain drops pod traffic',
  needs: ['host.iptables-save', 'cluster.nodes'],
  docs: {
    why: 'Every packet a pod sends to another node or the internet is forwarded by the node and walks the filter FORWARD chain. Docker sets its policy to DROP; firewalld and hardened images insert `-j REJECT --reject-with icmp-host-prohibited`. If such a verdict comes before an ACCEPT for the pod network (flannel\'s FLANNEL-FWD, kube-proxy\'s KUBE-FORWARD), pod traffic is dropped although every other layer looks fine.',
    fix: 'Accept the pod network ahead of the dropping rule (`iptables -I FORWARD 1 -s <pod CIDR> -j ACCEPT` and `-d <pod CIDR>`), remove the REJECT, or trust the pod network in firewalld.',
  },
  messages: {
    dropped: '{direction} pod traffic on node {node} is dropped by {by} in {chain} ({tool})',
    accepted: 'pod traffic on node {node} is accepted by the FORWARD chain',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const dumps = iptablesDumps(host).filter((d) => d.value.tables.has('filter'));
      const local = nodePodCidr(s, host.node);
      const network = podNetworkFor(s, host);
      if (dumps.length === 0 || !local || !network) {
        out.push(missingInputs(subject, [...(dumps.length === 0 ? ['host.iptables-save'] : []), ...(!local || !network ? ['cluster.nodes'] : [])]));
        continue;
      }
      let failed = false;
      for (const dump of dumps) {
        for (const probe of probes(s, host, network, local)) {
          const v = walkChain(dump.value, 'filter', 'FORWARD', probe.packet);
          if (v.kind !== 'drop' && v.kind !== 'policy-drop') continue;
          const tool = toolFor(host, dump);
          out.push({
            status: 'fail',
            subject,
            messageId: 'dropped',
            data: { node: host.node, direction: probe.direction, chain: v.rule?.chain ?? 'FORWARD', by: v.rule ? `rule ${v.rule.index} (${v.rule.target})` : 'the DROP policy', tool, ...(v.rule ? { line: v.rule.line } : {}) },
            evidence: decidingEvidence(s, dump, v),
            remediation: remediation(tool, network, v),
          });
          failed = true;
          break; // one finding per dump: the same verdict usually drops both directions
        }
        if (failed) break;
      }
      if (!failed) out.push({ status: 'pass', subject, messageId: 'accepted', data: { node: host.node } });
    }
    return out;
  },
};
