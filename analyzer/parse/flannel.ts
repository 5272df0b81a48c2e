// flannel inputs: net-conf.json (ConfigMap kube-flannel-cfg) and /run/flannel/subnet.env, plus
// the KEY=value env-file reader they share with kubelet's kubeadm-flags.env.
import { jsonKeyLines, parseJsonText } from './cni.js';
import type { FlannelNetConf, FlannelSubnetEnv } from './types.js';
import type { Parsed, ParseProblem } from '../core/problem.js';

type Expect = 'string' | 'boolean' | 'number' | 'object';

// known fields with the JSON type flanneld decodes them into (pkg/subnet/config.go)
const NET_CONF_FIELDS: Record<string, Expect> = {
  Network: 'string',
  IPv6Network: 'string',
  EnableIPv4: 'boolean',
  EnableIPv6: 'boolean',
  SubnetLen: 'number',
  IPv6SubnetLen: 'number',
  SubnetMin: 'string',
  SubnetMax: 'string',
  Backend: 'object',
  EnableNFTables: 'boolean',
};
const BACKEND_FIELDS: Record<string, Expect> = {
  Type: 'string',
  Port: 'number',
  VNI: 'number',
  DirectRouting: 'boolean',
};

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function checkFields(
  obj: Record<string, unknown>,
  fields: Record<string, Expect>,
  prefix: string,
  lines: Map<string, number>,
  problems: ParseProblem[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const want = fields[k];
    if (want !== undefined && typeOf(v) !== want) {
      const path = `${prefix}${k}`;
      const line = lines.get(path);
      problems.push({
        ...(line !== undefined ? { line } : {}),
        message: `net-conf.json: ${path}${line !== undefined ? ` (line ${line})` : ''} should be a ${want}, got ${typeOf(v)}; flanneld refuses this config`,
        severity: 'error',
      });
      continue;
    }
    out[k] = v;
  }
  return out;
}

export function parseFlannelNetConf(text: string): Parsed<FlannelNetConf> {
  const problems: ParseProblem[] = [];
  const { value: json, ok } = parseJsonText(text, 'net-conf.json', problems);
  if (!ok) return { value: {}, problems };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    problems.push({
      line: 1,
      message: 'net-conf.json must be a JSON object like {"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}',
      severity: 'error',
    });
    return { value: {}, problems };
  }
  const lines = jsonKeyLines(text);
  const conf = checkFields(json as Record<string, unknown>, NET_CONF_FIELDS, '', lines, problems);
  if (conf.Backend !== undefined)
    conf.Backend = checkFields(conf.Backend as Record<string, unknown>, BACKEND_FIELDS, 'Backend.', lines, problems);
  if (conf.Network === undefined && conf.IPv6Network === undefined) {
    problems.push({
      line: 1,
      message: 'net-conf.json has no "Network"; flanneld cannot start without a pod network',
      severity: 'warning',
    });
  }
  return { value: conf as FlannelNetConf, problems };
}

export interface EnvVar {
  readonly value: string;
  readonly line: number;
}

/**
 * KEY=value lines as systemd EnvironmentFile and flannel write them: `#` comments, optional
 * `export`, optional single or double quotes around the value. Later keys win.
 */
export function parseKeyValueEnv(text: string): Parsed<ReadonlyMap<string, EnvVar>> {
  const problems: ParseProblem[] = [];
  const vars = new Map<string, EnvVar>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i]!.replace(/\r$/, '').trim();
    if (raw === '' || raw.startsWith('#') || raw.startsWith(';')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) {
      problems.push({
        line,
        message: `line ${line} is not KEY=value: ${JSON.stringify(raw.slice(0, 60))}`,
        severity: 'warning',
      });
      continue;
    }
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    vars.set(m[1]!, { value, line });
  }
  return { value: vars, problems };
}

export function parseSubnetEnv(text: string): Parsed<FlannelSubnetEnv> {
  const { value: vars, problems: envProblems } = parseKeyValueEnv(text);
  const problems: ParseProblem[] = [...envProblems];
  const get = (k: string): EnvVar | undefined => vars.get(k);
  let mtu: number | undefined;
  const mtuVar = get('FLANNEL_MTU');
  if (mtuVar) {
    if (/^\d+$/.test(mtuVar.value)) mtu = Number(mtuVar.value);
    else
      problems.push({
        line: mtuVar.line,
        message: `FLANNEL_MTU on line ${mtuVar.line} is not a number: ${JSON.stringify(mtuVar.value)}`,
        severity: 'warning',
      });
  }
  let ipmasq: boolean | undefined;
  const masqVar = get('FLANNEL_IPMASQ');
  if (masqVar) {
    if (masqVar.value === 'true' || masqVar.value === 'false') ipmasq = masqVar.value === 'true';
    else
      problems.push({
        line: masqVar.line,
        message: `FLANNEL_IPMASQ on line ${masqVar.line} should be true or false, got ${JSON.stringify(masqVar.value)}`,
        severity: 'warning',
      });
  }
  const network = get('FLANNEL_NETWORK')?.value;
  const subnet = get('FLANNEL_SUBNET')?.value;
  if (network === undefined && get('FLANNEL_IPV6_NETWORK') === undefined) {
    problems.push({
      message:
        "subnet.env has no FLANNEL_NETWORK; flanneld has not written its lease yet (or the file is not flannel's)",
      severity: 'warning',
    });
  }
  const value: FlannelSubnetEnv = {
    vars,
    ...(network !== undefined ? { network } : {}),
    ...(subnet !== undefined ? { subnet } : {}),
    ...(mtu !== undefined ? { mtu } : {}),
    ...(ipmasq !== undefined ? { ipmasq } : {}),
  };
  return { value, problems };
}

/** Split kubeadm-flags.env's KUBELET_KUBEADM_ARGS into flag -> value (`--x=y` or bare `--x`). */
export function splitKubeletArgs(args: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const word of args.split(/\s+/)) {
    if (!word.startsWith('--')) continue;
    const eq = word.indexOf('=');
    if (eq < 0) out.set(word.slice(2), 'true');
    else out.set(word.slice(2, eq), word.slice(eq + 1));
  }
  return out;
}

// ---------------------------------------------------------------- flanneld log lines

/** What a flanneld (or k3s/RKE2 embedded flannel) log line says went wrong. */
export type FlannelLogKind =
  | 'no-pod-cidr' // failed to acquire lease: node "x" pod cidr not assigned
  | 'no-interface' // --iface/--iface-regex matched nothing, or no default route to pick one
  | 'overlay-address' // flannel.1 holds an address flanneld did not put there
  | 'subnet-manager' // cannot reach the API server / read its own pod (RBAC, network)
  | 'network-config' // net-conf.json unreadable or invalid
  | 'register-network' // any other "Error registering network"
  | 'vxlan-route' // a route/ARP/FDB entry to a peer could not be added (flanneld keeps running)
  | 'lease-revoked'
  | 'exited'; // k3s/RKE2: flannel exited (the embedded flannel stopped; k3s exits with it)

export interface FlannelLogProblem {
  readonly kind: FlannelLogKind;
  /** flanneld stops on it (the pod crash-loops, k3s exits); false for errors it lives with */
  readonly fatal: boolean;
  /** the node or interface the line names, when it names one */
  readonly node?: string;
  readonly iface?: string;
}

// Forms across versions (flannel-io/flannel main.go, pkg/ip/iface.go, pkg/backend/vxlan):
//  0.7/0.8  E… network.go:102] failed to register network: failed to acquire lease: node "x" pod cidr not assigned
//  0.9+     E… main.go:…] Error registering network: failed to acquire lease: node "x" pod cidr not assigned
//  0.6      E… main.go:146] Failed to create NetworkManager: failed to get default interface: Unable to find
//           default route
//  0.9+     E… Failed to find any valid interface to use: failed to get default interface: Unable to find default route
//  0.9+     I… Could not find valid interface matching eth0: … / E… Failed to find interface to use that
//           matches the interfaces and/or regexes provided
//  0.9-0.13 Error registering network: failed to configure interface flannel.1: failed to ensure address of
//           interface flannel.1: link has incompatible addresses. Remove additional addresses and try again.
//  any      Failed to create SubnetManager: error retrieving pod spec for 'kube-system/kube-flannel-ds-x': …
//  any      Couldn't fetch network config: … / Error fetching backend: …
//  0.12+    E… failed to add vxlanRoute (10.244.1.0/24 -> 10.244.1.0): network is down
//  k3s      level=fatal msg="flannel exited: failed to register flannel network: …"
const FORMS: readonly { re: RegExp; kind: FlannelLogKind; fatal: boolean }[] = [
  { re: /pod cidr not assigned/i, kind: 'no-pod-cidr', fatal: true },
  {
    re: /incompatible addresses|has more than one address|failed to ensure (?:v6 )?address of interface/i,
    kind: 'overlay-address',
    fatal: true,
  },
  {
    re: /Failed to find (?:any valid interface|interface to use)|Could not find valid interface matching|failed to get default interface|Unable to find default route|no interface with given IP found/i,
    kind: 'no-interface',
    fatal: true,
  },
  { re: /Failed to create SubnetManager/i, kind: 'subnet-manager', fatal: true },
  {
    re: /Couldn't fetch network config|failed to read net conf|error parsing subnet config|Error fetching backend/i,
    kind: 'network-config',
    fatal: true,
  },
  { re: /Lease has been revoked/i, kind: 'lease-revoked', fatal: true },
  {
    re: /failed to add (?:v6 )?vxlanRoute|Error adding (?:v6 )?route to|AddFDB failed|AddARP failed/i,
    kind: 'vxlan-route',
    fatal: false,
  },
  { re: /(?:Error|failed to) register(?:ing)? (?:flannel )?network/i, kind: 'register-network', fatal: true },
  { re: /flannel exited/i, kind: 'exited', fatal: true },
];

/** The problem a flanneld log line reports, or undefined for an ordinary line. */
export function flannelLogProblem(raw: string): FlannelLogProblem | undefined {
  const form = FORMS.find((f) => f.re.test(raw));
  if (!form) return undefined;
  const node = /node "([^"]+)"/.exec(raw)?.[1];
  const iface =
    form.kind === 'overlay-address'
      ? (/interface (\S+?):/.exec(raw)?.[1] ?? /(flannel[.-][\w.]+)/.exec(raw)?.[1])
      : form.kind === 'no-interface'
        ? /matching (\S+?):/.exec(raw)?.[1]
        : undefined;
  return { kind: form.kind, fatal: form.fatal, ...(node ? { node } : {}), ...(iface ? { iface } : {}) };
}

/** flanneld got its lease and runs: lines it prints once the network is up (0.9 → 0.25, k3s) */
export function flannelLogRunning(raw: string): boolean {
  // k3s/RKE2 print their own forms: "Wrote flannel subnet file to ...", "Running flannel backend."
  return /Running (?:flannel )?backend\.|Wrote (?:flannel )?subnet file to|Handling initial subnet events|Lease acquired: /.test(
    raw,
  );
}
