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
export type WordKind = 'node' | 'pod' | 'namespace' | 'service' | 'name' | 'label-key' | 'ip' | 'cidr' | 'iface' | 'port' | 'unit' | 'file';

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
};

const WHAT: Record<WordKind, string> = {
  node: 'a Kubernetes node name', pod: 'a Kubernetes pod name', namespace: 'a Kubernetes namespace name', service: 'a Kubernetes Service name',
  name: 'a Kubernetes object name', 'label-key': 'a Kubernetes label key', ip: 'an IP address', cidr: 'a CIDR', iface: 'a network interface name',
  port: 'a port number', unit: 'a systemd unit name', file: 'a plain file name',
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

/** a built command and the placeholders it shows instead of values that failed their check */
export interface Cmd {
  readonly text: string;
  readonly withheld: readonly WordKind[];
}

/**
 * Tagged template for a suggested command: a `Word` is checked and shell-quoted (or replaced by
 * `<kind>`); any other interpolated string is shell-quoted; numbers are written as they are.
 */
export function cmd(strings: TemplateStringsArray, ...values: readonly (Word | string | number)[]): Cmd {
  const withheld: WordKind[] = [];
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    let part: string;
    if (typeof v === 'number') part = Number.isFinite(v) ? String(v) : shq(String(v));
    else if (typeof v === 'string') part = shq(v);
    else if (isValidWord(v.kind, v.value)) part = shq(v.value);
    else {
      part = `<${v.kind}>`;
      if (!withheld.includes(v.kind)) withheld.push(v.kind);
    }
    text += part + (strings[i + 1] ?? '');
  });
  return { text, withheld };
}

/** a remediation whose commands may carry bundle values: the explanation says what was withheld */
export function remedy(explanation: string, commands: readonly (Cmd | string)[]): { explanation: string; commands: string[] } {
  const withheld = [...new Set(commands.flatMap((c) => (typeof c === 'string' ? [] : c.withheld)))];
  const note = withheld.length
    ? ` (The commands show ${withheld.map((k) => `<${k}>`).join(', ')} where the bundle's value is not ${withheld.map((k) => WHAT[k]).join(' / ')}: it is not written into a command. Fill it in after checking the subject.)`
    : '';
  return { explanation: `${explanation}${note}`, commands: commands.map((c) => (typeof c === 'string' ? c : c.text)) };
}
