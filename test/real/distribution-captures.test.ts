// The distribution detector on the real captures (fixtures/real/captures): each capture's
// capture.json names the distribution it came from. Canonical's k8s snap and a plain OpenStack
// compute node carry no evidence netsnap reads as a distribution: nothing may be named there, and
// no component may be called absent from a list that covers one namespace only.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../analyzer/model/load.js';

const ROOT = resolve(import.meta.dirname, '../../fixtures/real/captures');
/** capture.json names -> what netsnap should say (undefined: nothing in the bundle names one) */
const EXPECTED: Record<string, string | undefined> = { 'k8s-snap': undefined, none: undefined };

const captures = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('distribution on real captures', () => {
  it.each(captures)('%s', async (name) => {
    const meta = JSON.parse(readFileSync(join(ROOT, name, 'capture.json'), 'utf8')) as { distribution: string };
    const bundles = readdirSync(join(ROOT, name, 'bundles')).map((b) => join(ROOT, name, 'bundles', b));
    const { snapshot } = await loadSnapshot(bundles);
    const want = meta.distribution in EXPECTED ? EXPECTED[meta.distribution] : meta.distribution;
    expect(snapshot.derived.distribution?.value).toBe(want);
    if (want === undefined)
      expect([...snapshot.derived.components.values()].filter((c) => c.value === 'absent')).toEqual([]);
    // every cited place exists in the bundle
    const d = snapshot.derived.distribution;
    if (d) expect(snapshot.files.has(d.at)).toBe(true);
    for (const c of snapshot.derived.components.values()) expect(snapshot.files.has(c.at), c.by).toBe(true);
  });

  it('k3s captures: flannel and kube-proxy embedded, never absent', async () => {
    for (const name of captures.filter((c) => c.startsWith('k3s-'))) {
      const bundles = readdirSync(join(ROOT, name, 'bundles')).map((b) => join(ROOT, name, 'bundles', b));
      const { snapshot } = await loadSnapshot(bundles);
      expect(snapshot.derived.components.get('flannel')?.value, name).toBe('embedded');
      expect(snapshot.derived.components.get('kube-proxy')?.value, name).toBe('embedded');
    }
  });

  it('Charmed: kube-proxy runs as a snap (its journal unit), flanneld under systemd', async () => {
    const name = 'charmed-k8s-hotsos';
    const bundles = readdirSync(join(ROOT, name, 'bundles')).map((b) => join(ROOT, name, 'bundles', b));
    const { snapshot } = await loadSnapshot(bundles);
    expect(snapshot.derived.components.get('kube-proxy')).toMatchObject({
      value: 'snap',
      at: { path: 'host/journal/snap.kube-proxy.daemon.log' },
    });
    // flanneld runs as flannel.service there (PROVENANCE.md); the bundle holds its lease
    expect(snapshot.derived.components.get('flannel')).toMatchObject({
      value: 'systemd',
      at: { path: 'host/flannel-subnet.env' },
    });
  });
});
