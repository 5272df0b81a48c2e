// Every generated `ipset list` (host/ipset-members.txt, kube-proxy's IPVS-mode sets) must be what
// the real ipset prints: each listing is turned into `ipset restore` input, restored into a network
// namespace this test creates, listed again by the real tool, and both listings must agree on each
// set's name, type, revision, header and members (root and ipset needed; skipped with the reason).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIpsetList } from '../../analyzer/parse/ipset.js';
import { bundleDirs, readIfExists } from './scenario-files.js';

const NS = `netsnap-ipset-${process.pid}`;
const have = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const isRoot = process.getuid?.() === 0;
const missing = ['ip', 'ipset'].filter((t) => !have(t));
const skipReason = !isRoot ? 'not root' : missing.length ? `missing ${missing.join(', ')}` : undefined;
if (skipReason) console.log(`[realism] skipping ipset restore checks: ${skipReason}`);

afterAll(() => {
  if (!skipReason) spawnSync('ip', ['netns', 'del', NS]);
});

/** `ipset list` → `ipset restore` input (create with the printed header, add each member) */
function toRestore(listing: string): string {
  const out: string[] = [];
  for (const set of parseIpsetList(listing).value) {
    out.push(`create ${set.name} ${set.type ?? ''} ${set.header ?? ''}`.trim());
    for (const m of set.members) out.push(`add ${set.name} ${m.raw}`);
  }
  return `${out.join('\n')}\n`;
}

/** what must agree: per set, its kind and members (member order is hash order: compared sorted) */
function shape(listing: string) {
  return parseIpsetList(listing).value.map((s) => ({
    name: s.name,
    type: s.type,
    header: s.header,
    entries: s.declaredEntries,
    members: s.members.map((m) => m.raw).sort(),
  }));
}
const revisions = (listing: string) =>
  [...listing.matchAll(/^Name: (\S+)\nType: .*\nRevision: (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);

const seen = new Set<string>();
const cases = bundleDirs()
  .map((b) => ({ ...b, text: readIfExists(join(b.dir, 'host/ipset-members.txt')) }))
  .filter((c) => c.text !== undefined && !seen.has(c.text) && seen.add(c.text));

describe.skipIf(skipReason !== undefined)('ipset restore accepts every generated ipset listing', () => {
  it('has listings to check (the IPVS-mode scenarios)', () => expect(cases.length).toBeGreaterThan(2));
  it('real ipset lists back what the generator printed', () => {
    const failures: string[] = [];
    for (const c of cases) {
      spawnSync('ip', ['netns', 'del', NS]);
      execFileSync('ip', ['netns', 'add', NS]);
      const r = spawnSync('ip', ['netns', 'exec', NS, 'ipset', 'restore'], {
        input: toRestore(c.text!),
        encoding: 'utf8',
      });
      if (r.status !== 0) {
        failures.push(`${c.scenario}/${c.name}: ipset restore: ${r.stderr.trim()}`);
        continue;
      }
      const back = execFileSync('ip', ['netns', 'exec', NS, 'ipset', 'list'], { encoding: 'utf8' });
      try {
        expect(shape(back)).toEqual(shape(c.text!));
        expect(revisions(back)).toEqual(revisions(c.text!));
      } catch (e) {
        failures.push(`${c.scenario}/${c.name}: ${(e as Error).message.slice(0, 400)}`);
      }
    }
    expect(failures).toEqual([]);
  });
  it('would notice a listing the tool refuses (the check can fail)', () => {
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]);
    const bad = 'create KUBE-X hash:ip,port family inet\nadd KUBE-X 10.96.0.1,tcp:99999\n';
    expect(spawnSync('ip', ['netns', 'exec', NS, 'ipset', 'restore'], { input: bad }).status).not.toBe(0);
  });
});
