// collection.json: the index `netsnap collect` writes beside the bundles of one collection (which
// nodes were attempted, how, with what outcome and timings). The schema is the contract:
// docs/collect.md and docs/bundle-format.md ("Collections") document exactly these fields.
// `netsnap collect` writes it after every node, so an interrupted collection still has one.
import { z } from 'zod';

export const COLLECTION_FILE = 'collection.json';
export const COLLECTION_FORMAT_VERSION = 1;

/** how a node was reached */
export const CollectModeSchema = z.enum(['ssh', 'pod']);
export type CollectMode = z.infer<typeof CollectModeSchema>;

/**
 * ok: a bundle was written. unreachable: no connection (ssh exit 255: refused, no route, unknown
 * host key, DNS). denied: the node refused us (key not accepted, `sudo -n` wants a password, RBAC
 * 403). timeout: cut off at --timeout. failed: the collector (or the pod) ran and did not produce a
 * bundle. interrupted: Ctrl-C before it finished. pending: not started when the collection stopped.
 */
export const NodeOutcomeSchema = z.enum(['ok', 'unreachable', 'denied', 'timeout', 'failed', 'interrupted', 'pending']);
export type NodeOutcome = z.infer<typeof NodeOutcomeSchema>;

/**
 * sudo: the collector ran under `sudo -n`; login: with the ssh user's own rights (root only when
 * that user is root: the bundle's manifest.user says; a non-root bundle records what it could not
 * read); pod: as root in a pod on the node (hostNetwork, hostPID, host root read-only).
 */
export const PrivilegeSchema = z.enum(['sudo', 'login', 'pod']);
export type Privilege = z.infer<typeof PrivilegeSchema>;

export const NodeAttemptSchema = z
  .object({
    /** Kubernetes node name when known (from the cluster or `name=address`), else the target */
    node: z.string().min(1),
    /** where it was reached: the ssh destination or address; the node name for pods */
    target: z.string(),
    via: CollectModeSchema,
    privilege: PrivilegeSchema,
    outcome: NodeOutcomeSchema,
    /** file name of the bundle beside collection.json; null when none was kept */
    bundle: z.string().nullable(),
    bytes: z.number().int().nonnegative(),
    exitCode: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    durationMs: z.number().int().nonnegative().nullable(),
    /** the last lines of ssh/kubectl/collector stderr, or why the node was not attempted */
    error: z.string(),
  })
  .passthrough();
export type NodeAttempt = z.infer<typeof NodeAttemptSchema>;

export const ClusterAttemptSchema = z
  .object({
    outcome: z.enum(['ok', 'failed', 'skipped', 'timeout', 'interrupted', 'pending']),
    bundle: z.string().nullable(),
    durationMs: z.number().int().nonnegative().nullable(),
    error: z.string(),
  })
  .passthrough();
export type ClusterAttempt = z.infer<typeof ClusterAttemptSchema>;

export const CollectionIndexSchema = z
  .object({
    formatVersion: z.literal(COLLECTION_FORMAT_VERSION),
    tool: z.string(),
    mode: CollectModeSchema,
    startedAt: z.string(),
    /** null while running (a collection that stopped without finishing, e.g. killed) */
    finishedAt: z.string().nullable(),
    /** false when the collection was interrupted (Ctrl-C) or is still running */
    complete: z.boolean(),
    /** per-node time limit */
    timeoutSeconds: z.number().positive(),
    concurrency: z.number().int().positive(),
    cluster: ClusterAttemptSchema,
    nodes: z.array(NodeAttemptSchema).max(100_000),
  })
  .passthrough();
export type CollectionIndex = z.infer<typeof CollectionIndexSchema>;

export type CollectionParse = { ok: true; index: CollectionIndex } | { ok: false; message: string };

/** Pure: bytes of a collection.json -> the index, or why it cannot be used ("dot.path: message"). */
export function parseCollectionIndex(bytes: Buffer | string): CollectionParse {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, message: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = CollectionIndexSchema.safeParse(json);
  if (parsed.success) return { ok: true, index: parsed.data };
  const first = parsed.error.issues[0];
  const where = first?.path.length ? first.path.join('.') : '(top)';
  return { ok: false, message: `${where}: ${first?.message ?? 'does not fit the schema'}` };
}
