// Real `ip -j route show table all` and `ip -j -d addr show` (iproute2 6.1) printed on this machine in
// a flannel-shaped network namespace (node 192.168.56.11, pod subnet 10.244.1.0/24), kept verbatim in
// fixtures/reference/tui/ (source: fixtures/reference/trace/). They are worker-1's host files in the
// demo, so the Trace screen follows real routes: cni0 for local pods, flannel.1 for peers, eth0 out.
import { referenceFile } from './reference-file.js';

export const IP_ROUTE_JSON = referenceFile('ip-j-route-all.json');

export const IP_ADDR_JSON = referenceFile('ip-j-d-addr.json');
