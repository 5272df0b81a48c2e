// NET-204: three places must name the same subnet on a flannel node: the node's spec.podCIDR,
// FLANNEL_SUBNET in /run/flannel/subnet.env (the CNI plugin hands out pod IPs from it) and the
// cni0 bridge address. After a node is re-joined or its podCIDR changes, a stale cni0 makes the
// CNI plugin fail: `failed to set bridge addr: "cni0" already has an IP address different from ...`.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { redactedReport } from '../lib/evidence-limits.js';
import {
  ipInCidr,
  ipv4Addrs,
  jsonEvidence,
  lineAt,
  linkNamed,
  PEER_EXPLAINS,
  parseCidr,
  present,
} from '../lib/host.js';
import { unlessFlannel } from './flannel-presence.js';
import { cmd, remedy, word } from '../../text/shell.js';

// the bridge plugin's refusal, as kubelet reports it in a FailedCreatePodSandBox event or its log:
// failed to set bridge addr: "cni0" already has an IP address different from 10.244.2.1/24
const BRIDGE_ADDR = /"?(cni0|cbr0)"? already has an IP address different from ([0-9.]+\/\d+)/;

interface Refusal {
  readonly node: string;
  readonly bridge: string;
  readonly want: string;
  readonly ev: EvidenceRef;
}

/** the newest event per node in which the CNI plugin refused a stale bridge address */
function refusals(s: Snapshot): Map<string, Refusal> {
  const out = new Map<string, Refusal>();
  for (const e of s.cluster.events ?? []) {
    const m = BRIDGE_ADDR.exec(e.obj.message ?? '');
    if (!m) continue;
    const pod =
      e.obj.involvedObject.kind === 'Pod' && e.obj.involvedObject.name
        ? s.cluster.pods?.find(
            (p) =>
              p.obj.metadata.name === e.obj.involvedObject.name &&
              p.obj.metadata.namespace === e.obj.involvedObject.namespace,
          )
        : undefined;
    const node =
      e.obj.source?.host ?? pod?.obj.spec?.nodeName ?? (s.hosts.size === 1 ? [...s.hosts.keys()][0] : undefined);
    if (!node) continue;
    out.set(node, {
      node,
      bridge: m[1] as string,
      want: m[2] as string,
      ev: objectEvidence(e, '/message', 'the CNI plugin refuses the stale bridge address'),
    });
  }
  return out;
}

export const subnetMismatchOnNode: Rule = {
  id: 'NET-204',
  slug: 'subnet-mismatch-on-node',
  layer: 'network',
  severity: 'critical',
  title: 'subnet.env, node podCIDR and cni0 disagree',
  needs: ['host.flannel-subnet-env', 'cluster.nodes', 'host.ip-addr', 'cluster.events'],
  decidesFrom: [
    ['host.flannel-subnet-env', 'host.ip-addr'],
    ['host.flannel-subnet-env', 'cluster.nodes'],
    ['cluster.nodes', 'host.ip-addr'],
    ['cluster.events'],
  ],
  docs: {
    why: 'flanneld writes the node\'s lease to /run/flannel/subnet.env; the flannel CNI plugin creates cni0 with the first address of that subnet and gives pods the rest. When the node\'s podCIDR, subnet.env and cni0 name different subnets (a re-joined node, a changed cluster CIDR, a leftover cni0), new pods fail to start with "cni0 already has an IP address different from ..." or get addresses no other node routes back.',
    fix: "Delete the stale cni0 (`ip link delete cni0`) and/or /run/flannel/subnet.env, then restart the node's flannel pod so both are recreated from the node's podCIDR.",
  },
  messages: {
    mismatch: 'on node {node} podCIDR {podCIDR}, subnet.env {subnetEnv} and cni0 {cni0} do not agree',
    overlay: "on node {node} cni0 {cni0} does not hold {dev}'s lease address {overlay}",
    refused:
      'on node {node} {bridge} holds an address outside the lease {subnet}: the CNI plugin refuses to start pods',
    agree: 'on node {node} podCIDR, subnet.env and cni0 agree on {subnet}',
    notUsed: 'the cluster does not run flannel',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const said = refusals(s);
    const skip = [...s.hosts.values()].some((h) => h.subnetEnv) || said.size > 0 ? [] : unlessFlannel(s);
    if (skip.length) return skip;
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const refusal = said.get(host.node);
      said.delete(host.node);
      const node = s.index.nodeByName.get(host.node);
      const podCIDR = node?.obj.spec?.podCIDR ? parseCidr(node.obj.spec.podCIDR)?.text : undefined;
      const envVar = host.subnetEnv?.value.vars.get('FLANNEL_SUBNET');
      const env = envVar ? parseCidr(envVar.value)?.text : undefined;
      const cni0Link = host.addrs ? linkNamed(host.addrs.value, 'cni0') : undefined;
      // a bridge with two addresses is judged by the one that is not the lease's (the plugin refuses it)
      const cni0Addrs = cni0Link ? ipv4Addrs(cni0Link) : [];
      const lease = podCIDR ?? env;
      const cni0Addr =
        cni0Addrs.find((a) => lease !== undefined && parseCidr(`${a.local}/${a.prefixlen}`)?.text !== lease) ??
        cni0Addrs[0];
      const cni0 = cni0Addr ? parseCidr(`${cni0Addr.local}/${cni0Addr.prefixlen}`)?.text : undefined;
      const seen = [podCIDR, env, cni0].filter((x): x is string => x !== undefined);
      // a podCIDR a redactor hid (`***HIDDEN***/24`) neither agrees nor disagrees; what is readable may still disagree
      const hidden = node?.obj.spec?.podCIDR && !podCIDR ? String(node.obj.spec.podCIDR) : undefined;
      if (hidden && node && new Set(seen).size <= 1 && !refusal) {
        out.push(
          redactedReport(
            subject,
            `node ${host.node} spec.podCIDR`,
            hidden,
            [objectEvidence(node, '/spec/podCIDR', 'not a CIDR')],
            ['cluster.nodes'],
          ),
        );
        continue;
      }
      if (seen.length < 2 && refusal) {
        out.push(refused(refusal));
        continue;
      }
      // only the bridge and flannel's device: flannel.1 holds the lease's network address as a /32
      const overlayLink =
        seen.length === 1 && cni0 && host.addrs
          ? host.addrs.value.find((l) => /^flannel\.\d+$/.test(l.ifname))
          : undefined;
      const overlay = overlayLink ? ipv4Addrs(overlayLink)[0] : undefined;
      if (overlayLink && overlay && cni0 && cni0Link && cni0Addr && host.addrs) {
        if (ipInCidr(overlay.local, cni0))
          out.push({
            status: 'pass',
            subject,
            messageId: 'agree',
            data: { node: host.node, subnet: cni0 },
            basis: basisOf(host.addrs),
          });
        else
          out.push({
            status: 'fail',
            subject,
            messageId: 'overlay',
            data: { node: host.node, cni0, dev: overlayLink.ifname, overlay: overlay.local, stale: 'cni0' },
            evidence: present(
              jsonEvidence(s, host.addrs.ref, `/${cni0Link.at}/addr_info/${cni0Addr.i}`, 'the cni0 bridge address'),
              jsonEvidence(
                s,
                host.addrs.ref,
                `/${overlayLink.at}/addr_info/${overlay.i}`,
                'the address of the current lease',
              ),
            ),
            remediation: remedy(
              'cni0 kept the subnet of an earlier lease; delete it so the CNI plugin recreates it from the current one (pods on this node restart).',
              [
                'ip link set cni0 down',
                'ip link delete cni0',
                cmd`kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=${word('node', host.node)}`,
              ],
            ),
          });
        continue;
      }
      if (seen.length < 2) {
        const missing = [
          ...(env ? [] : ['host.flannel-subnet-env']),
          ...(podCIDR ? [] : ['cluster.nodes']),
          ...(host.addrs ? [] : ['host.ip-addr']),
        ];
        // cni0 only exists once a pod runs here: with two sources missing there is nothing to compare
        out.push(missingInputs(subject, missing.length ? missing : ['host.flannel-subnet-env']));
        continue;
      }
      if (new Set(seen).size === 1 && !host.addrs) {
        // podCIDR and subnet.env agree, but whether cni0 does was not collected
        out.push(missingInputs(subject, ['host.ip-addr']));
        continue;
      }
      if (new Set(seen).size === 1) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'agree',
          data: { node: host.node, subnet: seen[0] as string },
          basis: basisOf(node, host.subnetEnv, host.addrs),
        });
        continue;
      }
      const evidence: (EvidenceRef | undefined)[] = [
        node && podCIDR ? objectEvidence(node, '/spec/podCIDR', 'the subnet the node was given') : undefined,
        envVar && host.subnetEnv ? lineAt(s, host.subnetEnv.ref, envVar.line, 'the lease flanneld wrote') : undefined,
        cni0Link && cni0Addr && host.addrs
          ? jsonEvidence(s, host.addrs.ref, `/${cni0Link.at}/addr_info/${cni0Addr.i}`, 'the cni0 bridge address')
          : undefined,
      ];
      const cni0Stale = cni0 !== undefined && cni0 !== (podCIDR ?? env);
      out.push({
        status: 'fail',
        subject,
        messageId: 'mismatch',
        data: {
          node: host.node,
          podCIDR: podCIDR ?? 'none',
          subnetEnv: env ?? 'none',
          cni0: cni0 ?? 'none',
          stale: cni0Stale ? 'cni0' : 'subnet.env',
        },
        evidence: present(...evidence),
        remediation: remedy(
          "Remove what is stale on the node and let flannel and the CNI plugin recreate it from the node's podCIDR (pods on this node restart with new addresses).",
          [
            ...(cni0Stale ? ['ip link set cni0 down', 'ip link delete cni0'] : []),
            'rm -f /run/flannel/subnet.env',
            cmd`kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=${word('node', host.node)}`,
          ],
        ),
      });
    }
    for (const r of [...said.values()].sort((a, b) => a.node.localeCompare(b.node))) out.push(refused(r));
    // no node bundle at all (a cluster-only capture): the node side is not known, which is not "agree"
    return out.length
      ? out
      : [missingInputs({ kind: 'cluster', name: '' }, ['host.flannel-subnet-env', 'host.ip-addr'])];
  },
};

function refused(r: Refusal): Report {
  return {
    status: 'fail',
    subject: nodeSubject(r.node),
    messageId: 'refused',
    data: { node: r.node, bridge: r.bridge, subnet: r.want, stale: r.bridge },
    evidence: [r.ev],
    remediation: remedy(
      `The ${r.bridge} bridge kept an address from an older lease; delete it so the CNI plugin recreates it with ${r.want} (pods on this node restart).`,
      [
        cmd`ip addr show ${word('iface', r.bridge)}`,
        cmd`ip link set ${word('iface', r.bridge)} down`,
        cmd`ip link delete ${word('iface', r.bridge)}`,
        cmd`kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=${word('node', r.node)}`,
      ],
    ),
  };
}
