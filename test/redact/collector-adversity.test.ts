// Issue 6 item 4 cases that test/collector/ does not cover: the API server unreachable (connection
// refused, bounded by --timeout) and a read-only filesystem apart from the output directory
// (a private mount namespace with / remounted read-only). Each must still give a valid bundle
// that says what is missing and why. Skipped, with the reason printed, where the tools are missing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigYaml } from '../helpers/apiserver.js';
import { run } from '../helpers/netns.js';
import { SCRIPT, hasCommand, statusOf, tempDir, unpack } from '../collector/bundle.js';

const kubectl = await hasCommand('kubectl');
const unshare = (await hasCommand('unshare')) && process.getuid?.() === 0;
if (!kubectl) console.log('collector adversity (unreachable API server) skipped: kubectl is not installed');
if (!unshare) console.log('collector adversity (read-only filesystem) skipped: needs root and unshare');

describe.skipIf(!kubectl)('API server unreachable', () => {
  it("writes a bundle whose cluster sources failed with kubectl's reason, host sources ok", async () => {
    const dir = tempDir('netsnap-unreachable-');
    const kc = join(dir, 'kubeconfig');
    writeFileSync(kc, kubeconfigYaml('https://127.0.0.1:1', 'dead'));
    const out = join(dir, 'b.tar.gz');
    const r = await run(['dash', SCRIPT, '--kubeconfig', kc, '--node', 'worker-1', '--timeout', '2', '-o', out], {
      env: { PATH: process.env.PATH, HOME: dir },
    });
    expect(r.code, r.stderr).toBe(0);
    const b = await unpack(out);
    const s = statusOf(b);
    expect(['failed', 'timeout']).toContain(s['cluster.pods']);
    expect(b.record('cluster.pods').stderrTail.trim()).not.toBe(''); // kubectl's own words, whatever they are
    expect(s['host.ip-addr']).toBe('ok');
  }, 120_000);
});

function readOnlyRun(outDir: string, out: string, env: NodeJS.ProcessEnv) {
  // / and the mounts under it turn read-only, then a rw bind mount reopens just outDir
  const script = `set -e; mount -o remount,bind,ro /; for m in $(awk '$2 ~ "^/(tmp|var|run|root|home)" {print $2}' /proc/mounts); do mount -o remount,bind,ro "$m" 2>/dev/null || true; done; if touch /tmp/netsnap-rofs-probe 2>/dev/null; then echo "tmp still writable" >&2; exit 97; fi; mount --bind "${outDir}" "${outDir}"; mount -o remount,bind,rw "${outDir}"; exec dash "${SCRIPT}" --node worker-1 --timeout 2 -o "${out}"`;
  return run(['unshare', '-m', '--propagation', 'private', 'sh', '-c', script], { env });
}

describe.skipIf(!unshare)('read-only filesystem except the output directory', () => {
  it('writes a valid bundle there when TMPDIR points at it', async () => {
    const dir = tempDir('netsnap-rofs-');
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    const out = join(outDir, 'b.tar.gz');
    const r = await readOnlyRun(outDir, out, { PATH: process.env.PATH, HOME: dir, TMPDIR: outDir });
    if (r.code === 97) return console.log('read-only filesystem test skipped: /tmp could not be made read-only here');
    expect(r.code, r.stderr).toBe(0);
    const b = await unpack(out);
    expect(statusOf(b)['host.ip-addr']).toBe('ok');
  }, 120_000);

  // Without TMPDIR the collector cannot stage in /tmp here; it falls back to staging next to -o.
  it('writes a valid bundle there without TMPDIR', async () => {
    const dir = tempDir('netsnap-rofs-');
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    const out = join(outDir, 'b.tar.gz');
    const r = await readOnlyRun(outDir, out, { PATH: process.env.PATH, HOME: dir });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
});
