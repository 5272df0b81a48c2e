// What `netsnap analyze` says about redaction: one pure function over the loaded bundles, so the
// text, markdown and TUI front ends say the same thing. A markdown report is meant for a ticket,
// so writing one from a bundle that was not redacted earns a warning.
import type { BundleMeta } from '../model/types.js';

export type RedactionState = 'redacted' | 'pseudonymized' | 'not-redacted' | 'mixed' | 'none';

export interface RedactionNotice {
  readonly state: RedactionState;
  /** ids of the bundles that were not redacted */
  readonly unredacted: readonly string[];
  /** one line for a report header */
  readonly summary: string;
  /** set when the output is for sharing (markdown) and some bundle was not redacted */
  readonly warning?: string;
}

export function redactionNotice(bundles: readonly BundleMeta[], opts: { forSharing?: boolean } = {}): RedactionNotice {
  if (bundles.length === 0) return { state: 'none', unredacted: [], summary: 'no bundles loaded' };
  const unredacted = bundles.filter((b) => !b.manifest?.redaction).map((b) => b.id);
  const pseudo = bundles.filter((b) => b.manifest?.redaction?.pseudonymized).length;
  let state: RedactionState;
  let summary: string;
  if (unredacted.length === bundles.length) {
    state = 'not-redacted';
    summary = bundles.length === 1 ? 'bundle not redacted' : `none of the ${bundles.length} bundles is redacted`;
  } else if (unredacted.length > 0) {
    state = 'mixed';
    summary = `${unredacted.length} of ${bundles.length} bundles not redacted: ${unredacted.join(', ')}`;
  } else if (pseudo === bundles.length) {
    state = 'pseudonymized';
    summary = 'redacted (secrets removed; names and IP addresses pseudonymized)';
  } else {
    state = 'redacted';
    summary =
      pseudo > 0
        ? `redacted (${pseudo} of ${bundles.length} also pseudonymized)`
        : 'redacted (secrets removed; names and IP addresses as collected)';
  }
  const warning =
    opts.forSharing && unredacted.length > 0
      ? `this report quotes ${unredacted.length === 1 ? `bundle ${unredacted[0]}, which was` : `${unredacted.length} bundles that were`} not redacted; before attaching it to a ticket run \`netsnap redact <bundle> -o <out.tar.gz> [--pseudonymize]\` and analyze the output`
      : undefined;
  return { state, unredacted, summary, ...(warning ? { warning } : {}) };
}
