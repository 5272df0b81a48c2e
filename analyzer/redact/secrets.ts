// Secret removal in free text (logs, YAML, command output, and every JSON string value).
// Each detector replaces only the secret itself with a consistent token, so the text around it
// (timestamps, keys, flags, line breaks) and the line numbers evidence points at stay the same.
import type { Counts } from './counts.js';
import { secretToken, type RedactKey } from './key.js';
import { isExemptValue, isSensitiveName } from './sensitive.js';

export interface SecretContext {
  readonly key: RedactKey;
  readonly counts: Counts;
}

export function replaceSecret(ctx: SecretContext, kind: string, value: string): string {
  ctx.counts.add(`secret.${kind}`);
  return secretToken(ctx.key, kind, value);
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,60})-----/g;
const PEM_BODY_RUN = /[A-Za-z0-9+/]{16,}={0,2}/g;
/** a PEM block may be split into real lines or JSON-escaped `\n`s, each maybe with a log prefix */
const LINE_SPLIT = /(\\r\\n|\\n|\r?\n)/;
const MAX_PEM_LINES = 400;

function pemKind(label: string): string {
  if (label.includes('PRIVATE KEY')) return 'pem-private-key';
  if (label.includes('CERTIFICATE')) return 'pem-certificate';
  return 'pem';
}

/** PEM blocks: the BEGIN/END markers and every base64 body run in between become the token. */
export function redactPem(text: string, ctx: SecretContext): string {
  if (!text.includes('-----BEGIN ')) return text;
  const parts = text.split(LINE_SPLIT); // odd indexes are separators
  let i = 0;
  while (i < parts.length) {
    const seg = parts[i]!;
    PEM_BEGIN.lastIndex = 0;
    const m = PEM_BEGIN.exec(seg);
    if (!m) {
      i += 2;
      continue;
    }
    const label = m[1]!;
    const endMarker = `-----END ${label}-----`;
    // collect the block's segments: to the END marker, or (cut-off logs) while lines carry base64
    let last = i;
    let body = seg.slice(m.index);
    for (let j = i + 2, n = 0; j < parts.length && n < MAX_PEM_LINES; j += 2, n++) {
      const s = parts[j]!;
      if (s.includes(endMarker)) {
        last = j;
        body += s;
        break;
      }
      if (!/[A-Za-z0-9+/]{16,}|^[A-Za-z-]+: /.test(s.trim()) && !s.includes('=')) break;
      last = j;
      body += s;
    }
    const token = replaceSecret(ctx, pemKind(label), body.replace(/\s+/g, ''));
    for (let j = i; j <= last; j += 2) {
      let s = parts[j]!;
      if (j === i) s = s.slice(0, m.index) + token + s.slice(m.index + m[0].length).replace(PEM_BODY_RUN, token);
      else s = s.replace(endMarker, '').replace(PEM_BODY_RUN, token);
      parts[j] = s;
    }
    i = last + 2;
  }
  return parts.join('');
}

interface Pattern {
  readonly kind: string;
  readonly re: RegExp;
  /** index of the capture group holding the secret (0 = whole match) */
  readonly group: number;
}

// Well-known token shapes. Each must be specific enough never to hit an IP, a name or a hash
// the analyzer reads (chain names like KUBE-SVC-ERIFXISQEP7F7OF4 are upper-case base32 of 16).
// Every repetition is bounded, so each pattern runs in linear time on any input.
const PATTERNS: readonly Pattern[] = [
  { kind: 'pem-base64', re: /LS0tLS1CRUdJTi[A-Za-z0-9+/]{8,}={0,2}/g, group: 0 },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g, group: 0 },
  { kind: 'bearer', re: /\b[Bb]earer(?:\s+|%20)((?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{8,}=*)/g, group: 1 },
  { kind: 'basic-auth', re: /\bAuthorization:\s*Basic\s+([A-Za-z0-9+/]{6,}={0,2})/gi, group: 1 },
  {
    kind: 'slack-webhook',
    re: /\bhooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/-]{8,300})/g,
    group: 1,
  },
  // userinfo of a URL; the user may be empty (`redis://:password@host`)
  {
    kind: 'url-password',
    re: /\b[a-zA-Z][a-zA-Z0-9+.-]{0,20}:\/\/[^\s:/@'"`<>]{0,256}:([^\s@/'"`<>]{1,256})@/g,
    group: 1,
  },
  { kind: 'aws-access-key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, group: 0 },
  { kind: 'gcp-api-key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, group: 0 },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g, group: 0 },
  { kind: 'gitlab-token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, group: 0 },
  { kind: 'slack-token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, group: 0 },
  { kind: 'stripe-key', re: /\b[rs]k_live_[0-9A-Za-z]{16,}\b/g, group: 0 },
  { kind: 'npm-token', re: /\bnpm_[A-Za-z0-9]{36}\b/g, group: 0 },
  { kind: 'sas-signature', re: /[?&]sig=([A-Za-z0-9%+/=]{16,})/g, group: 1 },
  // kubeadm bootstrap token `abcdef.0123456789abcdef`; not part of a longer dotted name
  { kind: 'bootstrap-token', re: /(?<![\w.-])[a-z0-9]{6}\.(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{16}(?![\w.-])/g, group: 0 },
  // CoreDNS `etcd` plugin: `credentials USERNAME PASSWORD`
  {
    kind: 'coredns-credentials',
    re: /^([ \t]{0,256}credentials[ \t]{1,64}[^\s]{1,256}[ \t]{1,64})([^\s]{1,1024})/gm,
    group: 2,
  },
];

/** where our own tokens are in `text`: a pass never matches inside them (it would feed on its own output) */
const OWN_TOKEN = /REDACTED-[a-z0-9-]{1,80}-[a-z2-7]{10}/g;

/** start and end offsets of our tokens, in order */
function tokenSpans(text: string): number[] {
  const out: number[] = [];
  if (text.includes('REDACTED-')) for (const m of text.matchAll(OWN_TOKEN)) out.push(m.index, m.index + m[0].length);
  return out;
}

/** does [start, end) overlap a token? (binary search over the sorted spans) */
function overlapsToken(spans: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[2 * mid + 1]! <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length / 2 && spans[2 * lo]! < end;
}

/** a value cut before the first of our tokens in it: [the part to redact, the rest kept as it is] */
function cutAtToken(v: string): [string, string] {
  const i = v.indexOf('REDACTED-');
  if (i < 0) return [v, ''];
  const head = v.slice(0, i).trimEnd();
  return [head, v.slice(head.length)];
}

function applyPattern(text: string, p: Pattern, ctx: SecretContext): string {
  let spans: number[] | undefined;
  return text.replace(p.re, (whole: string, ...rest: unknown[]) => {
    const offset = rest[rest.length - 2] as number;
    spans ??= tokenSpans(text);
    if (overlapsToken(spans, offset, offset + whole.length)) return whole;
    const secret = p.group === 0 ? whole : (rest[p.group - 1] as string | undefined);
    if (!secret || isExemptValue(secret)) return whole;
    const at = p.group === 0 ? 0 : whole.lastIndexOf(secret);
    return whole.slice(0, at) + replaceSecret(ctx, p.kind, secret) + whole.slice(at + secret.length);
  });
}

// `mysql -h db -u root -pPASSWORD` (mysql, mysqldump, mariadb...): `-p` glued to its value
const MYSQL_CMD =
  /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump)(?![\w.:/-])[^\n;|&]{0,400}/g;
const MYSQL_P = /(\s)-p([^\s'"`;|&]{1,256})/g;

export function redactMysqlPasswords(text: string, ctx: SecretContext): string {
  if (!/mysql|mariadb/.test(text)) return text;
  return text.replace(MYSQL_CMD, (cmd: string) =>
    cmd.replace(MYSQL_P, (whole, sp: string, pw: string) =>
      isExemptValue(pw) ? whole : `${sp}-p${replaceSecret(ctx, 'mysql-password', pw)}`,
    ),
  );
}

function unquote(v: string): { inner: string; pre: string; post: string } {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return { inner: v.slice(1, -1), pre: v[0]!, post: v[0]! };
  }
  return { inner: v, pre: '', post: '' };
}

// `key: value` on its own YAML line: the whole rest of the line (up to a ` #` comment) is the value.
// Matched per line with a bounded head; the value is cut with indexOf-style scans, never a lazy
// `.*?` against a trailing group (that was quadratic on long runs of spaces).
const YAML_HEAD = /^[ \t]{0,256}(?:- )?["']?([A-Za-z0-9_.-]{1,80})["']?[ \t]{0,16}:[ \t]+/;

function redactYamlLine(line: string, ctx: SecretContext): string {
  const m = YAML_HEAD.exec(line);
  if (!m || !isSensitiveName(m[1]!)) return line;
  const head = m[0];
  let rest = line.slice(head.length);
  let eol = '';
  if (rest.endsWith('\r')) {
    eol = '\r';
    rest = rest.slice(0, -1);
  }
  if (/^[|>][-+]?[ \t]*$/.test(rest)) return line; // a block scalar: its lines follow
  let comment = '';
  const hash = rest.search(/[ \t]#/);
  if (hash >= 0) {
    let s = hash;
    while (s > 0 && (rest[s - 1] === ' ' || rest[s - 1] === '\t')) s--;
    comment = rest.slice(s);
    rest = rest.slice(0, s);
  }
  let comma = '';
  if (rest.endsWith(',')) {
    comma = ',';
    rest = rest.slice(0, -1);
  }
  const { inner: whole, pre, post } = unquote(rest.trim());
  const [inner, kept] = cutAtToken(whole);
  if (isExemptValue(inner)) return line;
  const lead = rest.slice(0, rest.length - rest.trimStart().length);
  return `${head}${lead}${pre}${replaceSecret(ctx, 'key-value', inner)}${kept}${post}${comma}${comment}${eol}`;
}

// `KEY=value`, `--flag=value`, `--flag value`, `"key": "value"`, `key: value` inside a line. First
// the name and operator are found (bounded), then the value is read at that place only when the
// name is sensitive; a rejected name only moves the search past its first character, so a
// rejected candidate (`REDACTED-aws-access-key-… aws_secret_access_key=…`) never hides the next.
const INLINE_NAME =
  /(^|[\s{,;([&?'"])(-{1,2})?([A-Za-z_][A-Za-z0-9_.-]{0,119})(["']?)([ \t]{0,16}[=:][ \t]{0,16}|[ \t]{1,16})/gm;
const INLINE_VALUE =
  /\$\{[^}\s]{0,200}\}|\$\([^)\s]{0,200}\)|"(?:[^"\\\n]|\\.){0,4096}"|'[^'\n]{0,4096}'|[^\s"',;}\]&]{1,4096}/y;

export function redactInline(text: string, ctx: SecretContext): string {
  const out: string[] = [];
  let copied = 0;
  INLINE_NAME.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = INLINE_NAME.exec(text)) !== null) {
    const [whole, lead, dashes, name, , op] = m as unknown as [
      string,
      string,
      string | undefined,
      string,
      string,
      string,
    ];
    const reject = () => (INLINE_NAME.lastIndex = m!.index + lead.length + 1);
    if (!isSensitiveName(name) || (!dashes && /^[ \t]+$/.test(op))) {
      reject(); // `token expired` is prose, `--token abc` is a flag
      continue;
    }
    const valueAt = m.index + whole.length;
    INLINE_VALUE.lastIndex = valueAt;
    const v = INLINE_VALUE.exec(text);
    if (!v) {
      reject();
      continue;
    }
    const { inner: value, pre, post } = unquote(v[0]);
    const [inner, kept] = cutAtToken(value);
    // `etcdPassword: version:false` (Go's %+v of a struct): an empty value, then the next field
    const nextField = /:[ \t]+$/.test(op) && /^[A-Za-z_][A-Za-z0-9_]*:(?!\/\/)/.test(v[0]);
    if (nextField || isExemptValue(inner)) {
      reject();
      continue;
    }
    out.push(text.slice(copied, valueAt), pre, replaceSecret(ctx, dashes ? 'flag' : 'key-value', inner), kept, post);
    copied = valueAt + v[0].length;
    INLINE_NAME.lastIndex = copied;
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

export function redactAssignments(text: string, ctx: SecretContext): string {
  let out = text;
  if (out.includes(':')) {
    const lines = out.split('\n');
    for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(':')) lines[i] = redactYamlLine(lines[i]!, ctx);
    out = lines.join('\n');
  }
  return redactInline(out, ctx);
}

// `"name": "DB_PASSWORD", "value": "..."` written out as text (malformed JSON redacted as text,
// JSON quoted in a log line): the env var's name says the next value is a secret.
const NAME_VALUE =
  /("name"\s{0,64}:\s{0,64}"([^"\\\n]{1,200})"\s{0,64},\s{0,64}"value"\s{0,64}:\s{0,64}")((?:[^"\\\n]|\\.){1,4096})"/g;

export function redactNameValuePairs(text: string, ctx: SecretContext): string {
  if (!text.includes('"value"')) return text;
  return text.replace(NAME_VALUE, (whole, head: string, name: string, value: string) => {
    const [inner, kept] = cutAtToken(value);
    return isSensitiveName(name) && !isExemptValue(inner)
      ? `${head}${replaceSecret(ctx, 'env-value', inner)}${kept}"`
      : whole;
  });
}

// High-entropy runs: 32+ characters of the base64 alphabets mixing upper case, lower case and
// digits with at least 4.2 bits of entropy per character (random keys, base64 documents such as a
// .dockerconfigjson). Hex (digests, ids, hashes), UUIDs, Kubernetes names (lower case), chain
// names (at most 28 characters) and our own tokens never qualify.
const ENTROPY_RUN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/=_-])/g;
export const MIN_ENTROPY_BITS = 4.2;

export function shannonBits(s: string): number {
  const freq = new Map<string, number>();
  for (const c of s) freq.set(c, (freq.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

export function isHighEntropy(run: string): boolean {
  if (run.length < 32 || run.includes('REDACTED-')) return false;
  if (!/[a-z]/.test(run) || !/[A-Z]/.test(run) || !/[0-9]/.test(run)) return false;
  return shannonBits(run.replace(/=+$/, '')) >= MIN_ENTROPY_BITS;
}

export function redactHighEntropy(text: string, ctx: SecretContext): string {
  if (text.length < 32) return text;
  return text.replace(ENTROPY_RUN, (run: string) => {
    const i = run.indexOf('REDACTED-');
    const head = i < 0 ? run : run.slice(0, i);
    return isHighEntropy(head) ? replaceSecret(ctx, 'high-entropy', head) + run.slice(head.length) : run;
  });
}

export interface TextOptions {
  /** look for high-entropy runs (off for fields known to hold hashes and ids) */
  readonly entropy?: boolean;
}

/** Every detector over one piece of text. */
export function redactSecretsInText(text: string, ctx: SecretContext, opts: TextOptions = {}): string {
  let out = redactPem(text, ctx);
  for (const p of PATTERNS) out = applyPattern(out, p, ctx);
  out = redactMysqlPasswords(out, ctx);
  out = redactAssignments(redactNameValuePairs(out, ctx), ctx);
  return opts.entropy === false ? out : redactHighEntropy(out, ctx);
}
