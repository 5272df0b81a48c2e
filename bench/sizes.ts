// The three cluster sizes of issue 7. Each bench bundle is the control-plane node's bundle: it
// carries the cluster lists and that node's host files, including the kube-proxy ruleset for
// every Service in the cluster (at L: the full envelope's iptables-save).
export type SizeName = 'S' | 'M' | 'L';

export interface BenchSize {
  readonly name: SizeName;
  readonly nodes: number;
  readonly pods: number;
  readonly services: number;
}

export const SIZES: Readonly<Record<SizeName, BenchSize>> = {
  S: { name: 'S', nodes: 50, pods: 1_500, services: 200 },
  M: { name: 'M', nodes: 500, pods: 15_000, services: 2_000 },
  L: { name: 'L', nodes: 5_000, pods: 150_000, services: 10_000 },
};

/** the count per-object costs are divided by */
export const objectsOf = (s: BenchSize): number => s.nodes + s.pods + s.services;

export function parseSizes(arg: string | undefined): SizeName[] {
  const names = (arg ?? 'S,M,L').split(',').map((x) => x.trim().toUpperCase());
  for (const n of names) if (!(n in SIZES)) throw new Error(`unknown size "${n}": use S, M and/or L, e.g. --sizes S,M`);
  return names as SizeName[];
}
