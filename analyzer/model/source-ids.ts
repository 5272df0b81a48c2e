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
  return `extra.${path}`;
}
