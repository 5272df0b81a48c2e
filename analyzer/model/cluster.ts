// The cluster/ files of one bundle -> ClusterState. Which bundle supplies it is decided in build.ts.

import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import type { LogLine } from '../parse/types.js';
import { MAX_TEXT_BYTES } from './decode.js';
import {
  DaemonSetSchema,
  DeploymentSchema,
  EndpointSliceSchema,
  EndpointsSchema,
  KubeEventSchema,
  KubeNodeSchema,
  KubeVersionSchema,
  PodSchema,
  ServiceSchema,
} from './schemas.js';
import { NamespaceSchema, NetworkPolicySchema } from './network-policy.js';
import { sourceById } from '../bundle/sources.js';
import type { ClusterState, Sourced } from './types.js';
import type { BundleReader } from './reader.js';
import type { Parsers } from './parsers.js';
import { loadList, loadObject } from './lists.js';
import { loadConfigMaps, parseEmbeddedConfigs } from './configmaps.js';
import { CALICO_LISTS } from './calico.js';
import { loadCorednsMetrics } from './metrics.js';

const LOG_PATH = /^cluster\/logs\/([^/]+)\/([^/]+)\/([^/.]+)(\.previous)?\.log$/;

const pathOf = (id: string): string => sourceById(id)?.path ?? `cluster/${id}.json`;

/** the kubectl lists of a bundle and the schema of their items, by source id */
export const CLUSTER_LISTS = {
  'cluster.nodes': KubeNodeSchema,
  'cluster.pods': PodSchema,
  'cluster.services': ServiceSchema,
  'cluster.endpoints': EndpointsSchema,
  'cluster.endpointslices': EndpointSliceSchema,
  'cluster.daemonsets': DaemonSetSchema,
  'cluster.deployments': DeploymentSchema,
  'cluster.events': KubeEventSchema,
  ...CALICO_LISTS,
  'cluster.networkpolicies': NetworkPolicySchema,
  'cluster.namespaces': NamespaceSchema,
} as const;

let schemaByPath: Map<string, z.ZodType> | undefined;

/** the item schema of a cluster list file (`cluster/pods.json` -> PodSchema); asked for every file read */
export function listSchemaOf(path: string): z.ZodType | undefined {
  schemaByPath ??= new Map(Object.entries(CLUSTER_LISTS).map(([id, schema]) => [pathOf(id), schema]));
  return schemaByPath.get(path);
}

/** A bundle has cluster data when it holds any kubectl output under cluster/. */
export function hasClusterData(reader: BundleReader): boolean {
  return reader.under('cluster/').length > 0;
}

/**
 * The newest bundle holding each cluster file. Bundles come newest first; a file missing from the
 * newest (kubectl denied there, say) is taken from the next one that has it, so Located refs may
 * name different bundles. Callers leave out bundles of another cluster (conflicts.ts).
 */
export function clusterFileOwners(readers: readonly BundleReader[]): Map<string, BundleReader> {
  const owners = new Map<string, BundleReader>();
  for (const r of readers) for (const path of r.under('cluster/')) if (!owners.has(path)) owners.set(path, r);
  return owners;
}

/** container logs keyed `ns/pod/container` or `ns/pod/container.previous` */
function loadLogs(
  owners: ReadonlyMap<string, BundleReader>,
  parsers: Parsers,
): Map<string, Sourced<readonly LogLine[]>> {
  const out = new Map<string, Sourced<readonly LogLine[]>>();
  for (const [path, reader] of [...owners].sort(([a], [b]) => a.localeCompare(b))) {
    const m = LOG_PATH.exec(path);
    if (!m) continue;
    const parsed = lazyLog(reader, path, parsers.log);
    if (parsed) out.set(`${m[1]}/${m[2]}/${m[3]}${m[4] ?? ''}`, parsed);
  }
  return out;
}

/**
 * A log parsed when a rule first reads it. At the envelope a bundle holds ~10,000 logs (a
 * kube-proxy and a flannel pod per node) and rules read a few of them. A log whose bytes could
 * make a load problem (not UTF-8, control characters, too large) is parsed now, so its problem is
 * reported with the others; any other log parses without problems, so deferring loses nothing.
 */
function lazyLog(reader: BundleReader, path: string, parse: Parsers['log']): Sourced<readonly LogLine[]> | undefined {
  const buf = reader.raw.files.get(path);
  // a spilled log (rare: over spillMinBytes) is parsed now rather than kept read back for later
  if (!buf) return reader.has(path) ? reader.parse(path, parse) : undefined;
  if (!plainText(buf)) return reader.parse(path, parse);
  let lines: readonly LogLine[] | undefined;
  return {
    ref: { bundle: reader.id, path },
    get value() {
      lines ??= parse(buf.toString('utf8')).value;
      return lines;
    },
  };
}

/** valid UTF-8 without the control bytes decodeText and parseLog warn about (tab, LF, VT, FF, CR are fine) */
function plainText(buf: Buffer): boolean {
  if (buf.length > MAX_TEXT_BYTES || !isUtf8(buf)) return false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b < 0x20 && (b <= 0x08 || b >= 0x0e)) return false;
  }
  return true;
}

/** `readers` newest first; the first is the primary source (ClusterState.bundle) */
export function buildCluster(readers: readonly BundleReader[], parsers: Parsers): ClusterState {
  const primary = readers[0];
  if (!primary) return EMPTY_CLUSTER;
  const owners = clusterFileOwners(readers);
  const list = <S extends Parameters<typeof loadList>[2]>(id: string, schema: S) => {
    const path = pathOf(id);
    const reader = owners.get(path);
    return reader ? loadList(reader, path, schema) : undefined;
  };
  const versionPath = pathOf('cluster.version');
  const versionReader = owners.get(versionPath);
  const version = versionReader && loadObject(versionReader, versionPath, KubeVersionSchema);
  const configMaps = loadConfigMaps(owners);
  return {
    bundle: primary.id,
    fileOwners: new Map([...owners].map(([path, r]) => [path, r.id])),
    version: version && {
      value: {
        serverVersion: version.obj.serverVersion?.gitVersion,
        clientVersion: version.obj.clientVersion?.gitVersion,
      },
      ref: { bundle: version.ref.bundle, path: versionPath },
    },
    nodes: list('cluster.nodes', CLUSTER_LISTS['cluster.nodes']),
    pods: list('cluster.pods', CLUSTER_LISTS['cluster.pods']),
    services: list('cluster.services', CLUSTER_LISTS['cluster.services']),
    endpoints: list('cluster.endpoints', CLUSTER_LISTS['cluster.endpoints']),
    endpointSlices: list('cluster.endpointslices', CLUSTER_LISTS['cluster.endpointslices']),
    daemonSets: list('cluster.daemonsets', CLUSTER_LISTS['cluster.daemonsets']),
    deployments: list('cluster.deployments', CLUSTER_LISTS['cluster.deployments']),
    events: list('cluster.events', CLUSTER_LISTS['cluster.events']),
    calico: {
      ipPools: list('cluster.calico.ippools', CALICO_LISTS['cluster.calico.ippools']),
      felixConfigurations: list(
        'cluster.calico.felixconfigurations',
        CALICO_LISTS['cluster.calico.felixconfigurations'],
      ),
      bgpConfigurations: list('cluster.calico.bgpconfigurations', CALICO_LISTS['cluster.calico.bgpconfigurations']),
      bgpPeers: list('cluster.calico.bgppeers', CALICO_LISTS['cluster.calico.bgppeers']),
      ipamBlocks: list('cluster.calico.ipamblocks', CALICO_LISTS['cluster.calico.ipamblocks']),
      globalNetworkPolicies: list(
        'cluster.calico.globalnetworkpolicies',
        CALICO_LISTS['cluster.calico.globalnetworkpolicies'],
      ),
      networkPolicies: list('cluster.calico.networkpolicies', CALICO_LISTS['cluster.calico.networkpolicies']),
    },
    networkPolicies: list('cluster.networkpolicies', CLUSTER_LISTS['cluster.networkpolicies']),
    namespaces: list('cluster.namespaces', CLUSTER_LISTS['cluster.namespaces']),
    configMaps,
    logs: loadLogs(owners, parsers),
    corednsMetrics: loadCorednsMetrics(owners),
    ...parseEmbeddedConfigs(readerOf(owners), configMaps, parsers),
  };
}

/** the reader that supplied a ConfigMap, for problems in its embedded configs */
const readerOf =
  (owners: ReadonlyMap<string, BundleReader>) =>
  (path: string): BundleReader | undefined =>
    owners.get(path);

export const EMPTY_CLUSTER: ClusterState = { configMaps: new Map(), logs: new Map() };
