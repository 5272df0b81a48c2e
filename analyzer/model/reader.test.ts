// BundleReader.under: the paths under a folder prefix, sorted, found in a list sorted once.
import { describe, expect, it } from 'vitest';
import { BundleReader } from './reader.js';
import { rawBundle } from './testing.js';
import type { SpilledEntry } from '../bundle/spill.js';

const paths = [
  'host/cni/10-flannel.conflist',
  'host/cni/99-loopback.conf',
  'host/cnix',
  'host/cni.txt',
  'host/a',
  'cluster/pods.json',
  'logs/kube-system/kube-proxy-abc.log',
  'logs/kube-system/coredns-1.log',
  'zzz',
];

describe('BundleReader.under', () => {
  const raw = rawBundle({ files: Object.fromEntries(paths.map((p) => [p, 'x'])) });
  // one entry in the spill as well: under() lists wherever the bytes are
  const spilled: SpilledEntry = { length: 1, read: () => Buffer.from('x'), readInto: () => undefined };
  const withSpill = { ...raw, spilled: new Map([['host/cni/50-calico.conflist', spilled]]) };
  const all = [...raw.files.keys(), 'host/cni/50-calico.conflist'];

  for (const prefix of [
    'host/cni/',
    'host/cni',
    'logs/',
    'logs/kube-system/kube',
    'cluster/',
    'nothing/',
    'zzz',
    '',
    '~',
  ])
    it(`lists the paths under ${JSON.stringify(prefix)}, sorted, as a filter and sort would`, () => {
      const reader = new BundleReader(withSpill);
      const expected = all.filter((p) => p.startsWith(prefix)).sort();
      expect(reader.under(prefix)).toEqual(expected);
      // asked twice (the sorted list is kept): the same answer
      expect(reader.under(prefix)).toEqual(expected);
    });

  it('includes the spilled entry and the folder-name neighbours only where they match', () => {
    const reader = new BundleReader(withSpill);
    expect(reader.under('host/cni/')).toEqual([
      'host/cni/10-flannel.conflist',
      'host/cni/50-calico.conflist',
      'host/cni/99-loopback.conf',
    ]);
    expect(reader.under('host/cni')).toContain('host/cnix');
  });
});
