// SVC-308: kube-proxy refuses its own configuration and exits (or, before 1.26, silently runs a
// mode it was not given). Decided from its log (the fatal line it prints before exiting) or from the
// config itself, checked the way kube-proxy checks it: the kind and apiVersion it decodes, the modes
// it accepts, a clusterCIDR that parses. Unknown fields are not a rejection: since 1.17 kube-proxy
// logs "Using lenient decoding as strict decoding failed" and goes on.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import { CLUSTER, basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { lineAt, parseCidr, present } from '../lib/host.js';
import type { Snapshot } from '../../model/types.js';
import { proxyDeployment } from './kube-proxy-facts.js';
import { hitEvidence, proxyLogs, searchProxyLogs, type ProxyLog } from './kube-proxy-logs.js';
import { cmd, remedy, word } from '../../text/shell.js';

// 1.9-1.16: `error: v1alpha1.KubeProxyConfiguration: FeatureGates: ReadMapCB: expect { or n, ...`
// 1.10+:    `failed complete: no kind "Config" is registered for version "v1" in scheme ...`
// 1.18+:    `error loading config file "...": no kind "KubeProxyConfiguration" is registered ...`
// all:      `invalid configuration: KubeProxyConfiguration.Mode: Invalid value: ...`, `unknown flag: --x`
// 1.20-1.21: `unable to create proxier: CIDR 10.1.0.0/16 has incorrect IP version: expect isIPv6=true` (clusterCIDR
//           of the other family than the node IP kube-proxy detected)
// ≤1.25:    `Flag proxy-mode="ipvss" unknown, assuming iptables proxy` (≤1.18), `Unknown proxy mode "ipvss", assuming
//           iptables proxy` (1.19-1.20), `"Unknown proxy mode, assuming iptables proxy" proxyMode="ipvss"` (1.21-1.25)
const REJECTED =
  /failed complete: |error loading config file|no kind "[^"]*" is registered for version|KubeProxyConfiguration[.\w]*: (?:Invalid value|Required value|Unsupported value|Forbidden)|v1alpha1\.KubeProxyConfiguration(?:\.\w+)*: .*(?:ReadMapCB|ReadObject|readObjectStart|found unknown field|unmarshal)|invalid configuration: |error: no configuration has been provided|unable to create proxier: CIDR \S+ has incorrect IP version|kube-proxy exited: unknown flag|unknown flag: --|strict decoding error|Flag proxy-mode="[^"]+" unknown|Unknown proxy mode "[^"]+", assuming|Unknown proxy mode, assuming iptables proxy" proxyMode="[^"]+"/;
// a warning that kube-proxy went on with the lenient decoder (1.17+)
const LENIENT = /lenient decoding/i;
// shared journals (k3s, microk8s kubelite) carry other components' errors: keep kube-proxy's own
const SHARED_UNIT = /^journal\/(k3s|k3s-agent|snap\.microk8s\.daemon-kubelite)@/;

const MODES = new Set(['', 'iptables', 'ipvs', 'nftables', 'userspace', 'kernelspace']);
const SUBJECT: Subject = { kind: 'configmap', namespace: 'kube-system', name: 'kube-proxy' };

interface ConfigFault {
  readonly what: string;
  readonly evidence?: EvidenceRef;
}

/** what kube-proxy would refuse in the collected config.conf */
function configFaults(s: Snapshot): ConfigFault[] | undefined {
  const kp = s.cluster.kubeProxyConfig;
  if (!kp) return undefined;
  const raw = kp.value.raw;
  if (Object.keys(raw).length === 0) return undefined; // not parsed: a load problem says why
  const at = (key: string, note: string): EvidenceRef | undefined => {
    const line = kp.value.lines.get(key);
    return line !== undefined ? lineAt(s, kp.ref, line, note) : undefined;
  };
  const out: ConfigFault[] = [];
  if (raw.kind !== 'KubeProxyConfiguration')
    out.push({
      what: `kind ${raw.kind === undefined ? '(none)' : JSON.stringify(raw.kind)} is not KubeProxyConfiguration`,
      evidence: at('kind', 'kube-proxy decodes only kind KubeProxyConfiguration') ?? at('apiVersion', 'no kind'),
    });
  const api = raw.apiVersion;
  if (typeof api === 'string' && !/^kubeproxy\.config\.k8s\.io\/v1alpha1$|^componentconfig\/v1alpha1$/.test(api))
    out.push({
      what: `apiVersion ${JSON.stringify(api)} is not kubeproxy.config.k8s.io/v1alpha1`,
      evidence: at('apiVersion', 'an apiVersion kube-proxy does not decode'),
    });
  const mode = kp.value.mode;
  if (mode !== undefined && !MODES.has(mode.trim()))
    out.push({
      what: `mode ${JSON.stringify(mode)} is not one of iptables, ipvs, nftables`,
      evidence: at('mode', 'a mode kube-proxy does not know'),
    });
  const cc = kp.value.clusterCIDR?.trim();
  if (cc) {
    const bad = cc
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '' && parseCidr(c) === undefined);
    if (bad.length > 0)
      out.push({
        what: `clusterCIDR ${JSON.stringify(cc)} is not a CIDR`,
        evidence: at('clusterCIDR', 'kube-proxy validates clusterCIDR as CIDRs'),
      });
  }
  return out;
}

function logHits(logs: readonly ProxyLog[]) {
  return searchProxyLogs(logs, REJECTED).filter(
    (h) =>
      !LENIENT.test(h.line.raw) &&
      (!SHARED_UNIT.test(h.log.key) || /kube-proxy|proxier|KubeProxyConfiguration|proxy-mode/.test(h.line.raw)),
  );
}

export const kubeProxyConfigRejected: Rule = {
  id: 'SVC-308',
  slug: 'kube-proxy-config-rejected',
  layer: 'service',
  severity: 'critical',
  title: 'kube-proxy refuses its configuration',
  needs: ['cluster.configmap.kube-system.kube-proxy', 'cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
  decidesFrom: [
    ['cluster.configmap.kube-system.kube-proxy'],
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.pod-log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.journal.<kube-proxy unit>'],
  ],
  docs: {
    why: "kube-proxy reads its KubeProxyConfiguration (the kube-proxy ConfigMap's config.conf, or the file given with --config) and its flags at start-up. A file of the wrong kind (a kubeconfig passed as --config), an apiVersion or field type its version does not decode (a config written for another release), an unknown mode, a clusterCIDR that is not a CIDR or an unknown flag make it exit before it writes a single rule (the pod crash-loops, the unit restarts), so Services stop working on every node that reads that config. Before 1.26 an unknown mode did not exit: kube-proxy ran iptables instead, silently.",
    fix: 'Read the quoted line: it names the field. Fix config.conf (kubectl -n kube-system edit configmap kube-proxy) or the flags, so the kind is KubeProxyConfiguration with apiVersion kubeproxy.config.k8s.io/v1alpha1 and every value is one this kube-proxy version accepts, then restart kube-proxy.',
  },
  messages: {
    logged: 'kube-proxy on node {node} rejects its configuration: {what}',
    invalid: 'the kube-proxy config would be refused: {what}',
    accepted: 'kube-proxy accepts its configuration ({by})',
  },
  explains: [
    { rule: 'SVC-301', match: 'cluster' },
    { rule: 'SVC-303', match: 'cluster' },
  ],
  run(s) {
    if (proxyDeployment(s)?.style === 'absent') return [];
    const logs = proxyLogs(s);
    const out: Report[] = [];
    const seen = new Set<string>();
    for (const hit of logHits(logs)) {
      const node = hit.log.node ?? '';
      if (seen.has(node)) continue;
      seen.add(node);
      const what = hit.line.message.replace(/^\s*"?/, '').slice(0, 160);
      const unit = hit.log.key.startsWith('journal/') ? hit.log.key.slice('journal/'.length).split('@')[0] : undefined;
      out.push({
        status: 'fail',
        subject: node ? nodeSubject(node) : CLUSTER,
        messageId: 'logged',
        data: { node: node || 'unknown', what },
        evidence: [hitEvidence(hit, 'kube-proxy refuses its configuration here')],
        remediation: remedy(
          'The quoted line names what kube-proxy refused. Fix that value in its config or flags, then restart it.',
          unit
            ? [
                cmd`journalctl -u ${word('unit', unit)} --no-pager | grep -iE 'config|flag|invalid'`,
                cmd`systemctl restart ${word('unit', unit)}`,
              ]
            : [
                'kubectl -n kube-system get configmap kube-proxy -o yaml',
                'kubectl -n kube-system edit configmap kube-proxy',
                'kubectl -n kube-system rollout restart daemonset kube-proxy',
              ],
        ),
      });
    }
    const faults = configFaults(s);
    const kp = s.cluster.kubeProxyConfig;
    if (faults && faults.length > 0 && kp) {
      out.push({
        status: 'fail',
        subject: SUBJECT,
        messageId: 'invalid',
        data: { what: faults.map((f) => f.what).join('; ') },
        evidence: present(
          ...faults.map((f) => f.evidence),
          ...(faults.every((f) => !f.evidence) && kp.ref.pointer ? [lineAt(s, kp.ref, 1, 'config.conf')] : []),
        ),
        remediation: {
          explanation: 'Make config.conf a KubeProxyConfiguration this kube-proxy accepts, then restart kube-proxy.',
          commands: [
            'kubectl -n kube-system edit configmap kube-proxy',
            'kubectl -n kube-system rollout restart daemonset kube-proxy',
          ],
        },
      });
    }
    if (out.length > 0) return out;
    const read = logs.filter((l) => l.log.value.length > 0);
    if (faults === undefined && read.length === 0)
      return [
        missingInputs(CLUSTER, [
          'cluster.configmap.kube-system.kube-proxy',
          'cluster.log.kube-system.<kube-proxy pod>.kube-proxy',
        ]),
      ];
    const by = [faults !== undefined ? 'its config validates' : '', read.length > 0 ? 'its log shows no rejection' : '']
      .filter(Boolean)
      .join(', ');
    return [
      {
        status: 'pass',
        subject: CLUSTER,
        messageId: 'accepted',
        data: { by },
        basis: basisOf(kp && faults !== undefined ? kp : undefined, ...read.map((l) => l.log)),
      },
    ];
  },
};
