// SYS-104: a pod packet to the internet must meet a MASQUERADE/SNAT on its way out of the node,
// or replies come back to a 10.244.x address nobody outside routes. flannel's FLANNEL-POSTRTG
// (`-s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE`) or a plain `-s <pod CIDR> -j MASQUERADE`
// counts; kube-proxy's KUBE-POSTROUTING only masquerades packets marked 0x4000, so it does not.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { IptablesSave } from '../../parse/types.js';
import type { TraceBranch } from '../../trace/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { nodeHosts } from '../lib/node-scope.js';
import {
  flannelLogs,
  lastLogLine,
  lineAt,
  nodePodCidrSeen,
  PEER_EXPLAINS,
  podNetworkSeen,
  present,
  seenFile,
} from '../lib/host.js';
import type { LogLine } from '../../parse/types.js';
import {
  iptablesDumps,
  podProbes,
  stepEvidence,
  trace,
  traceHostWith,
  undeterminedBy,
  undeterminedReport,
} from '../lib/pod-trace.js';
import { cmd, remedy, word } from '../../text/shell.js';

export interface EgressVerdict {
  readonly dump: Sourced<IptablesSave>;
  /** the branch that left the node (forwarded) */
  readonly branch: TraceBranch;
  /** true when it left with another source address than the pod's */
  readonly masqueraded: boolean;
  readonly podIp: string;
  /** a branch of the same packet stopped at a rule the tracer cannot evaluate, up to nat POSTROUTING */
  readonly undetermined?: TraceBranch;
}

/**
 * A pod of this node sends to the internet: does the packet leave the node source-NATed? Judged
 * with the filter table accepting everything (a FORWARD drop is SYS-103's finding, ip_forward
 * SYS-101's), once per backend that holds a nat table; undefined when it cannot be judged.
 */
export function egressVerdicts(s: Snapshot, host: HostState): EgressVerdict[] | undefined {
  const dumps = iptablesDumps(host).filter((d) => d.value.tables.has('nat'));
  if (dumps.length === 0 || !host.routes || !host.addrs) return undefined;
  const out: EgressVerdict[] = [];
  for (const dump of dumps) {
    const th = traceHostWith(s, host, dump, { filterAcceptsAll: true });
    const probe = podProbes(s, host, th).probes.find((p) => p.direction === 'egress');
    if (!probe) return undefined;
    const result = trace(th, probe);
    const branches = result.branches;
    // stopped at a rule the tracer cannot evaluate up to nat POSTROUTING (Calico's ipset MASQUERADE): undetermined, not
    // "no route"
    const stopped = undeterminedBy(result, 'POSTROUTING');
    const left = branches.find((b) => b.fate.kind === 'forwarded');
    if (!left && stopped) {
      out.push({ dump, branch: stopped, masqueraded: false, podIp: probe.input.src, undetermined: stopped });
      continue;
    }
    if (!left || left.fate.kind !== 'forwarded') return undefined; // no route out: nothing to judge
    out.push({
      dump,
      branch: left,
      masqueraded: left.fate.src !== probe.input.src,
      podIp: probe.input.src,
      ...(stopped ? { undetermined: stopped } : {}),
    });
  }
  return out;
}

/** the nat POSTROUTING steps the packet met, and the rule that rewrote its source if any */
export function natSteps(v: EgressVerdict) {
  const steps = v.branch.steps.filter(
    (x) => x.hook === 'POSTROUTING' && x.table === 'nat' && x.ruleIndex !== undefined,
  );
  return { steps, snat: steps.find((x) => /^(MASQUERADE|SNAT) to /.test(x.verdict)) };
}

function whatItMet(s: Snapshot, host: HostState, v: EgressVerdict): EvidenceRef[] {
  const chain = v.dump.value.tables.get('nat')?.chains.get('POSTROUTING');
  const evs: (EvidenceRef | undefined)[] = [];
  if (chain)
    evs.push(
      lineAt(
        s,
        v.dump.ref,
        chain.line,
        `nat POSTROUTING: the tracer's packet ${v.podIp} -> 1.1.1.1:443 walks it and leaves with source ${v.podIp}`,
      ),
    );
  for (const st of natSteps(v).steps.slice(0, 4))
    evs.push(stepEvidence(s, v.dump.ref, st, `met on the way: ${st.verdict}`));
  const ipmasq = host.subnetEnv?.value.vars.get('FLANNEL_IPMASQ');
  if (host.subnetEnv && ipmasq && ipmasq.value === 'false')
    evs.push(lineAt(s, host.subnetEnv.ref, ipmasq.line, 'flanneld runs without --ip-masq'));
  return present(...evs);
}

/**
 * flannel saying it could not install its masquerade rules: flannel 0.5-0.9 `Failed to set up IP
 * Masquerade: ...` (set up once, never retried: flannel-io/flannel#824), flannel >= 0.10's periodic
 * `Failed to ensure iptables rules: ...` when it names the nat table or MASQUERADE.
 */
export const isMasqFailure = (l: LogLine): boolean =>
  /Failed to set up IP Masquerade/i.test(l.raw) ||
  (/Failed to ensure iptables rules/i.test(l.raw) && /-t nat|MASQUERADE|POSTRTG/.test(l.raw));
/** a later line showing the rules went in after all */
const isMasqAdded = (l: LogLine): boolean => /Adding iptables rule: .*MASQUERADE/i.test(l.raw);

/** the last masquerade failure in flannel's log with no successful MASQUERADE insert after it */
function masqFailureInLog(s: Snapshot, host: HostState) {
  const logs = flannelLogs(s, host);
  const bad = lastLogLine(s, logs, isMasqFailure, 'flannel could not install its masquerade rules');
  if (!bad) return { logs, bad: undefined };
  const later = logs.some((pl) =>
    (pl.log?.value ?? []).some(
      (l) => l.line > bad.line.line && isMasqAdded(l) && pl.log?.ref.path === bad.evidence.path,
    ),
  );
  return { logs, bad: later ? undefined : bad };
}

export const podEgressNotMasqueraded: Rule = {
  id: 'SYS-104',
  slug: 'pod-egress-not-masqueraded',
  layer: 'system',
  severity: 'critical',
  title: 'No MASQUERADE/SNAT for pod traffic leaving the cluster',
  needs: [
    'host.iptables-save',
    'host.ip-route',
    'host.ip-addr',
    'cluster.nodes',
    'host.flannel-subnet-env',
    'cluster.log.<ns>.<flannel pod>.kube-flannel',
  ],
  // the node's pod subnet from the Node object, its subnet.env, or its own pod bridge (cni0 10.244.1.1/24)
  decidesFrom: [
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'cluster.nodes'],
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'host.flannel-subnet-env'],
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'fact:pod-network'],
    // without the rules dump: flannel's own log saying the masquerade rules could not be installed
    ['cluster.log.<flannel pod>.kube-flannel'],
    ['host.journal.flanneld'],
  ],
  docs: {
    why: "Pod addresses (10.244.x) are private to the cluster. A pod packet to the internet or to a host outside the cluster must be source-NATed to the node address in nat POSTROUTING, or the replies never find their way back: pods resolve names (CoreDNS forwards from the node) but time out on anything external. flannel adds these rules when started with --ip-masq (the default manifest does); kube-proxy's own MASQUERADE only covers Service traffic it marked.",
    fix: "Restore flannel's rules (restart its pod on the node, check `--ip-masq` in the DaemonSet) or add `iptables -t nat -A POSTROUTING -s <pod CIDR> ! -d <pod CIDR> -j MASQUERADE`.",
  },
  messages: {
    notMasqueraded:
      'pod traffic leaving node {node} for outside the pod network is not masqueraded: a traced packet from {src} leaves with its own address (last nat rule met: {verdict})',
    masqueraded: 'pod traffic leaving node {node} is masqueraded by {chain} rule {index}',
    logMasqFailed:
      'flannel on node {node} could not install its masquerade rules (log line {line}): pod traffic leaves with pod addresses',
    undetermined:
      'on node {node} the tracer cannot evaluate a rule on the pod egress path ({why}): whether it is masqueraded is undetermined',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      const networkSeen = podNetworkSeen(s, host);
      const localSeen = nodePodCidrSeen(s, host.node);
      const network = networkSeen?.value;
      const verdicts = network ? egressVerdicts(s, host) : undefined;
      if (!network || !verdicts || verdicts.length === 0) {
        // the rules dump cannot decide: flannel's log may (it failed to install them and never retried)
        const fromLog = iptablesDumps(host).some((d) => d.value.tables.has('nat'))
          ? undefined
          : masqFailureInLog(s, host).bad;
        if (fromLog) {
          out.push({
            status: 'fail',
            subject,
            messageId: 'logMasqFailed',
            data: { node: host.node, line: fromLog.line.line },
            evidence: [fromLog.evidence],
            remediation: remedy(
              'flannel gave up installing its MASQUERADE rules (an iptables lock or error at start-up). Restart flannel on this node so it installs them again, and check iptables works there.',
              [
                cmd`kubectl -n kube-flannel delete pod --field-selector spec.nodeName=${word('node', host.node)} -l app=flannel`,
                'iptables -t nat -S POSTROUTING',
                'iptables-save -t nat | grep -i masq',
              ],
            ),
          });
          continue;
        }
        const nat = iptablesDumps(host).some((d) => d.value.tables.has('nat'));
        const lacking = [
          ...(nat ? [] : ['host.iptables-save']),
          ...(host.routes ? [] : ['host.ip-route']),
          ...(host.addrs ? [] : ['host.ip-addr']),
          ...(network && localSeen ? [] : ['cluster.nodes']),
        ];
        // all there, yet no route out of the node: the routes are what cannot tell
        out.push(missingInputs(subject, lacking.length > 0 ? lacking : ['host.ip-route']));
        continue;
      }
      const hit = verdicts.find((v) => v.masqueraded);
      const snat = hit && natSteps(hit).snat;
      const basis = basisOf(
        ...verdicts.map((v) => v.dump),
        host.routes,
        host.addrs,
        seenFile(networkSeen),
        seenFile(localSeen),
      );
      if (hit && snat) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'masqueraded',
          data: { node: host.node, chain: snat.chain ?? 'POSTROUTING', index: snat.ruleIndex ?? 0 },
          basis,
        });
        continue;
      }
      const unsure = verdicts.find((v) => v.undetermined);
      if (unsure?.undetermined) {
        out.push(
          undeterminedReport(s, subject, unsure.dump.ref, unsure.undetermined, 'undetermined', { node: host.node }),
        );
        continue;
      }
      const first = verdicts[0] as EgressVerdict;
      const last = natSteps(first).steps.at(-1);
      out.push({
        status: 'fail',
        subject,
        messageId: 'notMasqueraded',
        data: {
          node: host.node,
          verdict: last ? `${last.chain} rule ${last.ruleIndex} ${last.verdict}` : 'none',
          network,
          src: first.podIp,
        },
        evidence: whatItMet(s, host, first),
        basis,
        remediation: remedy(
          "Restore flannel's masquerade rules (restart its pod on this node; the DaemonSet must pass --ip-masq), or add the rule by hand.",
          [
            cmd`kubectl -n kube-flannel delete pod --field-selector spec.nodeName=${word('node', host.node)} -l app=flannel`,
            "kubectl -n kube-flannel get daemonset kube-flannel-ds -o jsonpath='{.spec.template.spec.containers[0].args}'",
            cmd`iptables -t nat -A POSTROUTING -s ${word('cidr', network ?? '')} ! -d ${word('cidr', network ?? '')} -j MASQUERADE`,
          ],
        ),
      });
    }
    return out;
  },
};
