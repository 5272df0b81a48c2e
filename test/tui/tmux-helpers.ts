// tmux driving for the real-terminal TUI tests: a private server with a clean environment, one
// session per test, and waits that poll the screen instead of sleeping.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname } from 'node:path';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export class Tmux {
  private readonly sessions: string[] = [];
  // other test files in the same worker change PATH, HOME or TMPDIR; a server started from such
  // a process drew blank panes, so the server gets its own small environment
  private readonly env = {
    PATH: `${dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: '/tmp',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    SHELL: '/bin/sh',
  };
  constructor(readonly socket: string) {}

  run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env: this.env });
  }

  /** a detached session running `command` in `cwd`; prints BEFORE-UI first and EXIT=<code> after */
  start(session: string, cols: number, rows: number, cwd: string, command: string): void {
    this.sessions.push(session);
    spawnSync('tmux', ['-L', this.socket, 'kill-session', '-t', session], { env: this.env });
    this.run(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      String(cols),
      '-y',
      String(rows),
      `cd '${cwd}' && printf 'BEFORE-UI\\n'; NO_COLOR=1 ${command}; echo "EXIT=$?"; exec sleep 120`,
    );
  }

  screen(session: string): string {
    return this.run('capture-pane', '-p', '-t', session);
  }

  /** the screen with wrapped lines joined back (for long messages printed after the UI left) */
  joined(session: string): string {
    return this.run('capture-pane', '-p', '-J', '-t', session);
  }

  keys(session: string, ...k: string[]): void {
    this.run('send-keys', '-t', session, ...k);
  }

  /** polls every 50 ms (bounded: 60 s, for a loaded CI machine) until `ok(screen)`; nothing asserts how long it took */
  async waitFor(session: string, ok: (s: string) => boolean, what: string): Promise<string> {
    let screen = '';
    for (let i = 0; i < 1200; i++) {
      screen = this.screen(session);
      if (ok(screen)) return screen;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`tmux ${session}: never saw ${what}; screen:\n${screen}`);
  }

  /** alternate screen and cursor flags: `0 1` once the UI has left and restored the terminal */
  flags(session: string): string {
    return this.run('display', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').trim();
  }

  close(): void {
    for (const s of this.sessions) spawnSync('tmux', ['-L', this.socket, 'kill-session', '-t', s], { env: this.env });
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { env: this.env });
  }
}
