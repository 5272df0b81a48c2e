// What kubeadm installs, as real clusters show it (/work/shared/reference/06-coredns.txt): one copy
// for the scenario generator, the test builders and the demo.

/** the CoreDNS Corefile kubeadm 1.27-1.31 writes into the kube-system/coredns ConfigMap */
export const KUBEADM_COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** the kubeadm Corefile with `forward . /etc/resolv.conf` pointed elsewhere (e.g. "233.5.5.5 114.114.114.114") */
export const corefileForwardingTo = (to: string): string =>
  KUBEADM_COREFILE.replace('forward . /etc/resolv.conf', `forward . ${to}`);
