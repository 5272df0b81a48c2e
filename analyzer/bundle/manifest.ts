// manifest.json of bundle format v1. The schema is the contract: docs/bundle-format.md documents
// exactly these fields and says which are required.
import { z } from 'zod';

export const FORMAT_VERSION = 1;

export const SourceStatusSchema = z.enum(['ok', 'failed', 'timeout', 'denied', 'absent', 'skipped']);
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const SourceRecordSchema = z
  .object({
    id: z.string().min(1),
    path: z.string(),
    command: z.string(),
    status: SourceStatusSchema,
    exitCode: z.number().int().nullable(),
    durationMs: z.number().nonnegative().nullable(),
    bytes: z.number().int().nonnegative(),
    stderrTail: z.string(),
  })
  .passthrough();
export type SourceRecord = z.infer<typeof SourceRecordSchema>;

export const RedactionSchema = z
  .object({
    tool: z.string(),
    at: z.string(),
    pseudonymized: z.boolean(),
    counts: z.record(z.string(), z.number().int().nonnegative()),
  })
  .passthrough();
export type Redaction = z.infer<typeof RedactionSchema>;

export const ManifestSchema = z
  .object({
    formatVersion: z.literal(FORMAT_VERSION),
    collectorVersion: z.string(),
    createdAt: z.string(),
    node: z.string(),
    hostname: z.string().optional(),
    kernel: z.string().optional(),
    user: z.object({ uid: z.number().int().nullable(), root: z.boolean() }).passthrough().optional(),
    flags: z.array(z.string()).optional(),
    /** what the collector never collects, by design (Secrets, tokens, kubeconfig, kubelet pki) */
    notCollected: z.array(z.string()).optional(),
    sources: z.array(SourceRecordSchema),
    redaction: RedactionSchema.optional(),
  })
  .passthrough();
export type Manifest = z.infer<typeof ManifestSchema>;
