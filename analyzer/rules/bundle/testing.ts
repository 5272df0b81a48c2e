// In-memory bundles whose manifest.json is also a file, as in a real bundle, so manifest evidence resolves.
import type { SourceRecord } from '../../bundle/manifest.js';
import type { RawBundle } from '../../bundle/types.js';
import { rawBundle, sourceRecord, type RawBundleSpec } from '../../model/testing.js';

export function bundleWithManifestFile(spec: RawBundleSpec): RawBundle {
  const raw = rawBundle(spec);
  const files = new Map(raw.files);
  files.set('manifest.json', Buffer.from(`${JSON.stringify(raw.manifest, null, 2)}\n`));
  return { ...raw, files };
}

export const deniedSource = (path: string, stderrTail = 'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n'): SourceRecord =>
  sourceRecord(path, { status: 'denied', exitCode: 4, stderrTail });
