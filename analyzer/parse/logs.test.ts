import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseLog } from './logs.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/reference/config/${name}`, import.meta.url), 'utf8');

describe('parseLog: real component lines', () => {
  const cases: { name: string; raw: string; level?: string; time?: string; message: string }[] = [
    {
      name: 'CoreDNS upstream i/o timeout',
      raw: '[ERROR] plugin/errors: 2 8163874400136247191.5223924823700009031. HINFO: read udp 10.88.0.2:53974->208.67.222.222:53: i/o timeout',
      level: 'error',
      message:
        'plugin/errors: 2 8163874400136247191.5223924823700009031. HINFO: read udp 10.88.0.2:53974->208.67.222.222:53: i/o timeout',
    },
    {
      name: 'CoreDNS loop FATAL',
      raw: '[FATAL] plugin/loop: Loop (127.0.0.1:36286 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 1048258276942848743.906062863108256161."',
      level: 'fatal',
      message:
        'plugin/loop: Loop (127.0.0.1:36286 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 1048258276942848743.906062863108256161."',
    },
    {
      name: 'CoreDNS warning',
      raw: '[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API',
      level: 'warning',
      message: 'plugin/kubernetes: starting server with unsynced Kubernetes API',
    },
    { name: 'CoreDNS banner has no level', raw: 'CoreDNS-1.11.1', message: 'CoreDNS-1.11.1' },
    {
      name: 'CoreDNS 2018 stamp',
      raw: '2018/08/15 14:37:17 [INFO] CoreDNS-1.2.2',
      level: 'info',
      time: '2018/08/15 14:37:17',
      message: 'CoreDNS-1.2.2',
    },
    {
      name: 'kube-proxy structured klog info',
      raw: 'I1212 03:47:15.257067       1 server_linux.go:66] "Using iptables proxy"',
      level: 'info',
      time: '1212 03:47:15.257067',
      message: '"Using iptables proxy"',
    },
    {
      name: 'kube-proxy klog error',
      raw: 'E1212 03:47:15.700364       1 server.go:234] "Kube-proxy configuration may be incomplete or incorrect" err="nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`"',
      level: 'error',
      time: '1212 03:47:15.700364',
      message:
        '"Kube-proxy configuration may be incomplete or incorrect" err="nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`"',
    },
    {
      name: 'klog with single-space padding',
      raw: 'I1113 16:15:07.931308 1 proxier.go:858] "Sync failed" retryingTime="30s"',
      level: 'info',
      time: '1113 16:15:07.931308',
      message: '"Sync failed" retryingTime="30s"',
    },
    {
      name: 'flanneld warning',
      raw: 'W1023 17:50:35.807863       1 main.go:519] no subnet found for key: FLANNEL_NETWORK in file: /run/flannel/subnet.env',
      level: 'warning',
      time: '1023 17:50:35.807863',
      message: 'no subnet found for key: FLANNEL_NETWORK in file: /run/flannel/subnet.env',
    },
    {
      name: 'flanneld lease error',
      raw: 'E0512 10:09:46.409247       1 main.go:317] Error registering network: failed to acquire lease: node "worker0" pod cidr not assigned',
      level: 'error',
      message: 'Error registering network: failed to acquire lease: node "worker0" pod cidr not assigned',
      time: '0512 10:09:46.409247',
    },
    {
      name: 'klog fatal',
      raw: 'F0101 00:00:00.000001 7 main.go:1] boom',
      level: 'fatal',
      time: '0101 00:00:00.000001',
      message: 'boom',
    },
    {
      name: 'kubectl --timestamps before klog',
      raw: '2024-10-23T17:50:35.807863123Z I1023 17:50:35.807752       1 iptables.go:51] Starting flannel in iptables mode...',
      level: 'info',
      time: '2024-10-23T17:50:35.807863123Z',
      message: 'Starting flannel in iptables mode...',
    },
    {
      name: 'kubectl --timestamps before CoreDNS',
      raw: '2024-11-17T10:19:48.952Z [ERROR] plugin/errors: 2 n1. A: read udp 10.244.2.224:37690->10.96.0.9:53: i/o timeout',
      level: 'error',
      time: '2024-11-17T10:19:48.952Z',
      message: 'plugin/errors: 2 n1. A: read udp 10.244.2.224:37690->10.96.0.9:53: i/o timeout',
    },
    {
      name: 'kubectl --prefix --timestamps',
      raw: '[pod/coredns-6f6b679f8f-rgq7r/coredns] 2024-11-17T10:19:48.952Z [FATAL] plugin/loop: Loop (127.0.0.1:38816 -> :53) detected for zone "."',
      level: 'fatal',
      time: '2024-11-17T10:19:48.952Z',
      message: 'plugin/loop: Loop (127.0.0.1:38816 -> :53) detected for zone "."',
    },
    {
      name: 'kubectl --timestamps with an offset',
      raw: '2024-11-17T10:19:48+02:00 .:53',
      time: '2024-11-17T10:19:48+02:00',
      message: '.:53',
    },
    {
      name: 'klog JSON error',
      raw: '{"ts":1580306777.04728,"caller":"proxier.go:1564","msg":"Failed to execute iptables-restore","err":"exit status 2"}',
      level: 'error',
      time: '2020-01-29T14:06:17.047Z',
      message: 'Failed to execute iptables-restore',
    },
    {
      name: 'klog JSON info',
      raw: '{"ts":1580306777.04728,"caller":"server.go:1","msg":"Using iptables proxy","v":0}',
      level: 'info',
      time: '2020-01-29T14:06:17.047Z',
      message: 'Using iptables proxy',
    },
    {
      name: 'logrus JSON',
      raw: '{"level":"warning","msg":"retrying","time":"2024-01-01T00:00:00Z"}',
      level: 'warning',
      time: '2024-01-01T00:00:00Z',
      message: 'retrying',
    },
    {
      name: 'logrus text',
      raw: 'time="2024-01-01T00:00:00Z" level=error msg="failed to \\"add\\" route"',
      level: 'error',
      time: '2024-01-01T00:00:00Z',
      message: 'failed to "add" route',
    },
    { name: 'a brace line that is not JSON', raw: '{ not json }', message: '{ not json }' },
    {
      name: 'CoreDNS <= 1.1 errors plugin form with its access-log stamp',
      raw: '03/Nov/2017:10:23:35 -0400 [ERROR 2 117.5.40.10.in-addr.arpa. PTR] unreachable backend: no upstream host',
      level: 'error',
      time: '03/Nov/2017:10:23:35 -0400',
      message: '2 117.5.40.10.in-addr.arpa. PTR: unreachable backend: no upstream host',
    },
    {
      name: 'CoreDNS 1.2 proxy error with the log stamp',
      raw: '2018/11/05 13:48:22 [ERROR] 2 google.com. A: unreachable backend: read udp 10.244.0.5:33960->10.0.2.3:53: i/o timeout',
      level: 'error',
      time: '2018/11/05 13:48:22',
      message: '2 google.com. A: unreachable backend: read udp 10.244.0.5:33960->10.0.2.3:53: i/o timeout',
    },
    {
      name: 'CoreDNS 1.5 RFC3339 stamp (no kubectl --timestamps)',
      raw: '2019-04-17T00:18:44.486Z [FATAL] plugin/loop: Loop (127.0.0.1:34614 -> :53) detected for zone "."',
      level: 'fatal',
      time: '2019-04-17T00:18:44.486Z',
      message: 'plugin/loop: Loop (127.0.0.1:34614 -> :53) detected for zone "."',
    },
    {
      name: 'a Corefile rejection has no level',
      raw: "plugin/kubernetes: /etc/coredns/Corefile:25 - Error during parsing: unknown property 'upstream'",
      message: "plugin/kubernetes: /etc/coredns/Corefile:25 - Error during parsing: unknown property 'upstream'",
    },
  ];
  it.each(cases)('$name', ({ raw, level, time, message }) => {
    const { value, problems } = parseLog(raw);
    expect(problems).toEqual([]);
    expect(value).toHaveLength(1);
    const l = value[0]!;
    expect([l.line, l.level, l.time, l.message, l.raw]).toEqual([1, level, time, message, raw]);
  });
});

describe('parseLog: reference logs', () => {
  it('CoreDNS API-timeout log: levels per line and Trace continuations', () => {
    const { value, problems } = parseLog(fixture('coredns-api-timeout.log'));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(38);
    expect(value.map((l) => l.line)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
    expect(value[0]!.level).toBeUndefined(); // ==== START logs ... ====
    expect(value.filter((l) => l.level === 'error')).toHaveLength(3);
    expect(value.filter((l) => l.level === 'warning').map((l) => l.line)).toEqual([13]);
    const trace = value.filter((l) => l.raw.startsWith('Trace['));
    expect(trace.map((l) => [l.line, l.level, l.continuationOf])).toEqual([
      [22, undefined, 21],
      [23, undefined, 21],
      [27, undefined, 26],
      [28, undefined, 26],
      [32, undefined, 31],
      [33, undefined, 31],
    ]);
  });

  it('CoreDNS upstream errors: i/o timeouts and the loop FATAL', () => {
    const { value } = parseLog(fixture('coredns-upstream-errors.log'));
    const errors = value.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(12);
    expect(errors.every((l) => l.message.startsWith('plugin/errors: 2 ') && l.message.endsWith('i/o timeout'))).toBe(
      true,
    );
    const fatal = value.filter((l) => l.level === 'fatal');
    expect(fatal.map((l) => l.line)).toEqual([21]);
    expect(fatal[0]!.message).toMatch(/^plugin\/loop: Loop \(127\.0\.0\.1:36286 -> :53\) detected for zone "\."/);
  });

  it('kube-proxy sync failure: the multi-line err value belongs to its record', () => {
    const { value } = parseLog(fixture('kube-proxy-sync-failed.log'));
    expect(value.slice(0, 7).map((l) => [l.line, l.level, l.continuationOf])).toEqual([
      [1, 'error', undefined],
      [2, undefined, 1],
      [3, undefined, 1],
      [4, undefined, 1],
      [5, undefined, 1],
      [6, undefined, 1],
      [7, 'info', undefined],
    ]);
    expect(value[6]!.message).toBe('"Sync failed" ipFamily="IPv4" retryingTime="30s"');
    // the unindented `err=<` block of the v1.26 capture
    const e26 = value.find((l) => l.raw.startsWith('E1113'))!;
    expect(value.filter((l) => l.continuationOf === e26.line)).toHaveLength(4);
    expect(value.filter((l) => l.level === 'error')).toHaveLength(4);
  });

  it.each([
    ['kube-proxy-1.31.log', 14, 1],
    ['kube-proxy-1.34.log', 13, 1],
    ['kube-proxy-1.24.log', 10, 0],
    ['flanneld.log', 15, 1],
    ['kube-proxy-k9s-copy.log', 6, 0],
  ])('%s: %i lines, %i error(s)', (file, count, errors) => {
    const { value, problems } = parseLog(fixture(file));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(count);
    expect(value.filter((l) => l.level === 'error')).toHaveLength(errors);
  });
});

describe('parseLog: robustness', () => {
  it('handles CRLF and a missing final newline', () => {
    const { value } = parseLog('[INFO] a\r\n[ERROR] b\r\nc');
    expect(value.map((l) => [l.line, l.level, l.message])).toEqual([
      [1, 'info', 'a'],
      [2, 'error', 'b'],
      [3, undefined, 'c'],
    ]);
  });

  it('parses 5000 lines and a 1 MB line', () => {
    const big = Array.from(
      { length: 5000 },
      (_, i) => `I0101 00:00:00.${String(i).padStart(6, '0')}       1 x.go:1] "line ${i}"`,
    ).join('\n');
    expect(parseLog(big).value).toHaveLength(5000);
    const long = parseLog(
      `E0101 00:00:00.000000 1 x.go:1] ${'x'.repeat(1_000_000)}\n${'{'.repeat(1_000_000)}\n${'level='.repeat(200_000)}`,
    );
    expect(long.value.map((l) => [l.line, l.level])).toEqual([
      [1, 'error'],
      [2, undefined],
      [3, undefined],
    ]);
  });

  it('reports binary garbage as a problem with a line', () => {
    const { value, problems } = parseLog('ok\n\u0000\u0001\u0002PK\u0003\u0004');
    expect(value).toHaveLength(2);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[2, 'warning']]);
  });

  it('never throws and keeps one entry per line', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const { value } = parseLog(s);
        const expected = s === '' ? 0 : s.split('\n').length - (s.endsWith('\n') ? 1 : 0);
        expect(value).toHaveLength(expected);
      }),
      { numRuns: 500 },
    );
  });
});
