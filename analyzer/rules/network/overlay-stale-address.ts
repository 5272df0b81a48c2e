// NET-209: flanneld gives flannel.<VNI> exactly one IPv4 address, the network address of the node's
// lease as a /32 (10.244.1.0/32). A second address (the lease of an earlier life of the node, a
// DHCP client or avahi that configures every interface, a link-local 169.254.x.x) makes flanneld up
// to 0.13 stop with "link has incompatible addresses. Remove additional addresses and try again.",
// and on any version a DHCP client that owns flannel.1 can add routes (even a default route) through
// it. One address that is not the lease's is a leftover flanneld has not replaced.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import type { IpLink } from '../../parse/types.js';
import { notANode } from '../lib/node-scope.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { ipv4Addrs, jsonEvidence, lineAt, PEER_EXPLAINS, parseCidr, present } from '../lib/host.js';
import { flannelLogProblem } from '../../parse/flannel.js';
import { AGENT_EXIT_EXPLAINS, embeddingAgent, flannelLinkName, flannelLogs } from './flannel-presence.js';
import { cmd, remedy, word } from '../../text/shell.js';

interface Said {
  readonly node: string;
  readonly iface: string;
  readonly ev: EvidenceRef;
  readonly agent?: string | undefined;
}

/** flanneld (or k3s) saying so in its log: the last such line per node */
function fromLogs(s: Snapshot): Map<string, Said> {
  const out = new Map<string, Said>();
  for (const fl of flannelLogs(s)) {
    for (const l of fl.log.value) {
      const p = flannelLogProblem(l.raw);
      if (p?.kind !== 'overlay-address') continue;
      const ev = lineAt(s, fl.log.ref, l.line, 'flanneld refuses the addresses it finds on its device');
      if (ev) out.set(fl.node, { node: fl.node, iface: p.iface ?? 'flannel.1', ev, agent: embeddingAgent(fl) });
    }
  }
  return out;
}

/** the address flanneld puts on its device: the lease's network address (subnet.env, else podCIDR) */
function leaseAddress(s: Snapshot, host: HostState): string | undefined {
  // only what states the lease: spec.podCIDR, else FLANNEL_SUBNET (never the cni0 bridge: it may be the stale one)
  const cidr = s.index.nodeByName.get(host.node)?.obj.spec?.podCIDR ?? host.subnetEnv?.value.subnet;
  return cidr ? parseCidr(cidr)?.addr.toString() : undefined;
}

function fix(node: string, dev: string, keep: string | undefined) {
  return remedy(
    `Remove what is not flannel's from ${dev} (or delete the device and let flanneld recreate it), and stop whatever adds it: a DHCP client that manages every interface (dhcpcd: \`denyinterfaces flannel* cni0 veth*\`), NetworkManager (\`unmanaged-devices=interface-name:flannel*;interface-name:cni0;interface-name:veth*\`).`,
    [
      cmd`ip -4 addr show dev ${word('iface', dev)}`,
      keep
        ? cmd`ip -4 addr flush dev ${word('iface', dev)} && ip addr add ${word('ip', keep)}/32 dev ${word('iface', dev)}`
        : cmd`ip link delete ${word('iface', dev)}`,
      cmd`kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=${word('node', node)}`,
    ],
  );
}

export const overlayStaleAddress: Rule = {
  id: 'NET-209',
  slug: 'overlay-stale-address',
  layer: 'network',
  severity: 'critical',
  title: 'The overlay device holds an address flannel did not give it',
  needs: [
    'host.ip-addr',
    'host.flannel-subnet-env',
    'cluster.nodes',
    'cluster.log.<flannel ns>.<flannel pod>.kube-flannel',
  ],
  decidesFrom: [
    ['host.ip-addr'],
    ['cluster.log.<flannel ns>.<flannel pod>.kube-flannel'],
    ['host.pod-log.<flannel ns>.<flannel pod>.kube-flannel'],
    ['host.journal.k3s'],
  ],
  docs: {
    why: 'flanneld gives its VXLAN device one IPv4 address, the network address of the node\'s lease (10.244.1.0/32). Anything else on it comes from outside: an earlier lease after the node was re-joined, a DHCP client or avahi that configures every interface, a link-local address. flannel up to 0.13 refuses to start ("link has incompatible addresses. Remove additional addresses and try again."), and a DHCP client that owns flannel.1 also adds routes through it, so traffic to other nodes\' pods leaves with the wrong source or the wrong way.',
    fix: 'Remove the extra address (or delete flannel.1 and restart flannel so it recreates it), and keep DHCP clients and NetworkManager off flannel*, cni0 and veth* interfaces.',
  },
  messages: {
    extra: '{dev} on node {node} holds {count} IPv4 addresses ({addrs}); flannel gives it only {want}',
    stale: '{dev} on node {node} holds {addrs}, not the address of its lease {want}',
    refused: 'flannel on node {node} refuses {dev}: it holds addresses flannel did not give it',
    ok: '{dev} on node {node} holds only {addrs}',
    noDevice: 'node {node} has no flannel overlay device',
  },
  explains: [
    ...PEER_EXPLAINS,
    { rule: 'NET-201', match: 'same-node' },
    { rule: 'NET-205', match: 'same-node' },
    AGENT_EXIT_EXPLAINS,
  ],
  run(s) {
    const said = fromLogs(s);
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const log = said.get(host.node);
      said.delete(host.node);
      // "no flannel device" on a jump host is no verdict about a node
      const skip = log ? undefined : notANode(s, host.node, subject);
      if (skip) {
        out.push(skip);
        continue;
      }
      const devs: IpLink[] = (host.addrs?.value ?? []).filter(
        (l) => flannelLinkName(l.ifname) && !l.ifname.startsWith('flannel-wg'),
      );
      if (!host.addrs) {
        out.push(log ? refused(host.node, log) : missingInputs(subject, ['host.ip-addr']));
        continue;
      }
      if (devs.length === 0) {
        out.push(
          log
            ? refused(host.node, log)
            : { status: 'pass', subject, messageId: 'noDevice', data: { node: host.node }, basis: basisOf(host.addrs) },
        );
        continue;
      }
      const want = leaseAddress(s, host);
      let bad = false;
      for (const dev of devs) {
        const addrs = ipv4Addrs(dev);
        const text = addrs.map((a) => `${a.local}/${a.prefixlen}`);
        const data = {
          node: host.node,
          dev: dev.ifname,
          addrs: text.join(', ') || 'none',
          want: want ? `${want}/32` : 'one /32 of its lease',
          count: addrs.length,
        };
        const ev = (a: { i: number }, note: string) =>
          jsonEvidence(s, host.addrs!.ref, `/${dev.at}/addr_info/${a.i}`, note);
        if (addrs.length > 1) {
          bad = true;
          const foreign = want ? addrs.filter((a) => a.local !== want) : addrs.slice(1);
          out.push({
            status: 'fail',
            subject,
            messageId: 'extra',
            data,
            evidence: present(
              ...addrs.map((a) =>
                ev(a, foreign.includes(a) ? 'an address flannel did not give' : "the lease's address"),
              ),
            ),
            remediation: fix(host.node, dev.ifname, want),
          });
        } else if (addrs.length === 1 && want && addrs[0]!.local !== want) {
          bad = true;
          out.push({
            status: 'fail',
            subject,
            messageId: 'stale',
            data,
            evidence: present(ev(addrs[0]!, 'an address of another lease'), ...leaseEvidence(s, host)),
            remediation: fix(host.node, dev.ifname, want),
          });
        }
      }
      if (!bad) {
        if (log) out.push(refused(host.node, log));
        else {
          const dev = devs[0]!;
          out.push({
            status: 'pass',
            subject,
            messageId: 'ok',
            data: {
              node: host.node,
              dev: dev.ifname,
              addrs:
                ipv4Addrs(dev)
                  .map((a) => `${a.local}/${a.prefixlen}`)
                  .join(', ') || 'no address',
            },
            basis: basisOf(host.addrs),
          });
        }
      }
    }
    for (const r of [...said.values()].sort((a, b) => a.node.localeCompare(b.node))) out.push(refused(r.node, r));
    return out.length ? out : [missingInputs(CLUSTER, ['host.ip-addr'])];
  },
};

function leaseEvidence(s: Snapshot, host: HostState): (EvidenceRef | undefined)[] {
  const v = host.subnetEnv?.value.vars.get('FLANNEL_SUBNET');
  return host.subnetEnv && v ? [lineAt(s, host.subnetEnv.ref, v.line, "the node's lease")] : [];
}

function refused(node: string, said: Said): Report {
  return {
    status: 'fail',
    subject: nodeSubject(node),
    messageId: 'refused',
    data: { node, dev: said.iface, ...(said.agent ? { agent: said.agent } : {}) },
    evidence: [said.ev],
    remediation: fix(node, said.iface, undefined),
  };
}
