// Keypress-to-frame on a 5,000-finding analysis: `node dist/tui/bench-keypress.js` after a build.
// Prints the median and p95 time from writing ↓ to Ink emitting the next frame.
import { render } from 'ink-testing-library';
import { performance } from 'node:perf_hooks';
import { App } from './components/App.js';
import { buildModel } from './view-models/model.js';
import { syntheticLoadResult } from './testing/synthetic.js';
import { KEY } from './testing/ink.js';

const N = Number(process.argv[2] ?? 5000);
const model = buildModel(syntheticLoadResult(N));
const app = render(<App model={model} title="bench" size={{ columns: 120, rows: 40 }} initialRoute={{ screen: 'findings' }} />);
const tick = () => new Promise((r) => setImmediate(r));
for (let i = 0; i < 10; i++) await tick();

const samples: number[] = [];
for (let i = 0; i < 300; i++) {
  const before = app.frames.length;
  const t0 = performance.now();
  app.stdin.write(i % 50 === 49 ? 'g' : KEY.DOWN);
  while (app.frames.length === before) await tick();
  samples.push(performance.now() - t0);
}
samples.sort((a, b) => a - b);
const at = (q: number) => (samples[Math.floor(q * (samples.length - 1))] ?? 0).toFixed(2);
process.stdout.write(`${model.findings.length} findings: keypress-to-frame median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms\n`);
app.unmount();
