// iptables 1.8.9 prints "# Warning: iptables-legacy tables present" on STDERR (stdout is the dump):
// checked live in a netns when root, and the generated bundles must put it where the collector
// does, in the manifest record's stderrTail, never in the dump file.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleDirs, readIfExists } from './scenario-files.js';

const WARNING = '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them';
const canRun =
  process.getuid?.() === 0 &&
  spawnSync('sh', ['-c', 'command -v iptables-nft-save && command -v iptables-legacy && command -v ip']).status === 0;

describe('the legacy-tables warning', () => {
  it.skipIf(!canRun)('real iptables-nft-save prints it on stderr, not stdout', () => {
    const ns = `netsnap-ipt-${process.pid}`;
    try {
      execFileSync('ip', ['netns', 'add', ns]);
      execFileSync('ip', ['netns', 'exec', ns, 'iptables-legacy', '-t', 'nat', '-N', 'KUBE-TEST']);
      const r = spawnSync('ip', ['netns', 'exec', ns, 'iptables-nft-save'], { encoding: 'utf8' });
      expect(r.stdout).not.toContain(WARNING);
      expect(r.stderr).toContain(WARNING);
    } finally {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  });
  if (!canRun) console.log('[realism] not root or no iptables-nft-save/iptables-legacy: live stderr check skipped');

  it('generated dumps never carry it; the manifest stderrTail of the nft dumps does where legacy tables exist', () => {
    let seen = 0;
    for (const b of bundleDirs()) {
      const manifest = JSON.parse(readFileSync(join(b.dir, 'manifest.json'), 'utf8')) as {
        sources: { id: string; stderrTail: string }[];
      };
      const legacy = readIfExists(join(b.dir, 'host/iptables-legacy-save.txt')) ?? '';
      for (const f of ['host/iptables-save.txt', 'host/iptables-nft-save.txt', 'host/iptables-legacy-save.txt'])
        expect(readIfExists(join(b.dir, f)) ?? '', `${b.scenario}/${b.name}/${f}`).not.toContain(WARNING);
      const nft = manifest.sources.find((s) => s.id === 'host.iptables-nft-save');
      if (legacy.includes('*nat') && nft && readIfExists(join(b.dir, 'host/iptables-nft-save.txt'))) {
        expect(nft.stderrTail, `${b.scenario}/${b.name}`).toContain(WARNING);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0); // the backend-split scenario has one
  });
});
