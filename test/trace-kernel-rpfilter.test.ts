// Agreement with the kernel on `-m rpfilter`: a Calico-shaped node in a network namespace (the pod
// behind a veth with no bridge, a /32 route to it on the node, Calico's raw cali-PREROUTING rules),
// one real packet from the pod's own address and one from an address that is not the pod's
// (projectcalico/calico#4630), and the raw table's per-rule counters compared with the rules the
// tracer says the packet met, including whether the rpfilter DROP took it.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../analyzer/parse/iptables-save.js';
import { parseIpLinks, parseIpRoutes } from '../analyzer/parse/ip-json.js';
import type { IpLink, IpRoute } from '../analyzer/parse/types.js';
import { simulate } from '../analyzer/trace/simulate.js';

const NODE = `nsr-node-${process.pid}`;
const POD = `nsr-pod-${process.pid}`;

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
const why =
  process.getuid?.() !== 0
    ? 'not root'
    : !have('iptables-restore')
      ? 'iptables not installed'
      : !have('ip')
        ? 'iproute2 missing'
        : '';
if (why) console.log(`skipping rpfilter kernel agreement tests: ${why}`);

const sh = (ns: string, script: string) =>
  execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', script], { encoding: 'utf8' });

// Calico's raw chain as projectcalico/calico#10470 lists it, and nothing in nat/filter
const RULES = [
  '*raw',
  ':PREROUTING ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':cali-PREROUTING - [0:0]',
  ':cali-rpf-skip - [0:0]',
  ':cali-from-host-endpoint - [0:0]',
  '-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING',
  '-A cali-PREROUTING -m comment --comment "cali:XFX5xbM8B9qR10JG" -j MARK --set-xmark 0x0/0xf0000',
  '-A cali-PREROUTING -i cali+ -m comment --comment "cali:EWMPb0zVROM-woQp" -j MARK --set-xmark 0x40000/0x40000',
  '-A cali-PREROUTING -m comment --comment "cali:PWuxTAIaFCtsg5Qa" -j cali-rpf-skip',
  '-A cali-PREROUTING -m comment --comment "cali:fSSbGND7dgyemWU7" -m mark --mark 0x40000/0x40000 -m rpfilter --validmark --invert -j DROP',
  '-A cali-PREROUTING -m comment --comment "cali:tAfhRCGVtiFmTMsz" -m mark --mark 0x0/0x40000 -j cali-from-host-endpoint',
  'COMMIT',
  '',
].join('\n');

/** raw rules (chain#index) whose packet counter is non-zero */
function counted(): Set<string> {
  const save = parseIptablesSave(
    execFileSync('ip', ['netns', 'exec', NODE, 'iptables-save', '-c', '-t', 'raw'], { encoding: 'utf8' }),
  ).value;
  const out = new Set<string>();
  for (const c of save.tables.get('raw')?.chains.values() ?? [])
    for (const r of c.rules) if ((r.counters?.packets ?? 0) > 0) out.add(`${r.chain}#${r.index}`);
  return out;
}

function sendFrom(src: string): void {
  // the pod's default route picks the source; bash's /dev/udp sends one datagram
  sh(POD, `ip route replace default via 169.254.1.1 dev eth0 onlink src ${src}`);
  spawnSync('ip', ['netns', 'exec', POD, 'timeout', '1', 'bash', '-c', 'echo x > /dev/udp/10.0.0.99/53'], {
    stdio: 'ignore',
  });
}

describe.skipIf(!!why)('tracer agrees with the kernel on rpfilter (Calico raw table)', () => {
  let routes: IpRoute[];
  let addrs: IpLink[];
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NODE]);
    execFileSync('ip', ['netns', 'add', POD]);
    sh(
      NODE,
      [
        'ip link set lo up',
        'sysctl -qw net.ipv4.ip_forward=1',
        'ip link add eth0 type veth peer name eth0p',
        'ip addr add 10.0.0.11/24 dev eth0',
        'ip link set eth0 up; ip link set eth0p up',
        'ip route add default via 10.0.0.1',
        'ip link add cali1a2b3c4d5e6 type veth peer name eth0pod',
        `ip link set eth0pod netns ${POD}`,
        'ip link set cali1a2b3c4d5e6 up',
        'sysctl -qw net.ipv4.conf.cali1a2b3c4d5e6.proxy_arp=1',
        'ip route add 10.42.1.5 dev cali1a2b3c4d5e6 scope link',
      ].join(' && '),
    );
    sh(
      POD,
      [
        'ip link set lo up',
        'ip link set eth0pod name eth0',
        'ip addr add 10.42.1.5/32 dev eth0',
        'ip addr add 172.16.5.9/32 dev eth0',
        'ip link set eth0 up',
        'ip route add 169.254.1.1 dev eth0 scope link',
      ].join(' && '),
    );
    // Calico answers the pod's ARP for 169.254.1.1 by proxy ARP (with a delay); a static entry sends at once
    const mac = sh(NODE, 'cat /sys/class/net/cali1a2b3c4d5e6/address').trim();
    sh(POD, `ip neigh replace 169.254.1.1 lladdr ${mac} dev eth0 nud permanent`);
    const ipj = (args: string[]) =>
      execFileSync('ip', ['netns', 'exec', NODE, 'ip', '-j', ...args], { encoding: 'utf8' });
    routes = parseIpRoutes(ipj(['route', 'show', 'table', 'all'])).value as IpRoute[];
    addrs = parseIpLinks(ipj(['-d', 'addr', 'show'])).value as IpLink[];
  });
  afterAll(() => {
    for (const ns of [NODE, POD]) spawnSync('ip', ['netns', 'del', ns]);
  });

  it.each([
    ["the pod's own address: the route back is its veth, rpfilter passes", '10.42.1.5', false],
    ["an address that is not the pod's (calico#4630): no route back through the veth, dropped", '172.16.5.9', true],
  ])('%s', (_, src, dropped) => {
    execFileSync('ip', ['netns', 'exec', NODE, 'iptables-restore'], { input: RULES });
    sendFrom(src);
    const kernel = counted();
    const r = simulate(
      { node: 'n', iptables: parseIptablesSave(RULES).value, routes, addrs, podCidr: '10.42.0.0/16' },
      { src, dst: '10.0.0.99', proto: 'udp', dport: 53, origin: { kind: 'local-pod', iface: 'cali1a2b3c4d5e6' } },
    );
    expect(r.branches).toHaveLength(1);
    const b = r.branches[0]!;
    const traced = new Set(
      b.steps.filter((s) => s.table === 'raw' && s.ruleIndex !== undefined).map((s) => `${s.chain}#${s.ruleIndex}`),
    );
    expect([...kernel].sort()).toEqual([...traced].sort());
    expect(kernel.has('cali-PREROUTING#4')).toBe(dropped);
    expect(b.fate.kind === 'dropped').toBe(dropped);
  });
});
