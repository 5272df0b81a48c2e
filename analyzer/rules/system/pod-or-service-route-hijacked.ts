// SYS-107: a route in the main table that covers (part of) the pod or Service network but leads
// to another device than flannel's (cni0 for the node's own subnet, flannel.<VNI> or a peer node
// for the others): a Docker bridge or VPN whose subnet collides with 10.244.0.0/16 or 10.96.0.0/12
// silently swallows that traffic.
import type { Report, Rule } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import type { IpRoute } from '../../parse/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { nodeHosts } from '../lib/node-scope.js';
import {
  cidrOverlaps,
  ipInCidr,
  jsonEvidence,
  mainRoutes,
  nodePodCidrSeen,
  PEER_EXPLAINS,
  podNetworkSeen,
  parseCidr,
  seenFile,
} from '../lib/host.js';
import { cmd, remedy, word } from '../../text/shell.js';

/**
 * devices the CNI's own routes use: flannel's (cni0, flannel.<VNI>; host-gw goes via a peer node's address)
 * and Calico's (a /32 per pod to its cali* veth, peers' IPAM blocks over tunl0 or vxlan.calico)
 */
function isFlannelDevice(dev: string | undefined): boolean {
  return (
    dev === 'cni0' ||
    (dev !== undefined && /^(flannel[.-]|cali[0-9a-f]{11}$|tunl0$|vxlan\.calico$)/.test(dev)) ||
    dev === 'kube-ipvs0'
  );
}

function nodeAddresses(s: Snapshot): Set<string> {
  const out = new Set<string>();
  for (const n of s.cluster.nodes ?? []) for (const a of n.obj.status?.addresses ?? []) out.add(a.address);
  return out;
}

export const podOrServiceRouteHijacked: Rule = {
  id: 'SYS-107',
  slug: 'pod-or-service-route-hijacked',
  layer: 'system',
  severity: 'critical',
  title: 'A route sends pod or Service addresses to the wrong device',
  needs: ['host.ip-route', 'cluster.nodes', 'host.ip-addr', 'host.flannel-subnet-env'],
  // the pod network from any source that states it (nodes, flannel net-conf, subnet.env, the node's cni0 and flannel
  // routes)
  decidesFrom: [
    ['host.ip-route', 'fact:pod-network'],
    ['host.ip-route', 'host.flannel-subnet-env'],
    ['host.ip-route', 'host.ip-addr'],
  ],
  docs: {
    why: 'The node routes pod addresses to cni0 (its own subnet) and flannel.1 (every other node), and Service addresses never leave the node before DNAT. A more specific or colliding route from a Docker bridge, a VPN or a cloud agent that covers part of 10.244.0.0/16 or 10.96.0.0/12 wins by longest prefix and sends that traffic to the wrong place.',
    fix: 'Delete the colliding route and move the thing that created it to another range (Docker: "bip"/"default-address-pools" in /etc/docker/daemon.json; VPN: its pushed routes).',
  },
  messages: {
    hijacked: 'on node {node} the route {dst} dev {dev} covers the {which} network {network}',
    clean: 'no route on node {node} sends pod or Service addresses to a foreign device',
  },
  // a colliding route is what leaves flannel without its own route to that peer (NET-205)
  explains: [...PEER_EXPLAINS, { rule: 'NET-205', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    const serviceSeen = s.derived.serviceNetworks.find((n) => parseCidr(n.value)) ?? s.derived.serviceCidr;
    const serviceCidr = serviceSeen ? parseCidr(serviceSeen.value)?.text : undefined;
    const peers = nodeAddresses(s);
    for (const { host, subject } of nodeHosts(s, out)) {
      const networkSeen = podNetworkSeen(s, host);
      const network = networkSeen?.value;
      if (!host.routes || !network) {
        out.push(
          missingInputs(subject, [...(host.routes ? [] : ['host.ip-route']), ...(network ? [] : ['cluster.nodes'])]),
        );
        continue;
      }
      const routes = host.routes;
      const bad: { r: IpRoute; which: string; net: string }[] = [];
      // without a nodes list, a gateway on the node's own link (flannel host-gw: `10.244.2.0/24 via 192.168.56.12 dev
      // eth0`) is a peer
      const onLink = s.cluster.nodes
        ? []
        : mainRoutes(routes.value).filter((r) => r.scope === 'link' && r.dst !== 'default' && !isFlannelDevice(r.dev));
      const isPeer = (r: IpRoute): boolean =>
        r.gateway !== undefined &&
        (peers.has(r.gateway) ||
          onLink.some(
            (c) => c.dev === r.dev && parseCidr(c.dst) !== undefined && ipInCidr(r.gateway as string, c.dst),
          ));
      // flannel with Docker (before CNI): docker0 itself is the pod bridge, holding the node's own subnet
      const own = nodePodCidrSeen(s, host.node)?.value;
      const hasCniBridge = (host.addrs?.value ?? []).some((l) => l.ifname === 'cni0' || l.ifname === 'cbr0');
      const isOwnBridge = (r: IpRoute): boolean =>
        !hasCniBridge && own !== undefined && r.dev === 'docker0' && parseCidr(r.dst)?.text === own;
      for (const r of mainRoutes(routes.value)) {
        if (r.dst === 'default' || isFlannelDevice(r.dev) || isPeer(r) || isOwnBridge(r)) continue;
        const dst = parseCidr(r.dst);
        if (!dst) continue;
        if (cidrOverlaps(dst, network)) bad.push({ r, which: 'pod', net: network });
        else if (serviceCidr && cidrOverlaps(dst, serviceCidr)) bad.push({ r, which: 'Service', net: serviceCidr });
      }
      if (bad.length === 0) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'clean',
          data: { node: host.node },
          basis: basisOf(host.routes, seenFile(networkSeen), seenFile(serviceSeen)),
        });
        continue;
      }
      for (const { r, which, net } of bad) {
        const ev = jsonEvidence(s, routes.ref, `/${r.at}`, `this route captures part of the ${which} network`);
        out.push({
          status: 'fail',
          subject,
          messageId: 'hijacked',
          data: { node: host.node, dst: r.dst, dev: r.dev ?? '?', which, network: net },
          evidence: ev ? [ev] : [],
          remediation: remedy(
            `Remove the route and move whatever created it (${r.dev ?? 'the device'}) to a range outside ${net}.`,
            [
              r.dev
                ? cmd`ip route del ${word(r.dst.includes('/') ? 'cidr' : 'ip', r.dst)} dev ${word('iface', r.dev)}`
                : cmd`ip route del ${word(r.dst.includes('/') ? 'cidr' : 'ip', r.dst)}`,
              r.dev ? cmd`ip -d link show ${word('iface', r.dev)}` : 'ip -d link show',
              'cat /etc/docker/daemon.json  # set "bip" / "default-address-pools" outside the cluster ranges',
            ],
          ),
        });
      }
    }
    return out;
  },
};
