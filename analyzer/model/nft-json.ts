// The node's `nft -j list ruleset` (host/nft-ruleset.json, source host.nft-ruleset-json), parsed once
// per host on first use (analyzer/parse/nft-json.ts) and kube-proxy's nftables-mode state read from it
// (analyzer/parse/kube-proxy-nft.ts). Read through the file index like the text listing
// (./iptables-dumps.ts nftRulesetOf); problems of the parse are kept beside the value.
import type { ParseProblem } from '../core/problem.js';
import { parseNftJson, type NftJsonRuleset } from '../parse/nft-json.js';
import { kubeProxyNft, type KubeProxyNft } from '../parse/kube-proxy-nft.js';
import type { FileRef, HostState, Snapshot } from './types.js';

export const NFT_JSON_PATH = 'host/nft-ruleset.json';

export interface NftJsonOfHost {
  readonly value: NftJsonRuleset;
  readonly ref: FileRef;
  readonly problems: readonly ParseProblem[];
  /** kube-proxy's `table ip kube-proxy`, when there is one */
  readonly kubeProxy?: KubeProxyNft;
}

const cache = new WeakMap<HostState, NftJsonOfHost | null>();

/** undefined when the node's bundle has no nft -j listing */
export function nftJsonOf(s: Snapshot, host: HostState): NftJsonOfHost | undefined {
  const known = cache.get(host);
  if (known !== undefined) return known ?? undefined;
  const ref: FileRef = { bundle: host.bundle, path: NFT_JSON_PATH };
  const count = s.files.lineCount(ref);
  const lines = count === undefined ? undefined : s.files.lines(ref, 1, count);
  let got: NftJsonOfHost | undefined;
  if (lines !== undefined) {
    const parsed = parseNftJson(lines.join('\n'));
    const kp = kubeProxyNft(parsed.value, 'ip');
    got = { value: parsed.value, ref, problems: parsed.problems, ...(kp ? { kubeProxy: kp } : {}) };
  }
  cache.set(host, got ?? null);
  return got;
}
