// Building lists of Seen CIDRs: every value canonical ("10.244.1.1/24" -> "10.244.1.0/24"),
// dual-stack values ("10.42.0.0/16,fd00:42::/56") split into one statement each, values that are
// not a CIDR left out (a rule that checks a config's own syntax reads the config, not the fact).
import type { ClusterState, Located, Seen, Sourced } from '../types.js';
import type { Pod } from '../schemas.js';
import { parseCidr } from '../net.js';
import { flagInArgv } from './bundle-text.js';

export type At = Seen<string>['at'];

export function pushCidrs(out: Seen<string>[], raw: string | undefined, by: string, at: At): void {
  if (raw === undefined) return;
  for (const part of raw.split(',')) {
    const text = part.trim() === '' ? undefined : parseCidr(part.trim())?.text;
    if (text) out.push({ value: text, by, at });
  }
}

export function atOf(src: Sourced<unknown>, line?: number): At {
  return {
    bundle: src.ref.bundle,
    path: src.ref.path,
    ...(src.ref.pointer !== undefined ? { pointer: src.ref.pointer } : {}),
    ...(line !== undefined ? { line } : {}),
  };
}

/**
 * The control-plane pods of kube-system whose name starts with `prefix` (`kube-controller-manager-`,
 * `kube-apiserver-`): the only pods the facts look into, so a 150,000-pod list costs one prefix test
 * per pod.
 */
export function controlPlanePods(cluster: ClusterState, prefix: string): Located<Pod>[] {
  const out: Located<Pod>[] = [];
  for (const p of cluster.pods ?? [])
    if (p.obj.metadata.namespace === 'kube-system' && p.obj.metadata.name.startsWith(prefix)) out.push(p);
  return out;
}

/** each value of `--flag` in a pod's containers' command and args, with its JSON pointer */
export function podFlag(pod: Located<Pod>, flag: string): { value: string; at: At }[] {
  const out: { value: string; at: At }[] = [];
  (pod.obj.spec?.containers ?? []).forEach((c, ci) => {
    for (const field of ['command', 'args'] as const) {
      const argv = c[field];
      if (!argv) continue;
      for (const hit of flagInArgv(argv, flag)) {
        out.push({
          value: hit.value,
          at: { ...pod.ref, pointer: `${pod.ref.pointer}/spec/containers/${ci}/${field}/${hit.index}` },
        });
      }
    }
  });
  return out;
}
