import { describe, expect, it } from 'vitest';
import { anchorId, h, h1, ha, hrefTo } from './html-escape.js';

describe('HTML sink', () => {
  it('text: & < > escaped, quotes left (they mean nothing in text), newlines kept by h and shown by h1', () => {
    expect(h('<a href="x">&</a>\nnext')).toBe('&lt;a href="x"&gt;&amp;&lt;/a&gt;\nnext');
    expect(h1('a\nb</script>')).toBe('a\\nb&lt;/script&gt;');
  });

  it('attribute: all five escaped, on one line', () => {
    expect(ha(`"'><x a=1>&\n`)).toBe('&quot;&#39;&gt;&lt;x a=1&gt;&amp;\\n');
  });

  it('control, bidi and zero-width characters become visible text', () => {
    expect(h('a\u202eb\u2066c\u200bd\u0007e\u001bf\u0000')).toBe('a\\u202eb\\u2066c\\u200bd\\x07e␛f\\x00');
  });

  it('anchorId: readable for paths, every other character ~hex~, never a scheme or a leading symbol', () => {
    expect(anchorId('worker-1/host/iptables-save.txt:L55')).toBe('worker-1/host/iptables-save.txt:L55');
    expect(anchorId('a b#c"d<e')).toBe('a~20~b~23~c~22~d~3c~e');
    expect(anchorId('javascript:alert(1)')).toBe('javascript:alert~28~1~29~');
    expect(hrefTo(anchorId('javascript:alert(1)'))).toBe('#javascript:alert~28~1~29~');
    expect(anchorId('/x')).toBe('x/x');
    expect(anchorId('\u202e😀')).toBe('x~202e~~1f600~');
  });
});
