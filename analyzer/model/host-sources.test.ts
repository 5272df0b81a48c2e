// Parsers of the distribution host sources: each keeps the line a value came from, and host logs
// keep the line as collected while reading the runtime's or journald's envelope as the timestamp.
import { describe, expect, it } from 'vitest';
import {
  parseArgsFile,
  parseDistroConfig,
  parseHostLog,
  parseStaticPod,
  parseSystemdUnits,
  parseUnitExecStart,
  splitFlag,
} from './host-sources.js';

describe('parseHostLog', () => {
  it('CRI lines (containerd, CRI-O): time from the envelope, level from the message', () => {
    const line =
      '2024-01-15T10:00:01.123456789Z stdout F [ERROR] plugin/errors: 2 example.com. A: read udp 10.42.0.5:45678->8.8.8.8:53: i/o timeout';
    const [l] = parseHostLog(`${line}\n`).value;
    expect(l).toMatchObject({ line: 1, time: '2024-01-15T10:00:01.123456789Z', level: 'error', raw: line });
    expect(l?.message).toBe('plugin/errors: 2 example.com. A: read udp 10.42.0.5:45678->8.8.8.8:53: i/o timeout');
  });

  it('docker json-file lines (dockershim kubelets)', () => {
    const line =
      '{"log":"E0115 10:00:02.000000       1 proxier.go:1500] Failed to execute iptables-restore: exit status 1\\n","stream":"stderr","time":"2024-01-15T10:00:02.5Z"}';
    expect(parseHostLog(`${line}\n`).value[0]).toMatchObject({
      line: 1,
      level: 'error',
      time: '2024-01-15T10:00:02.5Z',
      raw: line,
    });
  });

  it('journalctl -o short-iso lines, old (+0000) and new (+00:00, fractions) forms', () => {
    const a =
      '2024-01-15T10:00:00+0000 n1 k3s[812]: time="2024-01-15T10:00:00Z" level=warning msg="Unable to fetch coredns config map"';
    const b =
      '2024-01-15T10:00:03.250000+00:00 n1 kubelet[900]: E0115 10:00:03.250000     900 kubelet.go:2855] "Container runtime network not ready"';
    const [la, lb] = parseHostLog(`${a}\n${b}\n`).value;
    expect(la).toMatchObject({ line: 1, level: 'warning', raw: a });
    expect(lb).toMatchObject({ line: 2, level: 'error', time: '2024-01-15T10:00:03.250000+00:00', raw: b });
  });

  it('lines of no known form stay as they are', () => {
    expect(parseHostLog('-- No entries --\n').value).toEqual([
      { line: 1, message: '-- No entries --', raw: '-- No entries --' },
    ]);
  });
});

describe('parseStaticPod', () => {
  it('flags of command and args with their lines; component from the label', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-proxy\n  labels:\n    component: kube-proxy\nspec:\n  containers:\n  - name: kube-proxy\n    image: rancher/hardened-kubernetes:v1.28.5-rke2r1-build20231219\n    command:\n    - kube-proxy\n    args:\n    - --cluster-cidr=10.42.0.0/16\n    - --proxy-mode=ipvs\n';
    const p = parseStaticPod(text).value;
    expect(p).toMatchObject({
      name: 'kube-proxy',
      component: 'kube-proxy',
      images: ['rancher/hardened-kubernetes:v1.28.5-rke2r1-build20231219'],
    });
    expect(p.flags.get('cluster-cidr')).toEqual({ value: '10.42.0.0/16', line: 14 });
    expect(p.flags.get('proxy-mode')).toEqual({ value: 'ipvs', line: 15 });
  });

  it('flags inside one `sh -c "..."` string', () => {
    const text =
      'kind: Pod\nmetadata:\n  name: kube-proxy\nspec:\n  containers:\n  - name: kube-proxy\n    command:\n    - /bin/sh\n    - -c\n    - exec kube-proxy --cluster-cidr=10.244.0.0/16 --v=2\n';
    expect(parseStaticPod(text).value.flags.get('cluster-cidr')).toEqual({ value: '10.244.0.0/16', line: 10 });
  });

  it('broken YAML is a problem with its line, not an exception', () => {
    const r = parseStaticPod('kind: Pod\nspec: [\n');
    expect(r.problems[0]).toMatchObject({ severity: 'error' });
  });
});

describe('parseDistroConfig, parseArgsFile, parseSystemdUnits', () => {
  it('k3s config keys with lines', () => {
    const c = parseDistroConfig('k3s')(
      'token: "netsnap-scrubbed"\ncluster-cidr: 10.42.0.0/16\nkubelet-arg:\n  - "max-pods=200"\n',
    ).value;
    expect(c.values['cluster-cidr']).toBe('10.42.0.0/16');
    expect(c.lines.get('cluster-cidr')).toBe(2);
    expect(c.lines.get('kubelet-arg.0')).toBe(4);
  });

  it('args files: --a=b, --a="b", --a b, comments skipped', () => {
    const a = parseArgsFile(
      '# microk8s\n--cluster-cidr=10.1.0.0/16\n--kubeconfig="/root/cdk/kubeproxyconfig"\n--v 2\n--masquerade-all\n',
    ).value.flags;
    expect(a.get('cluster-cidr')).toEqual({ value: '10.1.0.0/16', line: 2 });
    expect(a.get('kubeconfig')).toEqual({ value: '/root/cdk/kubeproxyconfig', line: 3 });
    expect(a.get('v')).toEqual({ value: '2', line: 4 });
    expect(a.get('masquerade-all')).toEqual({ value: 'true', line: 5 });
  });

  it('splitFlag refuses what is not a flag', () => {
    expect(splitFlag('kube-proxy')).toBeUndefined();
    expect(splitFlag('--a', '--b')).toEqual(['a', 'true']);
  });

  it('unit list: unit names without .service, each with its line', () => {
    expect(
      parseSystemdUnits('/etc/systemd/system/k3s.service\n\n/etc/systemd/system/snap.kube-proxy.daemon.service\n')
        .value,
    ).toEqual([
      { unit: 'k3s', path: '/etc/systemd/system/k3s.service', line: 1 },
      { unit: 'snap.kube-proxy.daemon', path: '/etc/systemd/system/snap.kube-proxy.daemon.service', line: 3 },
    ]);
  });
});

describe('parseUnitExecStart', () => {
  it('flags of a k3s ExecStart across continuation lines: quoted, --a b, bare, repeated', () => {
    const unit =
      "[Service]\nExecStart=/usr/local/bin/k3s \\\n    server \\\n        '--disable=traefik' \\\n        '--disable' 'servicelb' \\\n        --flannel-backend none \\\n        --disable-kube-proxy \\\n\nRestart=always\n";
    const c = parseUnitExecStart('k3s')(unit).value;
    expect(c.values).toEqual({
      disable: ['traefik', 'servicelb'],
      'flannel-backend': 'none',
      'disable-kube-proxy': true,
    });
    expect(c.lines.get('flannel-backend')).toBe(6);
    expect(c.lines.get('disable')).toBe(4);
  });

  it('a unit without ExecStart is a warning and no values', () => {
    const r = parseUnitExecStart('k3s')('[Service]\n');
    expect(r.value.values).toEqual({});
    expect(r.problems).toEqual([{ message: 'k3s unit: no ExecStart= line', severity: 'warning' }]);
  });
});
