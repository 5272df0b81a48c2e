// The rule model: metadata as data, a pure run(snapshot), findings with evidence a person can open.
import type { FileRef, Snapshot } from '../model/types.js';

/**
 * `probe`: what packets actually did (the collector's opt-in --probe, PRB-5xx). It sits above the four
 * diagnosis layers: a probe failure is a symptom any layer's cause may explain, and explains nothing.
 */
export type Layer = 'probe' | 'dns' | 'service' | 'network' | 'system' | 'bundle';
/** top to bottom as symptoms show; causes flow bottom to top */
export const LAYERS: readonly Layer[] = ['probe', 'dns', 'service', 'network', 'system', 'bundle'];
/** lower number = lower layer; a finding may only explain findings of its own or a higher layer */
export const LAYER_DEPTH: Readonly<Record<Layer, number>> = {
  system: 0,
  network: 1,
  service: 2,
  dns: 3,
  probe: 4,
  bundle: -1,
};

export type Severity = 'critical' | 'warning' | 'info';
export type Status = 'fail' | 'warn' | 'pass' | 'unknown';

export type SubjectKind = 'cluster' | 'node' | 'pod' | 'service' | 'configmap' | 'daemonset' | 'deployment' | 'bundle';

export interface Subject {
  readonly kind: SubjectKind;
  /** "" for kind cluster */
  readonly name: string;
  readonly namespace?: string;
  /** the node this subject is seen on, when the finding is about one node's view */
  readonly node?: string;
}

/** `kind:ns/name` or `kind:name`, plus `@node` when node-scoped: stable, used in expected.json */
export function subjectKey(s: Subject): string {
  const base = s.kind === 'cluster' ? 'cluster' : `${s.kind}:${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
  return s.node && s.kind !== 'node' ? `${base}@${s.node}` : base;
}

export type { EvidenceRef } from '../core/evidence-ref.js';
import type { EvidenceRef } from '../core/evidence-ref.js';

export interface Remediation {
  readonly explanation: string;
  /** exact commands, shown as suggestions; netsnap never runs them */
  readonly commands: readonly string[];
}

export interface Finding {
  readonly ruleId: string;
  readonly status: Status;
  readonly severity: Severity;
  readonly layer: Layer;
  readonly subject: Subject;
  readonly messageId: string;
  readonly message: string;
  readonly evidence: readonly EvidenceRef[];
  readonly remediation?: Remediation;
  /** for unknown: the sources that were missing */
  readonly missing?: readonly string[];
  /** small facts other rules and the causal linker may match on (e.g. {upstream: "233.5.5.5"}) */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
  /**
   * The collected files this verdict rests on: the rule's own `basis` plus every evidence file,
   * kept only when the file is in the snapshot. A pass/warn/fail with an empty basis is turned into
   * unknown (messageId "no-basis") by the engine: no evidence, no verdict.
   */
  readonly basis: readonly FileRef[];
}

/**
 * What a rule's findings can explain. The linker connects a cause finding to a symptom finding
 * when `rule` matches the symptom's ruleId and `match` says their subjects belong together.
 *  - same-subject: identical subjectKey
 *  - same-node: the symptom's node (subject.node, or subject.name for kind node) equals the cause's
 *  - cluster: the cause explains that rule's findings anywhere (use sparingly, e.g. cluster-wide config)
 *  - a function for anything else (keep it pure and cheap)
 */
export interface Explains {
  readonly rule: string;
  readonly match:
    'same-subject' | 'same-node' | 'cluster' | ((cause: Finding, symptom: Finding, s: Snapshot) => boolean);
}

export interface RuleContext {
  /** collection time of the newest bundle (never the wall clock) */
  readonly now?: string;
}

export interface RuleMeta {
  readonly id: string; // "DNS-402": stable forever, never reused
  readonly slug: string; // file name, e.g. "coredns-upstream-unusable"
  readonly layer: Layer;
  /** severity of a fail; warn findings are reported as warning */
  readonly severity: Severity;
  readonly title: string;
  /** source ids (see analyzer/bundle/sources.ts) or snapshot facts this rule reads */
  readonly needs: readonly string[];
  readonly docs: { readonly why: string; readonly fix: string };
  /** messageId -> template with {placeholders}; findings may only use these ids */
  readonly messages: Readonly<Record<string, string>>;
  readonly explains?: readonly Explains[];
  /**
   * The same links declared from the symptom's side, for symptom rules added after their causes (probe
   * findings, PRB-5xx): `{rule: 'SYS-104', match}` = SYS-104's findings may explain this rule's when
   * `match(cause, symptom)` holds. The linker merges them into the cause rule's `explains`.
   */
  readonly explainedBy?: readonly Explains[];
  /**
   * A cross-check finding (SYS-108, a node that differs from its peers): what it sees may be the
   * fault of any layer on that node, so a cause of any layer may explain it. It must explain nothing.
   */
  readonly crossLayer?: boolean;
  /** advice that only ever passes (severity info): no scenario is expected to make it fail or warn */
  readonly infoOnly?: boolean;
  /**
   * The alternative sets of signals that decide this rule, each set sufficient on its own: source
   * ids (`host.iptables-save`, `cluster.nodes`, `cluster.log.*`) or derived facts (`fact:pod-network`).
   * docs/rules.md prints them as "Decides from"; a bundle holding any one set gets a verdict.
   */
  readonly decidesFrom?: readonly (readonly string[])[];
}

/** What a rule returns; the engine fills ruleId, layer, severity and formats the message. */
export interface Report {
  readonly status: Status;
  readonly subject: Subject;
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number | boolean>>;
  readonly evidence?: readonly EvidenceRef[];
  readonly remediation?: Remediation;
  readonly missing?: readonly string[];
  /** override the rule's severity for this finding (e.g. info for advice) */
  readonly severity?: Severity;
  /**
   * The collected files the verdict rests on besides the evidence files (which count already):
   * for a pass, the files that were read and showed nothing wrong. Build with basisOf(...).
   */
  readonly basis?: readonly FileRef[];
}

export interface Rule extends RuleMeta {
  run(snapshot: Snapshot, ctx: RuleContext): readonly Report[];
}

/** A root cause and the symptoms it explains, recursively. */
export interface Chain {
  readonly finding: Finding;
  readonly explains: readonly Chain[];
}

export interface Analysis {
  readonly findings: readonly Finding[];
  /** root causes first (fail before warn, then by layer bottom-up, then by rule id and subject) */
  readonly roots: readonly Chain[];
  /** index into findings -> indices of findings that explain it */
  readonly explainedBy: ReadonlyMap<number, readonly number[]>;
}
