// What the profiles said about each target when it was last missed (node --cpu-prof on the cached
// bundles, self and inclusive time per function). Printed into docs/performance.md beside the
// measured miss; update when a profile says otherwise.
const NOTES: readonly (readonly [RegExp, string])[] = [
  [
    /^M netsnap ≤ 1\.5x floor \(cpu/,
    "Whole processes, so the CLI's fixed cost counts: starting Node and loading netsnap's modules is ~0.65 s of CPU (`netsnap analyze` on a missing path) against ~0.13 s for the floor script, which imports almost nothing (a third of the gap at M; most of it at S). Profile of the CLI at M (node --cpu-prof, main thread, on the loaded machine): JSON.parse of the lists 17% (the floor does the same), garbage collection 15%, idle 10% (waiting for the reading thread), rules 12%, iptables parse 7%, jsonNestingExceeds 5% (a walk over every parsed list: made allocation-free after this run, 35 -> 18 ms per M pods list), text decoding 3%, module compilation 3%; the reading thread is mostly zlib and copying chunks into entry buffers. CPU seconds also grow under a load average of ~15 on 2 cores (shared caches, frequency): the same floor ran 0.94-1.51 s across the runs. What would close it: the parse of lists no rule reads (events), a V8 compile cache for the CLI's modules (Node 22's module.enableCompileCache; this project targets Node 20), and the lean list shapes of issue 17 item 2.",
  ],
  [
    /^L netsnap ≤ 2\.0x floor \(cpu/,
    'Profile of `netsnap analyze` at L in this session (node --cpu-prof, main thread, 177 s of samples at a load average of ~20): rules 45%, of which flannel-presence 26% and kube-proxy-logs 12% (each flannel log found its pod with a find over all 150,000 pods, each kube-proxy log its node with a scan over all 5,000 nodes: quadratic at 5,000 logs), garbage collection 19%, item parse 7% (parseSpan, as the floor), reader JSON.parse 4%, zod in-place checks 2%. Both lookups are keyed since commit 6f5c0c9 (after this run): one run of the same L bundle then took 26.7 s of CPU (24.5 user + 2.2 system) instead of the 45.3 s median above, 2.96x the floor and level with the by-hand query (26.8 s), with the same 25,039 findings. What is left is the live heap (150,000 pods and ~450,000 kept iptables rules make every major GC mark more) and ~1.25 GB of entry buffers touched for the first time (~12.8 µs of CPU per 4 KiB page on this VM, ~2.5 s for the pods list alone), which the spill of "Evidence bytes" below would remove.',
  ],
  [
    /^M netsnap < one by-hand/,
    "At M one `jq` query is cheap (jq parses the 81 MB pods list once and tar's gunzip is fast), while netsnap does that parse plus every rule, the report and its fixed start-up cost (~0.65 s of CPU loading its modules); netsnap answers every question at once and the by-hand figure is for ONE question, so a second by-hand query already costs more than netsnap.",
  ],
  [
    /^L netsnap < one by-hand/,
    'At L the quadratic flannel and kube-proxy log lookups (see the L floor row) cost ~19 s of CPU in this run; with them keyed (commit 6f5c0c9, after this run) one run took 26.7 s of CPU against the 26.8 s by-hand median: level, not yet below. The rest is as for the L floor row.',
  ],
  [
    /^M end to end .* floor/,
    'At M the floor is ~1.1 s and netsnap must stay within ~0.55 s of it for load, rules and report together. Profile of M (node --cpu-prof, load + analyze, 3.5 s of samples on an idle machine): garbage collection 20% (36 scavenges, 0.47 s, copying the 15,000 parsed pods and the rules that are kept; the floor keeps nothing, so its scavenges are cheap), JSON.parse 14% (the floor does the same), rules 19% (SVC-303 comparing kube-proxy rules with ready endpoints 7%, packet traces 4%), iptables scan 6%, gunzip + tar 6%. Tried and dropped: a larger young generation (--max-semi-space-size=64: no gain at M, +100 MB RSS at L), one JSON.parse per batch of items (no gain), projecting pods to the fields rules read (heap only 482 -> 384 MB because conditions and statuses stay, and slower to build). Reading in a worker thread overlaps decompression with parsing but saves only ~0.1 s at M. What would close it: doing less than the floor (not parsing lists no rule reads, e.g. events) or parsing lists on the second core, which in Node means sending the objects back through structured clone, as costly as parsing them.',
  ],
  [
    /^L end to end .* floor/,
    'In this run the analyze phase at L took 16.8 s of CPU (3.1 s on 2026-11-28, when the L bundle gave 20,029 findings; 25,039 now): the quadratic flannel and kube-proxy log lookups described in the L whole-process row, fixed after this run. Earlier profile of L load (idle machine, 16.6 s of samples): garbage collection 26% (retaining 150,000 pods, ~450,000 kept iptables rules and ~1.25 GB of bundle bytes), JSON.parse of the list items 16% (as the floor), rules 15% (SVC-303 7%), iptables scan 7%, gunzip + tar (now in a worker thread) 5%.',
  ],
  [
    /peak RSS/,
    'Measured at the end of the TUI phase: load ends at ~2.45 GB (heap ~1.1 GB of which ~0.95 GB live: 150,000 pods as kubectl printed them ~480 MB, kept iptables rules ~200 MB, indexes and findings; plus ~1.25 GB of bundle bytes, one copy, kept for evidence), analyze adds ~130 MB and the TUI ~80 MB. The generated L bundle writes pods.json in `kubectl get -o json` form (813 MB, 4-space indented); the collector now writes the API server\'s compact JSON, which is ~350 MB for the same pods, so a bundle from the current collector needs ~460 MB less. Not done in this session: keeping the largest list\'s bytes out of the heap; the design chosen by measurement (a private spill file the list is streamed into and read back from with fs.readSync) is in "Evidence bytes" below. It would take the ~775 MiB pods list (and its first-touch page faults) out of the peak.',
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
