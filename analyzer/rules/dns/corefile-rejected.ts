// DNS-409: a Corefile CoreDNS refuses to load. CoreDNS parses the whole Corefile at start and exits
// on the first directive its build lacks (`Error during parsing: Unknown directive 'proxy'`) or a
// property its plugin no longer knows (`plugin/kubernetes: ... unknown property 'upstream'`): every
// pod crash-loops and DNS is gone. Plugins differ by release (coredns-plugins.ts), so the same
// ConfigMap that worked on 1.4 kills 1.5 (proxy) and 1.7 (kubernetes upstream) after an upgrade.
// Decided from the crash line in a CoreDNS log, or from the Corefile and the release CoreDNS runs
// (the image tag, or the `CoreDNS-x.y.z` banner in its log); the Corefile alone decides a directive
// no release ever had, and warns about one that only some releases accept. On k3s the directives
// the coredns-custom ConfigMap adds (`*.server` blocks, `*.override` lines) are checked the same way.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import type { CorefileDirective } from '../../parse/types.js';
import { embeddedLineEvidence, objectEvidence } from '../../model/evidence.js';
import { escapePointerToken } from '../../model/pointer.js';
import { parseCorefile } from '../../parse/corefile.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import {
  corednsDeployment,
  corednsLogs,
  corednsPods,
  isPodReady,
  logLineEvidence,
  searchLogs,
} from '../lib/cluster.js';
import { COREDNS_CM_SOURCE, COREDNS_LOG_SOURCE, corefileLines, corefileSubject } from './corefile.js';
import {
  COREFILE_REJECTED,
  RELOAD_REJECTED,
  UNKNOWN_DIRECTIVE,
  UNKNOWN_PROPERTY,
  VERSION_BANNER,
} from './coredns-log.js';
import {
  directiveInRelease,
  KNOWN_PROPERTIES,
  LATEST_KNOWN,
  parseVersion,
  propertyRemovedIn,
  REMOVED_PROPERTIES,
  type Version,
} from './coredns-plugins.js';

const EDIT = [
  'kubectl -n kube-system edit configmap coredns',
  'kubectl -n kube-system rollout restart deployment coredns',
  'kubectl -n kube-system logs -l k8s-app=kube-dns --tail=20',
];

interface Release {
  readonly version: Version;
  readonly text: string;
  readonly evidence: EvidenceRef;
  /** an image whose name says nothing of CoreDNS: a custom build may carry other plugins */
  readonly custom: boolean;
}

/** the release CoreDNS runs: the Deployment's (else a pod's) image tag, else the log banner */
function release(s: Snapshot): Release | undefined {
  const dep = corednsDeployment(s);
  type Owner = {
    ev: (ptr: string) => EvidenceRef;
    containers: readonly { name: string; image?: string }[];
    base: string;
  };
  const owners: Owner[] = [
    ...(dep
      ? [
          {
            ev: (ptr: string) => objectEvidence(dep, ptr, 'CoreDNS image'),
            containers: dep.obj.spec.template.spec.containers,
            base: '/spec/template/spec/containers',
          },
        ]
      : []),
    ...corednsPods(s).map((p) => ({
      ev: (ptr: string) => objectEvidence(p, ptr, 'CoreDNS image'),
      containers: p.obj.spec?.containers ?? [],
      base: '/spec/containers',
    })),
  ];
  for (const o of owners) {
    const i = o.containers.findIndex((c) => c.name === 'coredns' || /coredns/.test(c.image ?? ''));
    const image = i >= 0 ? o.containers[i]?.image : undefined;
    const tag = image ? /:v?(\d+\.\d+\.\d+)[^/]*$/.exec(image) : null;
    const v = tag ? parseVersion(tag[1] as string) : undefined;
    if (image && v)
      return {
        version: v,
        text: tag![1] as string,
        evidence: o.ev(`${o.base}/${i}/image`),
        custom: !/coredns/i.test(image),
      };
  }
  const banner = searchLogs(corednsLogs(s), VERSION_BANNER)[0];
  const bv = banner && parseVersion(banner.match[1] as string);
  if (banner && bv)
    return {
      version: bv,
      text: banner.match[1] as string,
      evidence: logLineEvidence(banner, 'CoreDNS version banner'),
      custom: false,
    };
  return undefined;
}

interface Placed {
  readonly d: CorefileDirective;
  readonly ev: (line: number, note: string) => EvidenceRef | undefined;
}

/** k3s imports `*.server` blocks and `*.override` directives from this ConfigMap (k3s-io/k3s#4397, #7639) */
export const K3S_COREDNS_CUSTOM = 'kube-system/coredns-custom';

/** the directives of every server block: the Corefile's, and on k3s those coredns-custom adds */
function topLevel(s: Snapshot): Placed[] {
  const out: Placed[] = (s.cluster.corefile?.value.servers ?? []).flatMap((sv) =>
    sv.plugins.map((d) => ({ d, ev: (line: number, note: string) => corefileLines(s, line, line, note) })),
  );
  const custom = s.cluster.configMaps.get(K3S_COREDNS_CUSTOM);
  for (const [key, text] of Object.entries(custom?.obj.data ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const server = key.endsWith('.server');
    if (!custom || (!server && !key.endsWith('.override'))) continue;
    // an .override is a list of directives spliced into the .:53 block: parse it as a server body
    const parsed = parseCorefile(server ? text : `. {\n${text}\n}\n`).value;
    const shift = server ? 0 : 1;
    const ref = { bundle: custom.ref.bundle, path: custom.ref.path, pointer: `/data/${escapePointerToken(key)}` };
    for (const d of parsed.servers.flatMap((sv) => sv.plugins)) {
      const at = {
        ...d,
        line: d.line - shift,
        ...(d.block ? { block: d.block.map((p) => ({ ...p, line: p.line - shift })) } : {}),
      };
      out.push({
        d: at,
        ev: (line: number, note: string) => embeddedLineEvidence(text, ref, line, line, `${key}: ${note}`),
      });
    }
  }
  return out;
}

/** the crash line, with the Corefile line it names when that line holds the named directive */
function fromLog(s: Snapshot, rel: Release | undefined): Report | undefined {
  // a crash in an earlier container is history when every CoreDNS pod is Ready now
  const pods = s.cluster.pods ? corednsPods(s) : [];
  const allReady = pods.length > 0 && pods.every((p) => isPodReady(p.obj));
  const hits = searchLogs(corednsLogs(s), COREFILE_REJECTED).filter((h) => !(h.log.previous && allReady));
  const atStart = hits.filter((h) => !RELOAD_REJECTED.test(h.line.raw));
  const hit = atStart[0] ?? hits[0];
  if (!hit) return undefined;
  const reload = atStart.length === 0;
  const error = hit.match[4] as string;
  const name = UNKNOWN_DIRECTIVE.exec(error)?.[1] ?? UNKNOWN_PROPERTY.exec(error)?.[1];
  const line = hit.match[3] ? Number(hit.match[3]) : undefined;
  const evidence: EvidenceRef[] = [logLineEvidence(hit, `${hit.pod}: CoreDNS rejects its Corefile`)];
  const cfLine = line !== undefined ? corefileLines(s, line, line, 'the line CoreDNS rejects') : undefined;
  if (cfLine && (name === undefined || cfLine.quote.includes(name))) evidence.push(cfLine);
  if (rel) evidence.push(rel.evidence);
  if (reload) {
    return {
      status: 'warn',
      subject: corefileSubject(s),
      messageId: 'rejected-reload',
      data: { error, pods: hit.pod, ...(name ? { directive: name } : {}), ...(line !== undefined ? { line } : {}) },
      evidence,
      remediation: {
        explanation: `The reload plugin refused the edited Corefile (${error}); CoreDNS still serves the previous one and will crash-loop on its next restart. Fix the ConfigMap before anything restarts CoreDNS.`,
        commands: [
          'kubectl -n kube-system edit configmap coredns',
          'kubectl -n kube-system logs -l k8s-app=kube-dns --tail=20',
        ],
      },
    };
  }
  return {
    status: 'fail',
    subject: corefileSubject(s),
    messageId: 'rejected-log',
    data: {
      error,
      pods: hit.pod,
      ...(name ? { directive: name } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(rel ? { version: rel.text } : {}),
    },
    evidence,
    remediation: {
      explanation: `CoreDNS exits at start on: ${error}. Remove or replace that line (proxy -> forward; drop kubernetes upstream/resyncperiod), then restart CoreDNS.`,
      commands: EDIT,
    },
  };
}

export const corefileRejected: Rule = {
  id: 'DNS-409',
  slug: 'corefile-rejected',
  layer: 'dns',
  severity: 'critical',
  title: 'CoreDNS refuses to load its Corefile',
  needs: [
    COREDNS_CM_SOURCE,
    COREDNS_LOG_SOURCE,
    'cluster.deployments',
    'cluster.pods',
    'cluster.configmap.kube-system.coredns-custom',
  ],
  decidesFrom: [
    [COREDNS_LOG_SOURCE],
    [COREDNS_CM_SOURCE, 'cluster.deployments'],
    [COREDNS_CM_SOURCE, 'cluster.pods'],
    [COREDNS_CM_SOURCE],
  ],
  docs: {
    why: "CoreDNS parses the whole Corefile at start and exits on a directive its build lacks or a property its plugin no longer accepts, so every CoreDNS pod crash-loops and all DNS fails. Plugins come and go between releases: proxy left in 1.5.0 (use forward), federation in 1.7.0, the kubernetes plugin's upstream and resyncperiod in 1.7.0 and its transfer in 1.8.0, so a ConfigMap kept across an upgrade is the usual cause.",
    fix: 'Edit the CoreDNS ConfigMap: replace `proxy` with `forward`, delete `upstream`/`resyncperiod` from the kubernetes block, move `transfer` out to the transfer plugin, fix typos; then restart CoreDNS and check its log.',
  },
  messages: {
    'rejected-log': 'CoreDNS rejects its Corefile: {error}',
    'rejected-reload':
      'the reload plugin refused the edited Corefile ({error}): CoreDNS runs the previous one and will not start on this one',
    'not-in-release': 'CoreDNS {version} has no {directive} plugin ({span}): it exits on line {line}',
    'removed-property':
      'CoreDNS {version} rejects `{directive}` in the {plugin} block (removed in {removed}): it exits on line {line}',
    'unknown-directive': 'no CoreDNS release has a {directive} plugin: CoreDNS exits on line {line}',
    'unknown-property': 'no CoreDNS release knows `{directive}` in a {plugin} block: CoreDNS exits on line {line}',
    'custom-build-directive':
      '{directive} on line {line} is no plugin of stock CoreDNS; the image {image} must carry it',
    'release-dependent':
      '{directive} on line {line} loads only on some CoreDNS releases ({span}); the bundle does not say which one runs',
    ok: 'CoreDNS {version} accepts every directive of the Corefile',
    'ok-any-release': 'every directive of the Corefile is accepted by current CoreDNS releases',
    'ok-log': 'the CoreDNS logs show no rejected Corefile',
  },
  explains: [{ rule: 'DNS-401', match: 'cluster' }],
  run(s) {
    const cf = s.cluster.corefile;
    const logs = corednsLogs(s);
    const subject = corefileSubject(s);
    if (!cf && logs.length === 0) return [missingInputs(subject, [COREDNS_CM_SOURCE, COREDNS_LOG_SOURCE])];
    const rel = release(s);
    const logged = fromLog(s, rel);
    if (logged) return [logged];
    if (!cf) return [{ status: 'pass', subject, messageId: 'ok-log', basis: basisOf(logs.map((l) => l.log.ref)) }];
    const custom = s.cluster.configMaps.get(K3S_COREDNS_CUSTOM);
    const out: Report[] = [];
    /** a block of a plugin whose properties are not modelled: only a log can say it loaded */
    let unchecked = false;
    const latest = parseVersion(LATEST_KNOWN) as Version;
    for (const { d, ev: evAt } of topLevel(s)) {
      const ev = evAt(d.line, `the ${d.name} directive`);
      const evidence = [...(ev ? [ev] : []), ...(rel ? [rel.evidence] : [])];
      const known = directiveInRelease(d.name, rel?.version ?? latest);
      if (!known) {
        if (rel?.custom)
          out.push({
            status: 'warn',
            subject,
            messageId: 'custom-build-directive',
            data: { directive: d.name, line: d.line, image: rel.text },
            evidence,
          });
        else
          out.push({
            status: 'fail',
            subject,
            messageId: 'unknown-directive',
            data: { directive: d.name, line: d.line },
            evidence,
            remediation: {
              explanation: `Remove or correct \`${d.name}\` (a typo, or a plugin only a custom build has).`,
              commands: EDIT,
            },
          });
        continue;
      }
      const span = `${known.since}${known.removed ? ` to before ${known.removed}` : ' and later'}`;
      if (!known.ok && rel) {
        out.push({
          status: 'fail',
          subject,
          messageId: 'not-in-release',
          data: { directive: d.name, version: rel.text, span, line: d.line },
          evidence,
          remediation: {
            explanation:
              d.name === 'proxy'
                ? 'proxy left CoreDNS in 1.5.0: write `forward` with the same upstreams.'
                : `Remove \`${d.name}\` or run a CoreDNS release that has it (${span}).`,
            commands: EDIT,
          },
        });
        continue;
      }
      if (!rel && known.removed)
        out.push({
          status: 'warn',
          subject,
          messageId: 'release-dependent',
          data: { directive: d.name, span, line: d.line },
          evidence,
        });
      const props = KNOWN_PROPERTIES[d.name];
      if (!props && (d.block?.length ?? 0) > 0) unchecked = true;
      for (const p of props ? (d.block ?? []) : []) {
        if (props?.has(p.name)) continue;
        const pev = evAt(p.line, `${d.name} ${p.name}`);
        out.push({
          status: 'fail',
          subject,
          messageId: 'unknown-property',
          data: { directive: p.name, plugin: d.name, line: p.line },
          evidence: pev ? [pev] : [],
          remediation: {
            explanation: `No CoreDNS release knows \`${p.name}\` in a ${d.name} block: remove or correct it.`,
            commands: EDIT,
          },
        });
      }
      for (const p of d.block ?? []) {
        if (!REMOVED_PROPERTIES[d.name]?.[p.name]) continue;
        const pev = evAt(p.line, `${d.name} ${p.name}`);
        const removed = rel ? propertyRemovedIn(d.name, p.name, rel.version) : undefined;
        if (rel && removed) {
          out.push({
            status: 'fail',
            subject,
            messageId: 'removed-property',
            data: { directive: p.name, plugin: d.name, version: rel.text, removed: removed.removed, line: p.line },
            evidence: [...(pev ? [pev] : []), rel.evidence],
            remediation: { explanation: removed.instead, commands: EDIT },
          });
        } else if (!rel) {
          const r = REMOVED_PROPERTIES[d.name]?.[p.name];
          out.push({
            status: 'warn',
            subject,
            messageId: 'release-dependent',
            data: { directive: `${d.name} ${p.name}`, span: `before ${r?.removed}`, line: p.line },
            evidence: pev ? [pev] : [],
          });
        }
      }
    }
    if (out.length > 0) return out;
    const logRefs = logs.map((l) => l.log.ref);
    if (unchecked && logRefs.length === 0) return [missingInputs(subject, [COREDNS_LOG_SOURCE])];
    return [
      rel
        ? {
            status: 'pass',
            subject,
            messageId: 'ok',
            data: { version: rel.text },
            basis: basisOf(cf, custom, rel.evidence, logRefs),
          }
        : { status: 'pass', subject, messageId: 'ok-any-release', basis: basisOf(cf, custom, logRefs) },
    ];
  },
};
