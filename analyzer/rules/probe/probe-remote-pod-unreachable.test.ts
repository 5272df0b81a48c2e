import { ruleTester } from '../testing.js';
import { probeRemotePodUnreachable } from './probe-remote-pod-unreachable.js';
import { checkKindCases } from './testing.js';

ruleTester(probeRemotePodUnreachable).run(
  checkKindCases({
    check: 'remote-pod',
    target: { ip: '10.244.2.7', proto: 'icmp', pod: 'default/web-2', node: 'worker-2' },
  }),
);
