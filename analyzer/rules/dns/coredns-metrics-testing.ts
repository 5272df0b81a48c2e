// CoreDNS 1.11 /metrics text for the DNS-42x rule tests (names as in coredns/coredns:plugin/pkg/proxy/metrics.go).
import { kubeList, podJson, sourceRecord } from '../../model/testing.js';

export interface UpstreamSpec {
  readonly rcodes?: Readonly<Record<string, number>>;
  readonly hc?: number;
}

export function corednsText(o: {
  upstreams?: Readonly<Record<string, UpstreamSpec>>;
  broken?: number;
  responses?: Readonly<Record<string, number>>;
  panics?: number;
  old?: boolean;
}): string {
  const lines: string[] = [
    "# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
    '# TYPE coredns_build_info gauge',
    'coredns_build_info{goversion="go1.21.11",revision="a6338e9",version="1.11.3"} 1',
  ];
  if (o.panics !== undefined) lines.push('# TYPE coredns_panics_total counter', `coredns_panics_total ${o.panics}`);
  if (o.responses) {
    lines.push('# TYPE coredns_dns_responses_total counter');
    for (const [rc, n] of Object.entries(o.responses))
      lines.push(`coredns_dns_responses_total{plugin="",rcode="${rc}",server="dns://:53",view="",zone="."} ${n}`);
  }
  if (o.broken !== undefined)
    lines.push(
      '# TYPE coredns_forward_healthcheck_broken_total counter',
      `coredns_forward_healthcheck_broken_total ${o.broken}`,
    );
  const ups = Object.entries(o.upstreams ?? {});
  if (o.old) {
    lines.push('# TYPE coredns_forward_responses_total counter');
    for (const [to, u] of ups)
      for (const [rc, n] of Object.entries(u.rcodes ?? {}))
        lines.push(`coredns_forward_responses_total{rcode="${rc}",to="${to}"} ${n}`);
    lines.push('# TYPE coredns_forward_healthcheck_failures_total counter');
    for (const [to, u] of ups)
      if (u.hc !== undefined) lines.push(`coredns_forward_healthcheck_failures_total{to="${to}"} ${u.hc}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push('# TYPE coredns_proxy_request_duration_seconds histogram');
  for (const [to, u] of ups)
    for (const [rc, n] of Object.entries(u.rcodes ?? {})) {
      const l = `proxy_name="forward",rcode="${rc}",to="${to}"`;
      lines.push(
        `coredns_proxy_request_duration_seconds_bucket{${l},le="0.008"} ${n}`,
        `coredns_proxy_request_duration_seconds_bucket{${l},le="+Inf"} ${n}`,
        `coredns_proxy_request_duration_seconds_sum{${l}} ${(n * 0.004).toFixed(3)}`,
        `coredns_proxy_request_duration_seconds_count{${l}} ${n}`,
      );
    }
  lines.push('# TYPE coredns_proxy_healthcheck_failures_total counter');
  for (const [to, u] of ups)
    if (u.hc !== undefined)
      lines.push(`coredns_proxy_healthcheck_failures_total{proxy_name="forward",to="${to}"} ${u.hc}`);
  return `${lines.join('\n')}\n`;
}

export const corednsPodJson = (name: string, phase = 'Running'): object =>
  podJson({ name, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, phase, ip: '10.244.0.5' });

/** cluster files: the CoreDNS pods listed, and the metrics of those given */
export function corednsFiles(
  metrics: Readonly<Record<string, string>>,
  pods: readonly string[] = Object.keys(metrics),
): Record<string, string | object> {
  return {
    'cluster/pods.json': kubeList(pods.map((p) => corednsPodJson(p))),
    ...Object.fromEntries(Object.entries(metrics).map(([pod, text]) => [`cluster/metrics/coredns/${pod}.prom`, text])),
  };
}

/** the manifest record of a pod-proxy read the API server refused to connect (the pod does not answer) */
export const proxyFailed = (pod: string) =>
  sourceRecord(`cluster/metrics/coredns/${pod}.prom`, {
    id: `cluster.metrics.coredns.${pod}`,
    // a manifest record's text, not a remedy command (test/hostile-commands.test.ts)
    command: ['kubectl get --raw', `/api/v1/namespaces/kube-system/pods/${pod}:9153/proxy/metrics`].join(' '),
    status: 'failed',
    exitCode: 1,
    stderrTail: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n',
  });
