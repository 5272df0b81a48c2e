// The fake API server's objects and logs from a scenario bundle's cluster/ folder (the article's
// control-plane bundle): lists by resource, ConfigMaps, and pod logs without their timestamps (the
// server adds its own when kubectl asks for --timestamps).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeApiServerOptions } from '../helpers/apiserver.js';

const LISTS = ['nodes', 'pods', 'services', 'endpoints', 'endpointslices', 'daemonsets', 'deployments', 'events'];

export function scenarioCluster(bundleDir: string): FakeApiServerOptions {
  const cluster = join(bundleDir, 'cluster');
  const objects: Record<string, object[]> = {};
  for (const name of LISTS) {
    const file = join(cluster, `${name}.json`);
    if (existsSync(file)) objects[name] = (JSON.parse(readFileSync(file, 'utf8')) as { items: object[] }).items;
  }
  const configmaps: object[] = [];
  for (const ns of readdirSync(join(cluster, 'configmaps')))
    for (const f of readdirSync(join(cluster, 'configmaps', ns)))
      configmaps.push(JSON.parse(readFileSync(join(cluster, 'configmaps', ns, f), 'utf8')) as object);
  objects.configmaps = configmaps;
  const logs: Record<string, string[]> = {};
  for (const ns of readdirSync(join(cluster, 'logs')))
    for (const pod of readdirSync(join(cluster, 'logs', ns)))
      for (const f of readdirSync(join(cluster, 'logs', ns, pod))) {
        const lines = readFileSync(join(cluster, 'logs', ns, pod, f), 'utf8')
          .split('\n')
          .filter(Boolean);
        const container = f.replace(/\.log$/, '');
        logs[`${ns}/${pod}/${container}`] = lines.map((l) => l.replace(/^\d{4}-\d\d-\d\dT\S+Z /, ''));
      }
  const version = JSON.parse(readFileSync(join(cluster, 'version.json'), 'utf8')) as {
    serverVersion?: { gitVersion?: string };
  };
  return {
    objects,
    logs,
    ...(version.serverVersion?.gitVersion ? { gitVersion: version.serverVersion.gitVersion } : {}),
  };
}
