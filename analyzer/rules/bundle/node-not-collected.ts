// BND-905: a node that `netsnap collect` attempted and got no bundle from (unreachable, key or sudo
// refused, timed out, failed, interrupted), as its collection.json records. Without it the node
// is only a missing peer: SYS-108 compares fewer nodes and nothing says which node was not seen.
import type { NodeAttempt } from '../../bundle/collection-index.js';
import type { Snapshot } from '../../model/types.js';
import { isIP } from 'node:net';
import { cmd, raw, remedy, word } from '../../text/shell.js';
import type { Report, Rule } from '../types.js';
import { CLUSTER, nodeSubject } from '../lib/reports.js';
import { jsonEvidence, present } from '../lib/host.js';

const HOW: Readonly<Record<NodeAttempt['outcome'], string>> = {
  ok: 'collected',
  unreachable: 'could not be reached',
  denied: 'refused the connection or the privilege asked for',
  timeout: 'did not finish within the time limit',
  failed: 'ran the collector without producing a bundle',
  interrupted: 'was interrupted (Ctrl-C) while collecting',
  pending: 'was not started before the collection stopped',
};

/** the command that retries one node the way it was first attempted */
function retry(a: NodeAttempt) {
  if (a.via === 'pod') return cmd`netsnap collect --via-pod --nodes ${word('node', a.node)} -o <dir>`;
  const mode = raw(a.privilege === 'sudo' ? '--ssh --sudo' : '--ssh');
  // the ssh destination may be an address or a user@host: a node name when it is one, else the address
  const target = isIP(a.target) ? word('ip', a.target) : word('node', a.target);
  if (a.target === a.node) return cmd`netsnap collect ${mode} --nodes ${target} -o <dir>`;
  return cmd`netsnap collect ${mode} --nodes ${word('node', a.node)}=${target} -o <dir>`;
}

function nodeReport(s: Snapshot, a: NodeAttempt, i: number): Report {
  const c = s.collection!;
  const subject = nodeSubject(a.node);
  const at = (field: string, note: string) => jsonEvidence(s, c.ref, `/nodes/${i}/${field}`, note);
  if (a.outcome === 'ok' && s.hosts.has(a.node))
    return { status: 'pass', subject, messageId: 'collected', data: { via: a.via }, basis: [c.ref] };
  if (a.outcome === 'ok')
    return {
      status: 'warn',
      subject,
      messageId: 'bundle-not-loaded',
      data: { bundle: a.bundle ?? '', via: a.via },
      evidence: present(at('bundle', 'the bundle collect wrote for this node')),
      basis: [c.ref],
      remediation: remedy('The bundle was written but not analyzed: check it is beside collection.json and readable.', [
        cmd`netsnap inspect ${a.bundle ?? '<bundle>'}`,
      ]),
    };
  return {
    status: 'warn',
    subject,
    messageId: 'not-collected',
    data: {
      outcome: a.outcome,
      how: HOW[a.outcome],
      via: a.via,
      node: a.node,
      where: a.target === a.node ? '' : ` (${a.target})`,
      target: a.target,
      error: a.error,
    },
    evidence: present(
      at('outcome', `collect over ${a.via}: ${a.outcome}`),
      a.error ? at('error', 'what ssh, kubectl or the collector said') : undefined,
    ),
    basis: [c.ref],
    remediation: remedy(
      'Findings that compare nodes (SYS-108) did not see this node, and nothing about its own host was checked. Fix access to it (ssh key, sudo, RBAC, time limit) and collect it again into the same folder.',
      [retry(a)],
    ),
  };
}

export const nodeNotCollected: Rule = {
  id: 'BND-905',
  slug: 'node-not-collected',
  layer: 'bundle',
  severity: 'warning',
  title: 'A node of the collection has no bundle (unreachable, refused, timed out, failed)',
  needs: ['collection'],
  decidesFrom: [['collection']],
  docs: {
    why: '`netsnap collect` records every node it attempted in collection.json. A node that gave no bundle is not a healthy peer: it was not looked at. Its host faults stay unseen and the comparisons between nodes (SYS-108) are made without it, so the analysis must say so rather than silently analyze fewer nodes.',
    fix: 'Look at the recorded error (key refused, `sudo -n` wanting a password, timeout, RBAC 403), fix access, and collect that node again (`netsnap collect --ssh --nodes <node> -o <dir>`), or collect it by hand with the collector.',
  },
  messages: {
    'not-collected': 'node {node}{where} {how} ({outcome} over {via}): {error}',
    'bundle-not-loaded': 'the bundle {bundle} collected over {via} was not analyzed',
    collected: 'collected over {via} and analyzed',
    incomplete: 'the collection was interrupted before every node was attempted',
    'cluster-not-collected': 'the cluster objects were not collected ({outcome}): {error}',
  },
  run(s) {
    const c = s.collection;
    if (!c) return [];
    const out: Report[] = c.index.nodes.map((a, i) => nodeReport(s, a, i));
    if (!c.index.complete)
      out.push({
        status: 'warn',
        subject: CLUSTER,
        messageId: 'incomplete',
        evidence: present(jsonEvidence(s, c.ref, '/complete', 'collection.json: complete')),
        basis: [c.ref],
      });
    const cl = c.index.cluster;
    if (cl.outcome !== 'ok' && cl.outcome !== 'skipped')
      out.push({
        status: 'warn',
        subject: CLUSTER,
        messageId: 'cluster-not-collected',
        data: { outcome: cl.outcome, error: cl.error },
        evidence: present(jsonEvidence(s, c.ref, '/cluster', 'the cluster collection')),
        basis: [c.ref],
      });
    return out;
  },
};
