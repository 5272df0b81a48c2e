// BND-904: a host bundle whose host holds nothing of Kubernetes (no kubelet config or flags, no CNI
// config, no KUBE-/FLANNEL/cali- chain, no cni0/flannel.1/cali* link, no pod log, not a Node of
// the collected list): the collector ran on the wrong machine (a bastion, a laptop, a VM next to
// the cluster). Node rules then have nothing of a node to judge; their fails there would blame a
// healthy Linux host for not being configured as a Kubernetes node.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { hostLinks, jsonEvidence, lineAt, present, seenEvidence } from '../lib/host.js';

const SHOWN_LINKS = 4;

/** the header of the rules dump and the host's link names: where Kubernetes would show and does not */
function absenceEvidence(s: Snapshot, host: HostState): EvidenceRef[] {
  const dump = host.iptables ?? host.iptablesNft ?? host.iptablesLegacy;
  const links = hostLinks(host);
  const out: (EvidenceRef | undefined)[] = [];
  if (dump)
    out.push(
      lineAt(s, dump.ref, dump.value.headerLine ?? 1, 'the rules dump: no KUBE-, FLANNEL or cali- chain in any table'),
    );
  for (const l of (links?.value ?? []).slice(0, SHOWN_LINKS)) {
    if (links)
      out.push(
        jsonEvidence(
          s,
          links.ref,
          `/${l.at}/ifname`,
          'an interface of the host: no cni0, flannel.1, cali* or kube-ipvs0 among them',
        ),
      );
  }
  return present(...out);
}

export const notAKubernetesNode: Rule = {
  id: 'BND-904',
  slug: 'not-a-kubernetes-node',
  layer: 'bundle',
  severity: 'warning',
  title: 'The host does not look like a Kubernetes node',
  needs: [
    'host.iptables-save',
    'host.ip-addr',
    'host.kubelet-config',
    'host.cni.<file>',
    'host.flannel-subnet-env',
    'cluster.nodes',
  ],
  decidesFrom: [
    ['host.iptables-save', 'host.ip-addr'],
    ['host.iptables-save', 'host.ip-link'],
    ['host.kubelet-config'],
    ['host.kubelet-flags'],
    ['host.cni.*'],
    ['host.flannel-subnet-env'],
    ['host.static-pod.*'],
    ['host.pod-log.*'],
    ['cluster.nodes', 'host.hostname'],
  ],
  docs: {
    why: "Every Kubernetes node shows itself in its rules (kube-proxy's KUBE-* chains, flannel's FLANNEL-*, Calico's cali-*), its links (cni0, flannel.1, cali*, kube-ipvs0) and its files (kubelet config, /etc/cni/net.d). A host with none of them is not a node: the bundle was collected on another machine, and node checks (ip_forward, br_netfilter, MASQUERADE for the pod network) do not apply to it.",
    fix: 'Run the collector on the node itself (`kubectl get nodes -o wide` names them; `ssh <node> sudo sh netsnap-collect.sh`), then analyze that bundle.',
  },
  messages: {
    'not-kubernetes': 'the host does not look like a Kubernetes node: {what}',
    kubernetes: 'the host is a Kubernetes node ({sign})',
  },
  run(s) {
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const seen = s.derived.kubernetesHost.get(host.node);
      if (!seen) {
        out.push(missingInputs(subject, ['host.iptables-save', 'host.ip-addr']));
        continue;
      }
      const at = { bundle: seen.at.bundle, path: seen.at.path };
      if (seen.value) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'kubernetes',
          data: { sign: seen.by },
          evidence: present(seenEvidence(s, seen, 'a sign of Kubernetes on this host')),
          basis: basisOf(at),
        });
        continue;
      }
      const links = hostLinks(host);
      out.push({
        status: 'warn',
        subject,
        messageId: 'not-kubernetes',
        data: {
          what: `no kubelet config, CNI config, kube/flannel/Calico chain or pod network link among ${links?.value.length ?? 0} interfaces`,
        },
        evidence: absenceEvidence(s, host),
        basis: basisOf(at, links),
        remediation: {
          explanation:
            'Collect on a node of the cluster; node findings about this host (forwarding, bridge netfilter, masquerading) describe a machine that is not a node.',
          commands: ['kubectl get nodes -o wide', 'ssh <node> sudo sh netsnap-collect.sh'],
        },
      });
    }
    return out;
  },
};
