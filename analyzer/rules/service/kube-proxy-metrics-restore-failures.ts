// SVC-341: kubeproxy_sync_proxy_rules_iptables_restore_failures_total counts syncs whose
// iptables-restore was rejected (iptables and IPVS modes). Each one is a whole sync dropped: the
// node kept its previous rules. Threshold: one, since a healthy kube-proxy never has one. The counter
// is cumulative since kube-proxy started, so a failure that healed still counts: SVC-340 says
// whether the rules are stale now.
import type { Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { KUBE_PROXY_METRICS_SOURCE, restoreFailures } from '../../model/metrics.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { proxyMetricsOf } from './kube-proxy-metrics.js';

export const kubeProxyMetricsRestoreFailures: Rule = {
  id: 'SVC-341',
  slug: 'kube-proxy-metrics-restore-failures',
  layer: 'service',
  severity: 'warning',
  title: "kube-proxy's metrics count iptables-restore failures",
  needs: [KUBE_PROXY_METRICS_SOURCE],
  decidesFrom: [[KUBE_PROXY_METRICS_SOURCE]],
  docs: {
    why: 'Each failed iptables-restore is a sync kube-proxy threw away: the node kept its old Service rules until a later sync succeeded. The counter is cumulative since kube-proxy started; whether the rules are stale now is SVC-340, and the reason is in the kube-proxy log (SVC-302).',
    fix: 'Read the iptables-restore error in the kube-proxy log (it names the line and the reason: iptables version or backend, a missing module, the xtables lock), fix it and restart kube-proxy.',
  },
  messages: {
    failures: 'kube-proxy on node {node} counted {failures} failed iptables-restore runs since it started',
    none: 'kube-proxy on node {node} counted no failed iptables-restore since it started',
  },
  explains: [{ rule: 'SVC-340', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    for (const { host, subject, metrics } of proxyMetricsOf(s, out)) {
      const f = restoreFailures(metrics.value);
      if (!f) {
        out.push(
          missingInputs(subject, [
            `${KUBE_PROXY_METRICS_SOURCE}#kubeproxy_sync_proxy_rules_iptables_restore_failures_total`,
          ]),
        );
        continue;
      }
      if (f.value < 1) {
        out.push({ status: 'pass', subject, messageId: 'none', data: { node: host.node }, basis: basisOf(metrics) });
        continue;
      }
      const ev = lineEvidence(s.files, metrics.ref, f.line, f.line, 'failed iptables-restore runs since start');
      out.push({
        status: 'warn',
        subject,
        messageId: 'failures',
        data: { node: host.node, failures: f.value },
        evidence: ev ? [ev] : [],
        remediation: remedy('The kube-proxy log on the node quotes each rejected iptables-restore and its reason.', [
          cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', host.node)} | grep -A6 'Failed to execute iptables-restore'`,
          'iptables --version',
        ]),
      });
    }
    return out;
  },
};
