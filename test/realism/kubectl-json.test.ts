// Generated kubectl JSON must pass the analyzer's schemas and look like kubectl's output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ConfigMapSchema,
  DaemonSetSchema,
  DeploymentSchema,
  EndpointSliceSchema,
  EndpointsSchema,
  KubeEventSchema,
  KubeListSchema,
  KubeNodeSchema,
  KubeVersionSchema,
  PodSchema,
  ServiceSchema,
} from '../../analyzer/model/schemas.js';
import { bundleDirs, readIfExists } from './scenario-files.js';

const LISTS: Record<string, { schema: z.ZodType; kind: string; apiVersion: string }> = {
  'cluster/nodes.json': { schema: KubeNodeSchema, kind: 'Node', apiVersion: 'v1' },
  'cluster/pods.json': { schema: PodSchema, kind: 'Pod', apiVersion: 'v1' },
  'cluster/services.json': { schema: ServiceSchema, kind: 'Service', apiVersion: 'v1' },
  'cluster/endpoints.json': { schema: EndpointsSchema, kind: 'Endpoints', apiVersion: 'v1' },
  'cluster/endpointslices.json': {
    schema: EndpointSliceSchema,
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
  },
  'cluster/daemonsets.json': { schema: DaemonSetSchema, kind: 'DaemonSet', apiVersion: 'apps/v1' },
  'cluster/deployments.json': { schema: DeploymentSchema, kind: 'Deployment', apiVersion: 'apps/v1' },
  'cluster/events.json': { schema: KubeEventSchema, kind: 'Event', apiVersion: 'v1' },
};

const withCluster = bundleDirs().filter((b) => readIfExists(join(b.dir, 'cluster/nodes.json')) !== undefined);

function sortedKeysEverywhere(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => sortedKeysEverywhere(x, `${path}/${i}`));
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    const bad = keys.join() === [...keys].sort().join() ? [] : [path || '/'];
    return [...bad, ...keys.flatMap((k) => sortedKeysEverywhere((v as Record<string, unknown>)[k], `${path}/${k}`))];
  }
  return [];
}

describe('kubectl JSON', () => {
  it('covers the cluster bundles', () => expect(withCluster.length).toBeGreaterThan(25));

  it('every list item passes its schema, with its own kind and apiVersion', () => {
    const failures: string[] = [];
    for (const b of withCluster)
      for (const [file, spec] of Object.entries(LISTS)) {
        const text = readFileSync(join(b.dir, file), 'utf8');
        const list = KubeListSchema.parse(JSON.parse(text));
        if (list.kind !== 'List' || list.apiVersion !== 'v1')
          failures.push(`${b.scenario}/${file}: wrapper ${list.apiVersion} ${list.kind}`);
        list.items.forEach((item, i) => {
          const r = spec.schema.safeParse(item);
          if (!r.success)
            failures.push(
              `${b.scenario}/${file}#/items/${i}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
            );
          const o = item as { kind?: string; apiVersion?: string };
          if (o.kind !== spec.kind || o.apiVersion !== spec.apiVersion)
            failures.push(`${b.scenario}/${file}#/items/${i}: ${o.apiVersion} ${o.kind}`);
        });
      }
    expect(failures).toEqual([]);
  });

  it('is printed as kubectl prints it: 4-space indent, sorted keys, resourceVersion "" list metadata', () => {
    const b = withCluster.find((x) => x.scenario === 'healthy')!;
    const text = readFileSync(join(b.dir, 'cluster/pods.json'), 'utf8');
    expect(
      text.startsWith('{\n    "apiVersion": "v1",\n    "items": [\n        {\n            "apiVersion": "v1",'),
    ).toBe(true);
    expect(
      text.endsWith('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'),
    ).toBe(true);
    expect(sortedKeysEverywhere(JSON.parse(text))).toEqual([]);
    const events = readFileSync(join(b.dir, 'cluster/events.json'), 'utf8');
    expect(events).toBe(
      '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
    );
  });

  const runsCalico = (dir: string): boolean =>
    /"name":\s*"(calico-node|canal)"/.test(readFileSync(join(dir, 'cluster/daemonsets.json'), 'utf8'));

  it('ConfigMaps and version pass their schemas', () => {
    for (const b of withCluster) {
      for (const cm of [
        'kube-system/coredns',
        'kube-system/kube-proxy',
        // calico and canal clusters have no kube-flannel-cfg (canal keeps net-conf.json in canal-config):
        // decided from the bundle's own DaemonSets, not from the scenario's name
        ...(runsCalico(b.dir) ? [] : ['kube-flannel/kube-flannel-cfg']),
        'kube-system/kubeadm-config',
        'kube-system/kubelet-config',
      ])
        expect(
          ConfigMapSchema.safeParse(JSON.parse(readFileSync(join(b.dir, `cluster/configmaps/${cm}.json`), 'utf8')))
            .success,
          `${b.scenario} ${cm}`,
        ).toBe(true);
      const v = KubeVersionSchema.parse(JSON.parse(readFileSync(join(b.dir, 'cluster/version.json'), 'utf8')));
      expect(v.serverVersion?.gitVersion).toMatch(/^v1\.3[01]\.\d+$/);
    }
  });

  it('Endpoints agree with pod readiness (kube-dns in the article scenario has no ready address)', () => {
    const b = withCluster.find((x) => x.scenario === 'coredns-upstream-typo')!;
    const eps = JSON.parse(readFileSync(join(b.dir, 'cluster/endpoints.json'), 'utf8')) as {
      items: { metadata: { name: string }; subsets?: { addresses?: unknown[]; notReadyAddresses?: unknown[] }[] }[];
    };
    const dns = eps.items.find((e) => e.metadata.name === 'kube-dns')!;
    expect(dns.subsets?.[0]?.addresses).toBeUndefined();
    expect(dns.subsets?.[0]?.notReadyAddresses).toHaveLength(2);
    const saveText = readFileSync(join(b.dir, 'host/iptables-save.txt'), 'utf8');
    expect(saveText).toContain(
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns has no endpoints" -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(saveText).not.toContain('KUBE-SVC-TCOU7JCQXEZGVUNU');
  });
});
