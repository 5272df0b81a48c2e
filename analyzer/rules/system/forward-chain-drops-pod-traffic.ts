// SYS-103: what a new pod packet meets in the filter FORWARD chain, judged by the packet tracer
// (a pod of the node to the internet, a pod of another node to a local pod): jumps into
// KUBE-FORWARD / FLANNEL-FWD / DOCKER-USER..., RETURNs and finally the policy. A DROP policy
// without an ACCEPT for pod traffic (Docker sets one), or a REJECT ahead of flannel's ACCEPTs
// (firewalld's `-j REJECT --reject-with icmp-host-prohibited`), silently drops pod traffic.
import type { Remediation, Report, Rule } from '../types.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { nodeHosts } from '../lib/node-scope.js';
import { nodePodCidrSeen, PEER_EXPLAINS, podNetworkSeen, present, seenFile } from '../lib/host.js';
import {
  decidingStep,
  iptablesDumps,
  undeterminedBy,
  undeterminedReport,
  podProbes,
  stepEvidence,
  toolFor,
  trace,
  traceHostWith,
} from '../lib/pod-trace.js';
import type { TraceBranch, TraceStep } from '../../trace/types.js';
import { nftBlockEvidence, nftForwardOf, type NftForwardBlock } from '../lib/nft-forward.js';
import type { FileRef, Snapshot, Sourced } from '../../model/types.js';
import type { NftRuleset } from '../../parse/nft.js';
import { cmd, raw, remedy, word, type Cmd } from '../../text/shell.js';

/** a branch the tracer could not decide (an unevaluable match): neither a drop nor an accept */
export const undetermined = (b: TraceBranch): boolean => (b.fate.kind as string) === 'undetermined';

function remediation(toolName: string, networkText: string, step: TraceStep): Remediation {
  // the tool is netsnap's choice (iptables, iptables-legacy, iptables-nft); network and chain are bundle text
  const tool = raw(toolName);
  const network = word('cidr', networkText);
  const accept = [cmd`${tool} -I FORWARD 1 -s ${network} -j ACCEPT`, cmd`${tool} -I FORWARD 2 -d ${network} -j ACCEPT`];
  if (step.ruleIndex !== undefined) {
    return remedy(
      `Rule ${step.ruleIndex} of ${step.chain} drops pod traffic before any ACCEPT. Remove it or accept the pod network ahead of it; with firewalld, trust the pod network instead of editing its rules.`,
      [
        cmd`${tool} -D ${word('chain', step.chain ?? '')} ${step.ruleIndex}`,
        ...accept,
        cmd`firewall-cmd --permanent --zone=trusted --add-source=${network} && firewall-cmd --reload`,
      ],
    );
  }
  return remedy(
    "The FORWARD policy is DROP and nothing accepts the pod network first (Docker sets this policy; flannel adds FLANNEL-FWD ACCEPTs when it runs). Accept the pod network, or restore flannel's rules by restarting its pod on this node.",
    [...accept, cmd`${tool} -P FORWARD ACCEPT`],
  );
}

/** is this the filter table's FORWARD hook deciding against the packet? */
const forwardVerdict = (st: TraceStep | undefined): st is TraceStep =>
  st !== undefined && st.hook === 'FORWARD' && st.table === 'filter' && /^(DROP|REJECT|policy DROP)/.test(st.verdict);

/** a forward hook of another nftables table refusing what names no pod traffic (firewalld's zones) */
function nftRejectsReport(
  s: Snapshot,
  node: string,
  network: string,
  nft: Sourced<NftRuleset>,
  block: NftForwardBlock,
  basis: readonly FileRef[],
): Report {
  const data = { node, table: `${block.table.family} ${block.table.name}`, chain: block.chain.name, by: block.by };
  const firewalld = block.table.name === 'firewalld';
  return {
    status: 'fail',
    subject: nodeSubject(node),
    messageId: 'nftRejects',
    data,
    evidence: nftBlockEvidence(s, nft, block, 'refuses what nothing before it accepted: pod traffic included'),
    basis,
    remediation: remedy(
      firewalld
        ? 'firewalld (nftables backend) rejects forwarded traffic no zone accepts, and iptables rules cannot override it. Put the pod network and the pod interfaces in the trusted zone.'
        : `Table ${data.table} refuses forwarded traffic by default; accept the pod network in it (or remove the table).`,
      firewalld
        ? [
            cmd`firewall-cmd --permanent --zone=trusted --add-source=${word('cidr', network)}`,
            'firewall-cmd --permanent --zone=trusted --add-interface=cni0',
            'firewall-cmd --permanent --zone=trusted --add-interface=flannel.1',
            'firewall-cmd --reload',
          ]
        : nftCommands(block, network),
    ),
  };
}

function nftCommands(block: NftForwardBlock, network: string): Cmd[] {
  const where = cmd`${word('chain', block.table.family)} ${word('chain', block.table.name)} ${word('chain', block.chain.name)}`;
  return [
    cmd`nft list chain ${where}`,
    cmd`nft insert rule ${where} ip saddr ${word('cidr', network)} accept`,
    cmd`nft insert rule ${where} ip daddr ${word('cidr', network)} accept`,
  ];
}

export const forwardChainDropsPodTraffic: Rule = {
  id: 'SYS-103',
  slug: 'forward-chain-drops-pod-traffic',
  layer: 'system',
  severity: 'critical',
  title: 'The FORWARD chain drops pod traffic',
  needs: ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'cluster.nodes', 'host.flannel-subnet-env'],
  // the node's pod subnet from the Node object, its subnet.env, or its own pod bridge (cni0 10.244.1.1/24)
  // with `nft list ruleset` collected, the forward hooks of other nftables tables (firewalld) count too
  decidesFrom: [
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'cluster.nodes'],
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'host.flannel-subnet-env'],
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'fact:pod-network'],
    // a refusing forward hook of another nftables table (firewalld) that names no pod traffic fails on its own
    ['host.nft-ruleset', 'fact:pod-network'],
  ],
  docs: {
    why: "Every packet a pod sends to another node or the internet is forwarded by the node and walks the filter FORWARD chain. Docker sets its policy to DROP; firewalld and hardened images insert `-j REJECT --reject-with icmp-host-prohibited`. If such a verdict comes before an ACCEPT for the pod network (flannel's FLANNEL-FWD, kube-proxy's KUBE-FORWARD), pod traffic is dropped although every other layer looks fine.",
    fix: 'Accept the pod network ahead of the dropping rule (`iptables -I FORWARD 1 -s <pod CIDR> -j ACCEPT` and `-d <pod CIDR>`), remove the REJECT, or trust the pod network in firewalld.',
  },
  messages: {
    dropped: '{direction} pod traffic on node {node} is dropped by {by} in {chain} ({tool})',
    accepted: 'pod traffic on node {node} is accepted by the FORWARD chain',
    undetermined:
      'the FORWARD path of node {node} holds a rule the tracer cannot evaluate ({why}): whether it drops pod traffic is undetermined',
    nftRejects:
      'iptables accepts pod traffic on node {node}, but nftables table {table} (chain {chain}, on the forward hook too) ends in "{by}" and nothing in it accepts the pod network or a pod interface',
    nftUnevaluated:
      'iptables accepts pod traffic on node {node}; nftables table {table} (chain {chain}) also filters forwarded traffic and ends in "{by}": its zones/accepts for pod traffic are not evaluated',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      const dumps = iptablesDumps(host).filter((d) => d.value.tables.has('filter'));
      const networkSeen = podNetworkSeen(s, host);
      const network = networkSeen?.value;
      const base = traceHostWith(s, host, dumps[0]);
      const { probes, missing } = podProbes(s, host, base);
      const lacking = [
        ...(dumps.length === 0 ? ['host.iptables-save'] : []),
        ...(host.routes ? [] : ['host.ip-route']),
        ...(host.addrs ? [] : ['host.ip-addr']),
        ...missing,
      ];
      if (lacking.length > 0 || !network) {
        // no iptables verdict possible, but another nftables forward hook refusing everything that
        // names no pod traffic drops it whatever iptables says (needs a pod network to know it is a node's)
        const alone = network ? nftForwardOf(s, host, network) : { blocks: [] };
        const block = alone.blocks.find((b) => !b.mentionsPods);
        if (alone.nft && block && network) {
          out.push(
            nftRejectsReport(
              s,
              host.node,
              network,
              alone.nft,
              block,
              basisOf(alone.nft, host.addrs, host.routes, seenFile(networkSeen)),
            ),
          );
          continue;
        }
        out.push(missingInputs(subject, lacking.length > 0 ? lacking : ['cluster.nodes']));
        continue;
      }
      let finding: Report | undefined;
      let judged = false;
      let unsure: { branch: TraceBranch; ref: FileRef } | undefined;
      for (const dump of dumps) {
        const th = traceHostWith(s, host, dump);
        for (const probe of probes) {
          const result = trace(th, probe);
          // a branch the tracer stopped after FORWARD (Calico's ipset MASQUERADE) has been judged there
          const stopped = undeterminedBy(result, 'FORWARD');
          if (stopped && !unsure) unsure = { branch: stopped, ref: dump.ref };
          for (const b of result.branches) {
            if (b !== stopped && b.steps.some((x) => x.hook === 'FORWARD')) judged = true;
            const st = decidingStep(b);
            if ((b.fate.kind !== 'dropped' && b.fate.kind !== 'rejected') || !forwardVerdict(st)) continue;
            const tool = toolFor(host, dump);
            const entered = b.steps.find(
              (x) => x.hook === 'FORWARD' && x.table === 'filter' && x.chain === 'FORWARD' && x.ruleIndex !== undefined,
            );
            finding = {
              status: 'fail',
              subject,
              messageId: 'dropped',
              data: {
                node: host.node,
                direction: probe.direction,
                chain: st.chain ?? 'FORWARD',
                by:
                  st.ruleIndex !== undefined ? `rule ${st.ruleIndex} (${st.verdict.split(' ')[0]})` : 'the DROP policy',
                tool,
                src: probe.input.src,
                dst: probe.input.dst,
                ...(st.line !== undefined ? { line: st.line } : {}),
              },
              evidence: present(
                stepEvidence(
                  s,
                  dump.ref,
                  st,
                  `the tracer's ${probe.direction} packet ${probe.input.src} -> ${probe.input.dst} is ${b.fate.kind} here`,
                ),
                entered && entered !== st
                  ? stepEvidence(s, dump.ref, entered, 'the way it went in FORWARD')
                  : undefined,
              ),
              remediation: remediation(tool, network, st),
            };
            break;
          }
          if (finding) break; // one finding per node: the same verdict usually drops both directions
        }
        if (finding) break;
      }
      const { nft, blocks } = nftForwardOf(s, host, network);
      const basis = basisOf(
        ...dumps,
        host.routes,
        host.addrs,
        seenFile(networkSeen),
        seenFile(nodePodCidrSeen(s, host.node)),
        nft,
      );
      const nftBlock = blocks.find((b) => !b.mentionsPods) ?? blocks[0];
      if (finding) out.push({ ...finding, basis });
      // the reason is the tracer's (a loop, an ipset, a budget), cited at the rule where it stopped
      else if (unsure)
        out.push(undeterminedReport(s, subject, unsure.ref, unsure.branch, 'undetermined', { node: host.node }));
      else if (!judged) out.push(missingInputs(subject, ['host.ip-route']));
      else if (nft && nftBlock) {
        const data = {
          node: host.node,
          table: `${nftBlock.table.family} ${nftBlock.table.name}`,
          chain: nftBlock.chain.name,
          by: nftBlock.by,
        };
        if (nftBlock.mentionsPods) {
          out.push({
            status: 'unknown',
            subject,
            messageId: 'nftUnevaluated',
            data,
            missing: [`trace: nftables ${data.table} ${data.chain} (not evaluated)`],
          });
        } else {
          out.push(nftRejectsReport(s, host.node, network, nft, nftBlock, basis));
        }
      } else out.push({ status: 'pass', subject, messageId: 'accepted', data: { node: host.node }, basis });
    }
    return out;
  },
};
