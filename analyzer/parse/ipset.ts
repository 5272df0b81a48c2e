// `ipset list` (and `ipset list -n`, names only): the sets kube-proxy's IPVS mode matches with
// `-m set --match-set KUBE-CLUSTER-IP dst,dst`. Each set is a block of `Name:`, `Type:`, `Revision:`,
// `Header:`, `Size in memory:`, `References:`, `Number of entries:` (absent on old ipset) and
// `Members:` lines; members are printed in hash order, protocols by name (`10.96.0.10,udp:53`) or,
// by some builds, by number (`10.96.0.10,17:53`). Checked on real output (fixtures/reference/ipvs/).
// Never throws.
import type { Parsed, ParseProblem } from '../core/problem.js';

export interface IpsetMember {
  /** the member as printed */
  readonly raw: string;
  /** its comma-separated parts with protocol numbers named: `10.96.0.10`, `udp:53` */
  readonly parts: readonly string[];
  readonly line: number;
}

export interface IpsetSet {
  readonly name: string;
  readonly type?: string;
  readonly header?: string;
  readonly references?: number;
  /** the `Number of entries:` line, when printed */
  readonly declaredEntries?: number;
  readonly members: readonly IpsetMember[];
  /** `ipset list -n` prints names only: no members were listed, not "an empty set" */
  readonly namesOnly: boolean;
  readonly line: number;
}

/** at most this many members are kept per set (a big cluster's KUBE-CLUSTER-IP holds one per Service port) */
export const MAX_IPSET_MEMBERS = 500_000;

const PROTO_NUMBERS: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '132': 'sctp', '1': 'icmp' };

function named(part: string): string {
  const m = /^(\d+):(\d+)$/.exec(part);
  return m && PROTO_NUMBERS[m[1] as string] ? `${PROTO_NUMBERS[m[1] as string]}:${m[2]}` : part;
}

export function parseIpsetList(text: string): Parsed<readonly IpsetSet[]> {
  const problems: ParseProblem[] = [];
  const sets: {
    name: string;
    type?: string;
    header?: string;
    references?: number;
    declaredEntries?: number;
    members: IpsetMember[];
    namesOnly: boolean;
    line: number;
  }[] = [];
  let inMembers = false;
  let cut = 0;
  const lines = text.split('\n');
  const anyHeader = lines.some((l) => l.startsWith('Name: '));
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    const line = i + 1;
    if (raw.trim() === '') {
      inMembers = false;
      continue;
    }
    if (!anyHeader) {
      // `ipset list -n`: one set name per line
      if (/^[A-Za-z0-9_.:-]{1,64}$/.test(raw.trim()))
        sets.push({ name: raw.trim(), members: [], namesOnly: true, line });
      else problems.push({ line, message: `not a set name: ${raw.trim().slice(0, 100)}`, severity: 'warning' });
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z ]*):\s?(.*)$/.exec(raw);
    if (kv && !inMembers) {
      const [, key, value = ''] = kv;
      if (key === 'Name') sets.push({ name: value.trim(), members: [], namesOnly: false, line });
      else {
        const set = sets[sets.length - 1];
        if (!set) problems.push({ line, message: `"${key}:" before any "Name:"` });
        else if (key === 'Type') set.type = value.trim();
        else if (key === 'Header') set.header = value.trim();
        else if (key === 'References') set.references = Number(value) || 0;
        else if (key === 'Number of entries') set.declaredEntries = Number(value) || 0;
        else if (key === 'Members') inMembers = true;
      }
      continue;
    }
    const set = sets[sets.length - 1];
    if (inMembers && set) {
      if (set.members.length >= MAX_IPSET_MEMBERS) {
        cut++;
        continue;
      }
      const member = raw.trim();
      set.members.push({ raw: member, parts: member.split(/\s+/)[0]!.split(',').map(named), line });
      continue;
    }
    problems.push({ line, message: `not an ipset line: ${raw.trim().slice(0, 100)}`, severity: 'warning' });
  }
  if (cut > 0)
    problems.push({ message: `${cut} member(s) past ${MAX_IPSET_MEMBERS} per set not kept`, severity: 'warning' });
  for (const s of sets)
    if (s.declaredEntries !== undefined && !s.namesOnly && s.declaredEntries !== s.members.length && cut === 0)
      problems.push({
        line: s.line,
        message: `set ${s.name} declares ${s.declaredEntries} entries and lists ${s.members.length}`,
        severity: 'warning',
      });
  return { value: sets, problems };
}
