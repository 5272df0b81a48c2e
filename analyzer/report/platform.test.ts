// Every report header shows the detected distribution and the components' deployment styles:
// text and markdown as one line (with where the distribution was read), JSON as `distribution` and
// `components` with their evidence (docs/report-schema.md).
import { describe, expect, it } from 'vitest';
import { analyze } from '../causal/analyze.js';
import { daemonSetJson, kubeList, nodeJson, snapshotOf } from '../model/testing.js';
import { buildJsonReport } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

function rke2() {
  const node = nodeJson({ name: 'rke2-a' }) as { status: object };
  const snapshot = snapshotOf({
    node: 'rke2-a',
    files: {
      'cluster/nodes.json': kubeList([{ ...node, status: { nodeInfo: { kubeletVersion: 'v1.28.5+rke2r1' } } }]),
      'cluster/daemonsets.json': kubeList([
        daemonSetJson({
          name: 'rke2-canal',
          containers: [
            { name: 'calico-node', image: 'rancher/hardened-calico:v3.26.1-build20231009' },
            { name: 'kube-flannel', image: 'rancher/hardened-flannel:v0.22.1-build20231009' },
          ],
        }),
      ]),
      'host/rke2/pod-manifests/kube-proxy.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-proxy\n  labels:\n    component: kube-proxy\n',
    },
  });
  return { snapshot, analysis: analyze(snapshot, { rules: [] }) };
}

function bare() {
  const snapshot = snapshotOf({ node: 'n1', files: { 'host/uname.txt': 'Linux n1 6.1.0 x86_64\n' } });
  return { snapshot, analysis: analyze(snapshot, { rules: [] }) };
}

/** the header lines from the platform line to the counts line, joined as one text */
const header = (lines: string[]): string => {
  const from = lines.findIndex((l) => l.includes('distribution '));
  const to = lines.findIndex((l) => l.includes('root cause(s):'));
  return lines
    .slice(from, to + 1)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
};

describe('report headers: distribution and components', () => {
  it('text: one platform line and where the distribution was read, within 80 columns', () => {
    const lines = renderText(rke2()).split('\n');
    const i = lines.findIndex((l) => l.includes('distribution rke2'));
    expect(header(lines)).toContain(
      'distribution rke2 · flannel daemonset · kube-proxy static-pod · coredns unknown · calico daemonset from node/rke2-a kubeletVersion v1.28.5+rke2r1 (cluster/nodes.json#/items/0/status/nodeInfo/kubeletVersion)',
    );
    expect(i).toBeLessThan(lines.findIndex((l) => l.startsWith('ROOT CAUSES')));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('text: unknown when nothing names a distribution', () => {
    const text = header(renderText(bare()).split('\n'));
    expect(text).toContain(
      'distribution unknown · flannel unknown · kube-proxy unknown · coredns unknown · calico unknown 0 root cause(s)',
    );
  });

  it('markdown: a Platform line under the summary', () => {
    const md = renderMarkdown(rke2());
    expect(md).toContain(
      '| platform | distribution rke2 · flannel daemonset · kube-proxy static-pod · coredns unknown · calico daemonset (from `node/rke2-a kubeletVersion v1.28.5+rke2r1 (cluster/nodes.json#/items/0/status/nodeInfo/kubeletVersion)`) |\n',
    );
    expect(md.indexOf('| platform |')).toBeLessThan(md.indexOf('### Root causes'));
  });

  it('json: distribution and components with their evidence; null where nothing says', () => {
    const j = buildJsonReport(rke2()) as Record<string, unknown>;
    expect(j.distribution).toEqual({
      value: 'rke2',
      by: 'node/rke2-a kubeletVersion v1.28.5+rke2r1',
      evidence: {
        bundle: 'netsnap-rke2-a',
        path: 'cluster/nodes.json',
        pointer: '/items/0/status/nodeInfo/kubeletVersion',
      },
    });
    expect(j.components).toEqual({
      flannel: {
        value: 'daemonset',
        by: 'DaemonSet kube-system/rke2-canal',
        evidence: {
          bundle: 'netsnap-rke2-a',
          path: 'cluster/daemonsets.json',
          pointer: '/items/0/spec/template/spec/containers/1',
        },
      },
      'kube-proxy': {
        value: 'static-pod',
        by: 'rke2-a static pod manifest',
        evidence: { bundle: 'netsnap-rke2-a', path: 'host/rke2/pod-manifests/kube-proxy.yaml', line: 4 },
      },
      coredns: null,
      calico: {
        value: 'daemonset',
        by: 'DaemonSet kube-system/rke2-canal',
        evidence: {
          bundle: 'netsnap-rke2-a',
          path: 'cluster/daemonsets.json',
          pointer: '/items/0/spec/template/spec/containers/0',
        },
      },
    });
    const none = buildJsonReport(bare()) as Record<string, unknown>;
    expect(none.distribution).toBeNull();
    expect(none.components).toEqual({ flannel: null, 'kube-proxy': null, coredns: null, calico: null });
  });
});
