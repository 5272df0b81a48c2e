// NetworkPolicy after the netfilter walk: each branch that leaves the node's rules toward somewhere
// (delivered to a pod, forwarded, delivered to the node) is judged by the source pod's egress and
// the destination pod's ingress, with the address the packet carries after the node's NAT (a
// Service's ClusterIP is DNAT-ed to an endpoint before any policy sees it).
// Enforcement decides what a denial means: an enforcing CNI drops the packet; flannel alone lets it
// through (a step says the policy would deny); unknown enforcement makes the branch undetermined.
import type { Snapshot } from '../model/types.js';
import { policyEnforcement, type PolicyEnforcement } from '../model/network-policy-enforcement.js';
import { endpointFor, evaluatePolicy, policyName, type DirectionDecision, type PolicyEndpoint } from './policy.js';
import type { Fate, TraceBranch, TraceResult, TraceStep } from './types.js';

const PASSING: ReadonlySet<Fate['kind']> = new Set(['delivered-pod', 'delivered-local', 'forwarded']);

function step(d: DirectionDecision, subject: string): TraceStep | undefined {
  switch (d.verdict) {
    case 'not-isolated':
      return undefined;
    case 'allowed':
      return {
        hook: 'POLICY',
        verdict:
          d.by === 'own-node' || d.by === 'self'
            ? `${d.direction} of ${subject}: allowed (${d.by === 'self' ? 'a pod cannot block itself' : 'traffic between a pod and its own node always is'})`
            : `${d.direction} of ${subject}: allowed by NetworkPolicy ${policyName(d.by.policy)} ${d.direction} rule ${d.by.rule + 1}`,
      };
    case 'denied':
      return {
        hook: 'POLICY',
        verdict: `${d.direction} of ${subject}: DENIED (isolated by ${d.selecting.map(policyName).join(', ')}; no rule allows it)`,
      };
    case 'undetermined':
      return { hook: 'POLICY', verdict: `${d.direction} of ${subject}: UNDETERMINED: ${d.why}` };
  }
}

/** "NetworkPolicy ns/name" for one selecting policy, "default deny by ns/a, ns/b" when several isolate it */
export function deniedBy(d: Extract<DirectionDecision, { verdict: 'denied' }>): string {
  const names = d.selecting.map(policyName);
  return names.length === 1
    ? `NetworkPolicy ${names[0]!} (${d.direction})`
    : `default deny by ${names.join(', ')} (${d.direction})`;
}

function judge(
  s: Snapshot,
  b: TraceBranch,
  src: PolicyEndpoint,
  enforcement: PolicyEnforcement | undefined,
): TraceBranch {
  if (!PASSING.has(b.fate.kind)) return b;
  const dst = endpointFor(s, b.packet.dst);
  // ingress sees the packet's source after SNAT; egress is the source pod's own
  const seenSrc = b.packet.src === src.ip ? src : endpointFor(s, b.packet.src);
  const proto = b.packet.proto;
  const egress = evaluatePolicy(s, { src, dst, proto, port: b.packet.dport }).egress;
  const ingress = evaluatePolicy(s, { src: seenSrc, dst, proto, port: b.packet.dport }).ingress;
  const name = (e: PolicyEndpoint) =>
    e.pod ? `pod ${e.pod.obj.metadata.namespace ?? 'default'}/${e.pod.obj.metadata.name}` : e.ip;
  const steps = [step(egress, name(src)), step(ingress, name(dst))].filter((x): x is TraceStep => x !== undefined);
  if (steps.length === 0) return b;
  const denied = [egress, ingress].find((d) => d.verdict === 'denied');
  const unsure = [egress, ingress].find((d) => d.verdict === 'undetermined');
  const all = [...b.steps, ...steps];
  if (!denied) {
    if (unsure && unsure.verdict === 'undetermined')
      return {
        ...b,
        steps: all,
        fate: { kind: 'undetermined', at: 'NetworkPolicy', why: unsure.why, needs: unsure.needs },
      };
    return { ...b, steps: all };
  }
  if (denied.verdict !== 'denied') return b;
  if (!enforcement) {
    const why = `${deniedBy(denied)} denies it, and nothing in the bundle says whether the CNI enforces NetworkPolicy`;
    return {
      ...b,
      steps: all,
      fate: { kind: 'undetermined', at: 'NetworkPolicy', why, needs: ['cluster.daemonsets'] },
    };
  }
  if (!enforcement.enforced) {
    const note: TraceStep = {
      hook: 'POLICY',
      verdict: `not enforced: ${enforcement.by} does not implement NetworkPolicy, so the packet passes`,
    };
    return { ...b, steps: [...all, note] };
  }
  return { ...b, steps: all, fate: { kind: 'dropped', by: deniedBy(denied) } };
}

/** the trace with NetworkPolicy applied to every branch that got through the node's rules */
export function applyNetworkPolicy(s: Snapshot, r: TraceResult): TraceResult {
  if (!s.cluster.networkPolicies) {
    // cluster data without the policies list: the trace cannot say whether a policy drops the packet
    return s.cluster.pods ? { ...r, missing: [...r.missing, 'cluster.networkpolicies'] } : r;
  }
  if (s.cluster.networkPolicies.length === 0) return r;
  const src = endpointFor(s, r.input.src);
  const enforcement = policyEnforcement(s);
  return { ...r, branches: r.branches.map((b) => judge(s, b, src, enforcement)) };
}
