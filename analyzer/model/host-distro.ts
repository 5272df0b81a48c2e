// The distribution-specific host sources of one bundle -> HostState fields, and the pod logs the
// collector read from /var/log/pods (merged into ClusterState.logs by build.ts, so every rule that
// reads `ns/pod/container` logs finds them without kubectl).
import { sourceById } from '../bundle/sources.js';
import type { LogLine } from '../parse/types.js';
import type { BundleReader } from './reader.js';
import type { Parsers } from './parsers.js';
import type { ClusterState, HostState, Sourced } from './types.js';
import {
  parseArgsFile,
  parseDistroConfig,
  parseHostLog,
  parseStaticPod,
  parseSystemdUnits,
  parseUnitExecStart,
} from './host-sources.js';

type DistroFields = Pick<
  HostState,
  'distroConfigs' | 'staticPods' | 'componentArgs' | 'systemdUnits' | 'journal' | 'k3sFlannelNetConf' | 'distroCni'
>;

const pathOf = (id: string): string => sourceById(id)?.path ?? id;

const ARGS: readonly (readonly [string, string])[] = [
  ['microk8s/kube-proxy', 'host.microk8s-kube-proxy-args'],
  ['microk8s/kubelet', 'host.microk8s-kubelet-args'],
  ['snap/kube-proxy', 'host.snap-kube-proxy-args'],
  ['snap/kubelet', 'host.snap-kubelet-args'],
];

const JOURNAL_PATH = /^host\/journal\/([^/]+)\.log$/;
const POD_LOG_PATH = /^host\/pod-logs\/([^/]+)\/([^/]+)\/([^/.]+)(\.previous)?\.log$/;

export function buildDistroSources(reader: BundleReader, parsers: Parsers): DistroFields {
  const present = <T>(s: Sourced<T> | undefined): s is Sourced<T> => s !== undefined;
  // command-line flags (the unit's ExecStart) win over config.yaml in k3s: they come first
  const distroConfigs = [
    reader.parse(pathOf('host.k3s-service'), parseUnitExecStart('k3s')),
    reader.parse(pathOf('host.k3s-agent-service'), parseUnitExecStart('k3s')),
    reader.parse(pathOf('host.k3s-config'), parseDistroConfig('k3s')),
    ...reader.under('host/k3s/config.yaml.d/').map((p) => reader.parse(p, parseDistroConfig('k3s'))),
    reader.parse(pathOf('host.rke2-config'), parseDistroConfig('rke2')),
    ...reader.under('host/rke2/config.yaml.d/').map((p) => reader.parse(p, parseDistroConfig('rke2'))),
  ].filter(present);
  const staticPods = new Map<string, Sourced<ReturnType<typeof parseStaticPod>['value']>>();
  for (const p of [...reader.under('host/static-pods/'), ...reader.under('host/rke2/pod-manifests/')]) {
    const got = reader.parse(p, parseStaticPod);
    if (got) staticPods.set(p, got);
  }
  const componentArgs = new Map<string, Sourced<ReturnType<typeof parseArgsFile>['value']>>();
  for (const [key, id] of ARGS) {
    const got = reader.parse(pathOf(id), parseArgsFile);
    if (got) componentArgs.set(key, got);
  }
  const journal = new Map<string, Sourced<readonly LogLine[]>>();
  for (const p of reader.under('host/journal/')) {
    const m = JOURNAL_PATH.exec(p);
    const got = m && lazyHostLog(reader, p);
    if (m && got) journal.set(m[1]!, got);
  }
  // k3s under OpenRC writes /var/log/k3s.log instead of a journal: the same lines, under `k3s`
  const k3sLog = journal.has('k3s') ? undefined : lazyHostLog(reader, pathOf('host.k3s-log'));
  if (k3sLog) journal.set('k3s', k3sLog);
  return {
    distroConfigs,
    staticPods,
    componentArgs,
    systemdUnits: reader.parse(pathOf('host.systemd-units'), parseSystemdUnits),
    journal,
    k3sFlannelNetConf: reader.parse(pathOf('host.k3s-flannel-net-conf'), parsers.flannelNetConf),
    distroCni: [...reader.under('host/k3s/cni/'), ...reader.under('host/microk8s/cni-network/')]
      .filter((p) => /\.(conf|conflist|json)$/.test(p))
      .map((p) => reader.parse(p, parsers.cniConf))
      .filter(present),
  };
}

/** A host log parsed when first read (a bundle can hold dozens; rules read a few). */
function lazyHostLog(reader: BundleReader, path: string): Sourced<readonly LogLine[]> | undefined {
  const text = reader.text(path);
  if (text === undefined) return undefined;
  let lines: readonly LogLine[] | undefined;
  return {
    ref: { bundle: reader.id, path },
    get value() {
      lines ??= parseHostLog(text).value;
      return lines;
    },
  };
}

/** host/pod-logs/<ns>/<pod>/<container>[.previous].log keyed like cluster logs: `ns/pod/container[.previous]` */
export function hostPodLogs(reader: BundleReader): Map<string, Sourced<readonly LogLine[]>> {
  const out = new Map<string, Sourced<readonly LogLine[]>>();
  for (const p of reader.under('host/pod-logs/')) {
    const m = POD_LOG_PATH.exec(p);
    const got = m && lazyHostLog(reader, p);
    if (m && got) out.set(`${m[1]}/${m[2]}/${m[3]}${m[4] ?? ''}`, got);
  }
  return out;
}

/** cluster logs plus host-read pod logs; a kubectl log of the same container wins */
export function withHostPodLogs(
  cluster: ClusterState,
  hostLogs: ReadonlyMap<string, Sourced<readonly LogLine[]>>,
): ClusterState {
  if (hostLogs.size === 0) return cluster;
  const logs = new Map(cluster.logs);
  for (const [key, log] of hostLogs) if (!logs.has(key)) logs.set(key, log);
  return { ...cluster, logs };
}
