// What CoreDNS prints when it fails, across versions 1.0 -> 1.11, as the DNS rules recognise it.
// Forms looked up in coredns/coredns sources and issue threads (provenance per line):
//  - loop plugin: 1.2.x `[FATAL] plugin/loop: Seen "HINFO IN 2050421060481615995.5620656063561519376." more than
//    twice, loop detected` (coredns/coredns#2087, 1.2.2); 1.3+ `[FATAL] plugin/loop: Loop (127.0.0.1:34614 -> :53)
//    detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ..."` (#2795, 1.5.0)
//  - upstream failures, errors plugin: 1.2+ `[ERROR] plugin/errors: 2 example.com. A: read udp
//    10.244.0.2:45678->233.5.5.5:53: i/o timeout`; the forward health check's own query shows as
//    `[ERROR] plugin/errors: 2 <random>. HINFO: read udp ...->10.118.225.100:53: i/o timeout` (#5778, 1.9.4);
//    over TCP the error names no local address: `[ERROR] plugin/errors: 2 x.rds.amazonaws.com. AAAA: dial tcp
//    10.28.0.2:53: i/o timeout` (coredns/coredns#4662, 1.6.6 on EKS); only errors-plugin lines count, so the
//    kubernetes plugin's `dial tcp 10.96.0.1:443` to the API server is never taken for an upstream;
//    proxy plugin (<= 1.4) `[ERROR 2 x. PTR] unreachable backend: read udp ...: i/o timeout` / `unreachable backend:
//    no upstream host` (#1202); forward with every upstream down: `no healthy proxies` (plugin/forward ErrNoHealthy)
//  - a Corefile CoreDNS refuses: `/etc/coredns/Corefile:10 - Error during parsing: Unknown directive 'proxy'`
//    (#3368, 1.6.4; 1.5.0 printed it without quotes: istio/istio.io#4715), `plugin/kubernetes:
//    /etc/coredns/Corefile:25 - Error during parsing: unknown property 'upstream'` (traefik/mesh#685, 1.7.x)
//  - waiting for the API: `[INFO] plugin/ready: Still waiting on: "kubernetes"` (#4774, 1.8.4), with
//    `[WARNING] plugin/kubernetes: Kubernetes API connection failure: Get "https://10.96.0.1:443/version": dial tcp
//    10.96.0.1:443: i/o timeout` (kubernetes/minikube#14974) or, before 1.9.1, client-go's `E0701 ... reflector.go:178]
//    ...: Failed to list *v1.Namespace: Get "https://10.245.0.1:443/api/v1/namespaces?...": dial tcp 10.245.0.1:443:
//    i/o timeout` (jhunt/k8s-boshrelease#57)
//  - the version banner: `CoreDNS-1.6.5` (every version prints it at start)

export const LOOP_FATAL = /\[FATAL\] plugin\/loop: (?:Loop \(.*\) detected|Seen ".*" more than twice, loop detected)/;

/** a query to an upstream that failed: group 1 the upstream address, 2 its port, 3 the error */
export const UPSTREAM_FAILURE =
  /(?:(?:udp|tcp) \S*->|plugin\/errors: \d+ .* dial (?:udp|tcp) )\[?([0-9a-fA-F.:]+?)\]?:(\d+): (i\/o timeout|read: no route to host|read: connection refused|connect: connection refused|connect: network is unreachable|connect: no route to host|write: operation not permitted)/;

/** every upstream marked down (forward) or none reachable (proxy) */
export const NO_HEALTHY = /no healthy proxies|unreachable backend: no upstream host/;

/** the Corefile was rejected at start: group 1 plugin, 2 file, 3 line, 4 the error */
export const COREFILE_REJECTED = /(?:plugin\/([\w-]+): )?(?:(\S+):(\d+) - )?Error during parsing: (.+?)\s*$/;

/** the directive or property named in a parse error */
export const UNKNOWN_DIRECTIVE = /Unknown directive '?([^'\s]+)'?/;
export const UNKNOWN_PROPERTY = /unknown property:? ['"]?([^'"\s]+)['"]?/;

/**
 * The reload plugin refusing an edited Corefile: CoreDNS keeps serving the old one and would exit on its
 * next start. 1.2+ `[ERROR] plugin/reload: Corefile changed but reload failed: ...` (plugin/reload/reload.go
 * v1.2.2 line 59), 1.11 also `[WARNING] plugin/reload: Corefile parse failed: ...` (v1.11.1 line 97)
 */
export const RELOAD_REJECTED = /plugin\/reload: (?:Corefile changed but reload failed|Corefile parse failed)/;

export const READY_WAITING = /plugin\/ready: Still waiting on: "([^"]+)"/;

/** the kubernetes plugin cannot reach or list from the API server: group 1 the error */
export const API_FAILURE =
  /(?:Kubernetes API connection failure: |Failed to list \*v1\w*\.\w+: |Failed to watch \*v1\w*\.\w+: )(.*)$/;

/**
 * CoreDNS 1.5.0's client-go logging (klog) exits when it cannot write its log file after an API error:
 * `E0704 06:15:33.604992 1 reflector.go:134] ...: Failed to list *v1.Service: Get https://10.96.0.1:443/...:
 * dial tcp 10.96.0.1:443: connect: no route to host` then `log: exiting because of error: log: cannot create
 * log: open /tmp/coredns.coredns-5c98db65d4-2d7p4.unknownuser.log.ERROR.20190704-061533.1: no such file or
 * directory` (cloudnativelabs/kube-router#754, rancher/rancher#26823, kubernetes/kubeadm#1162): the pod crash-loops
 */
export const KLOG_EXIT = /log: exiting because of error: log: cannot create log/;

export const VERSION_BANNER = /CoreDNS-(\d+\.\d+\.\d+)/;
