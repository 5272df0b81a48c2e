// Shared by the probe rules (PRB-5xx): which hosts were probed, the subject of a probe's vantage,
// evidence pointing at one probe in host/probes.json, and the rule factory every check rule uses.
// One rule per check kind, because the check decides what can explain a failure (a pod -> external
// IP timeout is SYS-104's symptom, a cluster DNS timeout DNS-406's) and so each rule declares its
// own `explainedBy`; the outcome class (timeout, refused...) is data of the finding.
import type { EvidenceRef, Explains, Finding, Report, Rule, Subject } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import { PROBES_SOURCE_ID, type LoadedProbe, type ProbeRun } from '../../model/probes.js';
import type { ProbeCheck, ProbeOutcome } from '../../zod/probes.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { cmd, plainCommand, raw, remedy, word, type Cmd } from '../../text/shell.js';

/** outcomes that are a failure of the path or the service probed */
export const FAILED: ReadonlySet<ProbeOutcome> = new Set(['timeout', 'refused', 'unreachable']);
/**
 * outcomes that say nothing about the network: never a failure, never a pass. `error` is output the
 * collector could not classify, or (DNS) an error answer: see isFailure
 */
export const NOT_JUDGED: ReadonlySet<ProbeOutcome> = new Set(['expected-fail', 'skipped', 'error']);

const DNS_CHECKS: ReadonlySet<string> = new Set(['dns-cluster', 'dns-external', 'dns-upstream']);

/**
 * A failed probe. For DNS checks `error` is one too: the collector writes it for an answer that is an
 * error (SERVFAIL, NXDOMAIN, "can't find": docs/probes.md), which is what CoreDNS answers when its
 * upstreams are down; for other checks `error` is unclassified tool output and judges nothing.
 */
export const isFailure = (p: LoadedProbe): boolean =>
  FAILED.has(p.outcome) || (p.outcome === 'error' && DNS_CHECKS.has(p.check));
/** evidence pieces per finding: the first failed probes, enough for a person to see the pattern */
const MAX_EVIDENCE = 5;

export interface ProbedHost {
  readonly host: HostState;
  readonly run: Sourced<ProbeRun>;
}

/**
 * Probes are opt-in: with no bundle collected with --probe the probe rules do not apply and say nothing
 * (never pass). Where the probes were asked for and are missing (the manifest records host.probes as
 * failed, timed out, denied...) or some nodes were probed and this one not, they say unknown.
 */
export function notProbed(s: Snapshot): Report[] {
  const anyProbed = [...s.hosts.values()].some((h) => h.probes !== undefined);
  return [...s.hosts.values()]
    .filter((h) => !h.probes && (anyProbed || h.sources.has(PROBES_SOURCE_ID)))
    .sort((a, b) => a.node.localeCompare(b.node))
    .map((h) => missingInputs(nodeSubject(h.node), [PROBES_SOURCE_ID]));
}

export function probedHosts(s: Snapshot): ProbedHost[] {
  return [...s.hosts.values()]
    .filter((h): h is HostState & { probes: Sourced<ProbeRun> } => h.probes !== undefined)
    .sort((a, b) => a.node.localeCompare(b.node))
    .map((host) => ({ host, run: host.probes }));
}

/**
 * The pod a vantage is: from the vantage record (a pod netns found without a pod list has no namespace
 * or name: `netns:pid-1234`, docs/probes.md) or the id itself (`pod:ns/name`); undefined for the host.
 */
export function vantagePod(run: ProbeRun, id: string): { namespace?: string; name: string; ip?: string } | undefined {
  const v = run.vantages.find((x) => x.id === id);
  if (v?.kind === 'pod')
    return { ...(v.namespace ? { namespace: v.namespace } : {}), name: v.name ?? id, ...(v.ip ? { ip: v.ip } : {}) };
  const m = /^pod:([^/]+)\/(.+)$/.exec(id);
  return m ? { namespace: m[1]!, name: m[2]! } : undefined;
}

/** a pod vantage is the pod on that node; the host vantage (and anything else) is the node */
export function vantageSubject(run: ProbeRun, id: string, node: string): Subject {
  const pod = vantagePod(run, id);
  return pod
    ? { kind: 'pod', ...(pod.namespace ? { namespace: pod.namespace } : {}), name: pod.name, node }
    : nodeSubject(node);
}

export function probeEvidence(s: Snapshot, run: Sourced<ProbeRun>, p: LoadedProbe, note?: string): EvidenceRef {
  const ref = { bundle: run.ref.bundle, path: run.ref.path };
  return {
    ...ref,
    pointer: p.pointer,
    quote: JSON.stringify(s.files.pointer(ref, p.pointer)) ?? 'undefined',
    ...(note ? { note } : {}),
  };
}

/** `kubernetes.default.svc.cluster.local @ 10.96.0.10:53/udp`, `1.1.1.1:443/tcp` */
export function targetText(p: LoadedProbe): string {
  const t = p.target;
  const at = `${t.ip ?? '?'}${t.port !== undefined ? `:${t.port}` : ''}${t.proto ? `/${t.proto}` : ''}`;
  return t.name ? `${t.name} @ ${at}` : at;
}

/** comma-joined distinct values, for finding data the linker matches on */
const joined = (xs: readonly (string | undefined)[]): string => [...new Set(xs.filter((x) => !!x))].sort().join(',');

/** facts of the probed targets the linker's custom matches read (data is flat) */
export function targetData(ps: readonly LoadedProbe[]): Record<string, string> {
  return {
    targetNodes: joined(ps.map((p) => p.target.node)),
    services: joined(ps.map((p) => p.target.service)),
    targetIps: joined(ps.map((p) => p.target.ip)),
  };
}

const listed = (csv: unknown, v: string | undefined): boolean =>
  typeof csv === 'string' && v !== undefined && csv.split(',').includes(v);
const nodeOfSubject = (sub: Subject): string | undefined => sub.node ?? (sub.kind === 'node' ? sub.name : undefined);

/** a custom link match (Explains.match as a function) */
export type MatchFn = (cause: Finding, symptom: Finding, s: Snapshot) => boolean;

/** the cause is about the probe's own node */
export const sameNode: MatchFn = (c, p) => {
  const n = nodeOfSubject(c.subject);
  return n !== undefined && n === nodeOfSubject(p.subject);
};
/** the cause is about the probe's node or a node one of its failed probes went to */
export const vantageOrTargetNode: MatchFn = (c, p, s) =>
  sameNode(c, p, s) || listed(p.data?.targetNodes, nodeOfSubject(c.subject));
/** the cause is about a Service one of the failed probes went to (`ns/name`) */
export const targetService: MatchFn = (c, p) =>
  c.subject.kind === 'service' && listed(p.data?.services, `${c.subject.namespace ?? ''}/${c.subject.name}`);
/** the cause is about a node that runs a CoreDNS pod (the node its queries leave from) */
export const corednsNode: MatchFn = (c, _p, s) => {
  const n = nodeOfSubject(c.subject);
  return (
    n !== undefined && (s.index.podsByNode.get(n) ?? []).some((p) => p.obj.metadata.labels?.['k8s-app'] === 'kube-dns')
  );
};

export const byNode = (...rules: string[]): Explains[] => rules.map((rule) => ({ rule, match: sameNode }));
export const anywhere = (...rules: string[]): Explains[] => rules.map((rule) => ({ rule, match: 'cluster' as const }));

/** commands to see it again by hand: the probe's own command where it is plain, and netsnap trace */
export function probeRemedy(run: ProbeRun, node: string, p: LoadedProbe): { explanation: string; commands: string[] } {
  const pod = vantagePod(run, p.vantage);
  const commands: Cmd[] = [];
  // the collector's own command, on that node (for a pod it enters the pod's netns with nsenter itself)
  const plain = plainCommand(p.command);
  if (plain) commands.push(cmd`${raw(plain)}`);
  const from = pod?.ip ? word('ip', pod.ip) : word('node', node);
  const to =
    p.target.port !== undefined
      ? cmd`${word('ip', p.target.ip ?? '')}:${p.target.port}`
      : cmd`${word('ip', p.target.ip ?? '')}`;
  commands.push(
    cmd`netsnap trace <bundles> --from ${from} --to ${to} --proto ${word('name', p.target.proto ?? 'tcp')}`,
  );
  return remedy(
    'A probe failure is a symptom: when a root cause explains it, fix that. When nothing does, the catalog does not know this fault: repeat the probe by hand from the same place and compare it with what netsnap trace predicts for the packet.',
    commands,
  );
}

export interface CheckRuleSpec {
  readonly id: string;
  readonly slug: string;
  readonly check: ProbeCheck;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
  readonly explainedBy: readonly Explains[];
  readonly severity?: Rule['severity'];
}

/**
 * A rule over one check kind: per probed host and vantage, fail when a probe of that kind failed,
 * pass when they all answered, unknown when none could be judged (air-gapped expected-fail, skipped)
 * or the host was not probed (notProbed). Never pass without probes.
 */
export function checkRule(spec: CheckRuleSpec): Rule {
  return {
    id: spec.id,
    slug: spec.slug,
    layer: 'probe',
    severity: spec.severity ?? 'critical',
    title: spec.title,
    needs: [PROBES_SOURCE_ID],
    decidesFrom: [[PROBES_SOURCE_ID]],
    docs: { why: spec.why, fix: spec.fix },
    messages: {
      failed:
        'from {vantage} on node {node}, {failed} of {total} {check} probe(s) failed; first {target}: {outcome} ({detail})',
      answered: 'from {vantage} on node {node}, all {answered} {check} probe(s) answered',
      notJudged:
        'from {vantage} on node {node}, {total} {check} probe(s) were not judged ({why}): no verdict on this path',
      noProbe: 'node {node} was probed, but no {check} probe ran there (no pod to probe from, no tool or no target)',
    },
    explainedBy: spec.explainedBy,
    run(s) {
      const out: Report[] = notProbed(s);
      for (const { host, run } of probedHosts(s)) {
        const mine = run.value.probes.filter((p) => p.check === spec.check);
        if (mine.length === 0) {
          out.push({
            status: 'unknown',
            subject: nodeSubject(host.node),
            messageId: 'noProbe',
            data: { node: host.node, check: spec.check },
            missing: [PROBES_SOURCE_ID],
          });
          continue;
        }
        const vantages = [...new Set(mine.map((p) => p.vantage))];
        for (const vantage of vantages) out.push(judge(s, host, run, spec, vantage, mine));
      }
      return out;
    },
  };
}

function judge(
  s: Snapshot,
  host: HostState,
  run: Sourced<ProbeRun>,
  spec: CheckRuleSpec,
  vantage: string,
  mine: readonly LoadedProbe[],
): Report {
  const ps = mine.filter((p) => p.vantage === vantage);
  const subject = vantageSubject(run.value, vantage, host.node);
  const base = { node: host.node, vantage, check: spec.check, total: ps.length };
  const failed = ps.filter(isFailure);
  const first = failed[0];
  if (first)
    return {
      status: 'fail',
      subject,
      messageId: 'failed',
      data: {
        ...base,
        failed: failed.length,
        target: targetText(first),
        outcome: first.outcome,
        detail: first.detail ?? 'no detail',
        ...targetData(failed),
      },
      evidence: failed
        .slice(0, MAX_EVIDENCE)
        .map((p) => probeEvidence(s, run, p, `${p.check} ${targetText(p)}: ${p.outcome}`)),
      basis: basisOf(run),
      remediation: probeRemedy(run.value, host.node, first),
    };
  const answered = ps.filter((p) => p.outcome === 'ok');
  if (answered.length === 0) {
    const why = run.value.airGapped
      ? `air-gapped: ${run.value.airGappedReason ?? 'detected'}; expected to fail`
      : `${[...new Set(ps.map((p) => p.outcome))].join(', ')}`;
    return { status: 'unknown', subject, messageId: 'notJudged', data: { ...base, why }, missing: [PROBES_SOURCE_ID] };
  }
  return {
    status: 'pass',
    subject,
    messageId: 'answered',
    data: { ...base, answered: answered.length },
    evidence: answered.slice(0, 1).map((p) => probeEvidence(s, run, p, `${p.check} ${targetText(p)}: ok`)),
    basis: basisOf(run),
  };
}
