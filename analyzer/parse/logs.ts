// Container log parser: one LogLine per physical line, so evidence can cite any line.
// Understands `kubectl logs --timestamps` prefixes, klog headers (kube-proxy, flanneld, kubelet),
// CoreDNS `[LEVEL]` prefixes, logrus/logfmt `level=` lines and JSON lines. Multi-line records
// (klog `key=<` ... ` >` values, CoreDNS `Trace[...]` lines, indented continuations) point back at
// the line that started them with `continuationOf` and carry no level of their own, so a rule
// that counts errors counts records, not lines.
import type { LogLevel, LogLine } from './types.js';
import type { Parsed, ParseProblem } from '../core/problem.js';

/** A LogLine plus, for continuation lines, the 1-based line of the record they belong to. */
export interface LogLineParsed extends LogLine {
  readonly continuationOf?: number;
}

// kubectl logs --prefix: "[pod/<name>/<container>] " before everything else
const KUBECTL_PREFIX = /^\[pod\/[^\]\s]+\/[^\]\s]+\] /;
// kubectl --timestamps: RFC3339Nano then one space
const KUBECTL_TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;
// klog: Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg  (thread padding varies after copy/paste)
const KLOG = /^([IWEF])(\d{4}) (\d\d:\d\d:\d\d\.\d+) +(\d+) ([^ \]]+:\d+)\] ?/;
// CoreDNS: optional old "2018/08/15 14:37:17 " stamp, then "[LEVEL] "
const COREDNS = /^(?:(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) )?\[(INFO|WARNING|WARN|ERROR|FATAL|DEBUG|PANIC)\] ?/;
// CoreDNS <= 1.1 errors plugin: "03/Nov/2017:10:23:35 -0400 [ERROR 2 117.5.40.10.in-addr.arpa. PTR] unreachable
// backend: no upstream host" (coredns/coredns#1202): rcode, name and type inside the brackets
const COREDNS_OLD_ERROR = /^(?:(\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}) )?\[ERROR (\d+ [^\]]+)\] ?/;
// logrus text format: time="..." level=info msg="..."
const LOGFMT_LEVEL = /(?:^| )level=("?)(\w+)\1(?: |$)/;
const LOGFMT_TIME = /(?:^| )time="([^"]*)"/;
const LOGFMT_MSG = /(?:^| )msg="((?:[^"\\]|\\.)*)"/;
const TRACE = /^Trace\[\d+\]:/;

const KLOG_LEVELS: Record<string, LogLevel> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };

export function levelFromWord(word: string): LogLevel | undefined {
  switch (word.toLowerCase()) {
    case 'debug':
    case 'trace':
    case 'dbug':
      return 'debug';
    case 'info':
    case 'information':
    case 'notice':
      return 'info';
    case 'warn':
    case 'warning':
      return 'warning';
    case 'error':
    case 'err':
    case 'eror':
      return 'error';
    case 'fatal':
    case 'panic':
    case 'critical':
    case 'crit':
    case 'dpanic':
      return 'fatal';
    default:
      return undefined;
  }
}

interface Head {
  readonly level?: LogLevel;
  readonly time?: string;
  readonly message: string;
}

/** klog/zap JSON "ts" is seconds since the epoch as a float */
function epochSeconds(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const d = new Date(v * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function parseJsonLine(body: string): Head | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  const str = (...keys: string[]): string | undefined => {
    for (const k of keys) if (typeof o[k] === 'string') return o[k];
    return undefined;
  };
  const msg = str('msg', 'message', 'log') ?? body;
  const word = str('level', 'severity', 'lvl');
  // klog JSON format has no level field: error entries carry "err", info entries carry "v"
  const level = word !== undefined ? levelFromWord(word) : 'err' in o ? 'error' : 'v' in o ? 'info' : undefined;
  const ts = str('time', 'ts', 'timestamp') ?? epochSeconds(o.ts);
  return { ...(level ? { level } : {}), ...(ts ? { time: ts } : {}), message: msg };
}

function parseHead(body: string): Head | undefined {
  const k = KLOG.exec(body);
  if (k) return { level: KLOG_LEVELS[k[1]!]!, time: `${k[2]} ${k[3]}`, message: body.slice(k[0].length) };
  const c = COREDNS.exec(body);
  if (c) return { level: levelFromWord(c[2]!)!, ...(c[1] ? { time: c[1] } : {}), message: body.slice(c[0].length) };
  const o = body.includes('[ERROR ') ? COREDNS_OLD_ERROR.exec(body) : null;
  if (o) return { level: 'error', ...(o[1] ? { time: o[1] } : {}), message: `${o[2]}: ${body.slice(o[0].length)}` };
  if (body.startsWith('{') && body.trimEnd().endsWith('}')) {
    const j = parseJsonLine(body);
    if (j) return j;
  }
  if (body.includes('level=')) {
    const l = LOGFMT_LEVEL.exec(body);
    const level = l ? levelFromWord(l[2]!) : undefined;
    if (level) {
      const t = LOGFMT_TIME.exec(body);
      const m = LOGFMT_MSG.exec(body);
      return { level, ...(t ? { time: t[1]! } : {}), message: m ? m[1]!.replace(/\\"/g, '"') : body };
    }
  }
  return undefined;
}

export function parseLog(text: string): Parsed<LogLineParsed[]> {
  const problems: ParseProblem[] = [];
  const lines: LogLineParsed[] = [];
  // the record that indented/Trace/multi-line-value lines continue
  let recordLine: number | undefined;
  let inMultiLineValue = false;
  let nonText = 0;
  const raws = text.split('\n');
  if (raws.length > 0 && raws[raws.length - 1] === '') raws.pop();
  for (let i = 0; i < raws.length; i++) {
    let raw = raws[i]!;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const line = i + 1;
    // \u0000 and friends: count for one problem, keep the line as data
    if (/[\u0000-\u0008\u000e-\u001f]/.test(raw)) nonText++;
    let body = raw;
    let time: string | undefined;
    const prefix = body.startsWith('[pod/') ? KUBECTL_PREFIX.exec(body) : null;
    if (prefix) body = body.slice(prefix[0].length);
    const ts = KUBECTL_TS.exec(body);
    if (ts) {
      time = ts[1]!;
      body = body.slice(ts[0].length);
    }
    const head = parseHead(body);
    if (head) {
      inMultiLineValue = /=<\s*$/.test(body) || /\berr=\s*$/.test(body);
      recordLine = line;
      const t = time ?? head.time;
      lines.push({
        line,
        ...(t !== undefined ? { time: t } : {}),
        ...(head.level ? { level: head.level } : {}),
        message: head.message,
        raw,
      });
      continue;
    }
    const closesValue = inMultiLineValue && /^\s*>( |$)/.test(body);
    const continues = recordLine !== undefined && (inMultiLineValue || TRACE.test(body) || /^[ \t]/.test(body));
    if (closesValue) inMultiLineValue = false;
    if (continues) {
      lines.push({
        line,
        ...(time !== undefined ? { time } : {}),
        message: body.trim(),
        raw,
        continuationOf: recordLine!,
      });
      continue;
    }
    recordLine = undefined;
    lines.push({ line, ...(time !== undefined ? { time } : {}), message: body, raw });
  }
  if (nonText > 0) {
    const first = lines.find((l) => /[\u0000-\u0008\u000e-\u001f]/.test(l.raw));
    problems.push({
      ...(first ? { line: first.line } : {}),
      message: `${nonText} line(s) contain control characters; is this a binary file rather than a container log?`,
      severity: 'warning',
    });
  }
  return { value: lines, problems };
}
