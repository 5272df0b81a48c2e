// DNS-402: a forward upstream that cannot work. The article's incident: `forward . 233.5.5.5`, a
// typo of AliDNS 223.5.5.5 that is also a multicast address, so every forwarded query times out.
import type { EvidenceRef, Report, Rule } from '../types.js';
import { ipRange, isIp } from '../../model/net.js';
import type { FileRef } from '../../model/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { corednsLogs, logLineEvidence, searchLogs, type LogHit } from '../lib/cluster.js';
import {
  COREDNS_CM_SOURCE,
  COREDNS_LOG_SOURCE,
  corefileLines,
  corefileSubject,
  forwardDirectives,
  isFileUpstream,
  upstreamAddress,
} from './corefile.js';
import { NO_HEALTHY, UPSTREAM_FAILURE } from './coredns-log.js';
import { typoOf, UNUSABLE_RANGES } from './resolvers.js';
import { sameUpstream } from './coredns-metrics-upstream-down.js';
import { cmd, raw, remedy, word } from '../../text/shell.js';

const MAX_LOG_EVIDENCE = 3;
/** the loop plugin's start-up probe: `2 <random>.<random>. HINFO: read udp ...` */
const PROBE_QUERY = / HINFO: /;

/**
 * Only the loop plugin's HINFO probe timed out: the upstream is unreachable, or it ignores HINFO
 * queries and answers real ones (coredns/coredns#4211, #5352: chrisohaver). Not enough for a fail.
 */
const onlyProbes = (hits: readonly LogHit[]): boolean => hits.every((h) => PROBE_QUERY.test(h.line.raw));

function probeWarning(
  subject: Report['subject'],
  ip: string,
  hits: readonly LogHit[],
  evidence: readonly EvidenceRef[],
): Report {
  return {
    status: 'warn',
    subject,
    messageId: 'probe-timeouts',
    data: {
      upstream: ip,
      reason: 'probe timeouts',
      failures: hits.length,
      error: (hits[0] as LogHit).match[3] as string,
    },
    evidence,
    remediation: remedy(
      `Only the loop plugin's HINFO probe to ${ip} went unanswered. Ask the upstream a real name from a pod (dnsPolicy: Default): if it answers, the upstream just ignores HINFO and this is harmless; if not, it is unreachable from the pods.`,
      [
        cmd`kubectl run dnscheck --rm -it --restart=Never --image=busybox:1.36 --overrides='{"spec":{"dnsPolicy":"Default"}}' -- nslookup kubernetes.io ${word('ip', ip)}`,
      ],
    ),
  };
}

function failuresByUpstream(hits: readonly LogHit[]): Map<string, LogHit[]> {
  const out = new Map<string, LogHit[]>();
  for (const h of hits) {
    const ip = h.match[1] as string;
    const list = out.get(ip);
    if (list) list.push(h);
    else out.set(ip, [h]);
  }
  return out;
}

function remediation(upstream: string, suggestion: string | undefined): Report['remediation'] {
  const replacement = suggestion ?? "<a reachable resolver, e.g. your network's DNS server>";
  return remedy(
    `CoreDNS forwards every name outside the cluster to ${upstream}, which cannot answer. Replace it with ${replacement} (or /etc/resolv.conf) in the Corefile's forward line, then restart CoreDNS so the pods pick it up even if the reload plugin is missing.`,
    [
      suggestion === undefined
        ? cmd`kubectl -n kube-system edit configmap coredns   # forward . ${raw(replacement)}`
        : cmd`kubectl -n kube-system edit configmap coredns   # forward . ${word('ip', suggestion)}`,
      'kubectl -n kube-system rollout restart deployment coredns',
      'kubectl -n kube-system rollout status deployment coredns',
      suggestion === undefined
        ? 'kubectl run dnscheck --rm -it --restart=Never --image=busybox:1.36 -- nslookup kubernetes.io'
        : cmd`kubectl run dnscheck --rm -it --restart=Never --image=busybox:1.36 -- nslookup kubernetes.io ${word('ip', suggestion)}`,
    ],
  );
}

/** one finding per ConfigMap: the worst upstream leads, the others are named in {also} */
function merge(reports: readonly Report[]): Report {
  const sorted = [...reports].sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1));
  const lead = sorted[0] as Report;
  const rest = sorted.slice(1);
  const describe = (r: Report) =>
    `${String(r.data?.upstream)} (${String(r.data?.reason)}${r.data?.suggestion ? `, did you mean ${String(r.data.suggestion)}?` : ''})`;
  const evidence: EvidenceRef[] = [];
  for (const e of sorted.flatMap((r) => r.evidence ?? [])) {
    if (!evidence.some((x) => x.path === e.path && x.line === e.line && x.pointer === e.pointer)) evidence.push(e);
  }
  return {
    ...lead,
    data: {
      ...lead.data,
      also: rest.length ? `; also ${rest.map(describe).join(', ')}` : '',
      upstreams: sorted.map((r) => String(r.data?.upstream)).join(' '),
    },
    evidence,
  };
}

export const corednsUpstreamUnusable: Rule = {
  id: 'DNS-402',
  slug: 'coredns-upstream-unusable',
  layer: 'dns',
  severity: 'critical',
  title: 'CoreDNS forwards to an upstream that cannot work',
  needs: [COREDNS_CM_SOURCE, COREDNS_LOG_SOURCE],
  docs: {
    why: "Every query for a name outside the cluster goes to the forward upstreams. A multicast, loopback, reserved or unspecified address can never answer, an upstream that times out in the CoreDNS logs is unreachable from the pods, and an address one digit away from a well-known public resolver (233.5.5.5 for 223.5.5.5) is usually a typo. External names then fail with SERVFAIL after about 2 s each. Note: failed forwarding alone does not fail CoreDNS's /ready probe; when the pods are also NotReady, check the probes and the Corefile plugins too.",
    fix: 'Edit the coredns ConfigMap so `forward .` names reachable resolvers (or /etc/resolv.conf), then `kubectl -n kube-system rollout restart deployment coredns`.',
  },
  messages: {
    'bad-address': 'forward upstream {upstream} is a {range} address and can never answer DNS queries{also}',
    'bad-address-typo':
      'forward upstream {upstream} is a {range} address and can never answer DNS queries: did you mean {suggestion} ({provider})?{also}',
    timeouts: 'forward upstream {upstream} failed {failures} times in the CoreDNS logs ({error}){also}',
    'timeouts-typo':
      'forward upstream {upstream} failed {failures} times in the CoreDNS logs ({error}): did you mean {suggestion} ({provider})?{also}',
    typo: 'forward upstream {upstream} is one digit away from {provider} {suggestion}: check it is not a typo{also}',
    'resolv-conf-timeouts':
      "upstream {upstream} (from the pods' resolv.conf) failed {failures} times in the CoreDNS logs ({error}){also}",
    'log-timeouts': 'upstream {upstream} failed {failures} times in the CoreDNS logs ({error}){also}',
    'probe-timeouts':
      "only the loop plugin's HINFO probe to {upstream} went unanswered ({failures} times, {error}): the upstream is unreachable or ignores HINFO{also}",
    'no-healthy': 'CoreDNS found no healthy upstream ({failures} times in its logs; forward to {upstream}){also}',
    ok: 'forward upstreams look usable and the CoreDNS logs show no failed upstream query ({upstreams})',
    'ok-log': 'the CoreDNS logs show no failed upstream query',
  },
  // the Corefile alone decides only a fail (an address no DNS server can live at, a typo)
  decidesFrom: [[COREDNS_CM_SOURCE, COREDNS_LOG_SOURCE], [COREDNS_LOG_SOURCE], [COREDNS_CM_SOURCE]],
  explains: [
    { rule: 'DNS-401', match: 'cluster' },
    // the metrics of the same upstream (analyzer/rules/dns/coredns-metrics-upstream-down.ts)
    { rule: 'DNS-420', match: sameUpstream },
    { rule: 'DNS-421', match: sameUpstream },
  ],
  run(s) {
    const cf = s.cluster.corefile;
    const subject = corefileSubject(s);
    const logs = corednsLogs(s);
    if (!cf && logs.length === 0) return [missingInputs(subject, [COREDNS_CM_SOURCE, COREDNS_LOG_SOURCE])];
    const failures = failuresByUpstream(searchLogs(logs, UPSTREAM_FAILURE));
    const noHealthy = searchLogs(logs, NO_HEALTHY);
    const out: Report[] = [];
    const explicit = new Set<string>();
    const all: string[] = [];
    for (const fwd of forwardDirectives(s)) {
      const line = corefileLines(s, fwd.directive.line, fwd.directive.line, 'the forward line');
      for (const to of fwd.to) {
        all.push(to);
        if (isFileUpstream(to)) continue;
        const ip = upstreamAddress(to);
        if (!isIp(ip)) continue;
        explicit.add(ip);
        const range = ipRange(ip) ?? 'unknown';
        const typo = typoOf(ip);
        const hits = failures.get(ip) ?? [];
        const evidence: EvidenceRef[] = [
          ...(line ? [line] : []),
          ...hits.slice(0, MAX_LOG_EVIDENCE).map((h) => logLineEvidence(h, `${h.pod}: query to ${ip} failed`)),
        ];
        const typoData: Record<string, string> = typo ? { suggestion: typo.ip, provider: typo.provider } : {};
        const base = { upstream: ip, range, ...typoData };
        if (UNUSABLE_RANGES.has(range)) {
          out.push({
            status: 'fail',
            subject,
            messageId: typo ? 'bad-address-typo' : 'bad-address',
            data: { ...base, reason: range, failures: hits.length },
            evidence,
            remediation: remediation(ip, typo?.ip),
          });
        } else if (hits.length > 0 && onlyProbes(hits)) {
          out.push(probeWarning(subject, ip, hits, evidence));
        } else if (hits.length > 0) {
          const error = (hits[0] as LogHit).match[3] as string;
          out.push({
            status: 'fail',
            subject,
            messageId: typo ? 'timeouts-typo' : 'timeouts',
            data: { ...base, reason: 'timeouts', failures: hits.length, error },
            evidence,
            remediation: remediation(ip, typo?.ip),
          });
        } else if (typo) {
          out.push({
            status: 'warn',
            subject,
            messageId: 'typo',
            data: { ...base, reason: 'typo' },
            evidence,
            remediation: remediation(ip, typo.ip),
          });
        }
      }
    }
    // forward . /etc/resolv.conf (or no Corefile at all): the failing upstreams are those the log names
    const fileFwd = forwardDirectives(s).find((f) => f.to.some(isFileUpstream));
    if (fileFwd || !cf) {
      const line = fileFwd && corefileLines(s, fileFwd.directive.line, fileFwd.directive.line, 'the forward line');
      for (const [ip, hits] of [...failures].sort(([a], [b]) => a.localeCompare(b))) {
        if (explicit.has(ip)) continue;
        const evidence = [
          ...(line ? [line] : []),
          ...hits.slice(0, MAX_LOG_EVIDENCE).map((h) => logLineEvidence(h, `${h.pod}: query to ${ip} failed`)),
        ];
        const error = (hits[0] as LogHit).match[3] as string;
        if (onlyProbes(hits)) {
          out.push(probeWarning(subject, ip, hits, evidence));
          continue;
        }
        out.push({
          status: 'fail',
          subject,
          messageId: fileFwd ? 'resolv-conf-timeouts' : 'log-timeouts',
          data: { upstream: ip, reason: 'timeouts', failures: hits.length, error },
          evidence,
          remediation: remediation(ip, undefined),
        });
      }
    }
    if (out.length === 0 && noHealthy.length > 0) {
      const evidence = noHealthy
        .slice(0, MAX_LOG_EVIDENCE)
        .map((h) => logLineEvidence(h, `${h.pod}: no upstream answers`));
      out.push({
        status: 'fail',
        subject,
        messageId: 'no-healthy',
        data: { upstream: all.join(' ') || 'unknown', reason: 'no healthy upstream', failures: noHealthy.length },
        evidence,
        remediation: remediation(all.join(' ') || 'the upstreams', undefined),
      });
    }
    if (out.length > 0) return [merge(out)];
    return [
      pass(
        s,
        cf !== undefined,
        all,
        logs.map((l) => l.log.ref),
      ),
    ];
  },
};

/**
 * No failure seen. Whether upstreams answer is only in a CoreDNS log: a pass rests on one (with the
 * Corefile when there is one). The Corefile alone, or the node's resolv.conf, shows addresses, not
 * answers, and a pass on them would turn a fail into a pass when the log is dropped, so without a
 * log the verdict is unknown.
 */
function pass(
  s: Parameters<Rule['run']>[0],
  hasCorefile: boolean,
  all: readonly string[],
  logRefs: readonly FileRef[],
): Report {
  const subject = corefileSubject(s);
  if (logRefs.length === 0)
    return missingInputs(
      subject,
      all.some(isFileUpstream) ? ['host.resolv-conf', COREDNS_LOG_SOURCE] : [COREDNS_LOG_SOURCE],
    );
  if (!hasCorefile) return { status: 'pass', subject, messageId: 'ok-log', basis: basisOf(logRefs) };
  return {
    status: 'pass',
    subject,
    messageId: 'ok',
    data: { upstreams: all.join(' ') || 'none' },
    basis: basisOf(s.cluster.corefile, logRefs),
  };
}
