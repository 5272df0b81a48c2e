// What the profiles said about each target when it was last missed (node --cpu-prof on
// dist/bench/child.js, self and inclusive time per function). Printed into docs/performance.md
// beside the measured miss; update when a profile says otherwise.
const NOTES: readonly (readonly [RegExp, string])[] = [
  [
    /end to end .* floor/,
    'Profile of L (inclusive CPU): load 93% of end to end: Snapshot build of the cluster lists ~30% (JSON.parse of each item ~14%, zod safeParse of each item ~11%, finding the items ~3%), iptables-save parsing ~28% (parseRuleArgs/tokenizeRule: every rule of the 67 MB dump becomes a typed rule; the floor only splits lines), and garbage collection ~25% of all samples (150,000 pods parsed, then copied by zod into the Snapshot). The floor does neither validation nor rule parsing, so the remaining gap is that work plus the GC it causes. Next steps: parse iptables rules lazily per chain on first use (most rules never look past KUBE-SERVICES/FORWARD/POSTROUTING), and validate pods with a schema that keeps only the fields rules read instead of passing every field through.',
  ],
  [
    /peak RSS/,
    'Heap peak ~2.2 GB holds 150,000 zod-parsed pods with every field passed through (looseObject), plus ~1.3 GB of bundle bytes kept for evidence (one copy since entries are read into a preallocated buffer). Both are needed by design (evidence must open at a line); the way down is a pod schema that drops fields no rule or view reads.',
  ],
  [
    /per-object cost/,
    'The L bundle has lists past V8\'s string limit (pods.json is ~800 MB), read item by item; GC share grows with the live heap (more old-space marking per allocation at 2 GB than at 200 MB), which is most of the superlinear part in the profile.',
  ],
  [
    /TUI on L/,
    'The first frame after load builds the overview over 5,000 nodes and 20,000 findings; the per-node finding counts were O(nodes x findings) (16 s at L) and are now one pass. Key-to-frame is dominated by React development-mode reconciliation and Ink rendering of the full 120x40 frame (react.development.js is loaded because NODE_ENV is unset); on a loaded machine the median moves by tens of ms between runs.',
  ],
  [
    /collector/,
    'The collector\'s cluster part is bound by kubectl: it decodes each 500-item chunk and re-encodes the whole list as one JSON document before writing (~800 MB for 150,000 pods), single-threaded per list; host sources run concurrently in a second subshell.',
  ],
];

export function missNote(target: string): string {
  for (const [re, note] of NOTES) if (re.test(target)) return note;
  return 'No profile recorded for this miss yet: run `node --expose-gc --cpu-prof dist/bench/child.js <size> <bundle> /tmp/r.json` and read the profile.';
}
