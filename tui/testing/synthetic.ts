// A large synthetic analysis (n findings over the demo's files) for the keypress benchmark.
import type { Analysis, Finding, Layer, Status } from '../../analyzer/rules/types.js';
import { demoLoadResult } from './demo-analysis.js';
import type { TuiLoadResult } from '../view-models/model.js';

const LAYERS: Layer[] = ['dns', 'service', 'network', 'system'];
const STATUSES: Status[] = ['fail', 'warn', 'pass', 'unknown'];

export function syntheticLoadResult(n: number): TuiLoadResult {
  const demo = demoLoadResult();
  const base = demo.analysis.findings[0] as Finding;
  const extra: Finding[] = [];
  for (let i = 0; i < n; i++) {
    extra.push({
      ...base,
      ruleId: `SVC-3${String(i % 100).padStart(2, '0')}`,
      layer: LAYERS[i % 4] as Layer,
      status: STATUSES[i % 4] as Status,
      subject: { kind: 'service', namespace: `ns-${i % 50}`, name: `svc-${i}`, node: `worker-${(i % 2) + 1}` },
      message: `synthetic finding ${i}`,
    });
  }
  const analysis: Analysis = { ...demo.analysis, findings: [...demo.analysis.findings, ...extra] };
  return { ...demo, analysis };
}
