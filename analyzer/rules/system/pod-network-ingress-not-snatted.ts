// SYS-110: traffic that enters the pod network from outside it (a NodePort client, a host on the
// LAN routed to the pod network through this node) and leaves through the overlay towards a pod of
// another node must be source-NATed, or that pod answers straight from its own node and the reply
// never matches the connection. flannel installs `-A FLANNEL-POSTRTG ! -s <network> -d <network>
// -j MASQUERADE` for this (after `! -s <network> -d <own subnet> -j RETURN`: its own pods are not
// NATed); kube-proxy covers only what it marked (KUBE-MARK-MASQ, 0x4000) for Services.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { nodeHosts } from '../lib/node-scope.js';
import {
  defaultRouteDev,
  lineAt,
  mainRoutes,
  nodePodCidrSeen,
  PEER_EXPLAINS,
  podNetworkSeen,
  present,
  samplePodIp,
  seenFile,
} from '../lib/host.js';
import {
  iptablesDumps,
  stepEvidence,
  trace,
  traceHostWith,
  undeterminedBy,
  undeterminedReport,
} from '../lib/pod-trace.js';
import type { TraceBranch } from '../../trace/types.js';
import { parseCidr } from '../../model/net.js';
import { egressVerdicts } from './pod-egress-not-masqueraded.js';
import { cmd, remedy, word } from '../../text/shell.js';

/** a client outside the cluster (TEST-NET-3, never a real host) */
export const OUTSIDE_CLIENT = '203.0.113.10';

const isOverlay = (dev: string | undefined): boolean => dev !== undefined && /^flannel[.-]/.test(dev);

/** flannel runs here: its nat chain, its subnet.env, or its overlay device carrying routes */
function runsFlannel(host: HostState): boolean {
  if (host.subnetEnv) return true;
  if (iptablesDumps(host).some((d) => d.value.tables.get('nat')?.chains.has('FLANNEL-POSTRTG'))) return true;
  return mainRoutes(host.routes?.value ?? []).some((r) => isOverlay(r.dev));
}

/** a pod of another node, routed through the overlay device */
function remotePod(host: HostState): { ip: string; dev: string } | undefined {
  const r = mainRoutes(host.routes?.value ?? []).find(
    (x) => isOverlay(x.dev) && x.dst !== 'default' && (parseCidr(x.dst)?.prefix ?? 32) < 32,
  );
  const ip = r ? samplePodIp(r.dst) : undefined;
  return r?.dev && ip ? { ip, dev: r.dev } : undefined;
}

function natEvidence(s: Snapshot, host: HostState, network: string): EvidenceRef[] {
  const dump = iptablesDumps(host).find((d) => d.value.tables.has('nat'));
  const nat = dump?.value.tables.get('nat');
  if (!dump || !nat) return [];
  const chain = nat.chains.get('FLANNEL-POSTRTG') ?? nat.chains.get('POSTROUTING');
  const name = nat.chains.has('FLANNEL-POSTRTG') ? 'FLANNEL-POSTRTG' : 'POSTROUTING';
  return present(
    chain
      ? lineAt(s, dump.ref, chain.line, `${name}: no \`! -s ${network} -d ${network} -j MASQUERADE\` among its rules`)
      : undefined,
  );
}

export const podNetworkIngressNotSnatted: Rule = {
  id: 'SYS-110',
  slug: 'pod-network-ingress-not-snatted',
  layer: 'system',
  severity: 'critical',
  title: 'Traffic entering the pod network from outside is not source-NATed',
  needs: ['host.iptables-save', 'host.ip-route', 'host.ip-addr'],
  decidesFrom: [
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'cluster.nodes'],
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'host.flannel-subnet-env'],
    ['host.iptables-save', 'host.ip-route', 'host.ip-addr', 'fact:pod-network'],
  ],
  docs: {
    why: "A connection from outside the pod network (a NodePort client, a LAN host that routes the pod network through this node, the node itself from its LAN address) that this node forwards over the overlay to a pod on another node arrives there with the client's own address. That pod answers through its own node, straight to the client, and the reply matches no connection (or is dropped by rp_filter). flannel prevents this with `! -s <network> -d <network> -j MASQUERADE` in FLANNEL-POSTRTG; a rule set that masquerades pod egress but lacks this rule (hand-written rules, a partial restore, old tooling) breaks only these paths.",
    fix: "Restore flannel's rules (restart its pod on this node) or add `iptables -t nat -A POSTROUTING ! -s <pod network> -d <pod network> -j MASQUERADE` after a RETURN for the node's own pod subnet.",
  },
  messages: {
    notSnatted:
      'on node {node} a packet from outside the pod network ({src}) forwarded to a pod of another node ({dst}) through {dev} keeps its source address',
    snatted: 'on node {node} traffic entering the pod network from outside is masqueraded by {chain} rule {index}',
    egressFirst: 'pod egress on node {node} is not masqueraded either: SYS-104 covers it',
    undetermined:
      'on node {node} the tracer cannot evaluate a rule on the way into the pod network ({why}): whether it is masqueraded is undetermined',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      const networkSeen = podNetworkSeen(s, host);
      const network = networkSeen?.value;
      const nat = iptablesDumps(host).filter((d) => d.value.tables.has('nat'));
      const remote = remotePod(host);
      const inDev = defaultRouteDev(host);
      if (nat.length === 0 || !host.routes || !host.addrs || !network || !remote || !inDev || !runsFlannel(host)) {
        const lacking = [
          ...(nat.length === 0 ? ['host.iptables-save'] : []),
          ...(host.routes ? [] : ['host.ip-route']),
          ...(host.addrs ? [] : ['host.ip-addr']),
          ...(network ? [] : ['cluster.nodes']),
        ];
        out.push(missingInputs(subject, lacking.length > 0 ? lacking : ['host.ip-route']));
        continue;
      }
      // flannel without --ip-masq masquerades nothing: that is SYS-104's finding, not a second one here
      const egress = egressVerdicts(s, host);
      if (!egress || !egress.some((v) => v.masqueraded)) {
        out.push({
          status: 'unknown',
          subject,
          messageId: 'egressFirst',
          data: { node: host.node },
          missing: ['a masquerading nat POSTROUTING (SYS-104)'],
        });
        continue;
      }
      let verdict:
        | {
            dev: string;
            snat?: { chain?: string; index?: number };
            steps: ReturnType<typeof trace>['branches'][number]['steps'];
            ref: (typeof nat)[number]['ref'];
          }
        | undefined;
      let unsure: { b: TraceBranch; ref: (typeof nat)[number]['ref'] } | undefined;
      for (const dump of nat) {
        const th = traceHostWith(s, host, dump, { filterAcceptsAll: true });
        const result = trace(th, {
          direction: 'ingress',
          input: {
            src: OUTSIDE_CLIENT,
            dst: remote.ip,
            proto: 'tcp',
            dport: 8080,
            origin: { kind: 'remote', iface: inDev },
          },
        });
        const stopped = undeterminedBy(result, 'POSTROUTING');
        if (stopped && !unsure) unsure = { b: stopped, ref: dump.ref };
        const left = result.branches.find((b) => b.fate.kind === 'forwarded' && b.fate.dev === remote.dev);
        if (!left || left.fate.kind !== 'forwarded') continue;
        const snat = left.steps.find(
          (x) => x.hook === 'POSTROUTING' && x.table === 'nat' && /^(MASQUERADE|SNAT) to /.test(x.verdict),
        );
        verdict = {
          dev: left.fate.dev,
          steps: left.steps,
          ref: dump.ref,
          ...(left.fate.src !== OUTSIDE_CLIENT && snat
            ? {
                snat: {
                  ...(snat.chain ? { chain: snat.chain } : {}),
                  ...(snat.ruleIndex !== undefined ? { index: snat.ruleIndex } : {}),
                },
              }
            : {}),
        };
        if (verdict.snat) break;
      }
      const basis = basisOf(
        ...nat,
        host.routes,
        host.addrs,
        seenFile(networkSeen),
        seenFile(nodePodCidrSeen(s, host.node)),
      );
      if (!verdict && unsure) {
        out.push(undeterminedReport(s, subject, unsure.ref, unsure.b, 'undetermined', { node: host.node }));
      } else if (!verdict) {
        out.push(missingInputs(subject, ['host.ip-route']));
      } else if (verdict.snat) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'snatted',
          data: { node: host.node, chain: verdict.snat.chain ?? 'POSTROUTING', index: verdict.snat.index ?? 0 },
          basis,
        });
      } else if (unsure) {
        out.push(undeterminedReport(s, subject, unsure.ref, unsure.b, 'undetermined', { node: host.node }));
      } else {
        const met = verdict.steps
          .filter((x) => x.hook === 'POSTROUTING' && x.table === 'nat' && x.ruleIndex !== undefined)
          .slice(0, 3);
        const ref = verdict.ref;
        out.push({
          status: 'fail',
          subject,
          messageId: 'notSnatted',
          data: { node: host.node, src: OUTSIDE_CLIENT, dst: remote.ip, dev: verdict.dev, network },
          evidence: present(
            ...natEvidence(s, host, network),
            ...met.map((st) => stepEvidence(s, ref, st, `met on the way: ${st.verdict}`)),
          ),
          basis,
          remediation: remedy(
            'Masquerade what enters the pod network from outside it (flannel does this in FLANNEL-POSTRTG); restarting flannel on this node restores its rules.',
            [
              cmd`kubectl -n kube-flannel delete pod --field-selector spec.nodeName=${word('node', host.node)} -l app=flannel`,
              ...(nodePodCidrSeen(s, host.node)
                ? [
                    cmd`iptables -t nat -A POSTROUTING ! -s ${word('cidr', network)} -d ${word('cidr', nodePodCidrSeen(s, host.node)?.value ?? '')} -j RETURN`,
                  ]
                : []),
              cmd`iptables -t nat -A POSTROUTING ! -s ${word('cidr', network)} -d ${word('cidr', network)} -j MASQUERADE`,
            ],
          ),
        });
      }
    }
    return out;
  },
};
