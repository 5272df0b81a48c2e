import { ruleTester } from '../testing.js';
import { probeServiceUnreachable } from './probe-service-unreachable.js';
import { checkKindCases } from './testing.js';

ruleTester(probeServiceUnreachable).run(
  checkKindCases({
    check: 'service',
    target: { ip: '10.96.0.99', port: 80, proto: 'tcp', service: 'default/web' },
  }),
);
