// Kubernetes component configs read from YAML: KubeProxyConfiguration (kube-proxy ConfigMap
// `config.conf`), KubeletConfiguration (/var/lib/kubelet/config.yaml) and kubeadm's
// ClusterConfiguration (kubeadm-config ConfigMap). Every key gets its 1-based line under a dotted
// path ("iptables.masqueradeAll", "clusterDNS.0") so findings can cite it.
//
// YAML 1.1 is used because Kubernetes reads these files with go-yaml v2 semantics (sigs.k8s.io/yaml),
// where `masqueradeAll: yes` is a boolean. A file holding several documents (a kubeadm --config
// file) is searched for the wanted kind. Zero values are kept as written ("" / 0s / null mean
// "component default", which rules must know, not the parser).
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import type { KubeletConfig, KubeProxyConfig } from './types.js';
import type { Parsed, ParseProblem } from '../core/problem.js';

type Lines = Map<string, number>;

/** Dotted key path -> 1-based line, for every mapping key and sequence item under `node`. */
export function collectKeyLines(node: unknown, lc: LineCounter, prefix: string, out: Lines): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const range = (pair.key as { range?: [number, number, number] }).range;
      if (range && !out.has(path)) out.set(path, lc.linePos(range[0]).line);
      collectKeyLines(pair.value, lc, path, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const path = `${prefix}.${i}`;
      const range = (item as { range?: [number, number, number] } | null)?.range;
      if (range && !out.has(path)) out.set(path, lc.linePos(range[0]).line);
      collectKeyLines(item, lc, path, out);
    });
  }
}

/**
 * The yaml library recurses once per flow-nesting level and can abort the whole process (an
 * out-of-memory crash, not an exception) on hostile input such as 100,000 nested `[`; it is also
 * slow on tens of megabytes. Component configs are a few KB and nest a few levels, so refuse
 * anything far outside that before parsing. Brackets inside strings count too: that can only
 * refuse an absurd file, never accept a dangerous one.
 */
export const MAX_YAML_DEPTH = 256;
export const MAX_YAML_CHARS = 16 * 1024 * 1024;
export function yamlInputProblem(text: string): string | undefined {
  if (text.length > MAX_YAML_CHARS)
    return `${text.length} characters is far more than a config file holds (limit ${MAX_YAML_CHARS}); not parsed (is it the right file?)`;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > MAX_YAML_DEPTH) return `nested more than ${MAX_YAML_DEPTH} levels deep (offset ${i}); not parsed`;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}

export interface LoadedYaml {
  readonly raw: Record<string, unknown>;
  readonly lines: Lines;
}

/** Parse YAML, pick the document of `kind`, report syntax errors with lines; never throws. */
export function loadKubeYaml(text: string, kind: string, apiGroup: string, problems: ParseProblem[]): LoadedYaml {
  const refused = yamlInputProblem(text);
  if (refused) {
    problems.push({ message: `${kind}: ${refused}`, severity: 'error' });
    return { raw: {}, lines: new Map() };
  }
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, version: '1.1', logLevel: 'silent' }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [];
  } catch (err) {
    problems.push({ message: `${kind}: YAML could not be read (${String(err)})`, severity: 'error' });
    return { raw: {}, lines: new Map() };
  }
  const kindOf = (d: Document.Parsed): unknown => (isMap(d.contents) ? d.contents.get('kind') : undefined);
  const doc = docs.find((d) => kindOf(d) === kind) ?? docs.find((d) => d.contents !== null) ?? docs[0];
  if (!doc) {
    problems.push({ message: `${kind}: the file is empty; expected a ${kind} YAML document`, severity: 'error' });
    return { raw: {}, lines: new Map() };
  }
  for (const e of doc.errors) {
    const line = e.linePos?.[0].line;
    problems.push({
      ...(line !== undefined ? { line } : {}),
      message: `${kind}: invalid YAML${line !== undefined ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}`,
      severity: 'error',
    });
  }
  for (const w of doc.warnings) {
    const line = w.linePos?.[0].line;
    problems.push({
      ...(line !== undefined ? { line } : {}),
      message: `${kind}: ${w.message.split('\n')[0]}`,
      severity: 'warning',
    });
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    problems.push({
      message: `${kind}: YAML could not be converted (${String(err).slice(0, 200)})`,
      severity: 'error',
    });
    js = undefined;
  }
  if (js === null || typeof js !== 'object' || Array.isArray(js)) {
    if (doc.errors.length === 0)
      problems.push({
        line: 1,
        message: `${kind}: expected a YAML mapping with "kind: ${kind}", got ${js === null || js === undefined ? 'nothing' : Array.isArray(js) ? 'a list' : typeof js}`,
        severity: 'error',
      });
    return { raw: {}, lines: new Map() };
  }
  const raw = js as Record<string, unknown>;
  const lines: Lines = new Map();
  collectKeyLines(doc.contents, lc, '', lines);
  if (raw.kind !== kind) {
    problems.push({
      line: lines.get('kind') ?? 1,
      message: `expected kind ${kind}, found ${raw.kind === undefined ? 'no kind' : JSON.stringify(raw.kind)}; values are read anyway, check that this is the right file`,
      severity: 'warning',
    });
  }
  const api = raw.apiVersion;
  if (typeof api !== 'string' || !api.startsWith(`${apiGroup}/`)) {
    problems.push({
      line: lines.get('apiVersion') ?? 1,
      message: `${kind}: expected apiVersion ${apiGroup}/..., found ${api === undefined ? 'none' : JSON.stringify(api)}`,
      severity: 'warning',
    });
  }
  return { raw, lines };
}

/** Typed reads from a loaded document; a wrong type is a warning with the key's line, and the value is dropped. */
class Fields {
  constructor(
    private readonly y: LoadedYaml,
    private readonly kind: string,
    private readonly problems: ParseProblem[],
  ) {}

  get(path: string): unknown {
    let cur: unknown = this.y.raw;
    for (const part of path.split('.')) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }

  private wrong(path: string, want: string, got: unknown): undefined {
    const line = this.y.lines.get(path);
    this.problems.push({
      ...(line !== undefined ? { line } : {}),
      message: `${this.kind}: ${path}${line !== undefined ? ` (line ${line})` : ''} should be ${want}, got ${JSON.stringify(got)?.slice(0, 80)}; the value is ignored`,
      severity: 'warning',
    });
    return undefined;
  }

  str(path: string): string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    // go-yaml would also refuse a number here, but a bare number is still what the user meant
    if (typeof v === 'string') return v;
    return this.wrong(path, 'a string', v);
  }

  bool(path: string): boolean | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.wrong(path, 'true or false', v);
  }

  num(path: string): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.wrong(path, 'a number', v);
  }

  /** number, or null as written (kubeadm writes `maxPerCore: null` = use the default) */
  numOrNull(path: string): number | null | undefined {
    return this.get(path) === null ? null : this.num(path);
  }

  strList(path: string): string[] | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return this.wrong(path, 'a list of strings', v);
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'string') out.push(item);
      else this.wrong(`${path}.${i}`, 'a string', item);
    });
    return out;
  }
}

/** Drop undefined members so optional fields are absent rather than present-and-undefined. */
function defined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function hasAny(o: Record<string, unknown>): boolean {
  return Object.keys(o).length > 0;
}

export function parseKubeProxyConfig(text: string): Parsed<KubeProxyConfig> {
  const problems: ParseProblem[] = [];
  const y = loadKubeYaml(text, 'KubeProxyConfiguration', 'kubeproxy.config.k8s.io', problems);
  const f = new Fields(y, 'KubeProxyConfiguration', problems);
  const iptables = defined({
    masqueradeAll: f.bool('iptables.masqueradeAll'),
    masqueradeBit: f.num('iptables.masqueradeBit'),
    syncPeriod: f.str('iptables.syncPeriod'),
    minSyncPeriod: f.str('iptables.minSyncPeriod'),
  });
  const ipvs = defined({
    scheduler: f.str('ipvs.scheduler'),
    strictARP: f.bool('ipvs.strictARP'),
    syncPeriod: f.str('ipvs.syncPeriod'),
  });
  const conntrack = defined({ maxPerCore: f.numOrNull('conntrack.maxPerCore'), min: f.numOrNull('conntrack.min') });
  const value: KubeProxyConfig = {
    ...defined({ mode: f.str('mode'), clusterCIDR: f.str('clusterCIDR'), bindAddress: f.str('bindAddress') }),
    ...(hasAny(iptables) ? { iptables } : {}),
    ...(hasAny(ipvs) ? { ipvs } : {}),
    ...(hasAny(conntrack) ? { conntrack } : {}),
    lines: y.lines,
    raw: y.raw,
  };
  return { value, problems };
}

export function parseKubeletConfig(text: string): Parsed<KubeletConfig> {
  const problems: ParseProblem[] = [];
  const y = loadKubeYaml(text, 'KubeletConfiguration', 'kubelet.config.k8s.io', problems);
  const f = new Fields(y, 'KubeletConfiguration', problems);
  const value: KubeletConfig = {
    ...defined({
      clusterDNS: f.strList('clusterDNS'),
      clusterDomain: f.str('clusterDomain'),
      resolvConf: f.str('resolvConf'),
      cgroupDriver: f.str('cgroupDriver'),
    }),
    lines: y.lines,
    raw: y.raw,
  };
  return { value, problems };
}

export interface KubeadmNetworking {
  readonly podSubnet?: string;
  readonly serviceSubnet?: string;
  readonly dnsDomain?: string;
  /** dotted paths of the whole document, e.g. "networking.podSubnet" */
  readonly lines: ReadonlyMap<string, number>;
}

export function parseKubeadmClusterConfig(text: string): Parsed<KubeadmNetworking> {
  const problems: ParseProblem[] = [];
  const y = loadKubeYaml(text, 'ClusterConfiguration', 'kubeadm.k8s.io', problems);
  const f = new Fields(y, 'ClusterConfiguration', problems);
  const value: KubeadmNetworking = {
    ...defined({
      podSubnet: f.str('networking.podSubnet'),
      serviceSubnet: f.str('networking.serviceSubnet'),
      dnsDomain: f.str('networking.dnsDomain'),
    }),
    lines: y.lines,
  };
  return { value, problems };
}
