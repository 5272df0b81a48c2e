// The sinks themselves: what each one lets through, on generated and hand-made strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inert, inertLine, mdCell, mdCode, mdFence, mdText, safeJson } from './inert.js';

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;
const anyString = fc.string({ unit: 'binary', maxLength: 120 });

describe('terminal sink', () => {
  it.each([
    ['\u001b]0;title\u0007', '␛]0;title\\x07'],
    ['\u001b[2J', '␛[2J'],
    ['a\rb', 'a\\x0db'],
    ['\u009b31m', '\\x9b31m'],
    ['abc\u202edef', 'abc\\u202edef'],
    ['\u2066x\u2069\u200e\u200f\u061c', '\\u2066x\\u2069\\u200e\\u200f\\u061c'],
    ['zero\u200bwidth\ufeff', 'zero\\u200bwidth\\ufeff'],
    ['tag\u{e0041}', 'tag\\u{e0041}'],
    ['a\tb', 'a  b'],
    ['a\nb', 'a\nb'],
  ])('inert(%j) = %j', (input, shown) => {
    expect(inert(input)).toBe(shown);
  });

  it('inertLine shows a newline as \\n', () => {
    expect(inertLine('title\nFORGED')).toBe('title\\nFORGED');
  });

  it('leaves no raw control, bidi or format character (property)', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(RAW.test(inert(s).replace(/\n/g, ''))).toBe(false);
        expect(RAW.test(inertLine(s)) || inertLine(s).includes('\n')).toBe(false);
      }),
    );
  });
});

describe('markdown sink', () => {
  it('puts text in a code span whose fence is longer than any backtick run inside', () => {
    expect(mdCode('web')).toBe('`web`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('```')).toBe('```` ``` ````');
    expect(mdCode('<img src=x onerror=alert(1)>')).toBe('`<img src=x onerror=alert(1)>`');
    expect(mdCode('x\n# heading')).toBe('`x\\n# heading`');
  });

  it('a code span holds exactly one line and is closed only at its end (property)', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const span = mdCode(s);
        expect(span).not.toContain('\n');
        const tick = /^`+/.exec(span)![0];
        const inner = span.slice(tick.length, span.length - tick.length);
        expect(span.endsWith(tick)).toBe(true);
        // no run of exactly the fence length inside: the span cannot close early
        expect([...inner.matchAll(/`+/g)].some((m) => m[0].length === tick.length)).toBe(false);
      }),
    );
  });

  it('a table cell cannot be split by |', () => {
    expect(mdCell('a|b')).toBe('`a\\|b`');
  });

  it('a fence is longer than any backtick run in the block', () => {
    expect(mdFence('````\nx', 'sh')).toEqual(['`````sh', '````', 'x', '`````']);
    expect(mdFence('plain')).toEqual(['```', 'plain', '```']);
  });

  it('netsnap words stay plain; anything markdown could use goes in a code span', () => {
    expect(mdText('none of the 3 bundles is redacted')).toBe('none of the 3 bundles is redacted');
    expect(mdText('1 of 2 bundles not redacted: www.evil.com')).toBe('`1 of 2 bundles not redacted: www.evil.com`');
    expect(mdText('[x](javascript:alert(1))')).toBe('`[x](javascript:alert(1))`');
  });
});

describe('JSON sink', () => {
  it('escapes what JSON.stringify leaves raw: C1, DEL, bidi and format characters, U+2028/9', () => {
    expect(safeJson({ s: 'a\u202eb\u0085c\u007fd\u2028e\u{e0041}' }, 0)).toBe(
      '{"s":"a\\u202eb\\u0085c\\u007fd\\u2028e\\udb40\\udc41"}',
    );
  });

  it('parses back to the same value and holds no raw character (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(anyString, anyString, { maxKeys: 4 }), (o) => {
        const text = safeJson(o);
        expect(RAW.test(text.replace(/\n/g, ''))).toBe(false);
        expect(JSON.parse(text)).toEqual(o);
      }),
    );
  });
});
