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
const PATTERNS: readonly Pattern[] = [
  { kind: 'pem-base64', re: /LS0tLS1CRUdJTi[A-Za-z0-9+/]{8,}={0,2}/g, group: 0 },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g, group: 0 },
  { kind: 'bearer', re: /\b[Bb]earer(?:\s+|%20)((?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{8,}=*)/g, group: 1 },
  { kind: 'basic-auth', re: /\bAuthorization:\s*Basic\s+([A-Za-z0-9+/]{6,}={0,2})/gi, group: 1 },
  {
    kind: 'url-password',
    re: /\b[a-zA-Z][a-zA-Z0-9+.-]{0,20}:\/\/[^\s:/@'"`<>]{1,256}:([^\s@/'"`<>]{1,256})@/g,
    group: 1,
  },
  { kind: 'aws-access-key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, group: 0 },
  { kind: 'gcp-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g, group: 0 },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g, group: 0 },
  { kind: 'gitlab-token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, group: 0 },
  { kind: 'slack-token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, group: 0 },
  { kind: 'stripe-key', re: /\b[rs]k_live_[0-9A-Za-z]{16,}\b/g, group: 0 },
  { kind: 'sas-signature', re: /[?&]sig=([A-Za-z0-9%+/=]{16,})/g, group: 1 },
  // kubeadm bootstrap token `abcdef.0123456789abcdef`; not part of a longer dotted name
  { kind: 'bootstrap-token', re: /(?<![\w.-])[a-z0-9]{6}\.(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{16}(?![\w.-])/g, group: 0 },
];

function applyPattern(text: string, p: Pattern, ctx: SecretContext): string {
  return text.replace(p.re, (whole: string, ...rest: unknown[]) => {
    const secret = p.group === 0 ? whole : (rest[p.group - 1] as string | undefined);
    if (!secret || isExemptValue(secret)) return whole;
    const at = p.group === 0 ? 0 : whole.lastIndexOf(secret);
    return whole.slice(0, at) + replaceSecret(ctx, p.kind, secret) + whole.slice(at + secret.length);
  });
}

// `key: value` on its own YAML line: the whole rest of the line is the value
const YAML_LINE =
  /^([ \t]*(?:- )?["']?([A-Za-z0-9_.-]{1,80})["']?[ \t]*:[ \t]+)(?![|>][-+]?\s*$)(.*?)(,?)([ \t]+#.*)?$/gm;
// `KEY=value`, `--flag=value`, `--flag value`, `"key": "value"`, `key: value` inside a line
const SENSITIVE_WORD_RE =
  '(?:password|passwd|passphrase|pwd|secret|token|bearer|credentials?|(?:api|access|private|secret|account|shared[-_.]?access|signing|encryption|auth)[-_.]?key|client[-_.]?key[-_.]?data|client[-_.]?certificate[-_.]?data|certificate[-_.]?authority[-_.]?data)';
// `KEY=value`, `--flag=value`, `--flag value`, `"key": "value"`, `key: value` inside a line. The
// name must contain a sensitive word, so a harmless `FLAG: --token=x` prefix never swallows the flag.
const INLINE = new RegExp(
  `(^|[\\s{,;(\\[&?'"])((-{1,2})?[A-Za-z0-9_.-]{0,60}${SENSITIVE_WORD_RE}[A-Za-z0-9_.-]{0,60})(["']?)([ \\t]*(?:=|:)[ \\t]*|(?<=-[A-Za-z0-9_.-]{1,140})[ \\t]+)(\\$\\{[^}\\s]{0,200}\\}|\\$\\([^)\\s]{0,200}\\)|"(?:[^"\\\\\\n]|\\\\.){0,4096}"|'[^'\\n]{0,4096}'|[^\\s"',;}\\]&]{1,4096})`,
  'gim',
);

function unquote(v: string): { inner: string; pre: string; post: string } {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return { inner: v.slice(1, -1), pre: v[0]!, post: v[0]! };
  }
  return { inner: v, pre: '', post: '' };
}

export function redactAssignments(text: string, ctx: SecretContext): string {
  let out = text.replace(
    YAML_LINE,
    (whole, head: string, name: string, value: string, comma: string, comment: string | undefined) => {
      if (!isSensitiveName(name)) return whole;
      const { inner, pre, post } = unquote(value.trim());
      if (isExemptValue(inner) || inner.startsWith('REDACTED-')) return whole;
      const lead = value.slice(0, value.length - value.trimStart().length);
      return `${head}${lead}${pre}${replaceSecret(ctx, 'key-value', inner)}${post}${comma}${comment ?? ''}`;
    },
  );
  out = out.replace(
    INLINE,
    (whole, lead: string, name: string, dashes: string | undefined, q: string, op: string, value: string) => {
      if (!isSensitiveName(name)) return whole;
      if (!dashes && /^[ \t]+$/.test(op)) return whole; // `token expired` is prose, `--token abc` is a flag
      const { inner, pre, post } = unquote(value);
      if (isExemptValue(inner) || inner.startsWith('REDACTED-')) return whole;
      const kind = dashes ? 'flag' : 'key-value';
      return `${lead}${name}${q}${op}${pre}${replaceSecret(ctx, kind, inner)}${post}`;
    },
  );
  return out;
}

// `"name": "DB_PASSWORD", "value": "..."` written out as text (malformed JSON redacted as text,
// JSON quoted in a log line): the env var's name says the next value is a secret.
const NAME_VALUE = /("name"\s*:\s*"([^"\\\n]{1,200})"\s*,\s*"value"\s*:\s*")((?:[^"\\\n]|\\.){1,4096})"/g;

export function redactNameValuePairs(text: string, ctx: SecretContext): string {
  if (!text.includes('"value"')) return text;
  return text.replace(NAME_VALUE, (whole, head: string, name: string, value: string) =>
    isSensitiveName(name) && !isExemptValue(value) ? `${head}${replaceSecret(ctx, 'env-value', value)}"` : whole,
  );
}

/** Every detector over one piece of text. */
export function redactSecretsInText(text: string, ctx: SecretContext): string {
  let out = redactPem(text, ctx);
  for (const p of PATTERNS) out = applyPattern(out, p, ctx);
  return redactAssignments(redactNameValuePairs(out, ctx), ctx);
}
