// Opens the UI on the in-memory demo (the article's full story); used by the tmux test and to
// try the UI without bundles: `node dist/tui/demo-main.js`.
import { startTui } from './start.js';
import { demoLoadResult } from './testing/demo-analysis.js';

const code = await startTui({
  title: 'demo: article-full-story',
  load: async (onProgress) => {
    onProgress({ bundlePath: 'memory:demo', bytesRead: 0, entriesRead: 0 });
    return demoLoadResult();
  },
  ...(process.env['NETSNAP_FIX_FILE'] ? { fixFile: process.env['NETSNAP_FIX_FILE'] } : {}),
});
process.exitCode = code;
