import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../model/testing.js';
import { analyze } from '../causal/analyze.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

const files = { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' };
const plain = snapshotOf({ node: 'worker-1', files });
const redacted = snapshotOf({
  node: 'worker-1',
  files,
  manifest: {
    redaction: {
      tool: 'netsnap 0.1.0',
      at: '2026-11-28T10:00:00Z',
      pseudonymized: true,
      counts: { 'bearer-token': 1 },
    },
  },
});

describe('reports say whether the bundles were redacted', () => {
  it.each([
    ['not redacted', plain, 'bundle not redacted'],
    ['pseudonymized', redacted, 'redacted (secrets removed; names and IP addresses pseudonymized)'],
  ])('%s', (_name, snapshot, line) => {
    const input = { analysis: analyze(snapshot), snapshot };
    expect(renderText(input, { color: false })).toContain(line);
    expect(renderMarkdown(input)).toContain(`| redaction | ${line} |`);
    const json = JSON.parse(renderJson(input)) as { bundles: { redacted: boolean }[] };
    expect(json.bundles[0]!.redacted).toBe(snapshot === redacted);
  });
});
