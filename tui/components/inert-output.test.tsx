// Issue 19: bundle strings reach the TUI through truncate() (every cut line) and SpanLine (every
// styled line); both draw control, escape and bidi characters as inert text.
import { Box } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { truncate } from '../view-models/text.js';
import { SpanLine } from './SpanLine.js';

afterEach(() => cleanup());

const HOSTILE = 'node\u001b]0;title\u0007\u001b[2J\u009b31m\r\u202eX';
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('TUI: bundle text drawn inert', () => {
  it('truncate() shows escapes as text', () => {
    expect(truncate(HOSTILE, 80)).toBe('node␛]0;title\\x07␛[2J\\x9b31m\\x0d\\u202eX');
    expect(RAW.test(truncate(HOSTILE, 10))).toBe(false);
  });

  it('SpanLine draws a hostile span with no raw control or bidi character', () => {
    const { lastFrame } = render(
      <Box>
        <SpanLine spans={[{ text: '✗ ' }, { text: HOSTILE, bold: true }]} width={80} />
      </Box>,
    );
    const frame = (lastFrame() ?? '').replace(/\u001b\[[0-9;]*m/g, ''); // Ink's own colour codes
    expect(frame).toContain('\\u202eX');
    expect(RAW.test(frame.replace(/\n/g, ''))).toBe(false);
  });
});
