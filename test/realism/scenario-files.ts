// Helpers for the realism suites: walk the committed scenarios and their node bundles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIO_ROOT = fileURLToPath(new URL('../../fixtures/scenarios', import.meta.url));

export interface BundleDir {
  readonly scenario: string;
  readonly name: string;
  readonly dir: string;
}

/** files a scenario damages on purpose (fixtures/generate faults bundleFileTruncated): not tool output */
export const DAMAGED: Readonly<Record<string, readonly string[]>> = {
  'bundle-file-truncated': ['host/ip-route.json'],
};

export function isDamaged(scenario: string, path: string): boolean {
  return DAMAGED[scenario]?.includes(path) ?? false;
}

export function scenarioNames(): string[] {
  return readdirSync(SCENARIO_ROOT)
    .filter((n) => statSync(join(SCENARIO_ROOT, n)).isDirectory())
    .sort();
}

export function bundleDirs(scenario?: string): BundleDir[] {
  const out: BundleDir[] = [];
  for (const s of scenario ? [scenario] : scenarioNames())
    for (const b of readdirSync(join(SCENARIO_ROOT, s))
      .filter((n) => n.startsWith('netsnap-'))
      .sort())
      out.push({ scenario: s, name: b, dir: join(SCENARIO_ROOT, s, b) });
  return out;
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface OkSourceFile {
  readonly bundle: BundleDir;
  /** the source's path inside its bundle */
  readonly path: string;
  readonly text: string;
}

/** the files of every committed bundle whose manifest records the source ok and whose path `wanted` accepts */
export function okSourceFiles(wanted: (path: string) => boolean): OkSourceFile[] {
  const out: OkSourceFile[] = [];
  for (const b of bundleDirs()) {
    const manifest = readIfExists(join(b.dir, 'manifest.json'));
    if (manifest === undefined) continue;
    let sources: { path: string; status: string }[];
    try {
      sources = (JSON.parse(manifest) as { sources: { path: string; status: string }[] }).sources;
    } catch {
      continue;
    }
    for (const s of sources)
      if (s.status === 'ok' && wanted(s.path))
        out.push({ bundle: b, path: s.path, text: readFileSync(join(b.dir, s.path), 'utf8') });
  }
  return out;
}
