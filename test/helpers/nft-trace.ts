// The kernel's own account of one packet through nftables: `nft monitor trace` in the node's network
// namespace while the pod's namespace opens one TCP connection. Shared by the nft kernel-agreement tests.
import { execFileSync, spawn, spawnSync } from 'node:child_process';

/**
 * The `trace id …` lines of the FIRST traced packet (a SYN retransmitted within the wait would repeat
 * the same lines under another id). Conntrack is flushed first, so the packet is a new connection.
 */
export async function firstPacketTrace(node: string, from: string, dst: string, port: number): Promise<string[]> {
  execFileSync('ip', ['netns', 'exec', node, 'conntrack', '-F'], { stdio: 'ignore' });
  const mon = spawn('ip', ['netns', 'exec', node, 'nft', '-a', 'monitor', 'trace'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let text = '';
  mon.stdout.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise((r) => setTimeout(r, 300)); // the monitor subscribes
  spawnSync('ip', ['netns', 'exec', from, 'timeout', '0.5', 'bash', '-c', `echo x > /dev/tcp/${dst}/${port}`], {
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 300));
  mon.kill();
  const firstId = /^trace id (\S+)/m.exec(text)?.[1];
  return firstId ? text.split('\n').filter((l) => l.startsWith(`trace id ${firstId} `)) : [];
}
