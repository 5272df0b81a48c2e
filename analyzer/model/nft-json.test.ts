import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { snapshotOf } from './testing.js';
import { nftJsonOf } from './nft-json.js';

// real: kube-proxy's nftables ruleset listed by nft 1.0.6 (fixtures/reference/nft)
const NFT = readFileSync(
  fileURLToPath(new URL('../../fixtures/reference/nft/kube-proxy-nftables.json', import.meta.url)),
  'utf8',
);

describe('nft -j listing in the model', () => {
  it("reads kube-proxy's table from host/nft-ruleset.json", () => {
    const s = snapshotOf({ node: 'worker-1', files: { 'host/nft-ruleset.json': NFT } });
    const got = nftJsonOf(s, s.hosts.get('worker-1')!);
    expect(got?.ref.path).toBe('host/nft-ruleset.json');
    expect(got?.kubeProxy?.services.map((x) => `${x.ip ?? 'nodeport'}:${x.port}`)).toContain('172.30.0.41:80');
    expect(s.problems).toEqual([]);
  });

  it('a bad item is a load problem naming the file and its pointer; the rest loads', () => {
    const doc = JSON.parse(NFT) as { nftables: unknown[] };
    doc.nftables[3] = { rule: { family: 'ip', table: 'kube-proxy', chain: 42, expr: 'x' } };
    const s = snapshotOf({ node: 'worker-1', files: { 'host/nft-ruleset.json': JSON.stringify(doc) } });
    expect(s.problems).toEqual([
      expect.objectContaining({
        file: 'host/nft-ruleset.json',
        message: expect.stringContaining('/nftables/3') as unknown,
      }),
    ]);
    expect(nftJsonOf(s, s.hosts.get('worker-1')!)?.kubeProxy?.services.length).toBeGreaterThan(0);
  });

  it('not JSON: a load problem, and no listing (rules say unknown, not "no kube-proxy table")', () => {
    const s = snapshotOf({ node: 'worker-1', files: { 'host/nft-ruleset.json': '{"nftables": [' } });
    expect(s.problems).toEqual([expect.objectContaining({ file: 'host/nft-ruleset.json' })]);
    expect(nftJsonOf(s, s.hosts.get('worker-1')!)).toBeUndefined();
  });

  it('no listing collected: undefined', () => {
    const s = snapshotOf({ node: 'worker-1', files: { 'host/hostname.txt': 'worker-1\n' } });
    expect(nftJsonOf(s, s.hosts.get('worker-1')!)).toBeUndefined();
  });
});
