import { cleanup, render } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import { PickerList } from './PickerList.js';
import type { PickRow } from '../view-models/trace-picks.js';
import { frameOf } from '../testing/ink.js';

afterEach(() => cleanup());

const pods: PickRow[] = Array.from({ length: 150_000 }, (_, i) => ({
  kind: 'pod',
  label: `ns-${i % 50}/pod-${i}`,
  detail: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255} on node-${i % 5000}`,
  value: `ns-${i % 50}/pod-${i}`,
  haystack: '',
}));

it('draws only the visible window of a huge list, the cursor row marked, every line within the width', () => {
  const app = render(
    <PickerList
      title="Trace: pick the source"
      rows={pods}
      total={pods.length}
      filter=""
      cursor={1002}
      top={1000}
      height={5}
      width={60}
    />,
  );
  const lines = frameOf(app).split('\n');
  expect(lines[0]).toContain('Trace: pick the source 1003/150000');
  expect(lines.slice(2).map((l) => /pod-(\d+)/.exec(l)?.[1])).toEqual(['1000', '1001', '1002', '1003', '1004']);
  expect(lines.find((l) => l.startsWith('›'))).toMatch(/pod-1002 /);
  expect(lines.map((l) => l.length).filter((n) => n > 60)).toEqual([]);
});

it('says so when the filter matches nothing', () => {
  const app = render(
    <PickerList
      title="Trace from a: pick the destination"
      rows={[]}
      total={7}
      filter="zzz"
      cursor={0}
      top={0}
      height={5}
      width={80}
    />,
  );
  const f = frameOf(app);
  expect(f).toContain('0/0  filter: "zzz"');
  expect(f).toContain('nothing matches');
});
