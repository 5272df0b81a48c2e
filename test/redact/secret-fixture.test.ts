// fixtures/secrets/: the planted-secrets bundles on disk, for trying `netsnap redact` by hand and
// for other suites. Regenerate with NETSNAP_UPDATE_FIXTURES=1 npx vitest run test/redact/secret-fixture.test.ts
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBundleDir } from '../../analyzer/bundle/write.js';
import { bundleEntries } from '../../analyzer/model/testing.js';
import { secretBundles } from './secret-bundles.js';

const DIR = join(import.meta.dirname, '../../fixtures/secrets');

describe('fixtures/secrets', () => {
  it('matches the builder (regenerate with NETSNAP_UPDATE_FIXTURES=1)', async () => {
    for (const raw of secretBundles()) {
      const dir = join(DIR, raw.id);
      if (process.env.NETSNAP_UPDATE_FIXTURES === '1') {
        rmSync(dir, { recursive: true, force: true });
        await writeBundleDir(dir, bundleEntries(raw));
      }
      for (const e of bundleEntries(raw)) {
        const p = join(dir, e.path);
        expect(existsSync(p), `${p} missing: regenerate the fixture`).toBe(true);
        expect(readFileSync(p).equals(e.data), `${p} is stale: regenerate the fixture`).toBe(true);
      }
    }
  });
});
