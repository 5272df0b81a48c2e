import type { ReadLimits } from './types.js';
import { DEFAULT_SPILL_MIN_BYTES } from './spill.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Defaults sized for the Kubernetes scalability envelope (5,000 nodes, 150,000 pods,
 * 10,000 services): a pods list of that size is ~1.5 GB of JSON and one node's iptables-save
 * for 10,000 services is ~100 MB, so one entry may be large; the total cap stops a
 * decompression bomb long before memory runs out.
 */
export const DEFAULT_LIMITS: ReadLimits = {
  maxEntryBytes: 2 * GiB - 1,
  maxTotalBytes: 4 * GiB,
  maxEntries: 50_000,
  // Real bundles compress 8-30x (the collector's L bundle: 428 MB in 35 MB, 12x; 4-space indented
  // generated lists ~25x); runs of zeros reach deflate's ~1,030x. Checked from 128 MiB on, so a
  // bomb is stopped with at most ~128 MiB held whatever its entries declare (issue 17: 512 MB RSS).
  maxRatio: 200,
  ratioFromBytes: 128 * MiB,
  // larger entries go to the spill file, not the heap: at L that keeps the 775 MiB pods list and
  // the ~70 MB iptables dumps out of RSS (docs/spill.md)
  spillMinBytes: DEFAULT_SPILL_MIN_BYTES,
};

export function resolveLimits(partial?: Partial<ReadLimits>): ReadLimits {
  return { ...DEFAULT_LIMITS, ...partial };
}

export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
