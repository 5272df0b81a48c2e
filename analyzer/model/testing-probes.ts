// Builders for host/probes.json in tests: a document in the collector's contract (analyzer/zod/probes.ts)
// with one host and one pod vantage, and probes given as small overrides.
import type { Probe, Probes } from '../zod/probes.js';

export const POD_VANTAGE = 'pod:default/web-1';

/** one probe: defaults describe a pod -> external IP ping-free TCP connect that succeeded */
export function probeJson(over: Partial<Probe> & Pick<Probe, 'check'>): Probe {
  return {
    vantage: POD_VANTAGE,
    target: { ip: '1.1.1.1', port: 443, proto: 'tcp' },
    tool: 'busybox nc',
    command: 'nc -w 2 -z 1.1.1.1 443',
    timeoutMs: 2000,
    attempts: 2,
    successes: 2,
    outcome: 'ok',
    latencyMs: 12,
    detail: null,
    ...over,
  };
}

export function probesJson(
  node: string,
  probes: readonly Probe[],
  over: Partial<Omit<Probes, 'probes'>> = {},
  pod: { ip: string; namespace?: string; name?: string } = { ip: '10.244.1.5' },
): Probes {
  return {
    schema: 'netsnap.probes/v1',
    node,
    airGapped: false,
    airGappedReason: null,
    startedAt: '2025-01-15T09:59:40Z',
    durationMs: 5123,
    tools: { nc: 'busybox nc', nslookup: 'busybox nslookup' },
    vantages: [
      { id: 'host', kind: 'host' },
      {
        id: `pod:${pod.namespace ?? 'default'}/${pod.name ?? 'web-1'}`,
        kind: 'pod',
        namespace: pod.namespace ?? 'default',
        name: pod.name ?? 'web-1',
        ip: pod.ip,
        pid: 4242,
        enteredWith: 'nsenter -t 4242 -n',
      },
    ],
    skippedVantages: [],
    probes: [...probes],
    ...over,
  };
}
