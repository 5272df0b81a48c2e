// redact over hostile content: it must never throw, never change a file it finds nothing in,
// and a second pass over its own output must find nothing more (no half-redacted secrets).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rawBundle } from '../../analyzer/model/testing.js';
import { redactBundles } from '../../analyzer/redact/bundle.js';
import { RedactKey } from '../../analyzer/redact/key.js';
import { secretBundles } from '../redact/secret-bundles.js';
import { FUZZ_RUNS, recordCases } from './budget.js';

const key = new RedactKey('000102030405060708090a0b0c0d0e0f');
const real = [...secretBundles()[0]!.files];

describe('redact: mutated real files and random text (property)', () => {
  it('never throws and is idempotent', () => {
    const file = fc.oneof(
      fc
        .tuple(fc.constantFrom(...real), fc.nat(), fc.nat(200), fc.string({ unit: 'binary', maxLength: 40 }))
        .map(([[p, b], at, del, ins]) => {
          const t = b.toString('utf8');
          const i = at % (t.length + 1);
          return [p, Buffer.from(t.slice(0, i) + ins + t.slice(i + del))] as const;
        }),
      fc
        .tuple(
          fc.constantFrom('cluster/pods.json', 'host/resolv.conf', 'cluster/logs/a/b/c.log'),
          fc.uint8Array({ maxLength: 800 }),
        )
        .map(([p, b]) => [p, Buffer.from(b)] as const),
    );
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 4 }), fc.boolean(), (files, pseudonymize) => {
        const raw = rawBundle({ files: {} });
        const input = { ...raw, files: new Map(files.map(([p, b]) => [p, b])) };
        const once = redactBundles([input], { key, pseudonymize });
        const again = redactBundles([{ ...raw, files: once.bundles[0]!.files }], { key });
        const secretsAgain = Object.entries(again.bundles[0]!.counts).filter(([k]) => k.startsWith('secret.'));
        if (secretsAgain.length) {
          const changed: string[] = [];
          for (const [p, b] of once.bundles[0]!.files) {
            const a = b.toString('latin1').split('\n');
            const z = again.bundles[0]!.files.get(p)!.toString('latin1').split('\n');
            a.forEach((l, i) => l !== z[i] && changed.push(`${p}: ${JSON.stringify(l)} -> ${JSON.stringify(z[i])}`));
          }
          for (const [p, b] of once.bundles[0]!.files) {
            const t = b.toString('latin1');
            const i = t.indexOf('last-applied');
            if (i >= 0)
              changed.push(
                `${p} @${i}: ${JSON.stringify(t.slice(i - 100, i + 200))} fallback=${once.bundles[0]!.textFallbacks.join(',')}`,
              );
          }
          expect.fail(`second pass found ${JSON.stringify(secretsAgain)}:\n${changed.join('\n')}`);
        }
      }),
      { numRuns: FUZZ_RUNS.redact },
    );
    recordCases('redact: mutated/random bundles', FUZZ_RUNS.redact);
  });
});
