// Node rules judge a host as a Kubernetes node. On a host that holds nothing of Kubernetes (the
// shared fact derived.kubernetesHost is false: its rules dump and link list were collected and show
// no KUBE-/FLANNEL/cali- chain, no cni0/flannel.1/cali* link, and no kubelet or CNI config exists)
// their fails would blame a plain Linux host for not being a node: ip_forward=0 and no br_netfilter
// are right there. BND-904 says so once; node rules ask notANode() first and say unknown instead.
import type { HostState, Snapshot } from '../../model/types.js';
import type { Report, Subject } from '../types.js';
import { nodeSubject } from './reports.js';

/** the fact for one host: true/false with evidence, undefined when nothing collected tells */
export function isKubernetesHost(s: Snapshot, node: string): boolean | undefined {
  return s.derived.kubernetesHost.get(node)?.value;
}

/**
 * An unknown report for a node check on a host that does not look like a Kubernetes node, else
 * undefined (the check runs). Use at the top of a rule's per-host loop:
 *   const skip = notANode(s, host.node, subject); if (skip) { out.push(skip); continue; }
 */
export function notANode(s: Snapshot, node: string, subject: Subject): Report | undefined {
  if (isKubernetesHost(s, node) !== false) return undefined;
  return { status: 'unknown', subject, messageId: 'not-a-node', data: { node }, missing: ['fact:kubernetes-host'] };
}

/**
 * The host bundles a node rule judges, in node order, each with its node subject. A host that does
 * not look like a Kubernetes node gets its not-a-node unknown pushed to `out` and is not yielded:
 *   for (const { host, subject } of nodeHosts(s, out)) { ... }
 */
export function* nodeHosts(
  s: Snapshot,
  out: Report[],
): Generator<{ readonly host: HostState; readonly subject: Subject }> {
  for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const subject = nodeSubject(host.node);
    const skip = notANode(s, host.node, subject);
    if (skip) {
      out.push(skip);
      continue;
    }
    yield { host, subject };
  }
}
