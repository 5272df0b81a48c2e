import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFileIndex, lineOffsets, splitLines } from './files.js';
import { parsePointer, resolvePointer } from './pointer.js';
import { configMapJson, kubeList, podJson, rawBundle } from './testing.js';

const raw = rawBundle({
  id: 'b1',
  files: {
    'host/resolv.conf': 'nameserver 10.0.0.2\r\nsearch example.com\noptions ndots:5',
    'host/empty.txt': '',
    'cluster/pods.json': kubeList([podJson({ name: 'a', ip: '10.244.0.2' }), podJson({ name: 'b', ip: '10.244.0.3' })]),
    'cluster/configmaps/kube-system/coredns.json': configMapJson({
      name: 'coredns',
      data: { Corefile: '.:53 {\n    forward . 233.5.5.5\n}\n', 'a/b~c': 'x\ny' },
    }),
  },
});
const files = createFileIndex([raw]);
const ref = (path: string) => ({ bundle: 'b1', path });

describe('FileIndex', () => {
  it('lists, sizes and knows files', () => {
    expect(files.list().map((r) => r.path)).toEqual([
      'cluster/configmaps/kube-system/coredns.json',
      'cluster/pods.json',
      'host/empty.txt',
      'host/resolv.conf',
      'manifest.json',
    ]);
    expect(files.list('other')).toEqual([]);
    expect(files.has(ref('host/resolv.conf'))).toBe(true);
    expect(files.has({ bundle: 'nope', path: 'host/resolv.conf' })).toBe(false);
    expect(files.size(ref('host/empty.txt'))).toBe(0);
  });

  it('opens manifest source records by pointer (served as the collector writes it when built in memory)', () => {
    const m = rawBundle({
      id: 'b2',
      files: { 'host/iptables-save.txt': '*filter\nCOMMIT\n' },
      extraSources: [
        {
          id: 'host.conntrack-stats',
          path: 'host/conntrack-stats.txt',
          command: 'conntrack -S',
          status: 'absent',
          exitCode: null,
          durationMs: null,
          bytes: 0,
          stderrTail: 'conntrack: command not found\n',
        },
      ],
    });
    const idx = createFileIndex([m]);
    const i = m.manifest?.sources.findIndex((x) => x.id === 'host.conntrack-stats') ?? -1;
    expect(i).toBeGreaterThanOrEqual(0);
    expect(idx.pointer({ bundle: 'b2', path: 'manifest.json' }, `/sources/${i}/stderrTail`)).toBe(
      'conntrack: command not found\n',
    );
    expect(idx.list('b2').map((r) => r.path)).toContain('manifest.json');
    // a bundle read from disk keeps its own bytes
    const disk = rawBundle({ id: 'b3', files: { 'manifest.json': '{"formatVersion":1}\n' } });
    expect(createFileIndex([disk]).pointer({ bundle: 'b3', path: 'manifest.json' }, '/formatVersion')).toBe(1);
  });

  it('returns 1-based inclusive line ranges, CR stripped, last line without newline', () => {
    expect(files.lineCount(ref('host/resolv.conf'))).toBe(3);
    expect(files.lines(ref('host/resolv.conf'), 1, 1)).toEqual(['nameserver 10.0.0.2']);
    expect(files.lines(ref('host/resolv.conf'), 2, 9)).toEqual(['search example.com', 'options ndots:5']);
    expect(files.lines(ref('host/empty.txt'), 1, 3)).toEqual([]);
    expect(files.lineCount(ref('host/empty.txt'))).toBe(0);
    expect(files.lines(ref('host/missing'), 1, 1)).toBeUndefined();
  });

  it('resolves JSON pointers, including ~0 and ~1', () => {
    expect(files.pointer(ref('cluster/pods.json'), '/items/1/metadata/name')).toBe('b');
    expect(files.pointer(ref('cluster/pods.json'), '/items/2')).toBeUndefined();
    expect(files.pointer(ref('cluster/pods.json'), '/items/01')).toBeUndefined();
    expect(files.pointer(ref('cluster/configmaps/kube-system/coredns.json'), '/data/a~1b~0c')).toBe('x\ny');
    expect(files.pointer(ref('host/resolv.conf'), '')).toBeUndefined(); // not JSON
  });

  it('opens lines of a config embedded in a ConfigMap (pointer + line within the string)', () => {
    const cm = { ...ref('cluster/configmaps/kube-system/coredns.json'), pointer: '/data/Corefile' };
    expect(files.lineCount(cm)).toBe(3);
    expect(files.lines(cm, 2, 2)).toEqual(['    forward . 233.5.5.5']);
    expect(files.lines({ ...cm, pointer: '/metadata' }, 1, 1)).toBeUndefined();
  });

  it('line offsets agree with splitting the text, for any text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'é', '\n', '\r\n', ' ', '\n\n')), (parts) => {
        const text = parts.join('');
        const idx = createFileIndex([rawBundle({ id: 'p', files: { f: text } })]);
        const expected = splitLines(text);
        expect(idx.lineCount({ bundle: 'p', path: 'f' })).toBe(expected.length);
        expect(idx.lines({ bundle: 'p', path: 'f' }, 1, expected.length)).toEqual(expected);
        expect(lineOffsets(Buffer.from(text)).length).toBe(expected.length);
      }),
    );
  });
});

describe('JSON pointer', () => {
  it('parses per RFC 6901', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a~1b/~01')).toEqual(['a/b', '~1']);
    expect(parsePointer('a')).toBeUndefined();
    expect(resolvePointer({ '': { x: 1 } }, '/')).toEqual({ x: 1 });
    expect(resolvePointer({ a: null }, '/a')).toBeNull();
    expect(resolvePointer({ a: null }, '/a/b')).toBeUndefined();
  });
});
