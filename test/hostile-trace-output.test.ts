// Issue 19, item 4: `netsnap trace` text on a bundle whose pod, namespace and node names carry
// escapes, bidi controls and newlines: same layout as formatTrace on a clean bundle, and nothing
// raw, no forged line.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../analyzer/commands/trace.js';
import { loadSnapshot } from '../analyzer/model/load.js';
import { formatTrace } from '../analyzer/trace/format.js';
import { traceFromSnapshot } from '../analyzer/trace/resolve.js';
import { bundlePaths } from './scenario-helpers.js';

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const work = mkdtempSync(join(tmpdir(), 'netsnap-hostile-trace-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function capture(argv: string[]): Promise<string> {
  let out = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    expect(await run(argv)).toBe(0);
    return out;
  } finally {
    o.mockRestore();
  }
}

function plant(dir: string, pairs: readonly [string, string][]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) plant(p, pairs);
    else if (name.endsWith('.json')) {
      let text = readFileSync(p, 'utf8');
      for (const [a, b] of pairs) text = text.split(a).join(b);
      writeFileSync(p, text);
    }
  }
}

describe('netsnap trace text', () => {
  const paths = bundlePaths('healthy');

  it('prints exactly formatTrace on a clean bundle', { timeout: 60_000 }, async () => {
    const { snapshot } = await loadSnapshot(paths);
    const expected = `${formatTrace(traceFromSnapshot(snapshot, { from: 'default/web-44x55ssjts-cjglt', to: 'kube-system/kube-dns:53', proto: 'udp' }))}\n`;
    expect(
      await capture([
        ...paths,
        '--from',
        'default/web-44x55ssjts-cjglt',
        '--to',
        'kube-system/kube-dns:53',
        '--proto',
        'udp',
      ]),
    ).toBe(expected);
  });

  it('shows hostile names inert, one line each', { timeout: 60_000 }, async () => {
    const hostile = paths.map((p) => {
      const to = join(work, p.split('/').pop() as string);
      cpSync(p, to, { recursive: true });
      plant(to, [['"worker-1"', '"worker-1\\u001b]0;t\\u0007\\u202e\\nFORGED"']]);
      return to;
    });
    const out = await capture([
      ...hostile,
      '--from',
      'default/web-44x55ssjts-cjglt',
      '--to',
      'kube-system/kube-dns:53',
      '--proto',
      'udp',
    ]);
    expect(out).toContain('worker-1␛]0;t\\x07\\u202e\\nFORGED'); // the planted name, shown inert
    expect(out.split('\n').filter((l) => RAW.test(l))).toEqual([]);
    expect(out.split('\n').filter((l) => /^\s*FORGED/.test(l))).toEqual([]);
  });
});
