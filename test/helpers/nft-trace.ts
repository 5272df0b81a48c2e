// The kernel's own account of one packet through nftables: `nft monitor trace` in the node's network
// namespace while the pod's namespace opens one TCP connection. Shared by the nft kernel-agreement tests.
// It polls for what it waits on (the monitor's first trace line, then a quiet monitor) instead of
// fixed sleeps: ~1.1 s per call became the time the kernel and nft actually take.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

const POLL_MS = 10;
/** no new monitor output for this long after the first packet's lines: its trace is complete */
const QUIET_MS = 80;
/** a probe whose SYN left no trace within this long is sent again (the monitor was not subscribed yet) */
const RESEND_MS = 200;
/** give up (and return what was seen) after this long */
const MAX_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** stop a probe and wait for it, so no retransmitted SYN of it reaches the next call's monitor */
async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill();
  await exited;
}

/**
 * The `trace id …` lines of the FIRST traced packet (a SYN retransmitted meanwhile, or a probe sent
 * again, would repeat the same lines under another id). Conntrack is flushed before each probe, so
 * the packet is a new connection.
 */
export async function firstPacketTrace(node: string, from: string, dst: string, port: number): Promise<string[]> {
  const mon = spawn('ip', ['netns', 'exec', node, 'nft', '-a', 'monitor', 'trace'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let text = '';
  let lastData = Date.now();
  mon.stdout.on('data', (d: Buffer) => {
    text += d.toString();
    lastData = Date.now();
  });
  const probes: ChildProcess[] = [];
  const begin = Date.now();
  try {
    // nothing says when the monitor has subscribed: probe until a trace shows, re-probing now and then
    let sent = 0;
    while (!/^trace id /m.test(text) && Date.now() - begin < MAX_MS) {
      if (Date.now() - sent >= RESEND_MS) {
        execFileSync('ip', ['netns', 'exec', node, 'conntrack', '-F'], { stdio: 'ignore' });
        probes.push(
          spawn('ip', ['netns', 'exec', from, 'timeout', '2', 'bash', '-c', `echo x > /dev/tcp/${dst}/${port}`], {
            stdio: 'ignore',
          }),
        );
        sent = Date.now();
      }
      await sleep(POLL_MS);
    }
    while (Date.now() - lastData < QUIET_MS && Date.now() - begin < MAX_MS) await sleep(POLL_MS);
  } finally {
    await Promise.all(probes.map(stop));
    mon.kill();
  }
  const firstId = /^trace id (\S+)/m.exec(text)?.[1];
  return firstId ? text.split('\n').filter((l) => l.startsWith(`trace id ${firstId} `)) : [];
}
