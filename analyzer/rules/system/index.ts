// The system-layer rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';
import { ipForwardDisabled } from './ip-forward-disabled.js';
import { bridgeNfCallIptablesOff } from './bridge-nf-call-iptables-off.js';
import { forwardChainDropsPodTraffic } from './forward-chain-drops-pod-traffic.js';

export const systemRules: readonly Rule[] = [ipForwardDisabled, bridgeNfCallIptablesOff, forwardChainDropsPodTraffic];
