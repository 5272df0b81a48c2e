import { describe, expect, it } from 'vitest';
import { parseModules } from './modules.js';

// /proc/modules and lsmod shapes as printed by Linux 5.x/6.x (format: name size refcount deps state offset)
const PROC_MODULES = [
  'br_netfilter 32768 0 - Live 0x0000000000000000',
  'bridge 311296 1 br_netfilter, Live 0x0000000000000000',
  'vxlan 94208 0 - Live 0x0000000000000000',
  'nf_conntrack 172032 5 xt_conntrack,nf_nat,xt_MASQUERADE,nf_conntrack_netlink,ip_vs, Live 0x0000000000000000',
  'ip_vs 188416 6 ip_vs_rr, Live 0x0000000000000000 (E)',
].join('\n');

const LSMOD = [
  'Module                  Size  Used by',
  'br_netfilter           32768  0',
  'bridge                311296  1 br_netfilter',
  'overlay               151552  12',
].join('\n');

describe('parseModules', () => {
  it('/proc/modules', () => {
    const { value, problems } = parseModules(`${PROC_MODULES}\n`);
    expect(problems).toEqual([]);
    expect([...value.keys()]).toEqual(['br_netfilter', 'bridge', 'vxlan', 'nf_conntrack', 'ip_vs']);
    expect(value.get('vxlan')).toEqual({ name: 'vxlan', line: 3 });
  });

  it('lsmod with its header', () => {
    const { value, problems } = parseModules(LSMOD);
    expect(problems).toEqual([]);
    expect(value.get('br_netfilter')).toEqual({ name: 'br_netfilter', line: 2 });
    expect(value.has('Module')).toBe(false);
    expect(value.size).toBe(3);
  });

  it('garbage lines are warnings with line numbers, the rest is kept', () => {
    const { value, problems } = parseModules(
      'br_netfilter 32768 0 - Live 0x0\ncat: /proc/modules: No such file or directory\n\nvxlan 94208 0 - Live 0x0',
    );
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[2, 'warning']]);
    expect([...value.keys()]).toEqual(['br_netfilter', 'vxlan']);
  });

  it('empty input is an empty map', () => {
    expect(parseModules('')).toEqual({ value: new Map(), problems: [] });
  });
});
