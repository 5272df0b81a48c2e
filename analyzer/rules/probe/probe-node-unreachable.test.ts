import { ruleTester } from '../testing.js';
import { probeNodeUnreachable } from './probe-node-unreachable.js';
import { checkKindCases } from './testing.js';

ruleTester(probeNodeUnreachable).run(
  checkKindCases({ check: 'node', target: { ip: '192.168.56.11', port: 10250, proto: 'tcp', node: 'worker-1' } }),
);
