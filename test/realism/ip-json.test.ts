// Generated `ip -j` output must have the keys and value types the real iproute2 prints for the same
// kind of object. The reference is captured live in a namespace set up like a flannel node (root
// needed); otherwise the copies in fixtures/reference/generate are used.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleDirs, isDamaged, readIfExists } from './scenario-files.js';

type Obj = Record<string, unknown>;
const REF = fileURLToPath(new URL('../../fixtures/reference/generate/', import.meta.url));
const A = `netsnap-ipj-${process.pid}`;
const B = `netsnap-ipj-pod-${process.pid}`;

const SETUP = [
  ['netns', 'add', A],
  ['netns', 'add', B],
  ['-n', A, 'link', 'set', 'lo', 'up'],
  ['-n', A, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p'],
  ['-n', A, 'addr', 'add', '192.168.56.11/24', 'brd', '+', 'dev', 'eth0'],
  ['-n', A, 'link', 'set', 'eth0', 'up'],
  ['-n', A, 'link', 'set', 'eth0p', 'up'],
  ['-n', A, 'link', 'add', 'cni0', 'type', 'bridge'],
  ['-n', A, 'addr', 'add', '10.244.1.1/24', 'brd', '+', 'dev', 'cni0'],
  ['-n', A, 'link', 'set', 'cni0', 'up'],
  ['-n', A, 'link', 'add', 'veth0a1b2c3', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', B],
  ['-n', A, 'link', 'set', 'veth0a1b2c3', 'master', 'cni0'],
  ['-n', A, 'link', 'set', 'veth0a1b2c3', 'up'],
  ['-n', B, 'link', 'set', 'eth0', 'up'],
  [
    '-n',
    A,
    'link',
    'add',
    'flannel.1',
    'type',
    'vxlan',
    'id',
    '1',
    'local',
    '192.168.56.11',
    'dev',
    'eth0',
    'dstport',
    '8472',
    'nolearning',
  ],
  ['-n', A, 'addr', 'add', '10.244.1.0/32', 'dev', 'flannel.1'],
  ['-n', A, 'link', 'set', 'flannel.1', 'up'],
  ['-n', A, 'route', 'add', '10.244.2.0/24', 'via', '10.244.2.0', 'dev', 'flannel.1', 'onlink'],
  ['-n', A, 'route', 'add', 'default', 'via', '192.168.56.1', 'dev', 'eth0'],
];

function capture(): { links: Obj[]; addrs: Obj[]; routes: Obj[]; live: boolean } {
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v ip']).status === 0) {
    try {
      for (const args of SETUP) execFileSync('ip', args, { stdio: 'pipe' });
      const j = (...args: string[]) =>
        JSON.parse(execFileSync('ip', ['-n', A, '-j', ...args], { encoding: 'utf8' })) as Obj[];
      return {
        links: j('-d', 'link', 'show'),
        addrs: j('-d', 'addr', 'show'),
        routes: j('route', 'show', 'table', 'all'),
        live: true,
      };
    } catch (e) {
      console.log(
        `[realism] live ip capture failed (${(e as Error).message.split('\n')[0]}); using fixtures/reference/generate`,
      );
    } finally {
      spawnSync('ip', ['netns', 'del', A]);
      spawnSync('ip', ['netns', 'del', B]);
    }
  } else
    console.log('[realism] not root or no ip: comparing against fixtures/reference/generate instead of a live capture');
  const f = (n: string) => JSON.parse(readFileSync(join(REF, n), 'utf8')) as Obj[];
  return { links: f('ip-j-d-link.json'), addrs: f('ip-j-d-addr.json'), routes: f('ip-j-route-all.json'), live: false };
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
/** a link's kind: vxlan, bridge, veth (bridge port or not), none */
const kindOf = (l: Obj): string => {
  const li = l.linkinfo as Obj | undefined;
  return li
    ? `${li.info_kind}${li.info_slave_kind ? `/${li.info_slave_kind}` : ''}`
    : l.ifname === 'lo'
      ? 'loopback'
      : 'none';
};

/** key -> set of types, over many objects */
function shape(objs: readonly Obj[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const o of objs)
    for (const [k, v] of Object.entries(o)) {
      const s = m.get(k) ?? new Set();
      s.add(typeOf(v));
      m.set(k, s);
    }
  return m;
}

/** keys/types of `gen` not seen in `ref` */
function differences(where: string, gen: readonly Obj[], ref: readonly Obj[]): string[] {
  const r = shape(ref);
  const out: string[] = [];
  for (const [k, types] of shape(gen)) {
    const rt = r.get(k);
    if (!rt) out.push(`${where}: key "${k}" not printed by iproute2`);
    else
      for (const t of types)
        if (!rt.has(t)) out.push(`${where}: key "${k}" is ${t}, iproute2 prints ${[...rt].join('/')}`);
  }
  return out;
}

const generated = (file: string): Obj[] =>
  bundleDirs().flatMap((b) =>
    isDamaged(b.scenario, file) ? [] : (JSON.parse(readIfExists(join(b.dir, file)) ?? '[]') as Obj[]),
  );

describe('ip -j output looks like iproute2 6.1', () => {
  let real: ReturnType<typeof capture>;
  beforeAll(() => {
    real = capture();
  });

  it('links: same keys and types per link kind, both ways for kinds the capture has', () => {
    const gen = generated('host/ip-link.json');
    expect(gen.length).toBeGreaterThan(100);
    const problems: string[] = [];
    const kinds = new Set(gen.map(kindOf));
    for (const kind of kinds) {
      const g = gen.filter((l) => kindOf(l) === kind);
      const ref = real.links.filter((l) => kindOf(l) === kind);
      // physical NICs (no linkinfo) and dummy links cannot be made here: compare with every link
      const base = ref.length ? ref : real.links.map(({ linkinfo: _l, link: _k, ...rest }) => rest);
      problems.push(
        ...differences(
          `link kind ${kind}`,
          g.map(({ linkinfo: _l, ...rest }) => rest),
          base.map(({ linkinfo: _l, ...rest }) => rest),
        ),
      );
      if (ref.length && real.live) {
        const gk = shape(g);
        for (const k of shape(ref).keys())
          if (!gk.has(k) && k !== 'link')
            problems.push(`link kind ${kind}: iproute2 prints "${k}", generated links lack it`);
      }
      const gi = g.map((l) => (l.linkinfo as Obj | undefined) ?? {});
      const ri = ref.map((l) => (l.linkinfo as Obj | undefined) ?? {});
      if (ref.length) {
        problems.push(...differences(`linkinfo ${kind}`, gi, ri));
        for (const sub of ['info_data', 'info_slave_data'])
          problems.push(
            ...differences(
              `linkinfo.${sub} ${kind}`,
              gi.map((x) => (x[sub] as Obj) ?? {}),
              ri.map((x) => (x[sub] as Obj) ?? {}),
            ),
          );
      }
    }
    expect(problems).toEqual([]);
  });

  it('addresses: addr_info entries and the link part have the real keys and types', () => {
    const gen = generated('host/ip-addr.json');
    const refInfo = real.addrs.flatMap((l) => l.addr_info as Obj[]);
    const extra = real.live ? [] : [{ broadcast: '192.168.56.255' }]; // the stored capture has no brd address
    const problems = differences(
      'addr_info',
      gen.flatMap((l) => l.addr_info as Obj[]),
      [...refInfo, ...extra],
    );
    problems.push(
      ...differences(
        'addr link part',
        gen.map(({ linkinfo: _l, addr_info: _a, ...r }) => r),
        real.addrs.map(({ linkinfo: _l, addr_info: _a, ...r }) => r),
      ).filter((p) => real.live || !/link_index|link_netnsid/.test(p)),
    );
    expect(problems).toEqual([]);
  });

  it('routes: every entry has the keys and types of a real route entry', () => {
    const gen = generated('host/ip-route.json');
    expect(
      gen.some((r) => r.dev === 'flannel.1' && Array.isArray(r.flags) && (r.flags as string[]).includes('onlink')),
    ).toBe(true);
    expect(differences('route', gen, real.routes)).toEqual([]);
  });

  it('the comparison can fail', () => {
    expect(differences('t', [{ ifname: 1, bogus: true }], [{ ifname: 'eth0' }])).toHaveLength(2);
  });
});
