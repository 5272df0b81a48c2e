import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSysctl } from './sysctl.js';

describe('parseSysctl', () => {
  it('captured `sysctl k1 k2 k3` output', () => {
    const text = readFileSync(new URL('../../fixtures/reference/net/sysctl.txt', import.meta.url), 'utf8');
    const { value, problems } = parseSysctl(text);
    expect(problems).toEqual([]);
    expect([...value.values()]).toEqual([
      { key: 'net.ipv4.ip_forward', value: '1', line: 1 },
      { key: 'net.bridge.bridge-nf-call-iptables', value: '1', line: 2 },
      { key: 'net.ipv4.conf.all.rp_filter', value: '0', line: 3 },
    ]);
  });

  it.each([
    ['net.ipv4.ip_forward=1', 'net.ipv4.ip_forward', '1'],
    ['  net.ipv4.ip_forward   =   0  ', 'net.ipv4.ip_forward', '0'],
    ['net.ipv4.tcp_rmem = 4096\t131072\t6291456', 'net.ipv4.tcp_rmem', '4096\t131072\t6291456'],
    ['net.ipv4.conf.eth0/100.rp_filter = 2', 'net.ipv4.conf.eth0/100.rp_filter', '2'],
    ['/proc/sys/net/ipv4/conf/eth0.100/rp_filter = 2', 'net.ipv4.conf.eth0/100.rp_filter', '2'],
    ['kernel.hostname = ', 'kernel.hostname', ''],
  ])('%j', (line, key, v) => {
    const { value, problems } = parseSysctl(line);
    expect(problems).toEqual([]);
    expect(value.get(key)).toEqual({ key, value: v, line: 1 });
  });

  it('bad lines are warnings with line numbers; duplicates keep the last value', () => {
    const text =
      '# comment\nnet.ipv4.ip_forward = 0\ngarbage\nsysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory\nnet.ipv4.ip_forward = 1\n';
    const { value, problems } = parseSysctl(text);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [3, 'warning'],
      [4, 'warning'],
      [5, 'warning'],
    ]);
    expect(problems[1]?.message).toContain('net.bridge.bridge-nf-call-iptables');
    expect(value.get('net.ipv4.ip_forward')).toEqual({ key: 'net.ipv4.ip_forward', value: '1', line: 5 });
    expect(value.size).toBe(1);
  });

  it('`sysctl -a` multi-line values (the key on every line) are one value, no warning; a key again later still warns', () => {
    // shape of sosreport sos_commands/kernel/sysctl_-a (canonical/hotsos tests/unit/fake_data_root)
    const text =
      'dev.cdrom.autoclose = 1\ndev.cdrom.info = CD-ROM information, Id: cdrom.c 3.20 2003/12/17\ndev.cdrom.info = \ndev.cdrom.info = drive name:\nnet.ipv4.ip_forward = 1\ndev.cdrom.autoclose = 0\n';
    const { value, problems } = parseSysctl(text);
    expect(value.get('dev.cdrom.info')).toEqual({
      key: 'dev.cdrom.info',
      value: 'CD-ROM information, Id: cdrom.c 3.20 2003/12/17\n\ndrive name:',
      line: 2,
    });
    expect(problems.map((p) => p.line)).toEqual([6]);
    expect(value.get('dev.cdrom.autoclose')?.value).toBe('0');
  });

  it('empty input is an empty map', () => {
    expect(parseSysctl('')).toEqual({ value: new Map(), problems: [] });
  });

  it('live `sysctl` on this machine', (ctx) => {
    let out: string;
    try {
      out = execFileSync('sysctl', ['net.ipv4.ip_forward', 'net.ipv4.conf.all.rp_filter'], { encoding: 'utf8' });
    } catch {
      console.log('skipping live sysctl test: sysctl is not available');
      return ctx.skip();
    }
    const { value, problems } = parseSysctl(out);
    expect(problems).toEqual([]);
    expect(value.get('net.ipv4.ip_forward')?.value).toMatch(/^[01]$/);
    expect(value.get('net.ipv4.ip_forward')?.value).toBe(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim());
  });
});
