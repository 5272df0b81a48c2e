// What the offline tracer predicts for one probe: the probe's packet (from the pod's IP or the node,
// to the target ip:port/proto) walked through the vantage node's own routes and iptables. The
// tracer sees one node, so its prediction is about that node: "reaches" = delivered here or sent on
// its way out (with a source the replies can come back to), "blocked" = dropped, rejected, no route,
// or a pod packet to a target outside the cluster (external-ip, dns-upstream) leaving with the pod's
// address. Undetermined steps, missing data and targets it cannot resolve give no prediction
// (undefined), never a guess.
import type { HostState, Snapshot } from '../../model/types.js';
import type { LoadedProbe, ProbeRun } from '../../model/probes.js';
import { traceFromSnapshot, TraceInputError } from '../../trace/resolve.js';
import { fateSentence } from '../../trace/format.js';
import type { Proto, TraceBranch } from '../../trace/types.js';
import { isIp } from '../../model/net.js';
import { vantagePod } from './lib.js';

export interface Prediction {
  readonly verdict: 'reaches' | 'blocked';
  /** the branch's fate in one line, as `netsnap trace` prints it */
  readonly fate: string;
}

/** probes traced per host at most (a probe matrix is a few dozen; this bounds a hostile file) */
export const MAX_TRACED = 200;

/** checks whose targets are outside the cluster: a pod packet must leave masqueraded for replies to return */
const OUTSIDE: ReadonlySet<string> = new Set(['external-ip', 'dns-upstream']);

function classify(b: TraceBranch, podIp: string | undefined, outside: boolean): Prediction | undefined {
  const f = b.fate;
  const fate = fateSentence(f);
  switch (f.kind) {
    case 'delivered-local':
    case 'delivered-pod':
      return { verdict: 'reaches', fate };
    case 'dropped':
    case 'rejected':
    case 'no-route':
      return { verdict: 'blocked', fate };
    case 'forwarded': {
      // a pod's packet to a target outside the cluster leaving with the pod's own address: nobody out
      // there routes the replies back. Inside the cluster (another node, a pod) the pod address is routed.
      const unmasked = outside && podIp !== undefined && f.src === podIp;
      return unmasked
        ? { verdict: 'blocked', fate: `${fate} (not masqueraded: replies cannot come back)` }
        : { verdict: 'reaches', fate };
    }
    case 'undetermined':
      return undefined;
  }
}

export function predictProbe(s: Snapshot, host: HostState, run: ProbeRun, p: LoadedProbe): Prediction | undefined {
  const ip = p.target.ip;
  if (!ip || !isIp(ip)) return undefined;
  const pod = vantagePod(run, p.vantage);
  if (pod && !pod.ip) return undefined;
  const from = pod?.ip ?? host.node;
  const proto: Proto = p.target.proto ?? (p.target.port === undefined ? 'icmp' : 'tcp');
  let result;
  try {
    result = traceFromSnapshot(s, {
      from,
      to: p.target.port !== undefined ? `${ip}:${p.target.port}` : ip,
      proto,
      node: host.node,
    });
  } catch (err) {
    if (err instanceof TraceInputError) return undefined;
    throw err;
  }
  if (result.missing.length > 0 || result.branches.length === 0) return undefined;
  const preds = result.branches.map((b) => classify(b, pod?.ip, OUTSIDE.has(p.check)));
  if (preds.some((x) => x === undefined)) return undefined;
  // statistic branches (Service endpoints): the prediction holds only when every branch agrees
  const verdicts = new Set(preds.map((x) => x?.verdict));
  return verdicts.size === 1 ? preds[0] : undefined;
}
