// `netsnap trace <bundles...> --from X --to Y[:port] [--proto tcp|udp|icmp] [--node N] [--json]`
import { parseArgs } from 'node:util';
import { loadSnapshot } from '../model/load.js';
import { formatTrace } from '../trace/format.js';
import { traceFromSnapshot, TraceInputError } from '../trace/resolve.js';
import type { Proto } from '../trace/types.js';
import { inert, inertLine, safeJson } from '../text/inert.js';

const HELP = `usage: netsnap trace <bundle-or-dir...> --from X --to Y[:port] [options]

Follow one packet through a node's routes and iptables, offline.
  --from X        pod (name or ns/name), pod IP, node name, or any IP
  --to Y[:port]   service (ns/name or name.ns), ClusterIP, node (NodePort), pod or IP
  --proto P       tcp | udp | icmp (default: the Service port's protocol, else tcp; icmp without a port)
  --node N        the node whose rules to use (default: the source pod's node)
  --json          machine-readable result
`;

/** a JSON-shaped value with every string shown as one inert line (the result is plain data) */
function inertStrings<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === 'string' ? inertLine(v) : v)) as T;
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        proto: { type: 'string' },
        node: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`netsnap trace: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const v = args.values;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!v.from || !v.to || args.positionals.length === 0) {
    process.stderr.write(`netsnap trace: need bundles, --from and --to\n\n${HELP}`);
    return 2;
  }
  if (v.proto && !['tcp', 'udp', 'icmp', 'sctp'].includes(v.proto)) {
    process.stderr.write(`netsnap trace: --proto must be tcp, udp, icmp or sctp\n`);
    return 2;
  }
  const { snapshot } = await loadSnapshot(args.positionals);
  if (snapshot.bundles.length === 0 || snapshot.hosts.size === 0) {
    process.stderr.write(
      'netsnap trace: no host data could be read from these bundles (a trace needs a node bundle with iptables-save and ip route)\n',
    );
    return 2;
  }
  try {
    const r = traceFromSnapshot(snapshot, {
      from: v.from,
      to: v.to,
      proto: v.proto as Proto | undefined,
      node: v.node,
    });
    // the trace quotes rules, chains and names from the bundle: every string in it is made one inert
    // line before formatting (a name cannot start a line), then the whole text goes through the sink
    process.stdout.write(
      v.json ? `${safeJson({ schema: 'netsnap.trace/v1', ...r })}\n` : `${inert(formatTrace(inertStrings(r)))}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof TraceInputError) {
      process.stderr.write(`netsnap trace: ${inert(e.message)}\n`);
      return 2;
    }
    throw e;
  }
}
