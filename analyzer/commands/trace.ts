// `netsnap trace <bundles...> --from X --to Y[:port] [--proto P] [--node N] [--format text|json] [-o FILE]`
// A name that matches nothing is a usage error that lists the closest pods, services and nodes.
import type { Snapshot } from '../model/types.js';
import { formatTrace } from '../trace/format.js';
import { traceFromSnapshot, TraceInputError } from '../trace/resolve.js';
import type { Proto } from '../trace/types.js';
import { inert, inertLine, safeJson } from '../text/inert.js';
import {
  closest,
  DEMO_OPTION,
  didYouMean,
  emitOutput,
  FORMAT_HELP,
  FORMAT_OPTIONS,
  formatOf,
  HELP_OPTION,
  outputOf,
  parseCommand,
  usageError,
} from './args.js';
import { bundlePaths, loadInputs, reportSkipped } from './inputs.js';

const USAGE = `usage: netsnap trace [options] <bundle-or-dir...> --from X --to Y[:port]
       netsnap trace --demo --from X --to Y[:port]

Follow one packet through a node's routes and iptables, offline.
  --from X                        pod (name or ns/name), pod IP, node name, or any IP
  --to Y[:port]                   service (ns/name or name.ns), ClusterIP, node (NodePort), pod or IP
  --proto P                       tcp | udp | icmp | sctp (default: the Service port's protocol, else tcp)
  --node N                        the node whose rules to use (default: the source pod's node)
${FORMAT_HELP(['text', 'json'])}
  --demo                          trace in the demo bundles shipped with netsnap
  -h, --help                      this help
exit: 0 traced, 2 no bundle could be read, an endpoint not found, or bad usage`;

const OPTIONS = {
  ...FORMAT_OPTIONS,
  ...DEMO_OPTION,
  ...HELP_OPTION,
  from: { type: 'string' },
  to: { type: 'string' },
  proto: { type: 'string' },
  node: { type: 'string' },
} as const;

const PROTOS = ['tcp', 'udp', 'icmp', 'sctp'] as const;

/** a JSON-shaped value with every string shown as one inert line (the result is plain data) */
function inertStrings<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === 'string' ? inertLine(v) : v)) as T;
}

/** every name --from (or --to) can take in this snapshot: pods and services as ns/name, nodes */
export function endpointNames(s: Snapshot, side: 'from' | 'to'): string[] {
  const names: string[] = [];
  for (const p of s.cluster.pods ?? []) names.push(`${p.obj.metadata.namespace ?? 'default'}/${p.obj.metadata.name}`);
  for (const n of s.cluster.nodes ?? []) names.push(n.obj.metadata.name);
  for (const h of s.hosts.values()) names.push(h.node);
  if (side === 'to')
    for (const svc of s.cluster.services ?? [])
      names.push(`${svc.obj.metadata.namespace ?? 'default'}/${svc.obj.metadata.name}`);
  return [...new Set(names)].sort();
}

/**
 * the hint for a --from/--to that names nothing: the closest names (by edit distance, then by the
 * name's first word: `web-1` finds the `web-…` pods), else a few of what there is
 */
export function endpointHint(s: Snapshot, side: 'from' | 'to', given: string): string {
  const all = endpointNames(s, side);
  if (all.length === 0) return 'these bundles hold no pods, services or nodes; give an IP address';
  const host = (side === 'to' ? given.replace(/:\d+$/, '') : given).toLowerCase();
  const bare = (n: string) => n.slice(n.indexOf('/') + 1).toLowerCase();
  let near = closest(host, all, 4);
  if (near.length === 0) {
    const word = host.replace(/^.*\//, '').split(/[-.]/)[0] ?? '';
    if (word.length >= 2) near = all.filter((n) => bare(n).split(/[-.]/)[0] === word);
  }
  const shown = (near.length ? near : all).slice(0, 4);
  const more = (near.length ? near : all).length - shown.length;
  return `${near.length ? 'did you mean' : 'candidates:'} ${shown.join(', ')}${more > 0 ? ` (and ${more} more)` : ''}${near.length ? '?' : ''}`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand('trace', argv, OPTIONS, USAGE);
  if ('exit' in parsed) return parsed.exit;
  const v = parsed.values;
  const format = formatOf('trace', v, ['text', 'json'], 'text');
  if (format === 2) return 2;
  const output = outputOf('trace', v);
  if (output === 2) return 2;
  if (!v.from) return usageError('trace', 'give --from (a pod, node or IP)');
  if (!v.to) return usageError('trace', 'give --to (a service, pod, node or IP, with :port)');
  const proto = v.proto?.toLowerCase();
  if (proto !== undefined && !(PROTOS as readonly string[]).includes(proto))
    return usageError(
      'trace',
      `--proto ${v.proto} is not one of ${PROTOS.join(', ')}`,
      didYouMean(proto, PROTOS) ?? 'see netsnap trace -h',
    );
  const paths = bundlePaths(parsed.positionals, v.demo);
  if (typeof paths === 'string') return usageError('trace', paths);
  const inputs = await loadInputs(paths);
  if (reportSkipped('trace', inputs) === 2) return 2;
  const { snapshot } = inputs;
  if (snapshot.hosts.size === 0) {
    process.stderr.write(
      'netsnap trace: no host data in these bundles (a trace needs a node bundle with iptables-save and ip route)\n',
    );
    return 2;
  }
  if (v.node !== undefined && ![...snapshot.hosts.values()].some((h) => h.node === v.node))
    return usageError(
      'trace',
      `--node ${v.node}: no bundle has host data of that node`,
      didYouMean(
        v.node,
        [...snapshot.hosts.values()].map((h) => h.node),
      ) ?? `nodes with host data: ${[...snapshot.hosts.values()].map((h) => h.node).join(', ')}`,
    );
  let text: string;
  try {
    const r = traceFromSnapshot(snapshot, { from: v.from, to: v.to, proto: proto as Proto | undefined, node: v.node });
    // the trace quotes rules, chains and names from the bundle: every string in it is made one inert
    // line before formatting (a name cannot start a line), then the whole text goes through the sink
    text =
      format === 'json'
        ? `${safeJson({ schema: 'netsnap.trace/v1', ...r })}\n`
        : `${inert(formatTrace(inertStrings(r)))}\n`;
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    const side = e.message.startsWith('--from') ? 'from' : e.message.startsWith('--to') ? 'to' : undefined;
    const hint = side ? endpointHint(snapshot, side, side === 'from' ? v.from : v.to) : undefined;
    return usageError('trace', e.message, hint ?? 'netsnap inspect lists the pods, services and nodes found');
  }
  return emitOutput('trace', output, text);
}
