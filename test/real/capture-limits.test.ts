// What real captures cannot show (issue 12 follow-ups, /tmp/capture-findings.md items 2, 3, 5, 6,
// 9, 10, 11): lists converted from a sosreport or an Insights archive hold some namespaces or a
// selection of pods, troubleshoot's redactor hides addresses, a journal may hold only
// `-- No entries --`. None of these may ground a verdict; the positive evidence beside them must.
import { describe, expect, it } from 'vitest';
import { subjectKey, type Finding } from '../../analyzer/rules/types.js';
import { captureAnalysis } from './cases.js';

const row = (f: Finding) => [f.ruleId, subjectKey(f.subject), f.status, f.messageId];
const of = (findings: readonly Finding[], ids: readonly string[]) =>
  findings.filter((f) => ids.includes(f.ruleId)).map(row);

describe('partial lists ground no absence', () => {
  it('k8s-snap-sunbeam-hotsos (sos `--namespace openstack` lists): flannel and kube-proxy absence unknown partial-list', async () => {
    const { analysis, snapshot } = await captureAnalysis('k8s-snap-sunbeam-hotsos');
    expect(snapshot.derived.components.size).toBe(0);
    expect(of(analysis.findings, ['NET-201', 'NET-202', 'NET-204', 'NET-205', 'SVC-301'])).toEqual([
      ['NET-201', 'cluster', 'unknown', 'partial-list'],
      ['NET-202', 'cluster', 'unknown', 'partial-list'],
      ['NET-204', 'cluster', 'unknown', 'partial-list'],
      ['NET-205', 'cluster', 'unknown', 'partial-list'],
      ['SVC-301', 'node:noble-sunbeam', 'unknown', 'partial-list'],
    ]);
    const onLists = analysis.findings.filter(
      (f) =>
        /^(NET|SVC)-/.test(f.ruleId) &&
        f.status === 'pass' &&
        (f.basis ?? []).some((b) => b.path === 'cluster/daemonsets.json'),
    );
    expect(onLists.map(row)).toEqual([]);
    const ev = analysis.findings.find((f) => f.ruleId === 'SVC-301')?.evidence[0];
    expect([ev?.path, ev?.pointer]).toEqual(['manifest.json', expect.stringMatching(/^\/sources\/\d+\/partial$/)]);
  });

  it('openshift-4.7-insights-sample (a selection of pods): "does not run flannel" is unknown, not pass', async () => {
    const { analysis } = await captureAnalysis('openshift-4.7-insights-sample');
    const flannel = of(analysis.findings, ['NET-201', 'NET-202', 'NET-203', 'NET-204', 'NET-205', 'NET-206']);
    expect(flannel.length).toBe(6);
    expect(flannel.filter((r) => r[2] !== 'unknown' || r[3] !== 'partial-list')).toEqual([]);
  });
});

describe('redacted values ground no pass', () => {
  it('k3s-1.20-troubleshoot-2021-redacted: podCIDR ***HIDDEN***/24 and public-ip ***HIDDEN*** are unknown redacted', async () => {
    const { analysis } = await captureAnalysis('k3s-1.20-troubleshoot-2021-redacted');
    expect(of(analysis.findings, ['NET-203', 'NET-206'])).toEqual([
      ['NET-203', 'node:repldev-salah-new', 'unknown', 'redacted'],
      ['NET-206', 'cluster', 'unknown', 'redacted'],
    ]);
    expect(analysis.findings.find((f) => f.ruleId === 'NET-203')?.data).toMatchObject({
      value: '***HIDDEN***/24',
      redacted: true,
    });
  });
});

describe('Charmed Kubernetes (charmed-k8s-hotsos)', () => {
  it('SVC-301 rests on the snap journal, not on the `-- No entries --` kube-proxy journal; NET-202 names no ConfigMap', async () => {
    const { analysis, snapshot } = await captureAnalysis('charmed-k8s-hotsos');
    const svc301 = analysis.findings.find((f) => f.ruleId === 'SVC-301');
    expect([
      svc301?.status,
      svc301?.messageId,
      svc301?.data?.['style'],
      (svc301?.basis ?? []).map((b) => b.path),
    ]).toEqual(['pass', 'hostRunning', 'snap', ['host/journal/snap.kube-proxy.daemon.log']]);
    const used = analysis.findings.filter(
      (f) => /^(NET|SVC)-/.test(f.ruleId) && (f.basis ?? []).some((b) => b.path === 'host/journal/kube-proxy.log'),
    );
    expect(used.map(row)).toEqual([]);
    expect(of(analysis.findings, ['NET-202'])).toEqual([['NET-202', 'cluster', 'pass', 'matchesSome']]);
    expect([
      snapshot.derived.components.get('flannel')?.value,
      snapshot.derived.components.get('kube-proxy')?.value,
    ]).toEqual(['systemd', 'snap']);
    expect(snapshot.derived.components.get('kube-proxy')?.at.path).toBe('host/journal/snap.kube-proxy.daemon.log');
  });
});

describe('kURL (kurl-kubeadm-sbctl)', () => {
  it("kube-proxy is a DaemonSet by its pods' ownerReferences (no daemonsets list collected)", async () => {
    const { snapshot } = await captureAnalysis('kurl-kubeadm-sbctl');
    const kp = snapshot.derived.components.get('kube-proxy');
    expect([kp?.value, kp?.at.path, kp?.at.pointer]).toEqual([
      'daemonset',
      'cluster/pods.json',
      expect.stringMatching(/^\/items\/\d+\/metadata\/ownerReferences\/0\/kind$/),
    ]);
  });
});
