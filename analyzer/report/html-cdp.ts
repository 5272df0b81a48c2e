// A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (fd 3: commands to the
// browser, fd 4: replies and events, each message JSON ended by a NUL byte). Used by the HTML
// report's browser test and by the screenshot script; no browser download, no WebSocket.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId?: string;
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** the Chromium binary ($CHROMIUM, then the Debian package's path), or undefined */
export function findChromium(): string | undefined {
  const env = process.env.CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

export class Browser {
  readonly events: CdpEvent[] = [];
  private next = 1;
  private buf = Buffer.alloc(0);
  private readonly waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  private readonly listeners: ((e: CdpEvent) => void)[] = [];

  private constructor(
    private readonly proc: ChildProcess,
    private readonly out: Writable,
    private readonly profile: string,
  ) {}

  /** start headless Chromium with a throwaway profile */
  static launch(binary: string, extraArgs: readonly string[] = []): Browser {
    const profile = mkdtempSync(join(tmpdir(), 'netsnap-cdp-'));
    const proc = spawn(
      binary,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        ...extraArgs,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const b = new Browser(proc, proc.stdio[3] as Writable, profile);
    (proc.stdio[4] as Readable).on('data', (d: Buffer) => b.onData(d));
    proc.on('exit', () => {
      for (const w of b.waiting.values()) w.fail(new Error('chromium exited'));
      b.waiting.clear();
    });
    return b;
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (let end = this.buf.indexOf(0); end >= 0; end = this.buf.indexOf(0)) {
      const msg = JSON.parse(this.buf.subarray(0, end).toString('utf8')) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      this.buf = this.buf.subarray(end + 1);
      if (msg.id !== undefined) {
        const w = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (msg.error) w?.fail(new Error(msg.error.message));
        else w?.ok(msg.result);
      } else if (msg.method) {
        const e: CdpEvent = {
          method: msg.method,
          params: msg.params ?? {},
          ...(msg.sessionId ? { sessionId: msg.sessionId } : {}),
        };
        this.events.push(e);
        for (const l of [...this.listeners]) l(e);
      }
    }
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}, sessionId?: string, timeoutMs = 15_000) {
    const id = this.next++;
    return new Promise<T>((ok, fail) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        fail(new Error(`CDP ${method}: no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        ok: (v) => {
          clearTimeout(timer);
          ok(v as T);
        },
        fail: (e) => {
          clearTimeout(timer);
          fail(e);
        },
      });
      this.out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\u0000`);
    });
  }

  /** the next event named `method` (already received ones are not considered) */
  waitFor(method: string, timeoutMs = 15_000): Promise<CdpEvent> {
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(l), 1);
        fail(new Error(`CDP: no ${method} in ${timeoutMs} ms`));
      }, timeoutMs);
      const l = (e: CdpEvent) => {
        if (e.method !== method) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(l), 1);
        ok(e);
      };
      this.listeners.push(l);
    });
  }

  /** a new page (tab) with Runtime, Log, Network and Page events on, at a viewport size */
  async newPage(width: number, height: number, mobile = false): Promise<Page> {
    const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    for (const d of ['Runtime', 'Log', 'Network', 'Page']) await this.send(`${d}.enable`, {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile }, sessionId);
    return new Page(this, sessionId);
  }

  /** close the browser, wait for it to exit (killing it after 5 s), then remove its profile */
  async close(): Promise<void> {
    const exited = new Promise<void>((ok) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) ok();
      else this.proc.once('exit', () => ok());
    });
    try {
      await this.send('Browser.close', {}, undefined, 3000);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

export class Page {
  constructor(
    readonly browser: Browser,
    readonly sessionId: string,
  ) {}

  /** navigate and wait for the load event */
  async open(url: string): Promise<void> {
    const loaded = this.browser.waitFor('Page.loadEventFired');
    await this.browser.send('Page.navigate', { url }, this.sessionId);
    await loaded;
  }

  /** evaluate an expression in the page, returning its value (JSON-serializable) */
  async eval<T>(expression: string): Promise<T> {
    const r = await this.browser.send<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>(
      'Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true },
      this.sessionId,
    );
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  async screenshot(): Promise<Buffer> {
    const r = await this.browser.send<{ data: string }>('Page.captureScreenshot', { format: 'png' }, this.sessionId);
    return Buffer.from(r.data, 'base64');
  }

  /** this page's events */
  events(): CdpEvent[] {
    return this.browser.events.filter((e) => e.sessionId === this.sessionId);
  }
}
