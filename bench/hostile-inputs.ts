// Issue 19's hostile inputs, generated (never committed): the bench's hostile section and
// test/fuzz/hostile-bounds.test.ts build the same ones from here.

/** an iptables-save dump with hostile chains declared in *filter and `rules` first in that table */
export function inject(text: string, chains: readonly string[], rules: readonly string[]): string {
  const lines = text.split('\n');
  const filter = lines.indexOf('*filter');
  const first = lines.findIndex((l, i) => i > filter && l.startsWith('-A '));
  return [...lines.slice(0, first), ...chains.map((c) => `:${c} - [0:0]`), ...rules, ...lines.slice(first)].join('\n');
}

/** chains C1..Cn, each jumping k times to the next; the last one logs */
export function fanout(n: number, k: number, hook = 'FORWARD'): [string[], string[]] {
  const chains = Array.from({ length: n }, (_, i) => `C${i + 1}`);
  const rules = [`-A ${hook} -j C1`];
  for (let i = 1; i < n; i++) for (let j = 0; j < k; j++) rules.push(`-A C${i} -j C${i + 1}`);
  rules.push(`-A C${n} -j LOG --log-prefix "fan "`);
  return [chains, rules];
}

/** `n` matching non-terminating rules in FORWARD */
export const logRules = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `-A FORWARD -m comment --comment "r${i}" -j LOG`);

/** the upstream of the i-th generated server block */
export const upstream = (i: number): string => `10.0.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;

/** `n` extra Corefile server blocks, each forwarding one zone to one upstream */
export const blocks = (n: number): string =>
  Array.from(
    { length: n },
    (_, i) => `zone${i}.example:53 {\n    errors\n    forward . ${upstream(i)}\n    cache 30\n}\n`,
  ).join('');

/** an array nested `n` deep: [[[...]]] */
export const deepArray = (n: number): string => '['.repeat(n) + ']'.repeat(n);

/** a list whose items object is nested `n` deep */
export const deepObject = (n: number): string => '{"items":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';

/** the header of a one-rule pack; a hostile `when:` or `data:` follows */
export const packHead = [
  'apiVersion: netsnap.dev/v1',
  'kind: RulePack',
  'name: deep',
  'rules:',
  '  - id: SITE-001',
  '    slug: deep',
  '    layer: service',
  '    title: Deep',
  '    docs: { why: w, fix: f }',
  '    select: "$.cluster.pods[*]"',
  '    subject: { kind: pod, name: "$.metadata.name" }',
  '    message: m',
].join('\n');

/** a pack whose `when:` is `n` levels of {not: ...} in flow style (refused at line 13) */
export const deepPack = (n: number): string =>
  `${packHead}\n    when: ${'{not: '.repeat(n)}{path: "$.x", op: exists}${'}'.repeat(n)}\n`;

/** deterministic pseudo-random text (xorshift32 seeded by `seed`); also the planted secrets' generator */
export function rnd(seed: string, n: number, alphabet: string): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let out = '';
  for (let i = 0; i < n; i++) {
    h ^= h << 13;
    h >>>= 0;
    h ^= h >>> 17;
    h ^= h << 5;
    h >>>= 0;
    out += alphabet[h % alphabet.length];
  }
  return out;
}

/** what redaction must do with a long-run input, whatever its length */
export type RunVerdict = 'redacted' | 'unchanged' | 'finishes';

/**
 * Long runs that made a redaction pattern super-linear (issue 21: the YAML-line pattern took 3.1 s on
 * 40,000 spaces and hours on 1 MB): [name, builder of about n characters, verdict]. 'finishes' marks
 * inputs whose pattern bounds how long a value it reads, so short and long runs differ by design.
 * test/redact/long-runs.test.ts checks the verdicts; the bench's hostile section times 1 MB of each
 * through `netsnap redact`.
 */
export const REDACT_RUNS: readonly (readonly [string, (n: number) => string, RunVerdict])[] = [
  ['spaces', (n) => ' '.repeat(n), 'unchanged'],
  ['password: value with a run of spaces', (n) => `password: x${' '.repeat(n)}y`, 'redacted'],
  ['password: spaces then a comment', (n) => `password: x${' '.repeat(n)}# c`, 'unchanged'],
  ['key: spaces', (n) => `  db_pass:${' '.repeat(n)}`, 'unchanged'],
  ['a', (n) => 'a'.repeat(n), 'unchanged'],
  ['=', (n) => '='.repeat(n), 'unchanged'],
  [
    'base64 characters',
    (n) => rnd('linear', n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
    'finishes',
  ],
  ['repeated name=value', (n) => 'a=(a'.repeat(n / 4), 'unchanged'],
  ['--token then spaces', (n) => `--token${' '.repeat(n)}x`, 'unchanged'],
  ['"name": then spaces', (n) => `"name": "DB_PASS",${' '.repeat(n)}"value": "x"`, 'unchanged'],
  ['mysql then spaces', (n) => `mysql${' '.repeat(n)}-px`, 'unchanged'],
  ['credentials then spaces', (n) => `credentials u${' '.repeat(n)}p`, 'finishes'],
  ['url-like', (n) => `redis://${':'.repeat(n)}@h`, 'finishes'],
  ['colons and dots', (n) => ':.1'.repeat(n / 3), 'unchanged'],
  ['newlines', (n) => 'password: x\n'.repeat(n / 12), 'unchanged'],
  ['-----BEGIN lines', (n) => '-----BEGIN PRIVATE KEY-----\n'.repeat(n / 28), 'redacted'],
];
