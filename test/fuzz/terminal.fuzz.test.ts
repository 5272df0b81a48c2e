// Terminal safety: escape sequences planted in bundle text (a Corefile, a log, a node name, a
// Service name) must reach the text and markdown reports inert: no ESC, BEL, CSI or other C0/C1
// control character may be written, whatever the bundle holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../analyzer/model/build.js';
import { configMapJson, kubeList, nodeJson, podJson, rawBundle, serviceJson } from '../../analyzer/model/testing.js';
import { inert } from '../../analyzer/report/model.js';
import { renderMarkdown } from '../../analyzer/report/markdown.js';
import { renderText } from '../../analyzer/report/text.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { COREFILE_TYPO } from '../redact/secret-bundles.js';
import { FUZZ_RUNS, recordCases } from './budget.js';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const ESCAPES = [
  '\u001b[2J\u001b[H',
  '\u001b]0;pwned\u0007',
  '\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\',
  '\u009b31m',
  '\u001bP+q\u001b\\',
  '\u0007',
  '\r',
  '\b\b\b',
];

function hostileSnapshot(esc: string) {
  return buildSnapshot([
    rawBundle({
      node: `node${esc}1`,
      files: {
        'cluster/nodes.json': kubeList([nodeJson({ name: `node${esc}1`, podCIDR: '10.244.1.0/24' })]),
        'cluster/pods.json': kubeList([
          podJson({
            name: `coredns-${esc}`,
            namespace: 'kube-system',
            node: `node${esc}1`,
            ip: '10.244.1.2',
            labels: { 'k8s-app': 'kube-dns' },
            ready: false,
          }),
        ]),
        'cluster/services.json': kubeList([
          serviceJson({ name: `web${esc}`, namespace: `shop${esc}`, clusterIP: '10.96.0.50' }),
        ]),
        'cluster/configmaps/kube-system/coredns.json': configMapJson({
          name: 'coredns',
          data: { Corefile: COREFILE_TYPO.replace('forward . 233.5.5.5', `forward . 233.5.5.5 ${esc}`) },
        }),
        'host/sysctl.txt': `net.ipv4.ip_forward = 0${esc}\n`,
        'host/resolv.conf': `nameserver 10.96.0.10\nsearch ${esc}.example\n`,
      },
    }),
  ]);
}

describe('terminal safety', () => {
  it('inert() leaves no control characters in any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(CONTROL.test(inert(s).replace(/\n/g, ''))).toBe(false);
      }),
      { numRuns: FUZZ_RUNS.parser },
    );
    recordCases('terminal: inert()', FUZZ_RUNS.parser);
  });

  const controlLines = (out: string) => out.split('\n').filter((l) => CONTROL.test(l));
  for (const esc of ESCAPES) {
    it(`the markdown report and the text report's findings show ${JSON.stringify(esc)} inert`, () => {
      const snapshot = hostileSnapshot(esc);
      const analysis = analyze(snapshot);
      expect(analysis.findings.length).toBeGreaterThan(0);
      expect(controlLines(renderMarkdown({ analysis, snapshot }))).toEqual([]);
      const text = renderText({ analysis, snapshot }, { color: false, verbose: true });
      expect(controlLines(text)).toEqual([]);
    });
  }

  it('the text report header shows a hostile node name inert', () => {
    const snapshot = hostileSnapshot(ESCAPES[1]!);
    expect(controlLines(renderText({ analysis: analyze(snapshot), snapshot }, { color: false }))).toEqual([]);
  });
  recordCases('terminal: planted escapes', ESCAPES.length);
});
