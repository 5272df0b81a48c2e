// host/probes.json -> HostState.probes. The collector writes it only in its opt-in `--probe` mode,
// so an absent file is the common case (rules then say unknown, never pass). A file that is not the
// contract (analyzer/zod/probes.ts) is a LoadProblem naming the file and the JSON pointer; a bad
// probe or vantage is dropped alone and the rest of the file still loads.
import type { BundleReader } from './reader.js';
import type { Sourced } from './types.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import {
  issuesText,
  ProbeSchema,
  ProbesDocSchema,
  ProbeVantageSchema,
  type Probe,
  type ProbeVantage,
} from '../zod/probes.js';

/** the source id and bundle path (analyzer/bundle/sources.ts lists it with the collector's --probe sources) */
export const PROBES_SOURCE_ID = 'host.probes';
export const PROBES_PATH = 'host/probes.json';
/** more probes than any node's matrix needs (a few targets x 7 checks x 2 vantages); the rest is ignored */
export const MAX_PROBES = 2000;

export interface LoadedProbe extends Probe {
  /** JSON pointer of this probe in host/probes.json, for evidence */
  readonly pointer: string;
}

export interface LoadedVantage extends ProbeVantage {
  readonly pointer: string;
}

export interface ProbeRun {
  readonly node: string;
  readonly airGapped: boolean;
  readonly airGappedReason?: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly tools: Readonly<Record<string, string>>;
  readonly vantages: readonly LoadedVantage[];
  readonly skippedVantages: readonly { readonly kind: string; readonly why: string }[];
  readonly probes: readonly LoadedProbe[];
}

export function loadProbes(reader: BundleReader): Sourced<ProbeRun> | undefined {
  if (!reader.has(PROBES_PATH)) return undefined;
  const doc = reader.json(PROBES_PATH);
  if (doc === undefined) return undefined; // reader.json recorded why
  const problem = (message: string, pointer?: string): void => {
    reader.problems.push({
      bundle: reader.id,
      file: PROBES_PATH,
      ...(pointer !== undefined ? { pointer } : {}),
      message,
      severity: 'error',
      code: LOAD_PROBLEM_CODES.schema,
    });
  };
  const top = ProbesDocSchema.safeParse(doc);
  if (!top.success) {
    problem(`not a netsnap.probes/v1 document (${issuesText(top.error)}); collect again with --probe`);
    return undefined;
  }
  const vantages: LoadedVantage[] = [];
  top.data.vantages.forEach((v, i) => {
    const got = ProbeVantageSchema.safeParse(v);
    if (got.success) vantages.push({ ...got.data, pointer: `/vantages/${i}` });
    else problem(`vantage ${i} dropped: ${issuesText(got.error)}`, `/vantages/${i}`);
  });
  const probes: LoadedProbe[] = [];
  top.data.probes.slice(0, MAX_PROBES).forEach((p, i) => {
    const got = ProbeSchema.safeParse(p);
    if (got.success) probes.push({ ...got.data, pointer: `/probes/${i}` });
    else problem(`probe ${i} dropped: ${issuesText(got.error)}`, `/probes/${i}`);
  });
  if (top.data.probes.length > MAX_PROBES)
    problem(`${top.data.probes.length} probes; only the first ${MAX_PROBES} are read`, '/probes');
  const d = top.data;
  return {
    value: {
      node: d.node,
      airGapped: d.airGapped,
      airGappedReason: d.airGappedReason,
      startedAt: d.startedAt,
      durationMs: d.durationMs,
      tools: d.tools,
      vantages,
      skippedVantages: d.skippedVantages ?? [],
      probes,
    },
    ref: { bundle: reader.id, path: PROBES_PATH },
  };
}
