// DNS-402: a forward upstream that cannot work. The article's incident: `forward . 233.5.5.5`, a
// typo of AliDNS 223.5.5.5 that is also a multicast address, so every forwarded query times out.
import type { EvidenceRef, Report, Rule } from '../types.js';
import { ipRange, isIp } from '../../model/net.js';
import { missingInputs } from '../lib/reports.js';
import { corednsLogs, logLineEvidence, searchLogs, type LogHit } from '../lib/cluster.js';
import { COREDNS_CM_SOURCE, corednsConfigMapSubject, corefileLines, forwardDirectives, isFileUpstream, upstreamAddress } from './corefile.js';
import { typoOf, UNUSABLE_RANGES } from './resolvers.js';

// [ERROR] plugin/errors: 2 example.com. A: read udp 10.244.0.2:45678->233.5.5.5:53: i/o timeout
const UPSTREAM_FAILURE = /plugin\/errors: .*->\s?\[?([0-9a-fA-F.:]+?)\]?:(\d+): (i\/o timeout|read: no route to host|read: connection refused|connect: connection refused|connect: network is unreachable)/;
const MAX_LOG_EVIDENCE = 3;

const subject = corednsConfigMapSubject;

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
  const replacement = suggestion ?? '<a reachable resolver, e.g. your network\'s DNS server>';
  return {
    explanation: `CoreDNS forwards every name outside the cluster to ${upstream}, which cannot answer. Replace it with ${replacement} (or /etc/resolv.conf) in the Corefile's forward line, then restart CoreDNS so the pods pick it up even if the reload plugin is missing.`,
    commands: [
      `kubectl -n kube-system edit configmap coredns   # forward . ${replacement}`,
      'kubectl -n kube-system rollout restart deployment coredns',
      'kubectl -n kube-system rollout status deployment coredns',
      `kubectl run dnscheck --rm -it --restart=Never --image=busybox:1.36 -- nslookup kubernetes.io ${suggestion ?? ''}`.trimEnd(),
    ],
  };
}

/** one finding per ConfigMap: the worst upstream leads, the others are named in {also} */
function merge(reports: readonly Report[]): Report {
  const sorted = [...reports].sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1));
  const lead = sorted[0] as Report;
  const rest = sorted.slice(1);
  const describe = (r: Report) => `${String(r.data?.upstream)} (${String(r.data?.reason)}${r.data?.suggestion ? `, did you mean ${String(r.data.suggestion)}?` : ''})`;
  const evidence: EvidenceRef[] = [];
  for (const e of sorted.flatMap((r) => r.evidence ?? [])) {
    if (!evidence.some((x) => x.path === e.path && x.line === e.line && x.pointer === e.pointer)) evidence.push(e);
  }
  return {
    ...lead,
    data: { ...lead.data, also: rest.length ? `; also ${rest.map(describe).join(', ')}` : '', upstreams: sorted.map((r) => String(r.data?.upstream)).join(' ') },
    evidence,
  };
}

export const corednsUpstreamUnusable: Rule = {
  id: 'DNS-402',
  slug: 'coredns-upstream-unusable',
  layer: 'dns',
  severity: 'critical',
  title: 'CoreDNS forwards to an upstream that cannot work',
  needs: [COREDNS_CM_SOURCE, 'cluster.log.kube-system.<coredns pod>.coredns'],
  docs: {
    why: 'Every query for a name outside the cluster goes to the forward upstreams. A multicast, loopback, reserved or unspecified address can never answer, an upstream that times out in the CoreDNS logs is unreachable from the pods, and an address one digit away from a well-known public resolver (233.5.5.5 for 223.5.5.5) is usually a typo. External names then fail with SERVFAIL after about 2 s each. Note: failed forwarding alone does not fail CoreDNS\'s /ready probe; when the pods are also NotReady, check the probes and the Corefile plugins too.',
    fix: 'Edit the coredns ConfigMap so `forward .` names reachable resolvers (or /etc/resolv.conf), then `kubectl -n kube-system rollout restart deployment coredns`.',
  },
  messages: {
    'bad-address': 'forward upstream {upstream} is a {range} address and can never answer DNS queries{also}',
    'bad-address-typo': 'forward upstream {upstream} is a {range} address and can never answer DNS queries: did you mean {suggestion} ({provider})?{also}',
    timeouts: 'forward upstream {upstream} failed {failures} times in the CoreDNS logs ({error}){also}',
    'timeouts-typo': 'forward upstream {upstream} failed {failures} times in the CoreDNS logs ({error}): did you mean {suggestion} ({provider})?{also}',
    typo: 'forward upstream {upstream} is one digit away from {provider} {suggestion}: check it is not a typo{also}',
    'resolv-conf-timeouts': 'upstream {upstream} (from the pods\' resolv.conf) failed {failures} times in the CoreDNS logs ({error}){also}',
    ok: 'forward upstreams look usable ({upstreams})',
  },
  explains: [{ rule: 'DNS-401', match: 'cluster' }],
  run(s) {
    const cf = s.cluster.corefile;
    if (!cf) return [missingInputs(subject, [COREDNS_CM_SOURCE])];
    const failures = failuresByUpstream(searchLogs(corednsLogs(s), UPSTREAM_FAILURE));
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
        const evidence: EvidenceRef[] = [...(line ? [line] : []), ...hits.slice(0, MAX_LOG_EVIDENCE).map((h) => logLineEvidence(h, `${h.pod}: query to ${ip} failed`))];
        const typoData: Record<string, string> = typo ? { suggestion: typo.ip, provider: typo.provider } : {};
        const base = { upstream: ip, range, ...typoData };
        if (UNUSABLE_RANGES.has(range)) {
          out.push({ status: 'fail', subject, messageId: typo ? 'bad-address-typo' : 'bad-address', data: { ...base, reason: range, failures: hits.length }, evidence, remediation: remediation(ip, typo?.ip) });
        } else if (hits.length > 0) {
          const error = (hits[0] as LogHit).match[3] as string;
          out.push({ status: 'fail', subject, messageId: typo ? 'timeouts-typo' : 'timeouts', data: { ...base, reason: 'timeouts', failures: hits.length, error }, evidence, remediation: remediation(ip, typo?.ip) });
        } else if (typo) {
          out.push({ status: 'warn', subject, messageId: 'typo', data: { ...base, reason: 'typo' }, evidence, remediation: remediation(ip, typo.ip) });
        }
      }
    }
    // forward . /etc/resolv.conf: the pods' upstreams are the nameservers of the node's resolv.conf
    if (all.some(isFileUpstream)) {
      for (const [ip, hits] of [...failures].sort(([a], [b]) => a.localeCompare(b))) {
        if (explicit.has(ip)) continue;
        const fwd = forwardDirectives(s).find((f) => f.to.some(isFileUpstream));
        const line = fwd && corefileLines(s, fwd.directive.line, fwd.directive.line, 'the forward line');
        const evidence = [...(line ? [line] : []), ...hits.slice(0, MAX_LOG_EVIDENCE).map((h) => logLineEvidence(h, `${h.pod}: query to ${ip} failed`))];
        const error = (hits[0] as LogHit).match[3] as string;
        out.push({ status: 'fail', subject, messageId: 'resolv-conf-timeouts', data: { upstream: ip, reason: 'timeouts', failures: hits.length, error }, evidence, remediation: remediation(ip, undefined) });
      }
    }
    if (out.length === 0) return [{ status: 'pass', subject, messageId: 'ok', data: { upstreams: all.join(' ') || 'none' } }];
    return [merge(out)];
  },
};
