// Parse what was typed after `:` into an action.
import type { Proto } from '../../analyzer/trace/types.js';
import type { Route, TraceRoute } from './route.js';

export type ColonResult =
  | { readonly kind: 'route'; readonly route: Route }
  | { readonly kind: 'line'; readonly line: number }
  | { readonly kind: 'quit' }
  | { readonly kind: 'write' }
  | { readonly kind: 'error'; readonly message: string };

export function parseColon(text: string, nodes: readonly string[]): ColonResult {
  const [name = '', ...args] = text.trim().split(/\s+/);
  const arg = args.join(' ');
  if (/^\d+$/.test(name)) return { kind: 'line', line: Number(name) };
  switch (name.toLowerCase()) {
    case 'overview':
    case 'o':
      return { kind: 'route', route: { screen: 'overview' } };
    case 'findings':
    case 'f':
      return { kind: 'route', route: { screen: 'findings', filter: { text: arg } } };
    case 'evidence':
    case 'e':
      if (arg && !nodes.includes(arg))
        return { kind: 'error', message: `no node "${arg}"; nodes: ${nodes.join(', ') || 'none'}` };
      return { kind: 'route', route: { screen: 'evidence', ...(arg ? { node: arg } : {}) } };
    case 'node':
    case 'n':
      if (!arg) return { kind: 'error', message: `:node needs a name; nodes: ${nodes.join(', ') || 'none'}` };
      if (!nodes.includes(arg))
        return { kind: 'error', message: `no node "${arg}"; nodes: ${nodes.join(', ') || 'none'}` };
      return { kind: 'route', route: { screen: 'findings', filter: { node: arg, text: '' } } };
    case 'trace':
    case 't':
      return traceRoute(args);
    case 'help':
    case 'h':
      return { kind: 'route', route: { screen: 'help' } };
    case 'quit':
    case 'q':
      return { kind: 'quit' };
    case 'write':
    case 'w':
      return { kind: 'write' };
    case '':
      return { kind: 'error', message: 'type a command, e.g. :findings, :node worker-1, :120; ? lists them' };
    default:
      return { kind: 'error', message: `unknown command ":${name}"; ? lists the commands` };
  }
}

const PROTOS: readonly string[] = ['tcp', 'udp', 'icmp', 'sctp'];

/** `:trace web-1 kube-system/kube-dns:53 udp`: what is given is filled in, the pickers ask the rest */
function traceRoute(args: readonly string[]): ColonResult {
  const [from, to, proto, extra] = args;
  if (extra !== undefined || (proto !== undefined && !PROTOS.includes(proto.toLowerCase()))) {
    return {
      kind: 'error',
      message: ':trace FROM TO[:PORT] [tcp|udp|icmp|sctp], e.g. :trace web-1 kube-system/kube-dns:53',
    };
  }
  const m = to !== undefined ? /^(.*):(\d{1,5})$/.exec(to) : null;
  const route: TraceRoute = {
    screen: 'trace',
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to: m?.[1] ?? to } : {}),
    ...(m?.[2] !== undefined ? { port: Number(m[2]) } : {}),
    ...(proto !== undefined ? { proto: proto.toLowerCase() as Proto } : {}),
  };
  return { kind: 'route', route };
}
