// Parsers for the distribution-specific host sources (k3s/RKE2 config files, static pod
// manifests, snap args files, systemd unit lists, journald and /var/log/pods logs). Pure: text in,
// value and problems out. Every value keeps the 1-based line it came from, so evidence can cite it.
import { LineCounter, isMap, parseAllDocuments, type Document } from 'yaml';
import type { LogLine } from '../parse/types.js';
import type { Parsed, ParseProblem } from '../core/problem.js';
import { collectKeyLines, yamlInputProblem } from '../parse/kube-config.js';
import { parseLog } from '../parse/logs.js';

/** One flag as written: `--cluster-cidr=10.42.0.0/16` -> value `10.42.0.0/16`; a bare `--x` -> `true`. */
export interface FlagValue {
  readonly value: string;
  readonly line: number;
}

/** k3s / RKE2 config.yaml (or one of config.yaml.d/*): the YAML as data, each key's line. */
export interface DistroConfig {
  readonly distro: 'k3s' | 'rke2';
  readonly values: Readonly<Record<string, unknown>>;
  /** dotted key path -> line ("cluster-cidr", "kubelet-arg.0") */
  readonly lines: ReadonlyMap<string, number>;
}

/** A static pod manifest (/etc/kubernetes/manifests/*.yaml, RKE2 agent/pod-manifests/*.yaml). */
export interface StaticPod {
  readonly name?: string;
  readonly namespace?: string;
  /** labels.component, else labels.k8s-app, else the first container's name ("kube-proxy") */
  readonly component?: string;
  readonly images: readonly string[];
  /** the first container's command + args flags, `--name` without dashes -> value */
  readonly flags: ReadonlyMap<string, FlagValue>;
  readonly lines: ReadonlyMap<string, number>;
}

/** A snap / microk8s args file: one flag per line (`--cluster-cidr=10.1.0.0/16`, `--v 2`). */
export interface ComponentArgs {
  readonly flags: ReadonlyMap<string, FlagValue>;
}

/** host/systemd-units.txt: the unit files the collector found, one path per line. */
export interface SystemdUnit {
  /** unit name without `.service` ("k3s", "snap.kube-proxy.daemon") */
  readonly unit: string;
  readonly path: string;
  readonly line: number;
}

function loadYamlDocs(
  text: string,
  what: string,
  problems: ParseProblem[],
): { docs: Document.Parsed[]; lc: LineCounter } {
  const lc = new LineCounter();
  const refused = yamlInputProblem(text);
  if (refused) {
    problems.push({ message: `${what}: ${refused}`, severity: 'error' });
    return { docs: [], lc };
  }
  try {
    const docs = parseAllDocuments(text, { lineCounter: lc, version: '1.1', logLevel: 'silent' });
    const list = Array.isArray(docs) ? (docs as Document.Parsed[]) : [];
    for (const d of list) {
      for (const e of d.errors) {
        const line = e.linePos?.[0].line;
        problems.push({
          ...(line !== undefined ? { line } : {}),
          message: `${what}: invalid YAML${line !== undefined ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}`,
          severity: 'error',
        });
      }
    }
    return { docs: list, lc };
  } catch (err) {
    problems.push({ message: `${what}: YAML could not be read (${String(err).slice(0, 200)})`, severity: 'error' });
    return { docs: [], lc };
  }
}

function toRecord(doc: Document.Parsed | undefined): Record<string, unknown> | undefined {
  if (!doc || !isMap(doc.contents)) return undefined;
  try {
    const js: unknown = doc.toJS({ maxAliasCount: 100 });
    return js !== null && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function parseDistroConfig(distro: 'k3s' | 'rke2'): (text: string) => Parsed<DistroConfig> {
  return (text) => {
    const problems: ParseProblem[] = [];
    const what = `${distro} config`;
    const { docs, lc } = loadYamlDocs(text, what, problems);
    const doc = docs.find((d) => d.contents !== null);
    const values = toRecord(doc) ?? {};
    const lines = new Map<string, number>();
    if (doc) collectKeyLines(doc.contents, lc, '', lines);
    if (doc && !toRecord(doc) && problems.length === 0)
      problems.push({
        line: 1,
        message: `${what}: expected a YAML mapping of flag names to values`,
        severity: 'error',
      });
    return { value: { distro, values, lines }, problems };
  };
}

/**
 * The flags of a k3s / k3s-agent unit's ExecStart (`INSTALL_K3S_EXEC` ends up there), as a
 * DistroConfig keyed like config.yaml (`flannel-backend`, `cluster-cidr`; a bare flag is `true`,
 * a repeated one a list), each with the line it is on.
 */
export function parseUnitExecStart(distro: 'k3s' | 'rke2'): (text: string) => Parsed<DistroConfig> {
  return (text) => {
    const values: Record<string, unknown> = {};
    const lines = new Map<string, number>();
    const words: { w: string; line: number }[] = [];
    const raws = text.split('\n');
    const start = raws.findIndex((l) => /^\s*ExecStart=/.test(l));
    for (let i = start; start !== -1 && i < raws.length; i++) {
      const raw = raws[i]!.replace(/\r$/, '');
      const body = (i === start ? raw.replace(/^\s*ExecStart=/, '') : raw).replace(/\\\s*$/, '');
      for (const m of body.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g))
        words.push({ w: m[1] ?? m[2] ?? m[3]!, line: i + 1 });
      if (!/\\\s*$/.test(raw)) break;
    }
    for (let i = 0; i < words.length; i++) {
      const { w, line } = words[i]!;
      if (!w.startsWith('--')) continue;
      const next = words[i + 1]?.w;
      const eq = w.indexOf('=');
      const name = eq === -1 ? w.slice(2) : w.slice(2, eq);
      let value: string;
      if (eq !== -1) value = w.slice(eq + 1);
      else if (next !== undefined && !next.startsWith('-')) {
        value = next;
        i++;
      } else value = 'true';
      const v: unknown = value === 'true' ? true : value;
      const had = values[name];
      values[name] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
      if (!lines.has(name)) lines.set(name, line);
    }
    const problems =
      start === -1 ? [{ message: `${distro} unit: no ExecStart= line`, severity: 'warning' as const }] : [];
    return { value: { distro, values, lines }, problems };
  };
}

/** `--name=value`, `--name value` or `--name` -> [name, value]; anything else undefined */
export function splitFlag(arg: string, next?: string): [string, string] | undefined {
  const m = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)(?:=(.*))?$/.exec(arg.trim());
  if (!m) return undefined;
  if (m[2] !== undefined) return [m[1]!, unquote(m[2])];
  if (next !== undefined && !next.startsWith('-')) return [m[1]!, unquote(next)];
  return [m[1]!, 'true'];
}

const unquote = (v: string): string => (/^(["']).*\1$/.test(v) ? v.slice(1, -1) : v);

export function parseStaticPod(text: string): Parsed<StaticPod> {
  const problems: ParseProblem[] = [];
  const { docs, lc } = loadYamlDocs(text, 'static pod manifest', problems);
  const doc = docs.find((d) => toRecord(d)?.kind === 'Pod') ?? docs.find((d) => d.contents !== null);
  const pod = toRecord(doc) ?? {};
  const lines = new Map<string, number>();
  if (doc) collectKeyLines(doc.contents, lc, '', lines);
  const meta = (pod.metadata ?? {}) as Record<string, unknown>;
  const labels = (meta.labels ?? {}) as Record<string, unknown>;
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const containers = Array.isArray(spec.containers) ? (spec.containers as Record<string, unknown>[]) : [];
  const first = containers[0] ?? {};
  const flags = new Map<string, FlagValue>();
  for (const field of ['command', 'args'] as const) {
    const list = first[field];
    if (!Array.isArray(list)) continue;
    list.forEach((arg, i) => {
      if (typeof arg !== 'string') return;
      // `sh -c "kube-proxy --a=b --c=d"` (RKE2 and some installers) holds the flags in one string
      const words = arg.includes(' --') ? arg.split(/\s+/) : [arg];
      for (const w of words) {
        const f = splitFlag(w);
        if (f) flags.set(f[0], { value: f[1], line: lines.get(`spec.containers.0.${field}.${i}`) ?? 1 });
      }
    });
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  if (pod.kind !== undefined && pod.kind !== 'Pod')
    problems.push({
      line: lines.get('kind') ?? 1,
      message: `static pod manifest: expected kind Pod, found ${JSON.stringify(pod.kind)}`,
      severity: 'warning',
    });
  return {
    value: {
      name: str(meta.name),
      namespace: str(meta.namespace),
      component: str(labels.component) ?? str(labels['k8s-app']) ?? str(first.name),
      images: containers.map((c) => str(c.image)).filter((s): s is string => s !== undefined),
      flags,
      lines,
    },
    problems,
  };
}

export function parseArgsFile(text: string): Parsed<ComponentArgs> {
  const flags = new Map<string, FlagValue>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const sp = line.search(/[ \t]/);
    const f = sp === -1 || line.includes('=') ? splitFlag(line) : splitFlag(line.slice(0, sp), line.slice(sp).trim());
    if (f) flags.set(f[0], { value: f[1], line: i + 1 });
  });
  return { value: { flags }, problems: [] };
}

export function parseSystemdUnits(text: string): Parsed<readonly SystemdUnit[]> {
  const out: SystemdUnit[] = [];
  text.split('\n').forEach((raw, i) => {
    const path = raw.trim();
    if (!path.startsWith('/')) return;
    const base = path.slice(path.lastIndexOf('/') + 1);
    out.push({ unit: base.replace(/\.service$/, ''), path, line: i + 1 });
  });
  return { value: out, problems: [] };
}

// CRI (containerd, CRI-O): `2024-01-15T10:00:00.123456789Z stderr F message`
const CRI = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (?:stdout|stderr) [FP] ?/;
// journalctl -o short-iso: `2024-01-15T10:00:00+0000 host k3s[812]: message` (newer: with `.123456`)
const JOURNAL = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?)(?:([+-]\d\d):?(\d\d)|Z) \S+ [^\s:[]+(?:\[\d+\])?: ?/;

/** a host log line in the form parseLog reads (`<RFC3339> <message>`), or the line itself */
function normalizeHostLogLine(raw: string): string {
  const c = CRI.exec(raw);
  if (c) return `${c[1]} ${raw.slice(c[0].length)}`;
  if (raw.startsWith('{"log":')) {
    // docker json-file (dockershim kubelets): {"log":"msg\n","stream":"stderr","time":"..."}
    try {
      const o = JSON.parse(raw) as { log?: unknown; time?: unknown };
      if (typeof o.log === 'string')
        return `${typeof o.time === 'string' ? `${o.time} ` : ''}${o.log.replace(/\r?\n$/, '').replace(/\n/g, ' ')}`;
    } catch {
      return raw;
    }
  }
  const j = JOURNAL.exec(raw);
  if (j) return `${j[1]!.replace(',', '.')}${j[2] ? `${j[2]}:${j[3]}` : 'Z'} ${raw.slice(j[0].length)}`;
  return raw;
}

/**
 * Logs read on the host (/var/log/pods CRI or docker json-file lines, journalctl short-iso):
 * the envelope each line carries is read as its timestamp, the rest is parsed as a component log.
 * `raw` stays the line as collected, so evidence quotes the bundle.
 */
export function parseHostLog(text: string): Parsed<readonly LogLine[]> {
  const raws = text.split('\n');
  const normalized = raws.map((r) => (r.endsWith('\r') ? r.slice(0, -1) : r)).map(normalizeHostLogLine);
  const parsed = parseLog(normalized.join('\n'));
  const value = parsed.value.map((l) => {
    const raw = raws[l.line - 1];
    return raw === undefined ? l : { ...l, raw: raw.endsWith('\r') ? raw.slice(0, -1) : raw };
  });
  return { value, problems: parsed.problems };
}
