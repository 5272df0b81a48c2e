// Opens the UI on the in-memory demo (the article's full story); used by the tmux test and to
// try the UI without bundles: `node dist/tui/demo-main.js`.
import './production-env.js';
import { startTui } from './start.js';
import { demoLoadResult } from './testing/demo-analysis.js';
import type { ReadProgress } from '../analyzer/bundle/types.js';

/** for the quit-while-loading test: a load that never ends and, like a tar stream, ignores abort */
function endlessLoad(onProgress: (p: ReadProgress) => void): Promise<never> {
  let bytes = 0;
  return new Promise(() => {
    setInterval(
      () =>
        onProgress({
          bundlePath: 'memory:endless',
          bytesRead: (bytes += 65536),
          entriesRead: 1,
          currentFile: 'host/iptables-save.txt',
        }),
      50,
    );
  });
}

const code = await startTui({
  title: 'demo: article-full-story',
  load: async (onProgress) => {
    onProgress({ bundlePath: 'memory:demo', bytesRead: 0, entriesRead: 0 });
    if (process.env['NETSNAP_DEMO_ENDLESS_LOAD']) await endlessLoad(onProgress);
    return demoLoadResult();
  },
  ...(process.env['NETSNAP_FIX_FILE'] ? { fixFile: process.env['NETSNAP_FIX_FILE'] } : {}),
});
process.exitCode = code;
