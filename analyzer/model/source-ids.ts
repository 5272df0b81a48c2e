// The manifest source id of a bundle path, including the pattern sources (ConfigMaps, logs, CNI).
import { sourceByPath } from '../bundle/sources.js';

export function sourceIdForPath(path: string): string {
  const fixed = sourceByPath(path);
  if (fixed) return fixed.id;
  let m = /^cluster\/configmaps\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (m) return `cluster.configmap.${m[1]}.${m[2]}`;
  m = /^cluster\/logs\/([^/]+)\/([^/]+)\/([^/.]+)(\.previous)?\.log$/.exec(path);
  if (m) return `cluster.log.${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}`;
  m = /^host\/cni\/(.+)$/.exec(path);
  if (m) return `host.cni.${m[1]}`;
  m = /^host\/pod-logs\/([^/]+)\/([^/]+)\/([^/.]+)(\.previous)?\.log$/.exec(path);
  if (m) return `host.pod-log.${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}`;
  m = /^host\/journal\/(.+)\.log$/.exec(path);
  if (m) return `host.journal.${m[1]}`;
  for (const [prefix, id] of HOST_DIR_PATTERNS)
    if (path.startsWith(prefix) && path.length > prefix.length) return `${id}.${path.slice(prefix.length)}`;
  return `extra.${path}`;
}

/** host directories copied file by file (analyzer/bundle/sources.ts PATTERN_SOURCES) */
const HOST_DIR_PATTERNS: readonly (readonly [string, string])[] = [
  ['host/k3s/config.yaml.d/', 'host.k3s-config-d'],
  ['host/rke2/config.yaml.d/', 'host.rke2-config-d'],
  ['host/k3s/cni/', 'host.k3s-cni'],
  ['host/microk8s/cni-network/', 'host.microk8s-cni'],
  ['host/static-pods/', 'host.static-pod'],
  ['host/rke2/pod-manifests/', 'host.rke2-static-pod'],
];
