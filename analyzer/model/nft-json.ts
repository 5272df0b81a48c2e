// The node's `nft -j list ruleset` (host/nft-ruleset.json, source host.nft-ruleset-json), parsed at
// load (./host.ts: problems become LoadProblems naming the file), and kube-proxy's nftables-mode
// state read from it once per host (analyzer/parse/kube-proxy-nft.ts).
import type { NftJsonRuleset } from '../parse/nft-json.js';
import { kubeProxyNft, type KubeProxyNft } from '../parse/kube-proxy-nft.js';
import type { FileRef, HostState, Snapshot } from './types.js';

export interface NftJsonOfHost {
  readonly value: NftJsonRuleset;
  readonly ref: FileRef;
  /** kube-proxy's `table ip kube-proxy`, when there is one */
  readonly kubeProxy?: KubeProxyNft;
}

const cache = new WeakMap<HostState, NftJsonOfHost | null>();

/** undefined when the node's bundle has no nft -j listing (parsed at load: problems are LoadProblems) */
export function nftJsonOf(_s: Snapshot, host: HostState): NftJsonOfHost | undefined {
  const known = cache.get(host);
  if (known !== undefined) return known ?? undefined;
  const got = host.nftJson;
  const kp = got && kubeProxyNft(got.value, 'ip');
  const out = got ? { value: got.value, ref: got.ref, ...(kp ? { kubeProxy: kp } : {}) } : undefined;
  cache.set(host, out ?? null);
  return out;
}
