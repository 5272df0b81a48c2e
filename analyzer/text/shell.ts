// Shell words for suggested commands. Values from a bundle or a rule pack are untrusted: a node
// named `w$(touch${IFS}pwned)` must never reach a pasteable command as shell code. This module is
// ground floor (no imports from rules or report) so rules and reports can both use it.
import { isIP } from 'node:net';

const SAFE = /^[A-Za-z0-9._/:=@%+,-]+$/;

/** POSIX shell quoting: bare when every character is safe, else one single-quoted word */
export function shq(value: string): string {
  if (SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** what a value must be to be written into a command; anything else becomes a `<kind>` placeholder */
export type WordKind =
  | 'node'
  | 'pod'
  | 'namespace'
  | 'service'
  | 'name'
  | 'label-key'
  | 'ip'
  | 'cidr'
  | 'iface'
  | 'port'
  | 'unit'
  | 'file'
  | 'source'
  | 'selector'
  | 'chain';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Label = (v: string) => v.length <= 63 && LABEL.test(v);
const dns1123Subdomain = (v: string) => v.length <= 253 && v.split('.').every(dns1123Label);
const qualifiedName = (v: string) => {
  const parts = v.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2 && !dns1123Subdomain(parts[0] ?? '')) return false;
  return name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
};
const labelValue = (v: string) => v.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v);
/** an equality label selector as a Service spells it: `k=v,k2=v2` */
const selector = (v: string) =>
  v.length > 0 &&
  v.split(',').every((kv) => {
    const i = kv.indexOf('=');
    return i > 0 && qualifiedName(kv.slice(0, i)) && labelValue(kv.slice(i + 1));
  });
const cidr = (v: string) => {
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const fam = isIP(ip);
  return fam !== 0 && Number(bits) <= (fam === 4 ? 32 : 128);
};

const VALID: Record<WordKind, (v: string) => boolean> = {
  node: dns1123Subdomain,
  pod: dns1123Subdomain,
  namespace: dns1123Label,
  service: dns1123Label,
  name: dns1123Subdomain,
  'label-key': qualifiedName,
  ip: (v) => isIP(v) !== 0,
  cidr,
  // Linux: at most 15 bytes, no '/', no whitespace; we also refuse a leading '-' (an option)
  iface: (v) => /^[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,14}$/.test(v),
  port: (v) => /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535,
  unit: (v) => v.length <= 255 && /^[A-Za-z0-9_.:\\-][A-Za-z0-9_.:@\\-]*$/.test(v) && !v.startsWith('-'),
  file: (v) => v.length <= 255 && /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(v),
  // a collector source id (`cluster.pods`, `host.journal.kubelet`)
  selector,
  // an iptables chain, an nftables family, table or chain name
  chain: (v) => /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/.test(v),
  source: (v) => v.length <= 255 && /^[A-Za-z0-9][A-Za-z0-9_.@:-]*$/.test(v),
};

const WHAT: Record<WordKind, string> = {
  node: 'a Kubernetes node name',
  pod: 'a Kubernetes pod name',
  namespace: 'a Kubernetes namespace name',
  service: 'a Kubernetes Service name',
  name: 'a Kubernetes object name',
  'label-key': 'a Kubernetes label key',
  ip: 'an IP address',
  cidr: 'a CIDR',
  iface: 'a network interface name',
  port: 'a port number',
  unit: 'a systemd unit name',
  file: 'a plain file name',
  source: 'a collector source id',
  selector: 'a label selector',
  chain: 'a chain or table name',
};

export function isValidWord(kind: WordKind, value: string): boolean {
  return VALID[kind](value);
}

/** a value to interpolate that must look like `kind`, else the command shows `<kind>` */
export interface Word {
  readonly kind: WordKind;
  readonly value: string;
}

export const word = (kind: WordKind, value: string | number): Word => ({ kind, value: String(value) });

/** netsnap's own text (never a bundle's) written into a command as it is */
export interface Raw {
  readonly raw: string;
}

export const raw = (text: string): Raw => ({ raw: text });

/** a built command and the placeholders it shows instead of values that failed their check */
export interface Cmd {
  readonly text: string;
  readonly withheld: readonly WordKind[];
}

/**
 * Tagged template for a suggested command: a `Word` is checked and shell-quoted (or replaced by
 * `<kind>`); any other interpolated string is shell-quoted; numbers are written as they are;
 * `raw()` is netsnap's own text (a checked whole command, a fixed literal) written as it is; a
 * `Cmd` built before is written as it is and its placeholders are kept.
 */
export function cmd(strings: TemplateStringsArray, ...values: readonly (Word | Raw | Cmd | string | number)[]): Cmd {
  const withheld: WordKind[] = [];
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    let part: string;
    if (typeof v === 'number') part = Number.isFinite(v) ? String(v) : shq(String(v));
    else if (typeof v === 'string') part = shq(v);
    else if ('raw' in v) part = v.raw;
    else if ('text' in v) {
      part = v.text;
      for (const k of v.withheld) if (!withheld.includes(k)) withheld.push(k);
    } else if (isValidWord(v.kind, v.value)) part = shq(v.value);
    else {
      part = `<${v.kind}>`;
      if (!withheld.includes(v.kind)) withheld.push(v.kind);
    }
    text += part + (strings[i + 1] ?? '');
  });
  return { text, withheld };
}

/** a remediation whose commands may carry bundle values: the explanation says what was withheld */
export function remedy(
  explanation: string,
  commands: readonly (Cmd | string)[],
): { explanation: string; commands: string[] } {
  const withheld = [...new Set(commands.flatMap((c) => (typeof c === 'string' ? [] : c.withheld)))];
  const note = withheld.length
    ? ` (The commands show ${withheld.map((k) => `<${k}> instead of a value that is not ${WHAT[k]}`).join(', ')}: such a value from the bundle is never written into a command. Fill it in after checking the subject.)`
    : '';
  return { explanation: `${explanation}${note}`, commands: commands.map((c) => (typeof c === 'string' ? c : c.text)) };
}

const PLAIN_COMMAND = /^[A-Za-z0-9 ._/:=@%+,-]+$/;

/**
 * A whole command line taken from a bundle (the collector's manifest) cannot be quoted into
 * something useful: it is shown only when it holds no shell syntax at all (no quotes, `$`,
 * backticks, `;|&<>`, globs, newlines), else undefined and the caller says why.
 */
export function plainCommand(text: string): string | undefined {
  return text.length <= 500 && PLAIN_COMMAND.test(text) ? text : undefined;
}
