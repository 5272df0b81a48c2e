// Suggested commands carry bundle values: shq() must make any string one inert shell word, and a
// value that is not the kind of name it should be is never written at all (issue 19, item 2).
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmd, isValidWord, remedy, shq, word } from './shell.js';

const shAvailable = spawnSync('sh', ['-c', 'exit 0']).status === 0;
if (!shAvailable) console.log('shell.test: no `sh` on PATH; the round-trip property through a real shell is skipped');

describe('shq', () => {
  it.each([
    ['worker-1', 'worker-1'],
    ['10.244.1.0/24', '10.244.1.0/24'],
    ['kube-system/coredns:53', 'kube-system/coredns:53'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['worker-1$(touch${IFS}pwned)', "'worker-1$(touch${IFS}pwned)'"],
    ['`id`;x|y&z\n', "'`id`;x|y&z\n'"],
  ])('%j -> %s', (value, quoted) => {
    expect(shq(value)).toBe(quoted);
  });

  it.skipIf(!shAvailable)('sh -c receives exactly the quoted string (property, real sh)', () => {
    // NUL cannot be in an argv string at all; every other code point can
    const arb = fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/\u0000/g, ''));
    fc.assert(
      fc.property(arb, (s) => {
        const out = execFileSync('sh', ['-c', `printf %s ${shq(s)}`], { encoding: 'utf8' });
        expect(out).toBe(s);
      }),
      { numRuns: 150 },
    );
  });

  it.skipIf(!shAvailable)('sh -c receives exactly the quoted string for the hand-made hostile ones', () => {
    for (const s of [
      'worker-1$(touch${IFS}pwned)',
      '`id`',
      "a'b'c",
      '$HOME',
      '-n',
      'x;y|z&w',
      'line\nforged',
      '\\',
      '*',
      '~root',
      '!!',
      '#c',
    ]) {
      expect(execFileSync('sh', ['-c', `printf %s ${shq(s)}`], { encoding: 'utf8' })).toBe(s);
    }
  });
});

describe('name checks', () => {
  it.each([
    ['node', 'worker-1', true],
    ['node', 'ip-10-0-0-1.ec2.internal', true],
    ['node', 'Worker-1', false],
    ['node', 'worker-1$(touch${IFS}pwned)', false],
    ['node', '-n', false],
    ['namespace', 'kube-system', true],
    ['namespace', 'a.b', false],
    ['pod', 'coredns-5d78c9869d-abcde', true],
    ['label-key', 'k8s-app', true],
    ['label-key', 'app.kubernetes.io/name', true],
    ['label-key', 'a b', false],
    ['ip', '10.96.0.10', true],
    ['ip', 'fd00::1', true],
    ['ip', '10.96.0.10;id', false],
    ['cidr', '10.244.0.0/16', true],
    ['cidr', '10.244.0.0/33', false],
    ['iface', 'flannel.1', true],
    ['iface', 'cni0', true],
    ['iface', 'eth0;reboot', false],
    ['iface', '-all', false],
    ['port', '8472', true],
    ['port', '0', false],
    ['unit', 'snap.kube-proxy.daemon', true],
    ['unit', 'kube-proxy$(id)', false],
    ['file', '10-flannel.conflist', true],
    ['file', '../x', false],
  ] as const)('%s %j valid=%s', (kind, value, valid) => {
    expect(isValidWord(kind, value)).toBe(valid);
  });
});

describe('cmd and remedy', () => {
  it('writes a valid name bare, quotes a plain string, and withholds an invalid name', () => {
    expect(cmd`kubectl describe node ${word('node', 'worker-1')}`.text).toBe('kubectl describe node worker-1');
    expect(cmd`netsnap inspect ${'my bundle.tar.gz'}`.text).toBe("netsnap inspect 'my bundle.tar.gz'");
    const c = cmd`kubectl describe node ${word('node', 'worker-1$(touch${IFS}pwned)')}`;
    expect(c).toEqual({ text: 'kubectl describe node <node>', withheld: ['node'] });
  });

  it('says in the explanation why a placeholder stands in a command', () => {
    const r = remedy('Restart flannel.', [
      cmd`kubectl delete pod --field-selector spec.nodeName=${word('node', 'w;id')}`,
      'ip link',
    ]);
    expect(r.commands).toEqual(['kubectl delete pod --field-selector spec.nodeName=<node>', 'ip link']);
    expect(r.explanation).toBe(
      'Restart flannel. (The commands show <node> instead of a value that is not a Kubernetes node name: such a value from the bundle is never written into a command. Fill it in after checking the subject.)',
    );
    expect(remedy('Restart flannel.', [cmd`kubectl describe node ${word('node', 'w1')}`]).explanation).toBe(
      'Restart flannel.',
    );
  });
});
