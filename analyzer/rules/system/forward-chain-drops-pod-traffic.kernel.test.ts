// Real kernel: restore the captured flannel+kube-proxy ruleset into a scratch netns, insert what
// firewalld and Docker do, read it back with the real iptables-save and let SYS-103/SYS-104 judge.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRules } from '../engine.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, reference } from '../lib/host-testing.js';
import { subjectKey } from '../types.js';
import { forwardChainDropsPodTraffic } from './forward-chain-drops-pod-traffic.js';
import { podEgressNotMasqueraded } from './pod-egress-not-masqueraded.js';

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (ip netns add needs root)';
  for (const tool of ['ip', 'iptables-nft-restore', 'iptables-nft-save', 'iptables-nft']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}
const reason = skipReason();
if (reason) console.log(`skipping SYS-103/104 real-kernel test: ${reason}`);

const NS = `netsnap-sys103-${process.pid}`;
const inNs = (cmd: string, args: string[], input?: string) =>
  execFileSync('ip', ['netns', 'exec', NS, cmd, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
const judge = (save: string) =>
  runRules(
    [forwardChainDropsPodTraffic, podEgressNotMasqueraded],
    snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': save })),
    {},
    { strict: true },
  ).map((f) => `${f.ruleId} ${f.status} ${subjectKey(f.subject)}`);

describe.skipIf(reason !== undefined)('SYS-103/104 on iptables-save output of the real kernel', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    inNs('iptables-nft-restore', [], reference('iptables-save-nft.txt'));
  });
  afterAll(() => {
    execFileSync('ip', ['netns', 'del', NS]);
  });

  it('the restored capture passes both rules', () => {
    expect(judge(inNs('iptables-nft-save', []))).toEqual(['SYS-103 pass node:worker-1', 'SYS-104 pass node:worker-1']);
  });

  it('firewalld-style REJECT inserted first in FORWARD fails SYS-103 only', () => {
    inNs('iptables-nft', ['-I', 'FORWARD', '1', '-j', 'REJECT', '--reject-with', 'icmp-host-prohibited']);
    expect(judge(inNs('iptables-nft-save', []))).toEqual(['SYS-103 fail node:worker-1', 'SYS-104 pass node:worker-1']);
    inNs('iptables-nft', ['-D', 'FORWARD', '1']);
  });

  it('flannel masquerade jump deleted fails SYS-104 only', () => {
    inNs('iptables-nft', [
      '-t',
      'nat',
      '-D',
      'POSTROUTING',
      '-m',
      'comment',
      '--comment',
      'flanneld masq',
      '-j',
      'FLANNEL-POSTRTG',
    ]);
    expect(judge(inNs('iptables-nft-save', []))).toEqual(['SYS-103 pass node:worker-1', 'SYS-104 fail node:worker-1']);
  });
});
