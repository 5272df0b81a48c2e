// Which nodes to collect: `--nodes a,b,c`, `--nodes-file FILE` (one per line, # comments), or the
// cluster's Node objects (`kubectl get nodes -o json`, the address of --address-type). An entry is
// `target` or `name=target`: the name is the Kubernetes node name (passed to the collector as
// --node), the target what ssh connects to (host, user@host, an ssh config alias, an address).
import { z } from 'zod';

export interface NodeTarget {
  /** Kubernetes node name when known, else the target */
  readonly node: string;
  /** ssh destination (or the node name for --via-pod) */
  readonly target: string;
  /** true when `node` is a Kubernetes name (named explicitly or from the cluster): passed as --node */
  readonly named: boolean;
}

export type NodesResult = { ok: true; nodes: NodeTarget[] } | { ok: false; message: string };

/** a target or name ssh or kubectl would read as an option, or that holds blanks or control characters */
const UNSAFE = /^-|[\s\p{Cc}]/u;

/** Pure: entries separated by commas or lines (`#` starts a comment) -> targets, or the first bad entry. */
export function parseNodeList(text: string, from: string): NodesResult {
  const nodes: NodeTarget[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    for (const raw of line.replace(/#.*/, '').split(',')) {
      const entry = raw.trim();
      if (entry === '') continue;
      const eq = entry.indexOf('=');
      const node = eq > 0 ? entry.slice(0, eq) : entry;
      const target = eq > 0 ? entry.slice(eq + 1) : entry;
      const where = lines.length > 1 ? `${from} line ${i + 1}` : from;
      if (target === '' || UNSAFE.test(node) || UNSAFE.test(target))
        return {
          ok: false,
          message: `${where}: "${entry}" is not a node (no leading "-", blanks or control characters)`,
        };
      if (seen.has(node)) return { ok: false, message: `${where}: node "${node}" is listed twice` };
      seen.add(node);
      nodes.push({ node, target, named: eq > 0 });
    }
  }
  if (nodes.length === 0) return { ok: false, message: `${from}: no node listed` };
  return { ok: true, nodes };
}

const NodeListSchema = z.object({
  items: z
    .array(
      z.object({
        metadata: z.object({ name: z.string().min(1) }),
        status: z
          .object({ addresses: z.array(z.object({ type: z.string(), address: z.string() })).optional() })
          .optional(),
      }),
    )
    .max(100_000),
});

/** Pure: a NodeList (kubectl get nodes -o json) -> targets at the address of `addressType`. */
export function nodesFromList(json: string, addressType: string): NodesResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, message: 'kubectl get nodes -o json did not print JSON' };
  }
  const parsed = NodeListSchema.safeParse(value);
  if (!parsed.success) return { ok: false, message: 'kubectl get nodes -o json: not a NodeList' };
  const nodes: NodeTarget[] = [];
  const without: string[] = [];
  for (const item of parsed.data.items) {
    const name = item.metadata.name;
    const address = item.status?.addresses?.find((a) => a.type === addressType)?.address;
    if (!address || UNSAFE.test(address) || UNSAFE.test(name)) {
      without.push(name);
      continue;
    }
    nodes.push({ node: name, target: address, named: true });
  }
  if (without.length > 0 && nodes.length === 0)
    return { ok: false, message: `no node has an address of type ${addressType} (try --address-type Hostname)` };
  if (nodes.length === 0) return { ok: false, message: 'the cluster lists no Node' };
  return { ok: true, nodes };
}
