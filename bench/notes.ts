// What the profiles said about each target when it was last missed (node --cpu-prof on the cached
// bundles, self and inclusive time per function). Printed into docs/performance.md beside the
// measured miss; update when a profile says otherwise.
const NOTES: readonly (readonly [RegExp, string])[] = [
  [
    /^M end to end .* floor/,
    'At M the floor is ~1.1 s and netsnap must stay within ~0.55 s of it for load, rules and report together. Profile of M (node --cpu-prof, load + analyze, 3.5 s of samples on an idle machine): garbage collection 20% (36 scavenges, 0.47 s, copying the 15,000 parsed pods and the rules that are kept; the floor keeps nothing, so its scavenges are cheap), JSON.parse 14% (the floor does the same), rules 19% (SVC-303 comparing kube-proxy rules with ready endpoints 7%, packet traces 4%), iptables scan 6%, gunzip + tar 6%. Tried and dropped: a larger young generation (--max-semi-space-size=64: no gain at M, +100 MB RSS at L), one JSON.parse per batch of items (no gain), projecting pods to the fields rules read (heap only 482 -> 384 MB because conditions and statuses stay, and slower to build). Reading in a worker thread overlaps decompression with parsing but saves only ~0.1 s at M. What would close it: doing less than the floor (not parsing lists no rule reads, e.g. events) or parsing lists on the second core, which in Node means sending the objects back through structured clone, as costly as parsing them.',
  ],
  [
    /^L end to end .* floor/,
    'Profile of L load (idle machine, 16.6 s of samples): garbage collection 26% (retaining 150,000 pods, ~450,000 kept iptables rules and ~1.25 GB of bundle bytes), JSON.parse of the list items 16% (as the floor), rules 15% (SVC-303 7%), iptables scan 7%, gunzip + tar (now in a worker thread) 5%.',
  ],
  [
    /peak RSS/,
    "Measured at the end of the TUI phase: load ends at ~2.45 GB (heap ~1.1 GB of which ~0.95 GB live: 150,000 pods as kubectl printed them ~480 MB, kept iptables rules ~200 MB, indexes and findings; plus ~1.25 GB of bundle bytes, one copy, kept for evidence), analyze adds ~130 MB and the TUI ~80 MB. The generated L bundle writes pods.json in `kubectl get -o json` form (813 MB, 4-space indented); the collector now writes the API server's compact JSON, which is ~350 MB for the same pods, so a bundle from the current collector needs ~460 MB less. Not done: keeping the largest list's bytes out of memory and re-reading them from the archive when evidence opens them (the file index is synchronous today).",
  ],
  [
    /per-object cost/,
    "The L bundle has lists past V8's string limit (pods.json is ~800 MB), read item by item; GC share grows with the live heap (more old-space marking per allocation at 2 GB than at 200 MB), which is most of the superlinear part in the profile.",
  ],
  [
    /TUI on L/,
    'Measured with React\'s production build (bench children get NODE_ENV=production like the CLI). A slow first frame on L is garbage collection or CPU contention, not render work: the first frame is ~100 ms of CPU at L (the "of which GC pauses" column shows the collections that landed inside it).',
  ],
  [
    /collector/,
    'Lists are fetched with `kubectl get --raw` pages of 5,000 items spliced in sh (docs/collector.md); the remaining time is kubectl starts per page and the label queries that pick kube-proxy and flannel logs, which decode 5,000 pods each.',
  ],
];

export function missNote(target: string): string {
  for (const [re, note] of NOTES) if (re.test(target)) return note;
  return 'No profile recorded for this miss yet: run `node --expose-gc --cpu-prof dist/bench/child.js <size> <bundle> /tmp/r.json` and read the profile.';
}
