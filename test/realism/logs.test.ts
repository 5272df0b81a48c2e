// Logs as `kubectl logs --timestamps` writes them, with each component's own message format.
import { describe, expect, it } from 'vitest';
import { okSourceFiles } from './scenario-files.js';

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;
const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.-]+\.go:\d+\] /;
// calico-node (logrus via Calico's formatter): `2023-03-08 08:42:54.052 [INFO][9] startup/startup.go 474: msg`
const CALICO = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(INFO|WARNING|ERROR)\]\[\d+\] [\w/.-]+ \d+: /;
const COREDNS = /^(\[(INFO|WARNING|ERROR|FATAL)\] |\.:53$|CoreDNS-\d+\.\d+\.\d+$|linux\/amd64, go)/;

function logFiles(): { scenario: string; path: string; text: string }[] {
  return okSourceFiles((path) => path.startsWith('cluster/logs/')).map((f) => ({
    scenario: f.bundle.scenario,
    path: f.path,
    text: f.text,
  }));
}

describe('container logs', () => {
  const files = logFiles();
  it('every line starts with an RFC3339Nano timestamp and the component format', () => {
    expect(files.length).toBeGreaterThan(100);
    const bad: string[] = [];
    for (const f of files)
      for (const line of f.text.split('\n').slice(0, -1)) {
        if (!TS.test(line)) bad.push(`${f.scenario} ${f.path}: ${line}`);
        const msg = line.replace(TS, '');
        const ok = f.path.includes('/coredns')
          ? COREDNS.test(msg)
          : f.path.endsWith('/calico-node.log')
            ? CALICO.test(msg)
            : KLOG.test(msg) || /^\t| > /.test(msg);
        if (!ok) bad.push(`${f.scenario} ${f.path}: ${msg}`);
      }
    expect(bad).toEqual([]);
  });

  it('carry the fault where it shows: upstream timeouts, loop FATAL, restore failures, flannel exit reason', () => {
    const grep = (scenario: string, re: RegExp) =>
      files.filter((f) => f.scenario === scenario && re.test(f.text)).length;
    expect(grep('coredns-upstream-typo', /HINFO: read udp 10\.244\.\d+\.\d+:\d+->233\.5\.5\.5:53: i\/o timeout/)).toBe(
      2,
    );
    expect(
      grep('coredns-loop', /\[FATAL\] plugin\/loop: Loop \(127\.0\.0\.1:\d+ -> :53\) detected for zone "\."/),
    ).toBe(4);
    expect(grep('kube-proxy-restore-failing', /"Failed to execute iptables-restore"/)).toBe(1);
    expect(grep('node-no-podcidr', /pod cidr not assigned/)).toBe(2);
    expect(grep('healthy', /i\/o timeout|FATAL|Failed/)).toBe(0);
  });
});
