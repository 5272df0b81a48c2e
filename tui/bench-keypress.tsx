// Keypress-to-frame on a 5,000-finding analysis, against baselines measured in the same run (the
// machine is shared, so only ratios mean anything):
//   trivial  one <Text> counter: Ink's fixed cost per key (input parse, React commit, output diff)
//   rows     the same number of styled rows as the findings screen, no netsnap code: Ink's layout
//   findings the App on N findings, ↓ (and g every 50 keys) in the findings list
//   trace    the App on the Trace result (web-1 → kube-dns), ↓ through the steps
// Run: `node dist/tui/bench-main.js [N]` after a build (it loads React's production build first).
// ink-testing-library renders without throttle or terminal (a terminal adds the bytes written: see
// incrementalRendering in start.tsx).
// Rounds alternate between the cases so load from other processes hits them alike.
import { Box, Text, useInput } from 'ink';
import { render } from 'ink-testing-library';
import { performance } from 'node:perf_hooks';
import { useState } from 'react';
import { App } from './components/App.js';
import { buildModel } from './view-models/model.js';
import { syntheticLoadResult } from './testing/synthetic.js';
import { KEY } from './testing/ink.js';

const N = Number(process.argv[2] ?? 5000);
const ROUNDS = 6;
const PER_ROUND = 40;
const SIZE = { columns: 120, rows: 40 };

function Trivial() {
  const [n, setN] = useState(0);
  useInput(() => setN((x) => x + 1));
  return <Text>{`keys: ${n}`}</Text>;
}

/** what the findings screen draws (36 rows of 8 styled spans), without any netsnap logic */
function Rows() {
  const [top, setTop] = useState(0);
  useInput(() => setTop((x) => x + 1));
  return (
    <Box flexDirection="column" width={SIZE.columns} height={SIZE.rows - 1}>
      {Array.from({ length: SIZE.rows - 4 }, (_, i) => (
        <Text key={i} wrap="truncate-end" inverse={i === 3}>
          <Text>{'› '}</Text>
          <Text color="red" bold>
            {'✗ FAIL '}
          </Text>
          <Text bold>{'◆ '}</Text>
          <Text color="yellow">{'CRIT '}</Text>
          <Text bold>{`SVC-3${String((top + i) % 100).padStart(2, '0')}  `}</Text>
          <Text dimColor>{'service '}</Text>
          <Text>{`service:ns-${(top + i) % 50}/svc-${top + i}`.padEnd(41)}</Text>
          <Text>{` synthetic finding ${top + i}`}</Text>
        </Text>
      ))}
    </Box>
  );
}

const model = buildModel(syntheticLoadResult(N));
const cases = {
  trivial: render(<Trivial />),
  rows: render(<Rows />),
  findings: render(<App model={model} title="bench" size={SIZE} initialRoute={{ screen: 'findings' }} />),
  trace: render(
    <App
      model={model}
      title="bench"
      size={SIZE}
      initialRoute={{ screen: 'trace', from: 'web-1', to: 'kube-system/kube-dns', port: 53 }}
    />,
  ),
};
type Case = keyof typeof cases;
const tick = () => new Promise((r) => setImmediate(r));
for (let i = 0; i < 20; i++) await tick();

const samples: Record<Case, number[]> = { trivial: [], rows: [], findings: [], trace: [] };
let k = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(cases) as Case[]) {
    const app = cases[name];
    for (let i = 0; i < PER_ROUND; i++) {
      const before = app.frames.length;
      const t0 = performance.now();
      app.stdin.write(++k % 50 === 0 ? 'g' : KEY.DOWN);
      while (app.frames.length === before) await tick();
      if (round > 0) samples[name].push(performance.now() - t0); // round 0 warms the JIT
    }
  }
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] ?? 0;
const base = q(samples.trivial, 0.5);
for (const name of Object.keys(cases) as Case[]) {
  const xs = samples[name];
  const label = name === 'findings' ? `findings (${model.findings.length})` : name;
  process.stdout.write(
    `${label.padEnd(18)} median ${q(xs, 0.5).toFixed(2)} ms  p95 ${q(xs, 0.95).toFixed(2)} ms  ×${(q(xs, 0.5) / base).toFixed(1)} of trivial\n`,
  );
}
for (const app of Object.values(cases)) app.unmount();
