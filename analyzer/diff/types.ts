// The result of `netsnap diff` (docs/diff.md): two analyses of one cluster, matched by stable
// finding id (analyzer/report/ids.ts), plus the source-level changes between the two collections
// that explain what moved. Plain data: every renderer (render-*.ts) and the JSON schema read it.
import type { EvidenceRef } from '../core/evidence-ref.js';
import type { Finding, Status } from '../rules/types.js';

/**
 * fixed: was fail/warn, now pass (or its subject is gone); still-failing: fail/warn with the same
 * status on both sides; new: fail/warn now, pass/unknown/absent before; changed-status: any other
 * status change (fail<->warn, a verdict <-> unknown); unchanged: pass or unknown on both sides
 */
export type DiffCategory = 'fixed' | 'still-failing' | 'new' | 'changed-status' | 'unchanged';
export const DIFF_CATEGORIES: readonly DiffCategory[] = [
  'fixed',
  'still-failing',
  'new',
  'changed-status',
  'unchanged',
];

export interface MatchedFinding {
  /** the stable id, computed over each side's full analysis */
  readonly id: string;
  readonly category: DiffCategory;
  readonly before?: Finding;
  readonly after?: Finding;
  /** keys (SourceChange.key) of the source changes in files this finding cites on either side */
  readonly explainedBy: readonly string[];
}

export interface ChainSummary {
  readonly id: string;
  readonly status: Status;
  /** ids of the findings it explains, depth first (bounded) */
  readonly symptoms: readonly string[];
}

export type SourceKind = 'iptables' | 'route' | 'corefile' | 'endpoints' | 'pod' | 'sysctl';
export const SOURCE_KINDS: readonly SourceKind[] = ['iptables', 'route', 'corefile', 'endpoints', 'pod', 'sysctl'];

export interface SourceChange {
  /** stable within one diff: kind/where/what, e.g. `iptables/worker-1/nat/POSTROUTING/+3` */
  readonly key: string;
  readonly kind: SourceKind;
  readonly change: 'added' | 'removed' | 'changed';
  /** the node whose host file changed; undefined for cluster objects */
  readonly node?: string;
  /** where inside the source: `nat POSTROUTING`, `kube-system/kube-dns`, `kube-system/coredns-x/coredns` */
  readonly where: string;
  /** iptables: the chain the rule is in (its table is the first word of `where`) */
  readonly chain?: string;
  /** the rule, line, address or state that changed (bundle text: untrusted) */
  readonly before?: string;
  readonly after?: string;
  /** a place to open on each side: the line itself, or where it would be (the chain, the file) */
  readonly beforeRef?: EvidenceRef;
  readonly afterRef?: EvidenceRef;
}

export interface SideInfo {
  readonly bundles: readonly { readonly id: string; readonly node?: string; readonly createdAt?: string }[];
  /** newest manifest collection time */
  readonly collectedAt?: string;
  /** redaction state of the side's bundles, one line (analyzer/redact/notice.ts) */
  readonly redaction: string;
}

export interface DiffResult {
  readonly before: SideInfo;
  readonly after: SideInfo;
  /** every finding id of either side, ordered by category then id */
  readonly findings: readonly MatchedFinding[];
  readonly rootsBefore: readonly ChainSummary[];
  readonly rootsAfter: readonly ChainSummary[];
  readonly sources: readonly SourceChange[];
  /** per kind, changes left out past the bound (a kube-proxy resync can move thousands of rules) */
  readonly sourcesOmitted: Readonly<Partial<Record<SourceKind, number>>>;
  /** the node of a `--node` timeline diff */
  readonly node?: string;
}
