// Screenshots of the demo's HTML report for docs/html-report.md (not part of the test suite):
//   npm run build && node dist/analyzer/report/html-shots.js [out-dir]   (default docs/img)
// Renders the demo bundles (fixtures/scenarios/article-full-story) with renderHtml, opens the file in
// headless Chromium (package `chromium`; $CHROMIUM overrides the path) and captures 1280x800 and a
// 390x844 phone viewport (opened at the root causes).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSnapshot } from '../model/load.js';
import { analyze } from '../causal/analyze.js';
import { renderHtml } from './html.js';
import { Browser, findChromium } from './html-cdp.js';

/** the desktop shot shows the header and the first root cause; the phone shot opens at the root causes */
const SHOTS = [
  { file: 'html-report-desktop.png', width: 1280, height: 800, mobile: false, at: '' },
  { file: 'html-report-phone.png', width: 390, height: 844, mobile: true, at: '#roots' },
] as const;

async function main(): Promise<number> {
  const outDir = resolve(process.argv[2] ?? 'docs/img');
  const demo = resolve('fixtures/scenarios/article-full-story');
  const bundles = readdirSync(demo)
    .filter((n) => statSync(join(demo, n)).isDirectory())
    .sort()
    .map((n) => join(demo, n));
  const chromium = findChromium();
  if (!chromium) {
    process.stderr.write('html-shots: chromium not found (apt-get install chromium, or set CHROMIUM)\n');
    return 2;
  }
  const { snapshot } = await loadSnapshot(bundles);
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  const html = renderHtml({ snapshot, analysis: analyze(snapshot) }, { version });
  const tmp = mkdtempSync(join(tmpdir(), 'netsnap-shots-'));
  const file = join(tmp, 'report.html');
  writeFileSync(file, html);
  const browser = Browser.launch(chromium);
  try {
    for (const s of SHOTS) {
      const page = await browser.newPage(s.width, s.height, s.mobile);
      await page.open(`${pathToFileURL(file).href}${s.at}`);
      writeFileSync(join(outDir, s.file), await page.screenshot());
      process.stdout.write(`${join(outDir, s.file)}\n`);
    }
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`html-shots: ${String(err)}\n`);
    process.exit(1);
  },
);
