// Issue 21: every redaction pattern must stay linear on long runs (the YAML-line pattern was
// quadratic on a run of spaces inside a value: 40,000 spaces 3.1 s, 1 MB hours). How long 1 MB of
// each takes is measured in `npm run bench` (the hostile section runs them through `netsnap redact`
// and fails at 10 s); here, without timing anything, each long run must still be redacted, or left
// alone, exactly as its verdict says, at 64 KB and at 1 MB, in text, in JSON, and pseudonymized.
import { describe, expect, it } from 'vitest';
import { Counts } from '../../analyzer/redact/counts.js';
import { RedactKey } from '../../analyzer/redact/key.js';
import { redactBundles } from '../../analyzer/redact/bundle.js';
import { redactSecretsInText } from '../../analyzer/redact/secrets.js';
import { rawBundle } from '../../analyzer/model/testing.js';
import { REDACT_RUNS } from '../../bench/hostile-inputs.js';

const KEY = new RedactKey('000102030405060708090a0b0c0d0e0f');
const KB64 = 64 * 1024;
const MB = 1024 * 1024;

describe('redaction of long runs', () => {
  for (const [name, make, verdict] of REDACT_RUNS) {
    it(`${name}: ${verdict} at 64 KB and 1 MB`, () => {
      for (const n of [KB64, MB]) {
        const input = make(n);
        const out = redactSecretsInText(input, { key: KEY, counts: new Counts() });
        expect(typeof out, `${n}`).toBe('string');
        if (verdict === 'redacted') expect(out, `${n}`).toMatch(/REDACTED-/);
        if (verdict === 'unchanged') expect(out === input, `${n}`).toBe(true);
        // a second pass finds nothing more: the first one ran to the end of the input
        expect(redactSecretsInText(out, { key: KEY, counts: new Counts() }) === out, `${n} again`).toBe(true);
      }
    });
  }

  it('a whole bundle with long runs in text and JSON, pseudonymized or not: the planted password is redacted', () => {
    const bundle = (n: number) =>
      rawBundle({
        node: 'worker-1',
        files: {
          'host/resolv.conf': `# pass=x${' '.repeat(n)}y\nnameserver 10.96.0.10\n`,
          'cluster/configmaps/shop/big.json': {
            data: { 'app.yaml': `password: x${' '.repeat(n)}y`, blob: 'a'.repeat(n) },
          },
          'host/ip-addr.json': `[{"ifname": "${':.1'.repeat(n / 3)}"}]`,
        },
      });
    for (const pseudonymize of [false, true]) {
      for (const n of [KB64, MB]) {
        const [out] = redactBundles([bundle(n)], { key: KEY, pseudonymize }).bundles;
        // pseudonymized, the namespace and name in the path are renamed too
        const path = [...(out?.files.keys() ?? [])].find((p) => p.startsWith('cluster/configmaps/'));
        const cm = (path && out?.files.get(path)?.toString('utf8')) || '';
        expect(cm, `${n} ${pseudonymize}`).toMatch(/"app\.yaml":\s*"password: REDACTED-/);
        expect(cm.includes(`x${' '.repeat(1000)}`), `${n} ${pseudonymize}`).toBe(false);
      }
    }
  });
});
