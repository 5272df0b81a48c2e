// The cluster/ files of one bundle -> ClusterState. Which bundle supplies it is decided in build.ts.
import type { LogLine } from '../parse/types.js';
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
import { sourceById } from '../bundle/sources.js';
import type { ClusterState, Sourced } from './types.js';
import type { BundleReader } from './reader.js';
import type { Parsers } from './parsers.js';
import { loadList, loadObject } from './lists.js';
import { loadConfigMaps, parseEmbeddedConfigs } from './configmaps.js';

const LOG_PATH = /^cluster\/logs\/([^/]+)\/([^/]+)\/([^/.]+)(\.previous)?\.log$/;

const pathOf = (id: string): string => sourceById(id)?.path ?? `cluster/${id}.json`;

/** A bundle has cluster data when it holds any kubectl output under cluster/. */
export function hasClusterData(reader: BundleReader): boolean {
  return reader.under('cluster/').length > 0;
}

/** container logs keyed `ns/pod/container` or `ns/pod/container.previous` */
export function loadLogs(reader: BundleReader, parsers: Parsers): Map<string, Sourced<readonly LogLine[]>> {
  const out = new Map<string, Sourced<readonly LogLine[]>>();
  for (const path of reader.under('cluster/logs/')) {
    const m = LOG_PATH.exec(path);
    if (!m) continue;
    const parsed = reader.parse(path, parsers.log);
    if (parsed) out.set(`${m[1]}/${m[2]}/${m[3]}${m[4] ?? ''}`, parsed);
  }
  return out;
}

export function buildCluster(reader: BundleReader, parsers: Parsers): ClusterState {
  const versionPath = pathOf('cluster.version');
  const version = loadObject(reader, versionPath, KubeVersionSchema);
  const configMaps = loadConfigMaps(reader);
  return {
    bundle: reader.id,
    version: version && {
      value: { serverVersion: version.obj.serverVersion?.gitVersion, clientVersion: version.obj.clientVersion?.gitVersion },
      ref: { bundle: reader.id, path: versionPath },
    },
    nodes: loadList(reader, pathOf('cluster.nodes'), KubeNodeSchema),
    pods: loadList(reader, pathOf('cluster.pods'), PodSchema),
    services: loadList(reader, pathOf('cluster.services'), ServiceSchema),
    endpoints: loadList(reader, pathOf('cluster.endpoints'), EndpointsSchema),
    endpointSlices: loadList(reader, pathOf('cluster.endpointslices'), EndpointSliceSchema),
    daemonSets: loadList(reader, pathOf('cluster.daemonsets'), DaemonSetSchema),
    deployments: loadList(reader, pathOf('cluster.deployments'), DeploymentSchema),
    events: loadList(reader, pathOf('cluster.events'), KubeEventSchema),
    configMaps,
    logs: loadLogs(reader, parsers),
    ...parseEmbeddedConfigs(reader, configMaps, parsers),
  };
}

export const EMPTY_CLUSTER: ClusterState = { configMaps: new Map(), logs: new Map() };
