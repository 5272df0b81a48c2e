// What a non-TTY run prints when the caller gives no report renderer: the overview as plain text.
import { lineText } from './view-models/doc.js';
import { overviewDoc } from './view-models/overview.js';
import type { UiModel } from './view-models/model.js';

export function plainOverview(m: UiModel, width = 100): string {
  return (
    overviewDoc(m, width)
      .lines.map((l) => lineText(l).trimEnd())
      .join('\n') + '\n'
  );
}
