// A probe failure no finding explains is a root of the analysis, but not a root cause: the text report
// lists it apart, under UNEXPLAINED SYMPTOMS, and counts it apart.
import { describe, expect, it } from 'vitest';
import { analyze } from '../causal/analyze.js';
import { editedIptables } from '../rules/lib/host-testing.js';
import { failed, probedNode } from '../rules/probe/testing.js';
import { buildReportModel } from './model.js';
import { renderText } from './text.js';

const tool = { name: 'netsnap', version: 'test' };
const ext = { check: 'external-ip' } as const;
const section = (text: string, title: string) => text.split(`\n${title}\n`)[1]?.split(/\n[A-Z][A-Z ]+\n/)[0] ?? '';

describe('unexplained symptoms in the text report', () => {
  it('a pod -> external timeout nothing explains: no root cause, one unexplained symptom (and the disagreement)', () => {
    const snapshot = probedNode([failed(ext)]);
    const analysis = analyze(snapshot);
    const m = buildReportModel({ snapshot, analysis, tool });
    expect(m.unexplained.map((r) => r.finding.ruleId).sort()).toEqual(['PRB-507', 'PRB-510']);
    const text = renderText({ snapshot, analysis, tool });
    expect(text).toContain('0 root cause(s), 2 unexplained symptom(s)');
    expect(section(text, 'ROOT CAUSES')).toContain('none found');
    expect(section(text, 'UNEXPLAINED SYMPTOMS')).toContain('PRB-507 pod:default/web-1@worker-1');
  });

  it('explained by SYS-104: under the root cause, no unexplained section', () => {
    const noMasq = editedIptables([
      [
        '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully\n',
        '',
      ],
    ]);
    const snapshot = probedNode([failed(ext)], {}, { 'host/iptables-save.txt': noMasq });
    const analysis = analyze(snapshot);
    const text = renderText({ snapshot, analysis, tool });
    expect(buildReportModel({ snapshot, analysis, tool }).unexplained).toEqual([]);
    expect(text).not.toContain('UNEXPLAINED SYMPTOMS');
    expect(section(text, 'ROOT CAUSES')).toMatch(/SYS-104 node:worker-1[\s\S]*PRB-507 pod:default\/web-1@worker-1/);
  });
});
