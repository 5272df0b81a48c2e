// Issue 21: redaction passes never feed on their own output. A replacement token
// (`REDACTED-aws-access-key-…`) was matched as a secret name and swallowed the next word, so the
// secret after it survived. Properties over generated text made of secrets, secret names,
// operators, our own tokens and noise: a second redaction changes nothing and counts nothing,
// every token already in the input comes out unchanged, and a secret after a token is redacted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Counts } from '../../analyzer/redact/counts.js';
import { RedactKey } from '../../analyzer/redact/key.js';
import { redactBundles } from '../../analyzer/redact/bundle.js';
import { redactSecretsInText, type SecretContext } from '../../analyzer/redact/secrets.js';
import { TABLE, tableBundles } from './planted-table.js';

const KEY = new RedactKey('000102030405060708090a0b0c0d0e0f');
const ctx = (): SecretContext => ({ key: KEY, counts: new Counts() });
const OWN = /REDACTED-[a-z0-9-]{1,80}-[a-z2-7]{10}/g;

const TOKENS = [
  'REDACTED-aws-access-key-abcdefghij',
  'REDACTED-key-value-k2l3m4n5o6',
  'REDACTED-flag-zzzzzzzzzz',
  'REDACTED-high-entropy-a2b3c4d5e6',
  'REDACTED-url-password-qqqqqqqqqq',
];

const fragment = fc.oneof(
  fc.constantFrom(...TABLE.map((p) => p.value)),
  fc.constantFrom(
    'password',
    'DB_PASS',
    '--db-pass',
    'aws_secret_access_key',
    'private_key_id',
    'token',
    'x-api-key',
    'credentials dnsadmin',
    'mysql -u root',
    '-p',
    'Authorization: Basic',
    'Bearer',
    'redis://:',
    '@host',
    'https://hooks.slack.com/services/',
  ),
  fc.constantFrom('=', ': ', ' ', '":"', '"', "'", ',', '\n', '  ', '#', '\t'),
  fc.constantFrom(...TOKENS),
  fc.string({ maxLength: 12 }),
);

const text = fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join(''));

const tokensOf = (s: string): string[] => [...s.matchAll(OWN)].map((m) => m[0]).sort();

describe('redaction is idempotent and never matches its own tokens', () => {
  it('a second pass changes nothing and counts nothing', () => {
    fc.assert(
      fc.property(text, (s) => {
        const once = redactSecretsInText(s, ctx());
        const c = ctx();
        const twice = redactSecretsInText(once, c);
        expect(twice).toBe(once);
        expect(c.counts.total()).toBe(0);
      }),
      { numRuns: 2000, seed: 21 },
    );
  });

  it('tokens already in the text come out unchanged', () => {
    fc.assert(
      fc.property(text, (s) => {
        const before = tokensOf(s);
        const after = tokensOf(redactSecretsInText(s, ctx()));
        for (const t of before) expect(after).toContain(t);
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('a secret right after a token on the same line is redacted (the issue-21 case)', () => {
    for (const t of TOKENS) {
      for (const line of [
        `${t} aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
        `${t} --db-pass=Hunter2x9`,
        `${t} password: Hunter2x9`,
        `AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
      ]) {
        const out = redactSecretsInText(line, ctx());
        expect(out, line).not.toMatch(/wJalrXUtnFEMI|Hunter2x9|AKIAIOSFODNN7EXAMPLE/);
      }
    }
  });

  it('a redacted bundle redacted again is byte-identical and counts no secret', () => {
    const once = redactBundles(tableBundles(), { key: KEY, now: '2025-01-01T00:00:00Z' });
    const again = redactBundles(
      once.bundles.map((b) => ({ id: b.id, origin: b.id, manifest: b.manifest, files: b.files, problems: [] })),
      { key: KEY, now: '2025-01-01T00:00:00Z' },
    );
    for (const [i, b] of again.bundles.entries()) {
      expect(Object.keys(b.counts).filter((k) => k.startsWith('secret.'))).toEqual([]);
      for (const [path, buf] of b.files)
        expect(buf.toString('latin1'), path).toBe(once.bundles[i]!.files.get(path)!.toString('latin1'));
    }
  });
});
