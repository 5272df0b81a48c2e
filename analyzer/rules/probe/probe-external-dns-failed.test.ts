import { ruleTester } from '../testing.js';
import { probeExternalDnsFailed } from './probe-external-dns-failed.js';
import { checkKindCases } from './testing.js';

ruleTester(probeExternalDnsFailed).run(
  checkKindCases({
    check: 'dns-external',
    target: { ip: '10.96.0.10', port: 53, proto: 'udp', name: 'kubernetes.io', service: 'kube-system/kube-dns' },
  }),
);
