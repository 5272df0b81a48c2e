// List coverage from the manifest record (`partial`, `namespaces`), as the converters write it for
// sosreports (k8s-snap-sunbeam-hotsos: `namespaces: ["openstack"]`) and Insights archives
// (openshift-4.7-insights-sample: a selection of pods), and journals that hold no entry.
import { describe, expect, it } from 'vitest';
import {
  COMPONENT_NAMESPACES,
  coversComponent,
  coversNamespaces,
  firstEntry,
  listCoverage,
  partialList,
} from './coverage.js';
import { kubeList, rawBundle, snapshotOf } from './testing.js';
import type { RawBundle } from '../bundle/types.js';
import type { LogLine } from '../parse/types.js';

/** a bundle whose manifest records carry extra fields, as a converter writes them */
function annotated(files: Record<string, string | object>, extra: Record<string, Record<string, unknown>>): RawBundle {
  const raw = rawBundle({ node: 'n1', files });
  const manifest = raw.manifest!;
  return {
    ...raw,
    manifest: { ...manifest, sources: manifest.sources.map((r) => ({ ...r, ...(extra[r.path] ?? {}) })) },
  };
}

const SOS = { namespaces: ['openstack'], partial: 'namespaces openstack only; not kube-system' };
const INSIGHTS = { partial: 'the Insights Operator archive holds a selection of pods, not every pod' };

describe('listCoverage', () => {
  it("the collector's own list (no field) covers the whole cluster; an uncollected list has no coverage", () => {
    const s = snapshotOf({ node: 'n1', files: { 'cluster/pods.json': kubeList([]) } });
    expect(listCoverage(s, 'cluster/pods.json')).toEqual({
      list: { bundle: 'netsnap-n1', path: 'cluster/pods.json' },
      whole: true,
    });
    expect(listCoverage(s, 'cluster/daemonsets.json')).toBeUndefined();
    expect(partialList(s, ['cluster/pods.json', 'cluster/daemonsets.json'], ['kube-system'])).toBeUndefined();
  });

  it('namespaces without partial: the list names what it holds and claims no gap (every namespace the cluster had)', () => {
    const s = snapshotOf(
      annotated(
        { 'cluster/pods.json': kubeList([]) },
        { 'cluster/pods.json': { namespaces: ['default', 'kube-system'] } },
      ),
    );
    const c = listCoverage(s, 'cluster/pods.json')!;
    expect([c.whole, c.namespaces, coversComponent(c, 'flannel')]).toEqual([true, ['default', 'kube-system'], true]);
  });

  it('a sosreport list of namespace openstack only covers openstack, not kube-system, citing the partial field', () => {
    const s = snapshotOf(
      annotated(
        { 'cluster/pods.json': kubeList([]), 'cluster/daemonsets.json': kubeList([]) },
        { 'cluster/daemonsets.json': SOS },
      ),
    );
    const c = listCoverage(s, 'cluster/daemonsets.json')!;
    expect([c.whole, c.partial, c.at]).toEqual([
      false,
      SOS.partial,
      { bundle: 'netsnap-n1', path: 'manifest.json', pointer: '/sources/1/partial' },
    ]);
    expect([
      coversNamespaces(c, ['openstack']),
      coversNamespaces(c, ['kube-system']),
      coversNamespaces(c),
      coversComponent(c, 'kube-proxy'),
    ]).toEqual([true, false, false, false]);
    expect(
      partialList(s, ['cluster/pods.json', 'cluster/daemonsets.json'], COMPONENT_NAMESPACES['kube-proxy'])?.list.path,
    ).toBe('cluster/daemonsets.json');
    expect(partialList(s, ['cluster/pods.json', 'cluster/daemonsets.json'], ['openstack'])).toBeUndefined();
  });

  it('a partial list that names kube-flannel and kube-system covers flannel, not calico', () => {
    const s = snapshotOf(
      annotated(
        { 'cluster/pods.json': kubeList([]) },
        {
          'cluster/pods.json': {
            namespaces: ['kube-flannel', 'kube-system'],
            partial: 'namespaces kube-flannel, kube-system only; not web',
          },
        },
      ),
    );
    const c = listCoverage(s, 'cluster/pods.json')!;
    expect([coversComponent(c, 'flannel'), coversComponent(c, 'kube-proxy'), coversComponent(c, 'calico')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('a selection of objects (Insights archive: partial, no namespaces) covers no namespace at all', () => {
    const s = snapshotOf(annotated({ 'cluster/pods.json': kubeList([]) }, { 'cluster/pods.json': INSIGHTS }));
    const c = listCoverage(s, 'cluster/pods.json')!;
    expect([c.whole, coversNamespaces(c, ['kube-system']), coversComponent(c, 'coredns')]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('firstEntry', () => {
  const lines = (...raw: string[]): LogLine[] => raw.map((r, i) => ({ line: i + 1, raw: r, message: r }));
  it('journalctl markers only (`-- No entries --`) hold no entry; the first real line is the first entry', () => {
    expect(
      firstEntry(
        lines(
          '-- Logs begin at Fri 2022-02-11 18:58:10 UTC, end at Fri 2022-02-11 19:23:41 UTC. --',
          '-- No entries --',
        ),
      ),
    ).toBeUndefined();
    expect(
      firstEntry(
        lines(
          '-- Logs begin at Fri 2022-02-11 18:58:10 UTC. --',
          '',
          'Feb 11 19:00:00 n1 systemd[1]: Started Service for snap application kube-proxy.daemon.',
        ),
      )?.line,
    ).toBe(3);
    expect(firstEntry([])).toBeUndefined();
  });
});
