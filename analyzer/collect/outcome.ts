// What a finished child means for the node: the outcome recorded in collection.json and the error
// a person reads (the last lines ssh, sudo, kubectl or the collector printed).
import type { NodeOutcome } from '../bundle/collection-index.js';
import type { SpawnResult } from './spawn-to-file.js';

const ERROR_LINES = 3;
const ERROR_CHARS = 600;

/** the last few non-empty stderr lines, bounded */
export function lastLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  const out = lines.slice(-ERROR_LINES).join(' | ');
  return out.length > ERROR_CHARS ? `…${out.slice(out.length - ERROR_CHARS)}` : out;
}

const DENIED = [
  'Permission denied',
  'sudo: a password is required',
  'sudo: a terminal is required',
  'is not in the sudoers file',
  'may not run sudo',
  'Forbidden',
  'is forbidden',
];

/** ssh: 255 is ssh's own failure (connection, host key, authentication), anything else the remote command's */
export function sshOutcome(r: SpawnResult, gzipOk: boolean, timeoutS: number): { outcome: NodeOutcome; error: string } {
  const said = lastLines(r.stderrTail);
  if (r.aborted) return { outcome: 'interrupted', error: said || 'interrupted (Ctrl-C)' };
  if (r.timedOut)
    return { outcome: 'timeout', error: `no bundle within ${timeoutS} s; ssh was killed${said ? `: ${said}` : ''}` };
  if (r.spawnError) return { outcome: 'failed', error: r.spawnError };
  if (r.exitCode === 0 && gzipOk) return { outcome: 'ok', error: '' };
  if (DENIED.some((d) => r.stderrTail.includes(d))) return { outcome: 'denied', error: said };
  if (r.exitCode === 255) return { outcome: 'unreachable', error: said || 'ssh exited 255 (connection failed)' };
  if (r.exitCode === 0)
    return { outcome: 'failed', error: `exit 0 but no gzip bundle on stdout${said ? `: ${said}` : ''}` };
  return { outcome: 'failed', error: said || `exit ${r.exitCode ?? 'by signal'}` };
}
