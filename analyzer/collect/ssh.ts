// The ssh command for one node. The system `ssh` with the user's own config, agent and
// known_hosts; BatchMode=yes so it never asks for a password or passphrase and fails instead;
// host key checking is left as the user's config has it (never turned off here).
//
// The collector travels on ssh's stdin. The remote command reads all of it into a shell variable
// and runs it with `sh -c`, so nothing is copied to the node's disk and no command of the collector
// can read the rest of the script from stdin (dash, unlike bash, reads a script on stdin ahead in
// blocks: `sh -s` would leave it to each command not to touch stdin).
import { shq } from '../text/shell.js';
import type { NodeTarget } from './nodes.js';
import { sshOutcome } from './outcome.js';
import { isGzip, type NodeContext, type NodeRun, type NodeRunner } from './run.js';
import { spawnToFile } from './spawn-to-file.js';

export interface SshOptions {
  /** -F FILE */
  readonly configFile?: string;
  /** -J jump host(s) */
  readonly jump?: string;
  /** -l USER */
  readonly user?: string;
  /** -o OPTION, repeatable, passed through */
  readonly options: readonly string[];
  /** run the collector under `sudo -n` */
  readonly sudo: boolean;
  /** the ssh binary (tests) */
  readonly ssh?: string;
}

/** What runs on the node: read the collector from stdin, run it host-only with the bundle on stdout. */
export function remoteCommand(collectorArgs: readonly string[], sudo: boolean): string {
  const inner = 'S=$(cat) && exec sh -c "$S" netsnap-collect "$@"';
  const words = ['sh', '-c', shq(inner), 'sh', ...collectorArgs.map(shq)];
  return (sudo ? ['sudo', '-n', ...words] : words).join(' ');
}

export function sshArgv(o: SshOptions, target: string, collectorArgs: readonly string[]): string[] {
  const argv = [o.ssh ?? 'ssh', '-o', 'BatchMode=yes', '-T'];
  if (o.configFile) argv.push('-F', o.configFile);
  if (o.jump) argv.push('-J', o.jump);
  if (o.user) argv.push('-l', o.user);
  for (const opt of o.options) argv.push('-o', opt);
  // `--` ends ssh's options: a target can never be read as one (nodes.ts refuses a leading "-" too)
  argv.push('--', target, remoteCommand(collectorArgs, o.sudo));
  return argv;
}

export function sshRunner(
  o: SshOptions,
  script: string,
  argsFor: (t: NodeTarget) => string[],
  timeoutSeconds: number,
): NodeRunner {
  return async (t: NodeTarget, ctx: NodeContext): Promise<NodeRun> => {
    const r = await spawnToFile({
      argv: sshArgv(o, t.target, argsFor(t)),
      stdin: script,
      outFile: ctx.outFile,
      timeoutMs: timeoutSeconds * 1000,
      signal: ctx.signal,
      onBytes: ctx.onBytes,
    });
    const { outcome, error } = sshOutcome(r, isGzip(ctx.outFile), timeoutSeconds);
    return { outcome, error, exitCode: r.exitCode, privilege: o.sudo ? 'sudo' : 'login' };
  };
}
