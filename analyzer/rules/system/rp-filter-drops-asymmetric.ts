// SYS-109: strict reverse-path filtering (rp_filter = 1) drops a packet whose source the node would
// route back out of another interface than the one it came in on. Pod traffic enters on the pod
// bridge (cni0), the overlay (flannel.1, vxlan.calico, tunl0) and, as VXLAN/IPIP, on the underlay
// interface; each is checked against the node's own routes. The kernel applies
// max(conf.all.rp_filter, conf.<iface>.rp_filter), so all = 1 is strict unless the interface is loose (2).
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import type { IpLink, SysctlEntry } from '../../parse/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { nodeHosts } from '../lib/node-scope.js';
import {
  hostLinks,
  ipv4Addrs,
  jsonEvidence,
  mainRoutes,
  nodePodCidrSeen,
  PEER_EXPLAINS,
  present,
  samplePodIp,
  seenFile,
  sysctlEntry,
  sysctlEvidence,
} from '../lib/host.js';
import { localAddresses, lookupRoute } from '../../trace/route.js';
import { parseCidr } from '../../model/net.js';
import { cmd, isValidWord, raw, remedy, word } from '../../text/shell.js';

const OVERLAY = /^(flannel[.-]\S+|vxlan\.calico|tunl0)$/;
/** tunnels by kind too: kube-router's per-peer IPIP devices, Cilium/Antrea VXLAN and Geneve */
const TUNNEL_KINDS = new Set(['vxlan', 'ipip', 'geneve']);
const isOverlayLink = (l: IpLink): boolean => OVERLAY.test(l.ifname) || TUNNEL_KINDS.has(l.linkinfo?.info_kind ?? '');
const BRIDGES = ['cni0', 'cbr0'];

/** the effective rp_filter of an interface, with the lines it comes from */
export interface RpFilter {
  readonly value: number;
  readonly entries: readonly SysctlEntry[];
  /** the interface's own key was not collected: its value is taken from conf.default (what it got when created) */
  readonly fromDefault: boolean;
}

/** sysctl names an interface with dots as slashes: net.ipv4.conf.flannel/1.rp_filter */
export function rpFilterOf(host: HostState, iface: string): RpFilter | undefined {
  const all = sysctlEntry(host, 'net.ipv4.conf.all.rp_filter');
  const own =
    sysctlEntry(host, `net.ipv4.conf.${iface.replace(/\./g, '/')}.rp_filter`) ??
    sysctlEntry(host, `net.ipv4.conf.${iface}.rp_filter`);
  const per = own ?? sysctlEntry(host, 'net.ipv4.conf.default.rp_filter');
  const a = Number(all?.value.trim());
  const p = Number(per?.value.trim());
  if (!all || !per || !Number.isInteger(a) || !Number.isInteger(p)) return undefined;
  return { value: Math.max(a, p), entries: [all, per], fromDefault: own === undefined };
}

/** a packet source that arrives on `iface`: strict rp_filter wants the route back to it on `iface` too */
interface Arrival {
  readonly iface: string;
  readonly src: string;
  readonly what: string;
}

function peerNodeIps(s: Snapshot, host: HostState): string[] {
  const out = new Set<string>();
  for (const f of host.fdb?.value ?? []) if (f.dst && parseCidr(f.dst)) out.add(f.dst);
  for (const n of s.cluster.nodes ?? []) {
    if (n.obj.metadata.name === host.node) continue;
    for (const a of n.obj.status?.addresses ?? [])
      if (a.type === 'InternalIP' && parseCidr(a.address)?.addr.kind() === 'ipv4') out.add(a.address);
  }
  return [...out].sort();
}

/** the interface the overlay's encapsulated packets use: vxlan `link`, else the one holding its `local` address */
function underlayOf(links: readonly IpLink[], overlay: IpLink): string | undefined {
  const data = overlay.linkinfo?.info_data as { link?: unknown; local?: unknown } | undefined;
  if (typeof data?.link === 'string') return data.link;
  const local = typeof data?.local === 'string' ? data.local : undefined;
  return local ? links.find((l) => ipv4Addrs(l).some((a) => a.local === local))?.ifname : undefined;
}

function arrivals(s: Snapshot, host: HostState, links: readonly IpLink[]): Arrival[] {
  const out: Arrival[] = [];
  const routes = mainRoutes(host.routes?.value ?? []);
  const local = nodePodCidrSeen(s, host.node)?.value;
  const bridge = BRIDGES.find((b) => links.some((l) => l.ifname === b));
  const own = local ? samplePodIp(local) : undefined;
  if (bridge && own) out.push({ iface: bridge, src: own, what: `a pod of this node (${own})` });
  for (const l of links.filter(isOverlayLink)) {
    const via = routes.filter(
      (r) => r.dev === l.ifname && r.dst !== 'default' && (parseCidr(r.dst)?.prefix ?? 32) < 32,
    );
    const remote = via[0] ? samplePodIp(via[0].dst) : undefined;
    if (remote)
      out.push({ iface: l.ifname, src: remote, what: `a pod of another node (${remote}) through ${l.ifname}` });
    const under = underlayOf(links, l) ?? routes.find((r) => r.dst === 'default')?.dev;
    if (!under) continue;
    for (const peer of peerNodeIps(s, host).slice(0, 8))
      out.push({ iface: under, src: peer, what: `${l.ifname}'s encapsulated packets from node ${peer}` });
    // a tunnel without an address: the node talks to remote pods from its underlay address, so the
    // replies come back unencapsulated on the underlay while the route to their source is the tunnel
    if (remote && ipv4Addrs(l).length === 0)
      out.push({
        iface: under,
        src: remote,
        what: `replies from a pod of another node (${remote}) to this node, which ${l.ifname} (no address) sends from ${under}`,
      });
  }
  return out;
}

export const rpFilterDropsAsymmetric: Rule = {
  id: 'SYS-109',
  slug: 'rp-filter-drops-asymmetric',
  layer: 'system',
  severity: 'critical',
  title: 'Strict rp_filter drops asymmetric pod traffic',
  needs: ['host.sysctl', 'host.ip-route', 'host.ip-addr'],
  // per-interface rp_filter keys are read when the bundle has them (a pasted `sysctl -a`); the
  // collector reads conf.all and conf.default, and an interface starts with conf.default's value
  decidesFrom: [['host.sysctl', 'host.ip-route', 'host.ip-addr']],
  docs: {
    why: 'With rp_filter = 1 (strict, RFC 3704) the kernel drops a packet unless the route back to its source leaves through the interface it arrived on; the effective value is max(conf.all, conf.<iface>). Pod traffic is often asymmetric: VXLAN from a peer node arriving on a second NIC while the route to that node uses the first, an IPIP tunnel without an address whose replies come back unencapsulated, policy routes of VPNs. The drop is silent (no iptables counter, only `log_martians`).',
    fix: "Use loose mode on the interfaces that carry asymmetric traffic (`sysctl -w net.ipv4.conf.<iface>.rp_filter=2`, and conf.all = 2 or 0 since the maximum applies), persist it under /etc/sysctl.d/, or make routing symmetric (the overlay's --iface / the route to the peers on the NIC they use).",
  },
  messages: {
    drops: 'on node {node} strict rp_filter on {iface} drops {what}: the route back to {src} leaves through {back}',
    symmetric: 'rp_filter on node {node} lets pod traffic through ({checked} paths checked)',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      const links = hostLinks(host);
      const hasRp = sysctlEntry(host, 'net.ipv4.conf.all.rp_filter') !== undefined;
      if (!links || !host.routes || !hasRp || !host.addrs) {
        out.push(
          missingInputs(subject, [
            ...(hasRp ? [] : ['host.sysctl']),
            ...(host.routes ? [] : ['host.ip-route']),
            ...(host.addrs ? [] : ['host.ip-addr']),
          ]),
        );
        continue;
      }
      // `ip -d addr` carries the addresses (and the link details); `ip -d link` only the details
      const all = arrivals(s, host, host.addrs.value.length > 0 ? host.addrs.value : links.value);
      if (all.length === 0) {
        out.push(missingInputs(subject, ['host.ip-addr']));
        continue;
      }
      const local = localAddresses(host.addrs.value);
      let bad: { a: Arrival; rp: RpFilter; back: string; at?: number } | undefined;
      let checked = 0;
      let undecided = false;
      for (const a of all) {
        const rp = rpFilterOf(host, a.iface);
        if (!rp) {
          undecided = true;
          continue;
        }
        checked++;
        if (rp.value !== 1) continue;
        const r = lookupRoute(host.routes.value, local, a.src);
        if (r.kind !== 'unicast' || !r.dev || r.dev === a.iface) continue;
        bad = { a, rp, back: r.dev, ...(r.at !== undefined ? { at: r.at } : {}) };
        break;
      }
      if (bad) {
        const { a, rp, back, at } = bad;
        const evidence: EvidenceRef[] = present(
          ...rp.entries.map((e) =>
            sysctlEvidence(
              s,
              host,
              e,
              rp.fromDefault && e.key.endsWith('default.rp_filter')
                ? `${a.iface} started with this value (its own key was not collected)`
                : 'strict reverse-path filtering',
            ),
          ),
          at !== undefined
            ? jsonEvidence(
                s,
                host.routes.ref,
                `/${at}`,
                `the route back to ${a.src} leaves through ${back}, not ${a.iface}`,
              )
            : undefined,
        );
        out.push({
          status: 'fail',
          subject,
          messageId: 'drops',
          data: { node: host.node, iface: a.iface, what: a.what, src: a.src, back },
          evidence,
          remediation: remedy(
            `Loosen reverse-path filtering on ${a.iface} (the kernel uses the larger of conf.all and conf.${a.iface}, so conf.all must not be 1), or make the route back to ${a.src} use ${a.iface}.`,
            [
              // sysctl writes an interface's dots as slashes: only a checked interface name is rewritten
              cmd`sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.${isValidWord('iface', a.iface) ? raw(a.iface.replace(/\./g, '/')) : word('iface', a.iface)}.rp_filter=2`,
              "printf 'net.ipv4.conf.all.rp_filter = 2\\nnet.ipv4.conf.default.rp_filter = 2\\n' > /etc/sysctl.d/90-rp-filter.conf",
              cmd`ip route get ${word('ip', a.src)}`,
              'sysctl -w net.ipv4.conf.all.log_martians=1  # then watch dmesg for "martian source"',
            ],
          ),
        });
      } else if (undecided && checked === 0) {
        out.push(missingInputs(subject, ['host.sysctl']));
      } else {
        out.push({
          status: 'pass',
          subject,
          messageId: 'symmetric',
          data: { node: host.node, checked },
          basis: basisOf(host.sysctl, host.routes, host.addrs, host.fdb, seenFile(nodePodCidrSeen(s, host.node))),
        });
      }
    }
    return out;
  },
};
