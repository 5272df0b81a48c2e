import { cleanup, render } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import type { ReadProgress } from '../../analyzer/bundle/types.js';
import { Root } from './Root.js';
import { demoLoadResult } from '../testing/demo-analysis.js';
import { waitForFrame } from '../testing/ink.js';

afterEach(() => cleanup());
const SIZE = { columns: 80, rows: 24 };

it('shows bytes, entries and the current file while loading, then the overview', async () => {
  let report: (p: ReadProgress) => void = () => {};
  let finish: () => void = () => {};
  const load = (onProgress: (p: ReadProgress) => void) => {
    report = onProgress;
    return new Promise<ReturnType<typeof demoLoadResult>>((resolve) => (finish = () => resolve(demoLoadResult())));
  };
  const app = render(<Root load={load} title="t" size={SIZE} progressInterval={0} />);
  await waitForFrame(app, (f) => f.includes('Loading bundles'));
  report({
    bundlePath: 'big.tar.gz',
    bytesRead: 3 * 1024 * 1024,
    entriesRead: 42,
    currentFile: 'host/iptables-save.txt',
  });
  const f = await waitForFrame(app, (x) => x.includes('42 entries'));
  expect(f).toContain('3.0 MB read, 42 entries, now host/iptables-save.txt');
  finish();
  await waitForFrame(app, (x) => x.includes('Root causes (2)'), 'the overview');
});

it('keeps the error on screen with what was read before it', async () => {
  const load = async (onProgress: (p: ReadProgress) => void) => {
    onProgress({ bundlePath: 'a.tgz', bytesRead: 2048, entriesRead: 7, currentFile: 'cluster/pods.json' });
    throw new Error('a.tgz: gzip header is corrupt at byte 2048; re-copy the bundle');
  };
  const app = render(<Root load={load} title="t" size={SIZE} progressInterval={0} />);
  const f = await waitForFrame(app, (x) => x.includes('loading stopped'));
  expect(f).toContain('✗ FAIL');
  expect(f).toContain('2.0 KB read, 7 entries');
  expect(f).toContain('gzip header is corrupt');
});
