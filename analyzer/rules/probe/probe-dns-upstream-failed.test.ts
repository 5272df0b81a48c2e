import { ruleTester } from '../testing.js';
import { probeDnsUpstreamFailed } from './probe-dns-upstream-failed.js';
import { checkKindCases } from './testing.js';

ruleTester(probeDnsUpstreamFailed).run(
  checkKindCases({
    check: 'dns-upstream',
    target: { ip: '192.168.56.2', port: 53, proto: 'udp', name: 'kubernetes.io' },
  }),
);
