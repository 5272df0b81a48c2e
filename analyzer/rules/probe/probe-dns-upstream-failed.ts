// PRB-506: a query sent straight to one of CoreDNS's upstreams (the Corefile's forward line) failed:
// the upstream itself (DNS-402) or the probing node's egress.
import { anywhere, byNode, checkRule } from './lib.js';

export const probeDnsUpstreamFailed = checkRule({
  id: 'PRB-506',
  slug: 'probe-dns-upstream-failed',
  check: 'dns-upstream',
  title: 'Probe: a CoreDNS upstream does not answer',
  why: "The collector (--probe) sent a DNS query straight to an upstream named in the Corefile's forward line and got no answer. Every external name CoreDNS resolves goes there: a typo (233.5.5.5 for 223.5.5.5), an address unreachable from an air-gapped network, or a node whose egress is broken fails here.",
  fix: "Open the root cause this finding sits under. When nothing explains it, check the upstream from the node itself (dig @<upstream>) and fix the Corefile's forward line or the network path to it.",
  explainedBy: [...anywhere('DNS-402'), ...byNode('SYS-101', 'SYS-103', 'SYS-104', 'SYS-107')],
});
