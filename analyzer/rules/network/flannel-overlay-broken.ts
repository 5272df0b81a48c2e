// NET-205: with the vxlan backend every node needs flannel.<VNI> up and, for each peer, a route
// `<peer podCIDR> via <peer>.0 dev flannel.1 onlink` (host-gw: via the peer's node IP). A missing
// device or route cuts this node off from the pods of that peer only: the classic "works on some nodes".
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { FileRef, HostState, Snapshot } from '../../model/types.js';
import type { KubeNode } from '../../model/schemas.js';
import type { Located } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { hostLinks, jsonEvidence, linkNamed, mainRoutes, PEER_EXPLAINS, present, seenEvidence } from '../lib/host.js';
import { parseCidr } from '../../model/net.js';
import { notANode } from '../lib/node-scope.js';
import type { IpRoute } from '../../parse/types.js';
import { unlessFlannel } from './flannel-presence.js';
import { cmd, remedy, word } from '../../text/shell.js';

function internalIP(n: KubeNode): string | undefined {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

function restartCommands(node: string, dev: string) {
  return [
    cmd`kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=${word('node', node)}`,
    cmd`ip -d link show ${word('iface', dev)}`,
    cmd`ip route show | grep ${word('iface', dev)}`,
  ];
}

const RESTART =
  'flanneld creates the device and one route per peer when it starts and when a peer joins; restart it on this node and check its log.';

function restart(node: string, dev: string) {
  return remedy(RESTART, restartCommands(node, dev));
}

interface Backend {
  readonly type: string;
  readonly dev: string;
  readonly direct: boolean;
}

/**
 * The backend from net-conf.json, else from the backend-type annotation flannel writes on each node
 * (k3s/RKE2 have no kube-flannel-cfg); `known` false when neither says (vxlan is flannel's default).
 */
function backendOf(
  s: Snapshot,
): Backend & { readonly known: boolean; readonly basis: readonly (FileRef | undefined)[] } {
  const conf = s.cluster.flannelNetConf;
  const b = conf?.value.Backend;
  const annotated = (s.cluster.nodes ?? []).find((n) => n.obj.metadata.annotations?.[BACKEND_TYPE] !== undefined);
  const type = (b?.Type ?? annotated?.obj.metadata.annotations?.[BACKEND_TYPE] ?? 'vxlan').toLowerCase();
  const known = b?.Type !== undefined || conf !== undefined || annotated !== undefined;
  return {
    type,
    dev: `flannel.${b?.VNI ?? 1}`,
    direct: b?.DirectRouting === true,
    known,
    basis: [conf?.ref, annotated?.ref],
  };
}

const BACKEND_TYPE = 'flannel.alpha.coreos.com/backend-type';

function checkPeers(s: Snapshot, host: HostState, be: Backend, peers: readonly Located<KubeNode>[]) {
  // the first main-table route per destination network: one pass, then a lookup per peer
  // (5,000 peers x 5,000 routes was the analyzer's hottest loop at the envelope)
  const byDst = new Map<string, IpRoute>();
  for (const x of mainRoutes(host.routes?.value ?? [])) {
    const dst = parseCidr(x.dst)?.text;
    if (dst !== undefined && !byDst.has(dst)) byDst.set(dst, x);
  }
  const missing: { peer: Located<KubeNode>; wrong?: number }[] = [];
  for (const peer of peers) {
    const cidr = peer.obj.spec?.podCIDR as string;
    const ip = internalIP(peer.obj);
    const dst = parseCidr(cidr)?.text;
    const r = dst === undefined ? undefined : byDst.get(dst);
    const ok =
      r !== undefined &&
      (r.dev === be.dev
        ? be.type === 'vxlan'
        : r.gateway !== undefined && r.gateway === ip && (be.type === 'host-gw' || be.direct));
    if (!ok) missing.push({ peer, ...(r ? { wrong: r.at } : {}) });
  }
  return missing;
}

export const flannelOverlayBroken: Rule = {
  id: 'NET-205',
  slug: 'flannel-overlay-broken',
  layer: 'network',
  severity: 'critical',
  title: "flannel.1 missing or down, or no route to a peer's pods",
  needs: ['host.ip-link', 'host.ip-route', 'cluster.nodes', 'cluster.configmap.kube-flannel.kube-flannel-cfg'],
  decidesFrom: [
    ['host.ip-link', 'host.ip-route', 'cluster.nodes'],
    ['host.ip-link', 'cluster.configmap.kube-flannel.kube-flannel-cfg'],
    ['host.ip-link', 'cluster.nodes'],
  ],
  docs: {
    why: "With the vxlan backend, traffic to another node's pods leaves through the flannel.1 VXLAN device by a route flanneld adds for each peer subnet. If the device is gone or down, or a peer's route is missing, pods on this node cannot reach pods on that peer (and Services whose endpoints live there) while everything local works.",
    fix: "Restart the node's flannel pod so it recreates flannel.1 and its routes; if it keeps failing, read its log (wrong --iface, VXLAN port 8472/udp blocked between nodes).",
  },
  messages: {
    noDevice: 'node {node} has no {dev} device',
    deviceDown: '{dev} is down on node {node}',
    noRoute: 'node {node} has no route through {dev} to the pods of {peers}',
    ok: '{dev} is up on node {node} with a route to every peer subnet',
    notUsed: 'the cluster does not run flannel, or not with the vxlan/host-gw backend',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const be = backendOf(s);
    const skip = unlessFlannel(s);
    if (skip.length) return skip;
    if (be.type !== 'vxlan' && be.type !== 'host-gw')
      return [{ status: 'pass', subject: CLUSTER, messageId: 'notUsed', basis: basisOf(...be.basis) }];
    const out: Report[] = [];
    const withCidr = (s.cluster.nodes ?? []).filter((n) => n.obj.spec?.podCIDR);
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const skipHost = notANode(s, host.node, subject);
      if (skipHost) {
        out.push(skipHost);
        continue;
      }
      const data = { node: host.node, dev: be.dev };
      const links = hostLinks(host);
      const absent = [
        ...(links ? [] : ['host.ip-link']),
        ...(host.routes ? [] : ['host.ip-route']),
        ...(s.cluster.nodes ? [] : ['cluster.nodes']),
      ];
      // the device alone decides "missing/down" once the backend is known; the peer routes need all three
      if (!links || (absent.length > 0 && !(be.known && be.type === 'vxlan'))) {
        out.push(missingInputs(subject, absent));
        continue;
      }
      if (be.type === 'vxlan') {
        const link = linkNamed(links.value, be.dev);
        if (!link) {
          const netconf = s.derived.podCidr.flannel;
          const ev = present(
            netconf ? seenEvidence(s, netconf, 'flannel runs the vxlan backend for this network') : undefined,
            jsonEvidence(s, links.ref, '', `no ${be.dev} among the node's links`),
          );
          out.push({
            status: 'fail',
            subject,
            messageId: 'noDevice',
            data,
            evidence: ev,
            remediation: restart(host.node, be.dev),
          });
          continue;
        }
        if (!link.flags.includes('UP')) {
          out.push({
            status: 'fail',
            subject,
            messageId: 'deviceDown',
            data,
            evidence: present(jsonEvidence(s, links.ref, `/${link.at}/flags`, 'the device flags lack UP')),
            remediation: remedy(RESTART, [
              cmd`ip link set ${word('iface', be.dev)} up`,
              ...restartCommands(host.node, be.dev),
            ]),
          });
          continue;
        }
      }
      if (!host.routes || !s.cluster.nodes) {
        out.push(missingInputs(subject, absent));
        continue;
      }
      const peers = withCidr.filter((n) => n.obj.metadata.name !== host.node);
      const missing = checkPeers(s, host, be, peers);
      if (missing.length === 0) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'ok',
          data,
          basis: basisOf(links, host.routes, s.cluster.nodes),
        });
        continue;
      }
      const evidence: (EvidenceRef | undefined)[] = missing
        .slice(0, 5)
        .flatMap((m) => [
          objectEvidence(
            m.peer,
            '/spec/podCIDR',
            `${m.peer.obj.metadata.name}'s pods, with no route through ${be.dev} here`,
          ),
          m.wrong !== undefined && host.routes
            ? jsonEvidence(s, host.routes.ref, `/${m.wrong}`, 'the route this subnet takes instead')
            : undefined,
        ]);
      out.push({
        status: 'fail',
        subject,
        messageId: 'noRoute',
        data: { ...data, peers: missing.map((m) => m.peer.obj.metadata.name).join(', '), count: missing.length },
        evidence: present(...evidence),
        remediation: restart(host.node, be.dev),
      });
    }
    if (out.length === 0) out.push(missingInputs(CLUSTER, ['host.ip-link', 'host.ip-route']));
    return out;
  },
};
