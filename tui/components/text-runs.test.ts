import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_FAST_RUN, textRuns, type Span } from './text-runs.js';

const joined = (runs: Span[][]) =>
  runs
    .flat()
    .map((s) => s.text)
    .join('');
const ascii = (run: Span[]) => /^[\x20-\x7e]*$/.test(run.map((s) => s.text).join(''));

describe('textRuns', () => {
  it('keeps the glyphs of a findings row in short nodes and the long ASCII stretch in one', () => {
    const spans: Span[] = [
      { text: '› ' },
      { text: '✗ FAIL ', color: 'red', bold: true },
      { text: '◆ ', bold: true },
      { text: 'CRIT ', color: 'red' },
      { text: 'DNS-402  ', bold: true },
      { text: 'dns     ', dim: true },
      { text: 'configmap:kube-system/coredns            ' },
      { text: ' forward upstream 233.5.5.5 is multicast; di…' },
    ];
    const runs = textRuns(spans);
    expect(joined(runs)).toBe(spans.map((s) => s.text).join(''));
    expect(runs.map((r) => r.map((s) => s.text).join(''))).toEqual([
      '› ✗ FAIL ◆',
      ' CRIT DNS-402  dns     configmap:kube-system/coredns             forward upstream 233.5.5.5 is multicast; di',
      '…',
    ]);
    // each piece keeps the style of the span it came from
    expect(runs[0]?.[2]).toEqual({ text: '✗', color: 'red', bold: true });
    expect(runs[0]?.[3]).toEqual({ text: ' FAIL ', color: 'red', bold: true });
    expect(runs[1]?.[1]).toEqual({ text: 'CRIT ', color: 'red' });
  });

  it('an all-ASCII line is one node with its spans untouched', () => {
    const spans: Span[] = [{ text: '! WARN ', color: 'yellow' }, { text: 'SVC-301  service  something long enough' }];
    const runs = textRuns(spans);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.[0]).toBe(spans[0]);
  });

  it('short ASCII between glyphs stays with them', () => {
    const runs = textRuns([{ text: '└─ ✗ ab ✓' }]);
    expect(runs).toHaveLength(1);
  });

  it('never splits a combining mark or ZWJ from the character before it', () => {
    const text = `${'x'.repeat(MIN_FAST_RUN + 3)}e\u0301 and more plain text after it`;
    const runs = textRuns([{ text }]);
    expect(joined(runs)).toBe(text);
    for (const r of runs) expect(r.map((s) => s.text).join('')).not.toMatch(/^[\u0300-\u036f\u200d]/);
  });

  it('property: the runs concatenate to the input, alternate kinds, and fast runs are long ASCII', () => {
    const chars = fc.constantFrom('a', 'b', ' ', '-', '…', '✗', '›', '─', '世', '\u0301', '\u200d', 'Z', '9');
    const span = fc.record({ text: fc.array(chars, { maxLength: 30 }).map((a) => a.join('')), bold: fc.boolean() });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 8 }), (spans) => {
        const runs = textRuns(spans);
        expect(joined(runs)).toBe(spans.map((s) => s.text).join(''));
        for (const r of runs) {
          expect(r.length).toBeGreaterThan(0);
          for (const s of r) expect(s.text.length).toBeGreaterThan(0);
        }
        for (let i = 1; i < runs.length; i++) expect(ascii(runs[i]!) && ascii(runs[i - 1]!)).toBe(false);
        for (const r of runs)
          if (ascii(r) && runs.length > 1)
            expect(r.map((s) => s.text).join('').length).toBeGreaterThanOrEqual(MIN_FAST_RUN);
      }),
    );
  });
});
