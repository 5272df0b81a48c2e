import { sourceRecord } from '../../model/testing.js';

// kube-proxy 1.31 :10249/metrics text for the SVC-34x rule tests (names as in kubernetes/kubernetes:pkg/proxy/metrics).
export const CREATED_AT = '2025-01-15T10:00:00Z';
export const CREATED_S = Date.parse(CREATED_AT) / 1000;

/** cumulative bucket counts from per-bucket observations `{le: n}` */
function histogram(name: string, obs: Readonly<Record<string, number>>): string[] {
  const les = Object.keys(obs).sort((a, b) => (a === '+Inf' ? 1 : b === '+Inf' ? -1 : Number(a) - Number(b)));
  let acc = 0;
  const out = [`# TYPE ${name} histogram`];
  for (const le of les) out.push(`${name}_bucket{le="${le}"} ${(acc += obs[le] ?? 0)}`);
  if (!les.includes('+Inf')) out.push(`${name}_bucket{le="+Inf"} ${acc}`);
  out.push(`${name}_sum ${acc}`, `${name}_count ${acc}`);
  return out;
}

export function kubeProxyText(o: {
  lastSyncAgo?: number | 'never';
  restoreFailures?: number;
  sync?: Readonly<Record<string, number>>;
  programming?: Readonly<Record<string, number>>;
}): string {
  const lines: string[] = [];
  if (o.lastSyncAgo !== undefined)
    lines.push(
      '# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds [ALPHA] The last time proxy rules were successfully synced',
      '# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge',
      `kubeproxy_sync_proxy_rules_last_timestamp_seconds ${o.lastSyncAgo === 'never' ? 0 : CREATED_S - o.lastSyncAgo}`,
    );
  if (o.restoreFailures !== undefined)
    lines.push(
      '# TYPE kubeproxy_sync_proxy_rules_iptables_restore_failures_total counter',
      `kubeproxy_sync_proxy_rules_iptables_restore_failures_total ${o.restoreFailures}`,
    );
  if (o.sync) lines.push(...histogram('kubeproxy_sync_proxy_rules_duration_seconds', o.sync));
  if (o.programming) lines.push(...histogram('kubeproxy_network_programming_duration_seconds', o.programming));
  return `${lines.join('\n')}\n`;
}

export const proxyBundle = (node: string, text: string | undefined, extra: Record<string, string | object> = {}) => ({
  node,
  createdAt: CREATED_AT,
  files: {
    'host/hostname.txt': `${node}\n`,
    ...(text === undefined ? {} : { 'host/metrics/kube-proxy.prom': text }),
    ...extra,
  },
});

/** the manifest record of a metrics read nothing answered (kube-proxy not listening) */
export const REFUSED = sourceRecord('host/metrics/kube-proxy.prom', {
  id: 'host.kube-proxy-metrics',
  command: 'GET http://127.0.0.1:10249/metrics (curl)',
  status: 'failed',
  exitCode: 7,
  stderrTail: "curl: (7) Failed to connect to 127.0.0.1 port 10249 after 0 ms: Couldn't connect to server\n",
});
