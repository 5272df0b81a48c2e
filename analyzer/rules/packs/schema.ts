// The rule-pack format (docs/rule-packs.md): zod at the boundary, types from z.infer.
import { z } from 'zod';
import { MAX_PACK_RULES } from './limits.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export type Condition =
  | {
      readonly path: string;
      readonly op: Op;
      readonly value?: z.infer<typeof Scalar> | readonly z.infer<typeof Scalar>[];
    }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

export const OPS = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'in',
  'nin',
  'exists',
  'absent',
  'matches',
  'contains',
] as const;
export type Op = (typeof OPS)[number];

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({
      path: z.string().startsWith('$', 'a JSONPath starting with $ (the selected item)'),
      op: z.enum(OPS),
      value: z.union([Scalar, z.array(Scalar)]).optional(),
    }),
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
  ]),
);

/** a literal, or a JSONPath ("$.metadata.name") evaluated on the selected item */
const Valued = z.string();

export const PackRuleSchema = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Z0-9]*-\d{3,}$/, 'like "SITE-001": letters, a dash, three or more digits'),
  slug: z.string().regex(/^[a-z0-9-]+$/, 'lower-case words joined by dashes'),
  layer: z.enum(['system', 'network', 'service', 'dns', 'bundle']),
  severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  title: z.string().min(1),
  docs: z.strictObject({ why: z.string().min(1), fix: z.string().min(1) }),
  /** JSONPath over the Snapshot view (plain steps only: see path.ts); every match is an item */
  select: z.string().startsWith('$'),
  /** which selected items the rule is about (others give neither a finding nor a pass): the
   * data form of a filter, since scripts (`[?(...)]`) never run */
  where: ConditionSchema.optional(),
  subject: z.strictObject({
    kind: z.enum(['cluster', 'node', 'pod', 'service', 'configmap', 'daemonset', 'deployment', 'bundle']),
    name: Valued.optional(),
    namespace: Valued.optional(),
    node: Valued.optional(),
  }),
  /** the finding is raised for a match when this holds */
  when: ConditionSchema,
  status: z.enum(['fail', 'warn']).default('fail'),
  message: z.string().min(1),
  /** extra message placeholders: name -> JSONPath on the item */
  data: z.record(z.string(), Valued).optional(),
  /** the path cited as evidence, relative to the item; default: the `when` path, else the item */
  evidence: z.string().startsWith('$').optional(),
  remediation: z.strictObject({ explanation: z.string().min(1), commands: z.array(z.string()).min(1) }).optional(),
});
export type PackRule = z.infer<typeof PackRuleSchema>;

export const PackSchema = z.strictObject({
  apiVersion: z.literal('netsnap.dev/v1'),
  kind: z.literal('RulePack'),
  name: z.string().min(1),
  rules: z
    .array(PackRuleSchema)
    .min(1)
    .max(MAX_PACK_RULES, `at most ${MAX_PACK_RULES} rules in one pack; split it into several --rules files`),
});
export type Pack = z.infer<typeof PackSchema>;
