// iptables-save and iptables-nft-save of the same node print the same bytes; they are parsed once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './build.js';
import { rawBundle } from './testing.js';

const NFT = readFileSync(new URL('../../fixtures/reference/bench/iptables-save-nft.txt', import.meta.url), 'utf8');

describe('identical iptables dumps', () => {
  it('share one parse, each cited by its own path', () => {
    const s = buildSnapshot([rawBundle({ files: { 'host/iptables-save.txt': NFT, 'host/iptables-nft-save.txt': NFT } })]);
    const host = [...s.hosts.values()][0]!;
    expect(host.iptables?.ref.path).toBe('host/iptables-save.txt');
    expect(host.iptablesNft?.ref.path).toBe('host/iptables-nft-save.txt');
    expect(host.iptablesNft?.value).toBe(host.iptables?.value);
  });

  it('different dumps are parsed separately, with their own problems', () => {
    const broken = `${NFT}-A NO-SUCH-TABLE-LINE\n`;
    const s = buildSnapshot([rawBundle({ files: { 'host/iptables-save.txt': NFT, 'host/iptables-nft-save.txt': broken } })]);
    const host = [...s.hosts.values()][0]!;
    expect(host.iptablesNft?.value).not.toBe(host.iptables?.value);
    expect(s.problems.every((p) => p.file !== 'host/iptables-save.txt')).toBe(true);
  });
});
