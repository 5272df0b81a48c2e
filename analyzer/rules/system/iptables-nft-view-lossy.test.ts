import { ruleTester } from '../testing.js';
import { snapshotOf, sourceRecord } from '../../model/testing.js';
import { capturedNode, reference } from '../lib/host-testing.js';
import { iptablesNftViewLossy } from './iptables-nft-view-lossy.js';

const NFT_SAVE = reference('iptables-save-nft.txt');

/** every chain of a dump as nft lists it, with as many rules as the dump shows (the translation kept all) */
function nftOf(
  dump: string,
  edit: (table: string, chain: string, rules: string[]) => string[] = (_t, _c, r) => r,
): string {
  const tables = new Map<string, Map<string, string[]>>();
  let table = '';
  for (const l of dump.split('\n')) {
    if (l.startsWith('*')) tables.set((table = l.slice(1)), new Map());
    else if (l.startsWith(':')) tables.get(table)!.set(l.slice(1).split(' ')[0]!, []);
    else if (l.startsWith('-A '))
      tables
        .get(table)!
        .get(l.split(' ')[1]!)!
        .push(`counter # ${l.slice(3, 40)}`);
  }
  return [...tables]
    .map(
      ([t, chains]) =>
        `table ip ${t} {\n${[...chains]
          .map(
            ([c, rules]) =>
              `\tchain ${c} {\n${edit(t, c, rules)
                .map((r) => `\t\t${r}\n`)
                .join('')}\t}\n`,
          )
          .join('')}}\n`,
    )
    .join('');
}

// iptables 1.8.7 (nf_tables) after nft added a native rule to table ip nat: the whole table is gone
// from iptables-save (the form quoted in real outputs: "# Table `nat' is incompatible, use 'nft' tool.")
const INCOMPATIBLE_NAT = NFT_SAVE.replace(
  /\*nat\n[\s\S]*?COMMIT\n/,
  "# Table `nat' is incompatible, use 'nft' tool.\n",
);
const INCOMPATIBLE_LINE = INCOMPATIBLE_NAT.split('\n').findIndex((l) => l.startsWith('# Table')) + 1;

// a kube-proxy image's iptables newer than the host's: the DNAT target revision it cannot decode
const UNSUPPORTED = NFT_SAVE.replace(/(-A KUBE-SEP-\S+ .*-j DNAT) --to-destination \S+/, '$1 [unsupported revision]');
const UNSUPPORTED_LINE = UNSUPPORTED.split('\n').findIndex((l) => l.includes('[unsupported revision]')) + 1;

// k3s-io/k3s#11415 (k3s v1.30.6+k3s1, Ubuntu, iptables 1.8.10): a conntrack rule added with `nft`
// into table ip filter; k3s's embedded network policy controller panics listing INPUT
const K3S_PANIC =
  "Dec 05 08:05:15 abc k3s[10542]: panic: F1205 08:05:15.257193   10542 network_policy_controller.go:413] failed to list rules in filter table INPUT chain due to running [/usr/sbin/iptables -t filter -S INPUT --wait]: exit status 1: iptables v1.8.10 (nf_tables): chain `INPUT' in table `filter' is incompatible, use 'nft' tool.\n";
// projectcalico/calico#8025: felix cannot read table filter back
const FELIX =
  '2024-01-01 15:52:18.217 [ERROR][628323] felix/table.go 857: iptables-save failed because there are incompatible nft rules in the table.  Remove the nft rules to continue. ipVersion=0x4 table="filter"\n';

ruleTester(iptablesNftViewLossy).run({
  valid: [
    {
      name: 'nft lists the same chains and rule counts as iptables-save',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/nft-ruleset.txt': nftOf(NFT_SAVE) })),
    },
    {
      name: 'a legacy dump (iptables --version says legacy) is read as it is',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': reference('iptables-save-legacy.txt'),
            'host/iptables-version.txt': 'iptables v1.8.9 (legacy)\n',
          }),
        ),
    },
  ],
  invalid: [
    {
      name: 'table nat incompatible in iptables-save while nft lists it: evidence from both files',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': INCOMPATIBLE_NAT,
            'host/nft-ruleset.txt': nftOf(NFT_SAVE),
          }),
        ),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'incompatible',
          data: { table: 'nat' },
          cites: [`host/iptables-save.txt:${INCOMPATIBLE_LINE}`, 'host/nft-ruleset.txt:'],
        },
      ],
    },
    {
      name: 'the incompatible comment alone decides (no nft ruleset collected)',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': INCOMPATIBLE_NAT })),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'incompatible',
          data: { table: 'nat' },
          cites: [`host/iptables-save.txt:${INCOMPATIBLE_LINE}`],
        },
      ],
    },
    {
      name: 'iptables-save failed, its stderr says the table is incompatible (iptables 1.8.10 form, k3s-io/k3s#11415)',
      snapshot: () =>
        snapshotOf({
          ...capturedNode('worker-1', { 'host/iptables-save.txt': null }),
          extraSources: [
            sourceRecord('host/iptables-save.txt', {
              status: 'failed',
              exitCode: 1,
              stderrTail:
                "iptables v1.8.10 (nf_tables): chain `INPUT' in table `filter' is incompatible, use 'nft' tool.\n",
            }),
          ],
        }),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'incompatible',
          data: { table: 'filter' },
          cites: ['manifest.json#/sources/'],
        },
      ],
    },
    {
      name: 'a rule printed with [unsupported revision]',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': UNSUPPORTED })),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'unsupported',
          data: { count: 1, table: 'nat' },
          cites: [`host/iptables-save.txt:${UNSUPPORTED_LINE}`],
        },
      ],
    },
    {
      name: 'nft lists one rule more in filter FORWARD than the iptables view shows',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/nft-ruleset.txt': nftOf(NFT_SAVE, (t, c, r) =>
              t === 'filter' && c === 'FORWARD' ? [...r, 'ip saddr 10.244.0.0/16 fib saddr . iif oif missing drop'] : r,
            ),
          }),
        ),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'missingRules',
          data: { table: 'filter', chain: 'FORWARD' },
          cites: ['host/nft-ruleset.txt:', 'host/iptables-save.txt:'],
        },
      ],
    },
    {
      name: 'nft lists a base chain in table ip filter that iptables does not show',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/nft-ruleset.txt': nftOf(NFT_SAVE).replace(
              'table ip filter {\n',
              'table ip filter {\n\tchain extra {\n\t\ttype filter hook forward priority filter - 1; policy accept;\n\t\tdrop\n\t}\n',
            ),
          }),
        ),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'missingChain',
          data: { table: 'filter', chain: 'extra' },
        },
      ],
    },
    {
      name: "k3s's journal: the embedded network policy controller cannot list filter INPUT: fail",
      snapshot: () => snapshotOf({ node: 'abc', files: { 'host/journal/k3s.log': K3S_PANIC } }),
      findings: [
        {
          status: 'fail',
          subject: 'node:abc',
          messageId: 'componentBlocked',
          data: { table: 'filter', component: 'k3s' },
          cites: ['host/journal/k3s.log:1'],
        },
      ],
    },
    {
      name: "calico-node's felix log: incompatible nft rules in table filter: fail",
      snapshot: () =>
        snapshotOf({
          node: 'node-1',
          files: {
            'cluster/logs/calico-system/calico-node-x7k2p/calico-node.log': FELIX,
            'host/iptables-version.txt': 'iptables v1.8.9 (nf_tables)\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:node-1',
          messageId: 'componentBlocked',
          data: { table: 'filter' },
          cites: ['cluster/logs/calico-system/calico-node-x7k2p/calico-node.log:1'],
        },
      ],
    },
    {
      name: 'nf_tables view without the nft ruleset: unknown',
      snapshot: () => snapshotOf(capturedNode()),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.nft-ruleset'] }],
    },
    {
      name: 'plain 1.8.7 header and nothing that states the backend: unknown',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': NFT_SAVE.replace(' (nf_tables)', '').replace('v1.8.9', 'v1.8.7'),
          }),
        ),
      findings: [
        { status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-version', 'host.nft-ruleset'] },
      ],
    },
  ],
});
