// The JSON report, schema "netsnap.report/v2" (docs/report-schema.md). Findings carry a stable id
// (analyzer/report/ids.ts: `DNS-402/configmap:kube-system/coredns`, the same across runs, filters
// and bundle order); chains, explainedBy and fixes refer to those ids. v1 used array positions.
import { subjectKey, type Chain } from '../rules/types.js';
import { safeJson } from '../text/inert.js';
import { buildReportModel, type ReportInput } from './model.js';

export const REPORT_SCHEMA = 'netsnap.report/v2';

export interface JsonChain {
  readonly finding: string;
  readonly explains: readonly JsonChain[];
}

export function buildJsonReport(input: ReportInput): object {
  const m = buildReportModel(input);
  const ids = m.ids;
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
    tool: { name: m.tool.name, version: m.tool.version },
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
    fixes: m.fixes.map((g) => ({
      place: g.place,
      items: g.items.map((i) => ({ finding: i.findingId, ruleId: i.ruleId, command: i.command })),
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
