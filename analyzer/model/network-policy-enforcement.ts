// Does anything on this cluster enforce NetworkPolicy? The API server stores policies whatever the
// CNI; only a policy-capable dataplane acts on them. flannel alone does not (flannel-io/flannel README:
// "Flannel is focused on networking. For network policy, other projects such as Calico can be used");
// canal (Calico policy over flannel), Calico, Cilium, kube-router, Weave Net, Antrea, kube-ovn do, and
// k3s runs its own policy controller (kube-router's) unless started with --disable-network-policy.
import type { Located, Seen, Snapshot } from './types.js';
import type { DaemonSet } from './schemas.js';
import type { EvidenceRef } from '../core/evidence-ref.js';
import { lineEvidence } from './evidence.js';

export interface PolicyEnforcement {
  /** true: an enforcer runs; false: a CNI that does not enforce runs and no enforcer was seen */
  readonly enforced: boolean;
  /** the enforcer (`calico-node`, `cilium`...) or the non-enforcing CNI (`flannel`) */
  readonly by: string;
  readonly at: Seen<string>['at'];
}

/** workload container names / images of policy enforcers (DaemonSet pods on every node) */
const ENFORCERS: readonly (readonly [string, RegExp])[] = [
  ['calico-node', /(^|\/)(mirrored-)?calico[/-]node([:@]|$)/],
  ['cilium', /(^|\/)cilium([:@]|$)|\/cilium\/cilium/],
  ['kube-router', /(^|\/)kube-router([:@]|$)/],
  ['weave-npc', /(^|\/)weave-npc([:@]|$)/],
  ['antrea-agent', /(^|\/)antrea-(agent-)?ubuntu([:@]|$)|(^|\/)antrea-agent([:@]|$)/],
  ['kube-ovn', /(^|\/)kube-ovn([:@]|$)/],
];
const ENFORCER_CONTAINERS = new Set(['calico-node', 'cilium-agent', 'kube-router', 'weave-npc', 'antrea-agent']);
/** CNI plugin types of policy-enforcing CNIs, as they appear in /etc/cni/net.d conflists */
const ENFORCER_CNI = new Set(['calico', 'cilium-cni', 'antrea', 'weave-net', 'kube-ovn']);

function enforcerWorkload(list: readonly Located<DaemonSet>[] | undefined): PolicyEnforcement | undefined {
  for (const ds of list ?? []) {
    const containers = ds.obj.spec.template.spec.containers;
    for (const [i, c] of containers.entries()) {
      const image = String((c as { image?: unknown }).image ?? '');
      const hit = ENFORCER_CONTAINERS.has(c.name) ? c.name : ENFORCERS.find(([, re]) => re.test(image))?.[0];
      if (hit)
        return {
          enforced: true,
          by: `${hit} (daemonset ${ds.obj.metadata.namespace ?? ''}/${ds.obj.metadata.name})`,
          at: { ...ds.ref, pointer: `${ds.ref.pointer}/spec/template/spec/containers/${i}` },
        };
    }
  }
  return undefined;
}

export function policyEnforcement(s: Snapshot): PolicyEnforcement | undefined {
  const ds = enforcerWorkload(s.cluster.daemonSets);
  if (ds) return ds;
  const hosts = [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node));
  for (const h of hosts)
    for (const conf of [...h.cni, ...h.distroCni])
      for (const [i, p] of conf.value.plugins.entries())
        if (ENFORCER_CNI.has(p.type))
          return {
            enforced: true,
            by: `${p.type} CNI plugin`,
            at: { ...conf.ref, pointer: `${conf.ref.pointer ?? ''}/plugins/${i}/type` },
          };
  const calico = s.derived.components.get('calico');
  if (calico && calico.value !== 'absent' && calico.value !== 'unknown')
    return { enforced: true, by: `calico-node (${calico.by})`, at: calico.at };
  const dist = s.derived.distribution;
  if (dist?.value === 'k3s') {
    for (const h of hosts)
      for (const c of h.distroConfigs) {
        const v = c.value.values['disable-network-policy'];
        if (v === true || v === 'true')
          return { enforced: false, by: 'k3s --disable-network-policy', at: { ...c.ref } };
      }
    return { enforced: true, by: `k3s network policy controller (${dist.by})`, at: dist.at };
  }
  const flannel = s.derived.components.get('flannel');
  // flannel alone: only when the DaemonSets were collected (an enforcer would show there)
  if (flannel && flannel.value !== 'absent' && flannel.value !== 'unknown' && s.cluster.daemonSets)
    return { enforced: false, by: `flannel (${flannel.by})`, at: flannel.at };
  return undefined;
}

/** the enforcement signal as evidence a person can open: the JSON value at its pointer, or its line */
export function enforcementEvidence(s: Snapshot, e: PolicyEnforcement, note: string): EvidenceRef | undefined {
  const ref = { bundle: e.at.bundle, path: e.at.path };
  if (e.at.line !== undefined) return lineEvidence(s.files, ref, e.at.line, e.at.line, note);
  const value = s.files.pointer(ref, e.at.pointer ?? '');
  if (value === undefined) return s.files.has(ref) ? { ...ref, quote: e.by, note } : undefined;
  return { ...ref, ...(e.at.pointer ? { pointer: e.at.pointer } : {}), quote: JSON.stringify(value), note };
}
