// kube-proxy's own words, wherever the bundle holds them: its pod logs (kubectl or /var/log/pods),
// the journald units that carry it (systemd/snap kube-proxy, k3s and microk8s kubelite in-process),
// which node each belongs to, the flags it was started with (static pod manifest, snap args, k3s/RKE2
// kube-proxy-arg, the FLAG: lines it logs) and the proxy mode it was told and the one it started.
import type { EvidenceRef } from '../types.js';
import type { FileRef, Snapshot, Sourced } from '../../model/types.js';
import type { LogLine } from '../../parse/types.js';
import { knownLineEvidence } from '../../model/evidence.js';
import { sourceIdForPath } from '../../model/source-ids.js';
import { firstEntry } from '../../model/coverage.js';
import { PROXIER_LINE } from '../../model/derived.js';
import { lineAt } from '../lib/host.js';
import { PROXY_UNITS, isProxyPod, proxyDeployment, refOf, sortedHosts } from './kube-proxy-facts.js';

// ---------------------------------------------------------------- kube-proxy logs

export interface ProxyLog {
  /** `ns/pod/container[.previous]` for pod logs, `journal/<unit>` for journald */
  readonly key: string;
  readonly sourceId: string;
  /** the node it ran on, when the bundle says */
  readonly node?: string;
  readonly pod?: string;
  readonly previous: boolean;
  readonly log: Sourced<readonly LogLine[]>;
}

const bundleNode = (s: Snapshot, bundle: string): string | undefined => s.bundles.find((b) => b.id === bundle)?.node;

// the node IP kube-proxy says it found: `Successfully retrieved node IP: 10.66.66.3` (1.18-1.22),
// `"Successfully retrieved node IP(s)" IPs=["192.168.56.11"]` (1.27+), `"Detected node IP" address="..."`
const NODE_IP =
  /Successfully retrieved node IP(?:\(s\))?"?:?\s*(?:IPs=\[")?([0-9a-fA-F.:]+)|"Detected node IP" address="([0-9a-fA-F.:]+)"/;

/** the node a kube-proxy log belongs to, by the node IP it logged (nodes list addresses, else host addresses) */
function nodeOfLoggedIp(s: Snapshot, lines: readonly LogLine[]): string | undefined {
  let ip: string | undefined;
  for (const l of lines) {
    const m = NODE_IP.exec(l.raw);
    if (m && (m[1] ?? m[2]) !== '127.0.0.1') {
      ip = m[1] ?? m[2];
      break;
    }
  }
  if (!ip) return undefined;
  for (const n of s.cluster.nodes ?? [])
    if ((n.obj.status?.addresses ?? []).some((a) => a.address === ip)) return n.obj.metadata.name;
  for (const h of sortedHosts(s))
    if ((h.addrs?.value ?? []).some((l) => (l.addr_info ?? []).some((a) => a.local === ip))) return h.node;
  return undefined;
}

/**
 * Every collected kube-proxy log: its pods' logs (kubectl or /var/log/pods), and the journald
 * units that carry kube-proxy (systemd/snap kube-proxy, k3s and microk8s kubelite in-process).
 * Sorted by key, so the first hit is stable.
 */
export function proxyLogs(s: Snapshot): readonly ProxyLog[] {
  let got = logsCache.get(s);
  if (!got) logsCache.set(s, (got = findProxyLogs(s)));
  return got;
}

// a dozen rules ask, some once per node: each answer is a pass over every pod and log (and a
// search of the logs for the mode), so they are found once per snapshot, read-only like it
const logsCache = new WeakMap<Snapshot, readonly ProxyLog[]>();
const modeCache = new WeakMap<Snapshot, Map<string | undefined, ProxyMode | undefined>>();

function findProxyLogs(s: Snapshot): ProxyLog[] {
  const out: ProxyLog[] = [];
  const pods = s.cluster.pods
    ? new Map(
        s.cluster.pods
          .filter((p) => isProxyPod(p.obj))
          .map((p) => [`${p.obj.metadata.namespace ?? 'default'}/${p.obj.metadata.name}`, p]),
      )
    : undefined;
  const known = new Set([...(s.cluster.nodes ?? []).map((n) => n.obj.metadata.name), ...s.hosts.keys()]);
  for (const [key, log] of s.cluster.logs) {
    const m = /^([^/]+)\/([^/]+)\/([^/]+?)(\.previous)?$/.exec(key);
    if (!m) continue;
    const [, ns, pod, container, prev] = m as unknown as [string, string, string, string, string | undefined];
    if (container !== 'kube-proxy') continue;
    const obj = pods?.get(`${ns}/${pod}`);
    if (pods && !obj && !/^kube-proxy-/.test(pod)) continue;
    if (!pods && !/^kube-proxy-/.test(pod)) continue;
    // the pod's node; a static pod's name ends in its node; else the bundle that read the log on its host
    // the one node n with pod === `kube-proxy-${n}` (a lookup, not a scan of every node per log)
    const byName = pod.startsWith('kube-proxy-') && known.has(pod.slice(11)) ? pod.slice(11) : undefined;
    const node =
      obj?.obj.spec?.nodeName ??
      byName ??
      nodeOfLoggedIp(s, log.value) ??
      (log.ref.path.startsWith('host/') || !s.cluster.pods ? bundleNode(s, log.ref.bundle) : undefined);
    out.push({
      key,
      sourceId: sourceIdForPath(log.ref.path),
      ...(node ? { node } : {}),
      pod,
      previous: prev !== undefined,
      log,
    });
  }
  for (const h of sortedHosts(s)) {
    for (const unit of PROXY_UNITS.keys()) {
      const log = h.journal.get(unit);
      // `-- No entries --`: nothing ran under that unit (Charmed's snap kube-proxy logs under snap.kube-proxy.daemon)
      if (log && firstEntry(log.value))
        out.push({
          key: `journal/${unit}@${h.node}`,
          sourceId: sourceIdForPath(log.ref.path),
          node: h.node,
          previous: false,
          log,
        });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export interface ProxyLogHit {
  readonly log: ProxyLog;
  readonly line: LogLine;
  readonly match: RegExpExecArray;
}

/** lines of the given logs matching `re`, in file order */
export function searchProxyLogs(logs: readonly ProxyLog[], re: RegExp): ProxyLogHit[] {
  const out: ProxyLogHit[] = [];
  for (const l of logs) {
    for (const line of l.log.value) {
      const m = re.exec(line.raw);
      if (m) out.push({ log: l, line, match: m });
    }
  }
  return out;
}

export function hitEvidence(hit: ProxyLogHit, note?: string): EvidenceRef {
  return knownLineEvidence(hit.log.log.ref, hit.line.line, hit.line.raw, note);
}

// ---------------------------------------------------------------- flags kube-proxy was started with

export interface ProxyFlag {
  readonly value: string;
  readonly by: string;
  readonly evidence?: EvidenceRef;
  readonly ref: FileRef;
}

/**
 * A kube-proxy flag (`proxy-mode`, `cluster-cidr`) as its deployment states it: a static pod
 * manifest, snap/microk8s args, a k3s/RKE2 `kube-proxy-arg` list, or the `FLAG: --x="v"` lines
 * kube-proxy logs at -v=1 and above.
 */
export function proxyFlag(s: Snapshot, name: string): ProxyFlag | undefined {
  for (const h of sortedHosts(s)) {
    for (const sp of [...h.staticPods.values()].sort((a, b) => a.ref.path.localeCompare(b.ref.path))) {
      if (sp.value.component !== 'kube-proxy') continue;
      const f = sp.value.flags.get(name);
      if (f)
        return {
          value: f.value,
          by: 'kube-proxy static pod',
          evidence: lineAt(s, sp.ref, f.line, `--${name}`),
          ref: refOf(sp.ref),
        };
    }
    for (const key of ['snap/kube-proxy', 'microk8s/kube-proxy']) {
      const args = h.componentArgs.get(key);
      const f = args?.value.flags.get(name);
      if (args && f)
        return {
          value: f.value,
          by: `${key} args`,
          evidence: lineAt(s, args.ref, f.line, `--${name}`),
          ref: refOf(args.ref),
        };
    }
    for (const c of h.distroConfigs) {
      const list = c.value.values['kube-proxy-arg'];
      const items = Array.isArray(list) ? list : typeof list === 'string' ? [list] : [];
      const i = items.findIndex((x) => typeof x === 'string' && x.replace(/^--/, '').startsWith(`${name}=`));
      if (i >= 0) {
        const line = c.value.lines.get(`kube-proxy-arg.${i}`) ?? c.value.lines.get('kube-proxy-arg');
        return {
          value: String(items[i])
            .replace(/^--/, '')
            .slice(name.length + 1),
          by: `${c.value.distro} kube-proxy-arg`,
          evidence: line ? lineAt(s, c.ref, line, `--${name}`) : undefined,
          ref: refOf(c.ref),
        };
      }
    }
  }
  const re = new RegExp(`FLAG: --${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}="([^"]*)"`);
  const hit = searchProxyLogs(proxyLogs(s), re)[0];
  if (hit)
    return {
      value: hit.match[1] as string,
      by: 'kube-proxy log',
      evidence: hitEvidence(hit, `--${name} as kube-proxy logged it`),
      ref: refOf(hit.log.log.ref),
    };
  return undefined;
}

/** the k3s / RKE2 cluster-cidr a server config states: k3s hands it to its embedded kube-proxy */
export function distroClusterCidr(s: Snapshot): ProxyFlag | undefined {
  for (const h of sortedHosts(s)) {
    for (const c of h.distroConfigs) {
      const v = c.value.values['cluster-cidr'];
      if (typeof v !== 'string') continue;
      const line = c.value.lines.get('cluster-cidr');
      return {
        value: v,
        by: `${c.value.distro} cluster-cidr`,
        evidence: line ? lineAt(s, c.ref, line, 'the cluster-cidr k3s passes to kube-proxy') : undefined,
        ref: refOf(c.ref),
      };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- the proxy mode

export interface ProxyMode {
  /** iptables | ipvs | nftables | kernelspace | userspace, or what the config says verbatim */
  readonly value: string;
  readonly by: string;
  readonly evidence?: EvidenceRef;
  readonly ref: FileRef;
}

// the proxier line in every version's wording: PROXIER_LINE (analyzer/model/derived.ts)
const PROXIER = PROXIER_LINE;

/** the proxier kube-proxy last said it started, from its logs */
export function runningMode(s: Snapshot, node?: string): ProxyMode | undefined {
  let byNode = modeCache.get(s);
  if (!byNode) modeCache.set(s, (byNode = new Map()));
  if (!byNode.has(node)) byNode.set(node, findRunningMode(s, node));
  return byNode.get(node);
}

function findRunningMode(s: Snapshot, node: string | undefined): ProxyMode | undefined {
  const logs = proxyLogs(s).filter((l) => node === undefined || l.node === node);
  let best: ProxyLogHit | undefined;
  for (const hit of searchProxyLogs(logs, PROXIER)) best = hit;
  if (!best) return undefined;
  const value = (best.match[1] ?? best.match[2] ?? '').toLowerCase();
  return {
    value,
    by: 'kube-proxy log',
    evidence: hitEvidence(best, `kube-proxy started the ${value} proxier`),
    ref: refOf(best.log.log.ref),
  };
}

/** the mode kube-proxy is told to run in: config.conf `mode`, else a --proxy-mode flag; "" = the default */
export function configuredMode(s: Snapshot): ProxyMode | undefined {
  const kp = s.cluster.kubeProxyConfig;
  const mode = kp?.value.mode?.trim();
  if (kp && mode) {
    const line = kp.value.lines.get('mode');
    return {
      value: mode,
      by: 'kube-proxy config',
      evidence: line !== undefined ? lineAt(s, kp.ref, line, 'the configured mode') : undefined,
      ref: refOf(kp.ref),
    };
  }
  const flag = proxyFlag(s, 'proxy-mode');
  if (flag && flag.value !== '') return { value: flag.value, by: flag.by, evidence: flag.evidence, ref: flag.ref };
  return undefined;
}

/** what the node's Service rules are written by: the running proxier, else the configured mode, else the default */
export function effectiveMode(s: Snapshot): ProxyMode | undefined {
  const running = runningMode(s);
  if (running) return running;
  const configured = configuredMode(s);
  if (configured) return configured;
  const kp = s.cluster.kubeProxyConfig;
  if (kp)
    return {
      value: 'iptables',
      by: 'kube-proxy config (mode unset: the default)',
      evidence: kp.value.lines.has('mode')
        ? lineAt(s, kp.ref, kp.value.lines.get('mode') as number, 'mode left empty: iptables')
        : undefined,
      ref: refOf(kp.ref),
    };
  const d = proxyDeployment(s);
  if (d && d.style === 'embedded')
    return {
      value: 'iptables',
      by: `${d.by}, no --proxy-mode (the default)`,
      evidence: d.evidence,
      ref: d.basis[0] as FileRef,
    };
  return undefined;
}
