// host/probes.json (source `host.probes`): what the collector's opt-in `--probe` mode saw when it
// sent packets from the node and from one pod's network namespace (docs/probes.md has the format).
// The contract is fixed with the collector; fields not listed here pass through (looseObject) so a
// newer collector's additions do not make the file unreadable. The document and each probe are
// validated apart: one bad probe becomes a LoadProblem naming /probes/<i>, the others still load.
import { z } from 'zod';

export const PROBES_SCHEMA_ID = 'netsnap.probes/v1';

export const PROBE_CHECKS = [
  'node',
  'remote-pod',
  'service',
  'dns-cluster',
  'dns-external',
  'dns-upstream',
  'external-ip',
] as const;
export type ProbeCheck = (typeof PROBE_CHECKS)[number];

export const PROBE_OUTCOMES = ['ok', 'timeout', 'refused', 'unreachable', 'error', 'expected-fail', 'skipped'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

const count = z.number().int().min(0);

export const ProbeTargetSchema = z.looseObject({
  ip: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  proto: z.enum(['tcp', 'udp', 'icmp']).optional(),
  /** DNS checks: the name queried */
  name: z.string().optional(),
  /** `ns/name` of the Service probed (service, dns-cluster) */
  service: z.string().optional(),
  /** `ns/name` of the pod probed (remote-pod) */
  pod: z.string().optional(),
  /** the node the target lives on (node, remote-pod) */
  node: z.string().optional(),
});

export const ProbeSchema = z.looseObject({
  vantage: z.string(),
  check: z.enum(PROBE_CHECKS),
  target: ProbeTargetSchema,
  tool: z.string().nullish(),
  command: z.string(),
  timeoutMs: count,
  attempts: count,
  successes: count,
  outcome: z.enum(PROBE_OUTCOMES),
  latencyMs: z.number().min(0).nullish(),
  detail: z.string().nullish(),
});
export type Probe = z.infer<typeof ProbeSchema>;

export const ProbeVantageSchema = z.looseObject({
  id: z.string(),
  kind: z.enum(['host', 'pod']),
  namespace: z.string().optional(),
  name: z.string().optional(),
  ip: z.string().optional(),
  pid: z.number().int().optional(),
  enteredWith: z.string().optional(),
});
export type ProbeVantage = z.infer<typeof ProbeVantageSchema>;

/** the document without its probes and vantages, which are checked one by one */
export const ProbesDocSchema = z.looseObject({
  schema: z.literal(PROBES_SCHEMA_ID),
  node: z.string(),
  airGapped: z.boolean(),
  airGappedReason: z.enum(['flag', 'no default route']).nullish(),
  startedAt: z.string(),
  durationMs: count,
  tools: z.record(z.string(), z.string()),
  vantages: z.array(z.unknown()),
  skippedVantages: z.array(z.looseObject({ kind: z.string(), why: z.string() })).optional(),
  probes: z.array(z.unknown()),
});

/** the whole contract in one schema (for docs and tests); the loader uses the split one above */
export const ProbesSchema = ProbesDocSchema.extend({
  vantages: z.array(ProbeVantageSchema),
  probes: z.array(ProbeSchema),
});
export type Probes = z.infer<typeof ProbesSchema>;

/** `path.to.field: message` lines of a zod error, the house format for schema problems */
export function issuesText(error: z.ZodError, max = 3): string {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const more = error.issues.length > max ? `; and ${error.issues.length - max} more` : '';
  return lines.join('; ') + more;
}
