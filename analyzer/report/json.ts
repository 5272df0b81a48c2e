// The JSON report, schema "netsnap.report/v1" (docs/report-schema.md). Findings carry an id
// ("f0", "f1", ...: their index in `findings`); chains and explainedBy refer to those ids.
import { subjectKey, type Chain, type Finding } from '../rules/types.js';
import { safeJson } from '../text/inert.js';
import { buildReportModel, type ReportInput } from './model.js';

export const REPORT_SCHEMA = 'netsnap.report/v1';

export interface JsonChain {
  readonly finding: string;
  readonly explains: readonly JsonChain[];
}

export function buildJsonReport(input: ReportInput, tool = { name: 'netsnap', version: '0.1.0' }): object {
  const m = buildReportModel(input);
  const ids = new Map<Finding, string>(m.findings.map((f, i) => [f, `f${i}`]));
  const explainedBy = new Map<string, string[]>();
  const toChain = (c: Chain): JsonChain => {
    const id = ids.get(c.finding) as string;
    for (const x of c.explains) {
      const xid = ids.get(x.finding) as string;
      const list = explainedBy.get(xid) ?? [];
      if (!list.includes(id)) list.push(id);
      explainedBy.set(xid, list);
    }
    return { finding: id, explains: c.explains.map(toChain) };
  };
  const roots = m.roots.map(toChain);
  return {
    schema: REPORT_SCHEMA,
    tool,
    collectedAt: m.snapshot.now ?? null,
    bundles: m.snapshot.bundles.map((b) => ({
      id: b.id,
      origin: b.origin,
      node: b.node ?? null,
      createdAt: b.createdAt ?? null,
      hasCluster: b.hasCluster,
      hasHost: b.hasHost,
      redacted: b.redacted,
    })),
    distribution: m.platform.distribution,
    components: m.platform.components,
    summary: { roots: roots.length, ...m.counts },
    roots,
    findings: m.findings.map((f) => ({
      id: ids.get(f),
      ruleId: f.ruleId,
      status: f.status,
      severity: f.severity,
      layer: f.layer,
      subject: { ...f.subject, key: subjectKey(f.subject) },
      messageId: f.messageId,
      message: f.message,
      data: f.data ?? {},
      evidence: f.evidence,
      remediation: f.remediation ?? null,
      missing: f.missing ?? [],
      basis: f.basis,
      explainedBy: explainedBy.get(ids.get(f) as string) ?? [],
    })),
    problems: m.snapshot.problems.map((p) => ({
      bundle: p.bundle ?? null,
      file: p.file,
      line: p.line ?? null,
      pointer: p.pointer ?? null,
      severity: p.severity,
      code: p.code ?? null,
      message: p.message,
    })),
  };
}

export function renderJson(input: ReportInput): string {
  return `${safeJson(buildJsonReport(input))}\n`;
}
