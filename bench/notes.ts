// What the profiles said about each target when it was last missed (node --cpu-prof on the cached
// bundles, self and inclusive time per function). Printed into docs/performance.md beside the
// measured miss; update when a profile says otherwise.
const NOTES: readonly (readonly [RegExp, string])[] = [
  [
    /^M netsnap ≤ 1\.5x floor \(cpu/,
    "Session 7 took ~0.4 s of fixed cost off every run by shipping the CLI bundled (rolldown over tsc's output, docs/cli.md: 401 -> 28 files opened at M; `analyze` on a missing path 0.63 -> 0.23 s of CPU) and ~15% off M's analysis (a destination index for the packet trace, SVC-303 without kept target options; in-process analyze 1.04 -> 0.88 s); interleaved on an idle machine the session-6 CLI took 3.76-4.09 s of CPU at M and this one 2.94-3.46 s. The ratio moved less than that because this VM's speed drifts between runs (the same base build measured 3.3 s at the session's start and 3.9 s at its end) and the floor moves with it. Profile of the bundled CLI at M (node --cpu-prof, idle machine, main thread ~3.1 s of CPU): JSON.parse of the lists 21% (the floor does the same), idle 13% (waiting for the reading thread), text decoding 7%, GC 5% on the main thread plus V8's background GC threads, iptables scan and parse ~6%, compiling the bundle 3%, JSON depth checks 2%, rules ~5%. The floor keeps nothing, so its young objects die young; netsnap keeps 15,000 pods and ~90,000 iptables rules. Lean objects (docs/lean-objects.md) are not used at M: measured, they cost 15-20% more CPU there.",
  ],
  [
    /^L netsnap ≤ 2\.0x floor \(cpu/,
    "Two idle bench runs 25 minutes apart with the same code gave 2.85x (24.1 s against a floor of 8.46 s) and 3.79x (23.6 s against 6.21 s): this VM's speed drifts (M's floor 1.37 s and 0.90 s in the same two runs), and the floor, one thread of JSON.parse, gains more from a fast moment than netsnap's GC-heavy two threads. Profile of the bundled CLI at L in session 7 (node --cpu-prof at 1 ms, idle machine): the main thread's ~15 s of CPU is item JSON.parse of the pods 17% (the floor does the same), GC 11%, idle 10% (waiting for the reading thread), the in-place schema checks and the projection to lean pods ~9%, the other lists' JSON.parse 5%, reading the spill back 4%, iptables scan and parse ~8%, the kube-proxy index 2%; the reading thread's ~2.5 s is gunzip, its CRC-32 (0.46 s: computed over the output because zlib's own check throws away the last output on failure, docs/spill.md) and writing the spill (0.44 s). The rest of the process CPU is V8's background GC threads marking a ~1 GB live heap, and the kernel. Lean pods took ~140 MB off the heap (L peak RSS 1,538 -> 1,409 MB) at about the same CPU: the projection costs what the smaller heap saves in GC. Tried before: --single-threaded-gc, --max-semi-space-size=64, --initial-old-space-size (no clear gain or more RSS). What is left is the JSON.parse of 150,000 pods plus keeping them: parsing straight into lean shapes (a streaming parser that skips undeclared keys) would avoid building the full object at all; not built.",
  ],
  [
    /^M netsnap < one by-hand/,
    "At M one `jq` query is cheap (jq parses the 81 MB pods list once and tar's gunzip is fast), while netsnap does that parse plus every rule and the report; its start-up is now ~0.2 s of CPU (bundled CLI, session 7; it was ~0.6 s), so the gap is the analysis itself (see the M floor row). netsnap answers every question at once and the by-hand figure is for ONE question, so a second by-hand query already costs more than netsnap.",
  ],
  [
    /^L netsnap < one by-hand/,
    'Level at L (1.04x of ONE query: 24.1 s against 23.0 s of CPU; 0.79x in wall time, since netsnap reads on two threads): a second by-hand query costs more than the whole analysis. The remaining cost is the retained heap described in the L floor row.',
  ],
  [
    /^M end to end .* floor/,
    "In-process M (this run): load 1.57 s of CPU against the floor 0.72 s, analyze 0.54 s, report 0.03 s (the previous idle run, at a slower moment of this VM: 2.5 s, 1.2 s and 0.86 s: the same proportions). The load does what the floor does plus keeping the objects (GC: the floor's young objects die young), the in-place schema checks, the iptables scan and the indexes; analyze is every rule, the packet traces and the chains. In-process runs load the tsc layout (not the bundle) inside the bench harness. See the M whole-process row for the profile.",
  ],
  [
    /^L end to end .* floor/,
    'In-process L (this run): load 16.2 s of CPU against the floor 7.2 s, analyze 3.9 s (25,050 findings), report 0.4 s: 2.27x the floor in wall time and 2.83x in CPU (the previous idle run, 25 minutes earlier: 1.95x in wall, met). The load does what the floor does plus the in-place schema checks, the projection to lean pods, the iptables scan (~440,000 rules) and keeping it all (GC over a ~1 GB heap); see the L whole-process row for the profile.',
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
