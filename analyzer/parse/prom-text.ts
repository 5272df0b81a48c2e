// Prometheus text exposition format 0.0.4 (what kube-proxy's :10249/metrics and CoreDNS's :9153/metrics
// print): `# HELP name text`, `# TYPE name counter|gauge|histogram|summary|untyped`, and sample lines
// `name{label="value",...} value [timestamp-ms]`. Label values escape `\\`, `\"` and `\n`; HELP text
// escapes `\\` and `\n`; values may be `NaN`, `+Inf`, `-Inf`. A histogram is its `_bucket{le=...}`,
// `_sum` and `_count` samples. Pure and bounded: a line that does not parse is a problem with its line
// number and the rest still loads; at most MAX_SAMPLES samples and MAX_LABELS labels per sample are kept.
import type { Parsed, ParseProblem } from '../core/problem.js';

export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromFamily {
  readonly name: string;
  readonly type: PromType;
  readonly help?: string;
  /** 1-based line of its TYPE (or first HELP) line */
  readonly line: number;
}

export interface PromSample {
  /** the sample's own name: `x_bucket`, `x_sum`, `x_count` for a histogram `x` */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** milliseconds since the epoch, when the line has one */
  readonly timestamp?: number;
  readonly line: number;
}

export interface PromText {
  /** families declared by TYPE/HELP lines, by name (the first declaration wins) */
  readonly families: ReadonlyMap<string, PromFamily>;
  readonly samples: readonly PromSample[];
}

export const MAX_SAMPLES = 200_000;
export const MAX_LABELS = 64;
const MAX_LINE = 64 * 1024;
const MAX_PROBLEMS = 100;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** a Go strconv.ParseFloat-style value: decimal, exponent, NaN, ±Inf (case-insensitive) */
export function parsePromValue(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}

type LabelsResult = { labels: Record<string, string>; rest: string } | { error: string };

/** `{a="x",b="y\"z",}` at the start of `s` (s[0] === '{') */
function parseLabels(s: string): LabelsResult {
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 1;
  let count = 0;
  const skipWs = () => {
    while (s[i] === ' ' || s[i] === '\t') i++;
  };
  for (;;) {
    skipWs();
    if (s[i] === '}') return { labels, rest: s.slice(i + 1) };
    const name = LABEL_NAME.exec(s.slice(i))?.[0];
    if (!name) return { error: `bad label name at column ${i + 1}` };
    i += name.length;
    skipWs();
    if (s[i] !== '=') return { error: `expected = after label ${name}` };
    i++;
    skipWs();
    if (s[i] !== '"') return { error: `expected " to open the value of label ${name}` };
    i++;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) return { error: `unterminated value of label ${name}` };
      if (c === '"') break;
      if (c === '\\') {
        const n = s[i + 1];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else return { error: `bad escape \\${n ?? ''} in the value of label ${name}` };
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    if (name in labels) return { error: `label ${name} twice` };
    if (++count > MAX_LABELS) return { error: `more than ${MAX_LABELS} labels` };
    labels[name] = value;
    skipWs();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '}') return { labels, rest: s.slice(i + 1) };
    return { error: `expected , or } after label ${name}` };
  }
}

export function parsePromText(text: string): Parsed<PromText> {
  const families = new Map<string, PromFamily>();
  const helps = new Map<string, { help: string; line: number }>();
  const samples: PromSample[] = [];
  const problems: ParseProblem[] = [];
  const problem = (line: number, message: string, severity: 'error' | 'warning' = 'warning') => {
    if (problems.length < MAX_PROBLEMS) problems.push({ line, message, severity });
  };
  const lines = text.split('\n');
  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const raw = (lines[idx] as string).replace(/\r$/, '');
    if (raw.length > MAX_LINE) {
      problem(lineNo, `line longer than ${MAX_LINE} characters; ignored`);
      continue;
    }
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!m) continue; // a plain comment (or OpenMetrics `# EOF`)
      const [, kind, name = '', rest = ''] = m;
      if (!NAME.test(name) || NAME.exec(name)?.[0] !== name) {
        problem(lineNo, `${kind} line names "${name.slice(0, 80)}", not a metric name; ignored`);
        continue;
      }
      if (kind === 'HELP') {
        if (!helps.has(name)) helps.set(name, { help: unescapeHelp(rest), line: lineNo });
        const f = families.get(name);
        if (f && f.help === undefined) families.set(name, { ...f, help: unescapeHelp(rest) });
        continue;
      }
      const type = rest.trim();
      if (!TYPES.has(type)) {
        problem(lineNo, `TYPE ${type.slice(0, 40)} is not a Prometheus metric type; ${name} read as untyped`);
      }
      if (families.has(name)) {
        // CoreDNS 1.7.0 printed two families named coredns_dns_requests_total (two plugins registered it)
        problem(lineNo, `second TYPE line for ${name}; the first (line ${families.get(name)?.line}) is kept`);
        continue;
      }
      families.set(name, {
        name,
        type: TYPES.has(type) ? (type as PromType) : 'untyped',
        help: helps.get(name)?.help,
        line: lineNo,
      });
      continue;
    }
    const name = NAME.exec(line)?.[0];
    if (!name) {
      problem(lineNo, 'not a metric sample (no metric name); ignored');
      continue;
    }
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.trimStart().startsWith('{')) {
      const got = parseLabels(rest.trimStart());
      if ('error' in got) {
        problem(lineNo, `${name}: ${got.error}; sample ignored`);
        continue;
      }
      labels = got.labels;
      rest = got.rest;
    }
    if (rest !== '' && !/^[ \t]/.test(rest)) {
      problem(lineNo, `${name}: expected a space before the value; sample ignored`);
      continue;
    }
    const parts = rest.trim().split(/[ \t]+/);
    const value = parts[0] === undefined || parts[0] === '' ? undefined : parsePromValue(parts[0]);
    if (value === undefined) {
      problem(lineNo, `${name}: "${(parts[0] ?? '').slice(0, 40)}" is not a sample value; sample ignored`);
      continue;
    }
    let timestamp: number | undefined;
    if (parts.length > 2) {
      problem(lineNo, `${name}: text after the timestamp; sample ignored`);
      continue;
    }
    if (parts[1] !== undefined) {
      if (!/^-?\d{1,19}$/.test(parts[1])) {
        problem(lineNo, `${name}: "${parts[1].slice(0, 40)}" is not a timestamp in milliseconds; sample ignored`);
        continue;
      }
      timestamp = Number(parts[1]);
    }
    if (samples.length >= MAX_SAMPLES) {
      problem(lineNo, `more than ${MAX_SAMPLES} samples; the rest are not read`, 'error');
      break;
    }
    samples.push(
      timestamp === undefined
        ? { name, labels, value, line: lineNo }
        : { name, labels, value, timestamp, line: lineNo },
    );
  }
  return { value: { families, samples }, problems };
}

/** the family a sample belongs to: `x` for `x_bucket`/`x_sum`/`x_count` of a histogram or summary `x` */
export function familyOf(t: PromText, sampleName: string): PromFamily | undefined {
  const direct = t.families.get(sampleName);
  if (direct) return direct;
  const m = /^(.*)_(bucket|sum|count)$/.exec(sampleName);
  const f = m ? t.families.get(m[1] as string) : undefined;
  return f && (f.type === 'histogram' || f.type === 'summary') ? f : undefined;
}

/** samples named `name` whose labels include every `where` pair */
export function samplesOf(
  t: PromText,
  name: string,
  where: Readonly<Record<string, string>> = {},
): readonly PromSample[] {
  return t.samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
}

export interface HistogramBucket {
  readonly le: number;
  readonly count: number;
}

/**
 * A histogram's cumulative buckets summed over every label set matching `where` (e.g. the IPv4 and IPv6
 * proxiers of a dual-stack kube-proxy), with its count and sum; undefined when there is no `_count`.
 */
export function histogramOf(
  t: PromText,
  name: string,
  where: Readonly<Record<string, string>> = {},
): { buckets: readonly HistogramBucket[]; count: number; sum: number; line: number } | undefined {
  const counts = samplesOf(t, `${name}_count`, where);
  if (counts.length === 0) return undefined;
  const byLe = new Map<number, number>();
  for (const b of samplesOf(t, `${name}_bucket`, where)) {
    const le = b.labels.le === undefined ? undefined : parsePromValue(b.labels.le);
    if (le === undefined || Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + b.value);
  }
  const buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const count = counts.reduce((n, s) => n + s.value, 0);
  const sum = samplesOf(t, `${name}_sum`, where).reduce((n, s) => n + s.value, 0);
  return { buckets, count, sum, line: (counts[0] as PromSample).line };
}

/**
 * The smallest bucket bound at or under which at least `q` of the observations fall (an upper bound of
 * the q-quantile, not histogram_quantile's interpolation: a verdict should not rest on an estimate
 * finer than the buckets). Infinity when it is only in the +Inf bucket; undefined with no observations.
 */
export function quantileUpperBound(
  h: { buckets: readonly HistogramBucket[]; count: number },
  q: number,
): number | undefined {
  if (h.count <= 0) return undefined;
  const need = q * h.count;
  for (const b of h.buckets) if (b.count >= need) return b.le;
  return Infinity;
}
