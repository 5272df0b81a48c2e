// What the profiles said about each target when it was last missed (node --cpu-prof on the cached
// bundles, self and inclusive time per function). Printed into docs/performance.md beside the
// measured miss; update when a profile says otherwise.
const NOTES: readonly (readonly [RegExp, string])[] = [
  [
    /^M netsnap ≤ 1\.5x floor \(cpu/,
    "Whole processes, so the CLI's fixed cost counts: `netsnap analyze` on a missing path costs 0.52-0.59 s of CPU against 0.08-0.10 s for `node -e 0` (the floor script imports almost nothing); that is ~0.45 s of the 2.1 s gap at M. What is left is loading ~320 ES modules (rules, model, zod): Node 20 has no compile cache (module.enableCompileCache is Node 22), and the rule-pack machinery already loads only with --rules. Profile of the CLI at M in this run's conditions (node --cpu-prof, idle machine, main thread): JSON.parse of the lists 18% (the floor does the same), idle 10% (waiting for the reading thread), GC 5% on the main thread plus V8's background GC threads (49 scavenges, 2 mark-compacts; their CPU is in the process total but not in the main-thread profile), text decoding 4%, module compilation 3-4%, zod in-place checks 2.4%, iptables scan ~6%, rules ~5%. The floor keeps nothing, so its young objects die young; netsnap keeps 15,000 pods and ~90,000 iptables rules, which the scavenger copies and the marker walks.",
  ],
  [
    /^L netsnap ≤ 2\.0x floor \(cpu/,
    "Profile of load + analyze + report at L in this session (node --cpu-prof at 0.5 ms, idle machine, 23.7 s user + 3.2 s system for the process): the main thread's ~11 s is item JSON.parse 17% (the floor does the same), GC 12%, idle 9% (waiting for the reading thread), the other lists' JSON.parse 7% (as the floor), iptables scan and parse ~9%, zod in-place checks 3%, indexes 2%; the reading thread's ~2 s is gunzip, its CRC-32 (18%) and writing the spill (13%). The rest of the process CPU (~12 s) is V8's background GC threads marking and sweeping a heap that grows to ~1.2 GB live (13 mark-compacts, 322 scavenges per run) and the kernel. Tried: --single-threaded-gc (19.7-24.2 s against 25.7-27.9 s, same noise band), --max-semi-space-size=64 (~10% less CPU, +40-70 MB RSS, so the RSS target would move further), --initial-old-space-size=1500 (no clear gain, up to +140 MB RSS). What would close it is keeping less: lean pod shapes (rules read ~20 fields of each pod) with the full object re-read from the spill for rule packs and evidence.",
  ],
  [
    /^M netsnap < one by-hand/,
    "At M one `jq` query is cheap (jq parses the 81 MB pods list once and tar's gunzip is fast), while netsnap does that parse plus every rule, the report and its fixed start-up cost (~0.5 s of CPU loading its modules, see the M floor row); netsnap answers every question at once and the by-hand figure is for ONE question, so a second by-hand query already costs more than netsnap.",
  ],
  [
    /^L netsnap < one by-hand/,
    'Level at L (1.04x of ONE query: 24.1 s against 23.0 s of CPU; 0.79x in wall time, since netsnap reads on two threads): a second by-hand query costs more than the whole analysis. The remaining cost is the retained heap described in the L floor row.',
  ],
  [
    /^M end to end .* floor/,
    "In-process M (this run): load 2.2 s of CPU against the floor 1.1 s, analyze 1.0 s, report 0.04 s. The load does what the floor does plus keeping the objects (GC: the floor's young objects die young), the in-place schema checks, the iptables scan and the indexes; analyze is every rule, the packet traces and the chains. See the M whole-process row for the profile.",
  ],
  [
    /^L end to end .* floor/,
    'In-process L (this run): load 20.7 s of CPU against the floor 9.0 s, analyze 4.8 s (25,050 findings), report 0.3 s; see the L whole-process row for the profile. Analyze fell from 16.8 s of CPU in the previous performance run to 4.3-4.8 s: the quadratic flannel and kube-proxy log lookups are keyed, and scans many rules share run once per snapshot.',
  ],
  [
    /peak RSS/,
    "Measured in-process at the end of the TUI phase, with the bench harness and the TUI loaded (the whole `netsnap analyze` process peaks at 1,487 MB in the headline table, under the target). Heap profile at the end of a run (node --heap-prof): 150,000 parsed pods 463 MB, the other lists (endpointslices 101 MB and endpoints 77 MB of JSON, nodes, deployments, services) 135 MB, kept iptables rules 116 MB plus the dump's text 67 MB, parsed logs 34 MB, indexes and findings; the bundle's bytes of 8 MiB and more are no longer in the heap (the spill; before it L peaked at 2,545-2,880 MB). What would take more off: lean pod shapes (see the L floor row), or not keeping both endpoints and endpointslices parsed (rules compare them, so that is a rule change, not a loader one).",
  ],
  [
    /per-object cost/,
    "The L bundle has lists past V8's string limit (pods.json is ~800 MB), read item by item; GC share grows with the live heap (more old-space marking per allocation at 1.2 GB than at 200 MB), which is most of the superlinear part in the profile.",
  ],
  [
    /TUI on L/,
    'Measured with React\'s production build (bench children get NODE_ENV=production like the CLI). The report model (stable ids, fix groups) is built on first use rather than before the first frame, rows are memoised per column width, and the findings rows sort on one precomputed key (docs/tui.md, Speed); a slow frame left is garbage collection or CPU contention (the "of which GC pauses" column).',
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
