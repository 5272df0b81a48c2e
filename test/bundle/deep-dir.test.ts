// Issue 21: a directory bundle deeper than PATH_MAX. The too-long path is one problem (ENAMETOOLONG)
// and the rest of the bundle is read; nothing throws.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../analyzer/bundle/read.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { MINIMAL_MANIFEST } from './hostile-tar.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-deep-'));
// rm walks with openat, so it removes what Node's rmSync cannot reach by path
afterAll(() => execFileSync('rm', ['-rf', tmp]));

/** root/host/deep/<200 chars>/... 24 levels (over 4,800 bytes), built by relative cd steps in sh */
function deepBundle(): string {
  const root = join(tmp, 'netsnap-n1');
  mkdirSync(join(root, 'host', 'deep'), { recursive: true });
  writeFileSync(join(root, 'manifest.json'), MINIMAL_MANIFEST);
  writeFileSync(join(root, 'host', 'sysctl.txt'), 'net.ipv4.ip_forward = 0\n');
  const level = 'd'.repeat(200);
  execFileSync('sh', [
    '-c',
    `cd -P "$1" && i=0; while [ $i -lt 24 ]; do mkdir "$2" && cd -P "$2" || exit 1; i=$((i+1)); done; echo x > bottom.txt`,
    'sh',
    join(root, 'host', 'deep'),
    level,
  ]);
  return root;
}

describe('a directory bundle deeper than PATH_MAX', () => {
  it('the path that is too long is a problem, the rest is read', async () => {
    const root = deepBundle();
    const raw = await readBundle(root);
    expect(raw.manifest?.node).toBe('n1');
    expect([...raw.files.keys()].sort()).toEqual(['host/sysctl.txt', 'manifest.json']);
    expect(raw.problems).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/ENAMETOOLONG/) }),
    ]);
    expect(raw.problems[0]!.file).toMatch(/^host\/deep\/d+/);
    expect(raw.problems[0]!.file.length).toBeLessThan(300);

    const { snapshot, raws, unreadable } = await loadSnapshot([root]);
    expect(unreadable).toEqual([]);
    expect(raws).toHaveLength(1);
    expect(snapshot.hosts.get('n1')?.sysctl?.value.get('net.ipv4.ip_forward')?.value).toBe('0');
  });
});
