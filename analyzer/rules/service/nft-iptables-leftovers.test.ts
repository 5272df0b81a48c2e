import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';
import { reference } from '../lib/host-testing.js';
import { nftIptablesLeftovers } from './nft-iptables-leftovers.js';

// real: kube-proxy's nftables ruleset from its own test, loaded and listed with nft 1.0.6 (fixtures/reference/nft)
const NFT = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/nft/kube-proxy-nftables.json', import.meta.url)),
  'utf8',
);
// the same listing without table ip kube-proxy: what a node in another mode shows
const NFT_EMPTY = JSON.stringify({ nftables: [JSON.parse(NFT).nftables[0]] });
const CONF = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)),
  'utf8',
);
const cm = (conf: string) => ({
  'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
    name: 'kube-proxy',
    data: { 'config.conf': conf },
  }),
});
// real flannel + kube-proxy iptables dumps (fixtures/reference/system); without the KUBE-SVC jumps: flannel only
const LEGACY = reference('iptables-save-legacy.txt');
const NFT_SAVE_NO_SVC = reference('iptables-save-nft.txt')
  .split('\n')
  .filter((l) => !/-j KUBE-(SVC|SVL)-/.test(l))
  .join('\n');
const snap = (files: Record<string, string | object>) => snapshotOf({ node: 'worker-1', files });

ruleTester(nftIptablesLeftovers).run({
  valid: [
    {
      name: 'nftables table, iptables holds no Service rules',
      snapshot: () =>
        snap({
          'host/nft-ruleset.json': NFT,
          'host/iptables-save.txt': NFT_SAVE_NO_SVC,
          'host/iptables-legacy-save.txt': '',
        }),
    },
    {
      name: 'iptables mode, nft listing without a kube-proxy table',
      snapshot: () => snap({ 'host/nft-ruleset.json': NFT_EMPTY, 'host/iptables-legacy-save.txt': LEGACY }),
    },
    {
      name: 'iptables mode configured, no nft listing',
      snapshot: () => snap({ ...cm(CONF), 'host/iptables-save.txt': reference('iptables-save-nft.txt') }),
    },
  ],
  invalid: [
    {
      name: 'nftables table and iptables-legacy KUBE-SVC rules',
      snapshot: () => snap({ 'host/nft-ruleset.json': NFT, 'host/iptables-legacy-save.txt': LEGACY }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'both',
          cites: ['host/nft-ruleset.json#/nftables/1', 'host/iptables-legacy-save.txt:52'],
        },
      ],
    },
    {
      name: 'nftables table and iptables-nft KUBE-SVC rules',
      snapshot: () =>
        snap({ 'host/nft-ruleset.json': NFT, 'host/iptables-save.txt': reference('iptables-save-nft.txt') }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'both',
          cites: ['host/nft-ruleset.json#/nftables/1', 'host/iptables-save.txt:52'],
        },
      ],
    },
    {
      name: 'nftables table, no iptables dump: unknown',
      snapshot: () => snap({ 'host/nft-ruleset.json': NFT }),
      findings: [
        { status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-legacy-save', 'host.iptables-save'] },
      ],
    },
    {
      name: 'nftables table, the legacy dump not collected: unknown',
      snapshot: () => snap({ 'host/nft-ruleset.json': NFT, 'host/iptables-save.txt': NFT_SAVE_NO_SVC }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-legacy-save'] }],
    },
    {
      name: 'no nft listing and no mode: unknown',
      snapshot: () => snap({ 'host/iptables-save.txt': reference('iptables-save-nft.txt') }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.nft-ruleset-json'] }],
    },
  ],
});
