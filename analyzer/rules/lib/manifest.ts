// Evidence from a bundle's manifest.json: the collector's record of one source (status, exit code,
// the tail of what the tool printed on stderr). Tools say important things on stderr that never
// reach the file: `iptables-nft-save` warns there that legacy tables exist; a missing binary's
// "command not found" is only there.
import type { EvidenceRef } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import type { SourceRecord } from '../../bundle/manifest.js';
import { jsonEvidence } from './host.js';

/** the record of source `id` in bundle `bundle`, with its index in manifest.sources */
export function sourceRecord(
  s: Snapshot,
  bundle: string,
  id: string,
): { record: SourceRecord; index: number } | undefined {
  const sources = s.bundles.find((b) => b.id === bundle)?.manifest?.sources ?? [];
  const index = sources.findIndex((r) => r.id === id);
  const record = sources[index];
  return record ? { record, index } : undefined;
}

/** `manifest.json#/sources/<i>/<field>` of one source, quoted as the file holds it */
export function sourceRecordEvidence(
  s: Snapshot,
  bundle: string,
  id: string,
  field: keyof SourceRecord,
  note?: string,
): EvidenceRef | undefined {
  const hit = sourceRecord(s, bundle, id);
  return hit ? jsonEvidence(s, { bundle, path: 'manifest.json' }, `/sources/${hit.index}/${field}`, note) : undefined;
}
