// Which nodes run kube-proxy's IPVS mode, for the IPVS rules (SVC-311..): a node whose `ipvsadm -Ln`
// lists virtual services is (that listing is IPVS at work), else the cluster's effective kube-proxy
// mode says so (logs, config, flags). A node judged IPVS by the mode alone may have no listing: the
// rules then say what is missing instead of passing.
import type { HostState, Snapshot } from '../../model/types.js';
import type { Report, Subject } from '../types.js';
import { ipvsOf } from '../../model/ipvs.js';
import { nodeHosts } from '../lib/node-scope.js';
import { effectiveMode } from './kube-proxy-logs.js';

export interface IpvsNode {
  readonly host: HostState;
  readonly subject: Subject;
  /** how the node is known to run IPVS */
  readonly by: 'ipvsadm' | 'mode';
}

export function* ipvsNodes(s: Snapshot, out: Report[]): Generator<IpvsNode> {
  const mode = effectiveMode(s)?.value;
  for (const { host, subject } of nodeHosts(s, out)) {
    if ((ipvsOf(host).services?.length ?? 0) > 0) yield { host, subject, by: 'ipvsadm' };
    else if (mode === 'ipvs') yield { host, subject, by: 'mode' };
  }
}
