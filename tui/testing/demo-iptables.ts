// Real `iptables-save` (nf_tables, v1.8.9) printed on this machine, kept verbatim in
// fixtures/reference/tui/iptables-save-nft.txt (from /work/shared/reference/captured-here/).
import { referenceFile } from './reference-file.js';

// worker-2 keeps it whole; worker-1 loses flannel's MASQUERADE rules (the SYS-104 fault).
export const IPTABLES_SAVE_HEALTHY = referenceFile('iptables-save-nft.txt');

/** the same ruleset with the two FLANNEL-POSTRTG MASQUERADE rules deleted */
export const IPTABLES_SAVE_NO_MASQ = IPTABLES_SAVE_HEALTHY.split('\n')
  .filter((l) => !(l.startsWith('-A FLANNEL-POSTRTG') && l.includes('-j MASQUERADE')))
  .join('\n');
