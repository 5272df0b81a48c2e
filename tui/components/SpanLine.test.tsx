import { Box, Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from './App.js';
import { SpanLine } from './SpanLine.js';
import type { Span } from './text-runs.js';
import { buildModel } from '../view-models/model.js';
import { syntheticLoadResult } from '../testing/synthetic.js';
import { KEY, frameOf, press, waitForFrame } from '../testing/ink.js';

afterEach(() => cleanup());

/** how the line was drawn before the split: one truncating text node */
function OneNode({ spans, inverse }: { spans: readonly Span[]; inverse: boolean }) {
  return (
    <Text wrap="truncate-end" inverse={inverse}>
      {spans.map((s, i) => (
        <Text
          key={i}
          {...(s.color ? { color: s.color } : {})}
          bold={s.bold ?? false}
          dimColor={s.dim ?? false}
          inverse={s.inverse ?? false}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

const row: Span[] = [
  { text: '› ' },
  { text: '✗ FAIL ', color: 'red', bold: true },
  { text: '◆ ', bold: true },
  { text: 'CRIT ', color: 'red' },
  { text: 'DNS-402  ', bold: true },
  { text: 'dns     ', dim: true },
  { text: 'configmap:kube-system/coredns  ' },
  { text: ' forward upstream 233.5.5.5 is multicast; 世界 di…', inverse: true },
];

describe('SpanLine draws the same cells as one text node', () => {
  for (const width of [200, 120, 60, 30]) {
    for (const inverse of [false, true]) {
      it(`at ${width} columns${inverse ? ', selected' : ''}`, () => {
        const split = render(
          <Box width={width}>
            <Box>
              <SpanLine spans={row} width={width} inverse={inverse} />
            </Box>
          </Box>,
        );
        const split1 = split.lastFrame();
        split.unmount();
        const one = render(
          <Box width={width}>
            <OneNode spans={row} inverse={inverse} />
          </Box>,
        );
        expect(split1).toBe(one.lastFrame());
        expect(split1).toContain(width >= 120 ? 'di…' : '…');
      });
    }
  }
});

describe('memoised list rows', () => {
  it('follow the cursor and a filter change: one selected row, rows of the filtered list only', async () => {
    const model = buildModel(syntheticLoadResult(300));
    const app = render(
      <App model={model} title="t" size={{ columns: 120, rows: 30 }} initialRoute={{ screen: 'findings' }} />,
    );
    await waitForFrame(app, (f) => f.includes('Findings 1/'));
    await press(app, 'j', 'j', 'j', 'k');
    let f = frameOf(app);
    expect(f.split('\n').filter((l) => l.startsWith('›'))).toHaveLength(1);
    expect(f).toContain('Findings 3/312');
    await press(app, '/', ...'svc-250', KEY.ENTER);
    f = await waitForFrame(app, (x) => x.includes('filter: "svc-250"'), 'the filtered list');
    const rows = f.split('\n').filter((l) => /^[› ] [✗!?✓] /.test(l));
    expect(rows.map((l) => l.match(/svc-\d+/)?.[0])).toEqual(['svc-250']);
    expect(rows[0]?.startsWith('›')).toBe(true);
    await press(app, 'x');
    f = await waitForFrame(app, (x) => x.includes('(all)'), 'the cleared filter');
    expect(f.split('\n').filter((l) => l.startsWith('›'))).toHaveLength(1);
    expect(f).toContain('Findings 1/312');
  });
});
