// Types of the offline packet tracer: one NEW packet followed through one node's netfilter hooks
// and routing, as Linux would, over that node's own iptables-save, routes and addresses.
import type { FileRef } from '../model/types.js';

export type Proto = 'tcp' | 'udp' | 'icmp' | 'sctp';

export interface Packet {
  readonly src: string;
  readonly dst: string;
  readonly proto: Proto;
  readonly sport: number;
  /** undefined for icmp */
  readonly dport?: number;
  readonly mark: number;
  /** interface the packet came in on (undefined for host-originated) */
  readonly inIface?: string;
  /** interface chosen by routing (known in OUTPUT, FORWARD, POSTROUTING) */
  readonly outIface?: string;
  /** conntrack status bits for this NEW connection: DNAT/SNAT once a nat rule rewrote it */
  readonly dnat: boolean;
  readonly snat: boolean;
  /**
   * mark bits the tracer cannot know: a MARK rule whose match it could not evaluate may or may not
   * have set them, so a later `-m mark` on these bits is undetermined
   */
  readonly markUnknown?: number;
}

/** How the packet starts: from a local pod (bridge), from the node itself, or from the wire. */
export type Origin =
  | { readonly kind: 'local-pod'; readonly iface: string; readonly podName?: string }
  | { readonly kind: 'host' }
  | { readonly kind: 'remote'; readonly iface: string; readonly podName?: string };

export interface TraceInput {
  readonly src: string;
  readonly dst: string;
  readonly proto: Proto;
  readonly dport?: number;
  readonly sport?: number;
  readonly origin: Origin;
}

/** A match that could not be judged from the bundle, and which way the tracer went. */
export interface Assumption {
  readonly module: string;
  readonly assumed: 'match' | 'no-match';
  readonly why: string;
}

export interface TraceStep {
  /** POLICY: Kubernetes NetworkPolicy (analyzer/trace/policy-trace.ts), after the netfilter walk */
  readonly hook: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING' | 'ROUTING' | 'POLICY';
  readonly table?: string;
  readonly chain?: string;
  /** 1-based rule number in the chain; undefined for a chain policy or a routing step */
  readonly ruleIndex?: number;
  readonly line?: number;
  /** for a routing step: JSON pointer of the chosen route in host/ip-route.json */
  readonly pointer?: string;
  readonly text?: string;
  /** what happened: "jump KUBE-SERVICES", "DNAT to 10.244.1.3:53", "policy DROP", "route via flannel.1" */
  readonly verdict: string;
  readonly assumptions?: readonly Assumption[];
  /** probability of the branch taken at a statistic rule (the taken side) */
  readonly branch?: { readonly probability: number; readonly taken: boolean };
}

export interface RouteChoice {
  readonly kind: 'local' | 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'none';
  readonly dst?: string;
  readonly dev?: string;
  readonly gateway?: string;
  readonly prefsrc?: string;
  /** JSON pointer of the route in host/ip-route.json */
  readonly at?: number;
}

export type Fate =
  | { readonly kind: 'delivered-local'; readonly to: string; readonly port?: number }
  | {
      readonly kind: 'delivered-pod';
      readonly dev: string;
      readonly to: string;
      readonly port?: number;
      readonly podName?: string;
    }
  | {
      readonly kind: 'forwarded';
      readonly dev: string;
      readonly gateway?: string;
      readonly src: string;
      readonly dst: string;
      readonly port?: number;
      readonly note?: string;
    }
  | { readonly kind: 'dropped'; readonly by: string }
  | { readonly kind: 'rejected'; readonly by: string; readonly with?: string }
  | { readonly kind: 'no-route'; readonly dst: string }
  /**
   * The tracer met a match it cannot evaluate from the bundle (an ipset's members, an unknown match
   * module, rpfilter without routes, a rule iptables printed without some of its options) on a rule
   * whose verdict would decide the packet's path: it does not guess, the branch stops here.
   */
  | { readonly kind: 'undetermined'; readonly at: string; readonly why: string; readonly needs: readonly string[] };

export interface TraceBranch {
  /** probability of this path (1 without statistic splits) */
  readonly probability: number;
  readonly steps: readonly TraceStep[];
  readonly packet: Packet;
  readonly route?: RouteChoice;
  readonly fate: Fate;
}

export interface TraceResult {
  readonly node: string;
  readonly input: TraceInput;
  /** the iptables-save and route files the trace read, for evidence */
  readonly iptablesRef?: FileRef;
  readonly routesRef?: FileRef;
  readonly branches: readonly TraceBranch[];
  /** the node's data the trace needed but did not have */
  readonly missing: readonly string[];
}
