// Fix commands for `w` and for quitting: grouped by where they run (analyzer/report/fix-places.ts)
// and written as netsnap-fix.md, never as one runnable script: a node's iptables command pasted on
// a laptop would change the laptop. The groups are the text report's FIXES, so both agree.
import { groupFixes, renderFixFile, type FixGroup } from '../../analyzer/report/fix-places.js';
import type { UiModel } from './model.js';

/** one finding's fixes (detail screen), or those of every root chain (anywhere else, and on quit) */
export function fixGroups(m: UiModel, findings?: readonly number[]): readonly FixGroup[] {
  if (findings === undefined) return m.report.fixes;
  const chosen = findings.filter((i) => m.findings[i] !== undefined);
  return groupFixes(
    chosen.map((i) => m.findings[i]).filter((f) => f !== undefined),
    chosen.map((i) => m.ids[i] ?? ''),
  );
}

/** findings the groups hold commands of (for "wrote fixes for N findings") */
export function fixedFindings(groups: readonly FixGroup[]): number {
  return new Set(groups.flatMap((g) => g.items.map((it) => it.findingId))).size;
}

/** the netsnap-fix.md text */
export function fixFile(m: UiModel, groups: readonly FixGroup[]): string {
  const collectedAt = m.snapshot.bundles
    .map((b) => b.createdAt)
    .filter((t) => t !== undefined)
    .sort()
    .at(-1);
  return renderFixFile(groups, {
    tool: m.report.tool,
    bundles: m.snapshot.bundles.map((b) => b.id),
    ...(collectedAt !== undefined ? { collectedAt } : {}),
  });
}

/** `on node worker-1, with kubectl`: the places, for the footer and the exit line */
export function placesLine(groups: readonly FixGroup[]): string {
  return groups.map((g) => g.label.replace(/^#\s*/, '').replace(/\s*\(.*\)$/, '')).join(', ');
}
