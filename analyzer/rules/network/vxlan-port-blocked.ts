// NET-210: with flannel's vxlan backend the kernel sends pod traffic between nodes as UDP to port
// 8472 (Backend.Port, or the port of the flannel.1 device). A host firewall whose INPUT chain
// rejects or drops that UDP (CentOS/RHEL's stock `-A INPUT -j REJECT --reject-with
// icmp-host-prohibited`, firewalld without 8472/udp open) loses every packet from other nodes'
// pods: same-node traffic works, cross-node traffic times out. The packet is followed through this
// node's own filter INPUT chain with the tracer, so an unevaluable match leaves it unknown.
import { ipsetMatcher } from '../../trace/ipvs.js';
import { ipvsOf } from '../../model/ipvs.js';
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import type { IpLink } from '../../parse/types.js';
import { knownLineEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { defaultRouteDev, hostLinks, ipv4Addrs, mainRoutes, PEER_EXPLAINS, parseCidr } from '../lib/host.js';
import { localAddresses } from '../../trace/route.js';
import { walkBuiltin, type WalkContext, type WalkState } from '../../trace/netfilter.js';
import type { Packet } from '../../trace/types.js';
import { flannelLinkName, flannelPresence } from './flannel-presence.js';
import { notANode } from '../lib/node-scope.js';
import { cmd, remedy, word } from '../../text/shell.js';

const DEFAULT_PORT = 8472;

function vxlanLink(host: HostState): IpLink | undefined {
  return hostLinks(host)?.value.find(
    (l) =>
      flannelLinkName(l.ifname) && (l.linkinfo?.info_kind ?? 'vxlan') === 'vxlan' && !l.ifname.startsWith('flannel-wg'),
  );
}

/** the UDP port: the device's own (ip -d link), else net-conf Backend.Port, else flannel's default */
function portOf(s: Snapshot, link: IpLink | undefined): number {
  const dev = link?.linkinfo?.info_data?.['port'];
  if (typeof dev === 'number' && dev > 0) return dev;
  const conf = s.cluster.flannelNetConf?.value.Backend?.Port;
  return typeof conf === 'number' && conf > 0 ? conf : DEFAULT_PORT;
}

/** the node's VTEP address and the interface it sits on: the device's `local`, else the default route's interface */
function endpoint(
  host: HostState,
  link: IpLink | undefined,
): { ip: string; iface: string; prefix: number } | undefined {
  const links = host.addrs?.value ?? [];
  const local = link?.linkinfo?.info_data?.['local'];
  const parent = link?.linkinfo?.info_data?.['link'];
  const byIp = typeof local === 'string' ? links.find((l) => ipv4Addrs(l).some((a) => a.local === local)) : undefined;
  const dev = byIp ?? links.find((l) => l.ifname === (typeof parent === 'string' ? parent : defaultRouteDev(host)));
  const a = dev
    ? ((typeof local === 'string' ? ipv4Addrs(dev).find((x) => x.local === local) : undefined) ?? ipv4Addrs(dev)[0])
    : undefined;
  return dev && a ? { ip: a.local, iface: dev.ifname, prefix: a.prefixlen } : undefined;
}

/** another node's address: from the node list, the VXLAN fdb, else a neighbour in the node's own subnet */
function peerOf(
  s: Snapshot,
  host: HostState,
  own: { ip: string; prefix: number },
): { ip: string; how: string } | undefined {
  for (const n of s.cluster.nodes ?? []) {
    if (n.obj.metadata.name === host.node) continue;
    const ip =
      n.obj.metadata.annotations?.['flannel.alpha.coreos.com/public-ip'] ??
      n.obj.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (ip && ip !== own.ip) return { ip, how: `node ${n.obj.metadata.name}` };
  }
  const fdb = (host.fdb?.value ?? []).find((f) => f.dst && f.dst !== own.ip && /^\d+\.\d+\.\d+\.\d+$/.test(f.dst));
  if (fdb?.dst) return { ip: fdb.dst, how: 'the flannel.1 forwarding database' };
  const peerRoute = mainRoutes(host.routes?.value ?? []).some(
    (r) => r.dev !== undefined && flannelLinkName(r.dev) && r.dst !== 'default',
  );
  if (!peerRoute) return undefined;
  // routes to other nodes' subnets exist but their addresses are unknown: a neighbour in the same subnet
  const net = parseCidr(`${own.ip}/${own.prefix}`);
  if (!net) return undefined;
  const b = net.addr.toByteArray();
  const base = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
  const size = 2 ** (32 - own.prefix);
  const ownN = own.ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const cand = size > 2 ? (base + (ownN - base === 1 ? 2 : 1)) >>> 0 : undefined;
  return cand === undefined
    ? undefined
    : {
        ip: [cand >>> 24, (cand >>> 16) & 255, (cand >>> 8) & 255, cand & 255].join('.'),
        how: "a neighbour in the node's subnet (flannel.1 routes show other nodes)",
      };
}

export const vxlanPortBlocked: Rule = {
  id: 'NET-210',
  slug: 'vxlan-port-blocked',
  layer: 'network',
  severity: 'critical',
  title: "The host firewall drops flannel's VXLAN packets from other nodes",
  needs: ['host.iptables-save', 'host.ip-addr', 'host.ip-link', 'host.ip-route', 'cluster.nodes'],
  decidesFrom: [
    ['host.iptables-save', 'host.ip-link', 'cluster.nodes'],
    ['host.iptables-save', 'host.ip-link', 'host.bridge-fdb'],
    ['host.iptables-save', 'host.ip-link', 'host.ip-route'],
  ],
  docs: {
    why: "flannel's vxlan backend carries traffic between nodes' pods as UDP to port 8472 on the other node. If that node's INPUT chain rejects or drops it (the stock CentOS/RHEL `-A INPUT -j REJECT --reject-with icmp-host-prohibited`, firewalld without 8472/udp), every packet from other nodes' pods is lost: pods reach pods on their own node, and time out on every other node.",
    fix: 'Accept the VXLAN port from the other nodes before the REJECT: `iptables -I INPUT -p udp --dport 8472 -s <node network> -j ACCEPT` (persist it), or `firewall-cmd --permanent --add-port=8472/udp && firewall-cmd --reload`.',
  },
  messages: {
    blocked: 'node {node} {verdict} UDP {port} (VXLAN) from {peer}: {rule}',
    open: 'node {node} accepts UDP {port} (VXLAN) from {peer}',
    single: 'one node only: no VXLAN traffic between nodes to judge',
    notVxlan: 'flannel does not use the vxlan backend here',
  },
  explains: [...PEER_EXPLAINS, { rule: 'NET-205', match: 'same-node' }],
  run(s) {
    const presence = flannelPresence(s);
    if (presence.state === 'absent')
      return [{ status: 'pass', subject: CLUSTER, messageId: 'notVxlan', basis: presence.basis }];
    const type = (
      s.cluster.flannelNetConf?.value.Backend?.Type ??
      (s.cluster.nodes ?? [])
        .map((n) => n.obj.metadata.annotations?.['flannel.alpha.coreos.com/backend-type'])
        .find((t) => t !== undefined)
    )?.toLowerCase();
    if (type !== undefined && type !== 'vxlan')
      return [
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'notVxlan',
          basis: basisOf(s.cluster.flannelNetConf, s.cluster.nodes),
        },
      ];
    if (s.cluster.nodes && s.cluster.nodes.length === 1 && s.hosts.size <= 1)
      return [{ status: 'pass', subject: CLUSTER, messageId: 'single', basis: basisOf(s.cluster.nodes) }];
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      // a jump host's INPUT DROP is its own business: it carries no VXLAN between nodes
      const skip = notANode(s, host.node, subject);
      if (skip) {
        out.push(skip);
        continue;
      }
      const link = vxlanLink(host);
      const save = host.iptables;
      if (!save || !hostLinks(host)) {
        out.push(
          missingInputs(subject, [
            ...(save ? [] : ['host.iptables-save']),
            ...(hostLinks(host) ? [] : ['host.ip-link']),
          ]),
        );
        continue;
      }
      if (!link && type === undefined) {
        // neither a vxlan device nor a config that says vxlan: nothing says VXLAN runs here
        out.push(missingInputs(subject, ['cluster.configmap.kube-flannel.kube-flannel-cfg']));
        continue;
      }
      const own = endpoint(host, link);
      const peer = own ? peerOf(s, host, own) : undefined;
      if (!own || !peer) {
        out.push(missingInputs(subject, own ? ['cluster.nodes', 'host.bridge-fdb'] : ['host.ip-addr']));
        continue;
      }
      const port = portOf(s, link);
      const pkt: Packet = {
        src: peer.ip,
        dst: own.ip,
        proto: 'udp',
        sport: 40000,
        dport: port,
        mark: 0,
        inIface: own.iface,
        dnat: false,
        snat: false,
      };
      const local = localAddresses(host.addrs?.value);
      const ctx = (hook: 'PREROUTING' | 'INPUT'): WalkContext => ({
        hook,
        localAddrs: local,
        masqueradeSource: () => undefined,
        ifaceAddrs: (iface) =>
          host.addrs ? localAddresses(host.addrs.value.filter((l) => l.ifname === iface)) : undefined,
        ipset: ipsetMatcher(ipvsOf(host)),
      });
      let states: WalkState[] = [{ pkt, steps: [], probability: 1 }];
      let decided: { verdict: string; line?: number; text?: string } | undefined;
      let undetermined: readonly string[] | undefined;
      for (const [table, hook] of [
        ['raw', 'PREROUTING'],
        ['mangle', 'PREROUTING'],
        ['mangle', 'INPUT'],
        ['filter', 'INPUT'],
      ] as const) {
        const next: typeof states = [];
        for (const st of states) {
          for (const o of walkBuiltin(save.value, table, hook, st, ctx(hook))) {
            if (o.end === 'accept' || o.end === 'return') next.push(o.state);
            else if (o.end === 'undetermined') undetermined ??= o.needs?.length ? o.needs : ['host.ipset'];
            else
              decided ??= {
                verdict: o.end === 'drop' ? 'drops' : 'rejects',
                ...(o.by?.line !== undefined ? { line: o.by.line } : {}),
                ...(o.by?.text !== undefined ? { text: o.by.text } : {}),
              };
          }
        }
        states = next;
      }
      const data = { node: host.node, port, peer: `${peer.ip} (${peer.how})` };
      if (decided) {
        const ev: EvidenceRef[] =
          decided.line !== undefined && decided.text !== undefined
            ? [
                knownLineEvidence(
                  save.ref,
                  decided.line,
                  decided.text,
                  `the rule that ${decided.verdict} UDP ${port} from other nodes`,
                ),
              ]
            : [];
        out.push({
          status: 'fail',
          subject,
          messageId: 'blocked',
          data: { ...data, verdict: decided.verdict, rule: decided.text ?? 'the chain policy' },
          evidence: ev,
          remediation: remedy(`Accept UDP ${port} from the other nodes before this rule, and make it persistent.`, [
            cmd`iptables -I INPUT -p udp --dport ${word('port', port)} -j ACCEPT`,
            cmd`firewall-cmd --permanent --add-port=${word('port', port)}/udp && firewall-cmd --reload  # firewalld`,
            'iptables-save > /etc/sysconfig/iptables  # iptables-services',
          ]),
        });
      } else if (undetermined) out.push(missingInputs(subject, undetermined));
      else out.push({ status: 'pass', subject, messageId: 'open', data, basis: basisOf(save, hostLinks(host)) });
    }
    return out.length ? out : [missingInputs(CLUSTER, ['host.iptables-save'])];
  },
};
