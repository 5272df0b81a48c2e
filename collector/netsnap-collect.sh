#!/bin/sh
# netsnap-collect.sh: gather what a Kubernetes networking expert looks at on one node into
# netsnap-<node>-<UTC yyyymmddThhmmssZ>.tar.gz, for `netsnap analyze` on another machine.
#
# Portable POSIX sh (dash, bash, busybox ash). Needs only sh, tar and gzip; uses every other tool
# below when present and records a source as "absent" when it is not. Never fatal per source:
# each failure is recorded in manifest.json and the run goes on. Format: docs/bundle-format.md.
#
# Read-only by design. It never changes the node or the cluster, and never reads Secrets,
# service-account tokens, kubeconfig files (kubectl reads the one you name; this script does not)
# or /var/lib/kubelet/pki. ipvsadm runs only when ip_vs is already loaded (ipvsadm would modprobe
# it) and conntrack only when nf_conntrack is. Every command it may run, as a glob over its argv
# (a test checks each real invocation against this block):
# BEGIN READ-ONLY COMMANDS
#   kubectl version -o json *
#   kubectl get nodes -o json --chunk-size=500 *
#   kubectl get * -A -o json --chunk-size=500 *
#   kubectl get --raw /api* *
#   kubectl get configmap -n * -o json *
#   kubectl get pods -A -l * -o jsonpath=* *
#   kubectl logs -n * --timestamps --tail * *
#   iptables --version
#   iptables-save
#   iptables-legacy-save
#   iptables-nft-save
#   ip6tables-save
#   nft list ruleset
#   nft -j list ruleset
#   ipvsadm -Ln
#   ipvsadm -Ln --stats
#   ipset list -n
#   ipset list
#   ip -j -d addr show
#   ip -j -d link show
#   ip -j route show table all
#   ip -j rule show
#   ip -j neigh show
#   ip -V
#   bridge -j fdb show dev flannel.1
#   conntrack -S
#   curl -sS --max-time * --max-filesize * http://*/metrics
#   wget -q -T * -O - http://*/metrics
#   bash -c * netsnap-metrics * *
#   uname -a
#   uname -r
#   hostname
#   id -u
#   date -u +*
#   cat *
#   tail -c * *
#   tail -n * *
#   journalctl -u * --no-pager -n * -o short-iso
#   head -c *
#   wc -c
#   true
#   od -An -v -to1
#   tr -c *
#   mktemp -d *
#   mkdir *
#   mv -f *
#   rm -rf *
#   rm -f *
#   timeout *
#   sleep *
#   tar -C * -cf - *
#   gzip -c
#   kubectl get pods -A --field-selector=status.phase=Running -o jsonpath=* *
#   kubectl get nodes -o jsonpath=* *
#   kubectl get services -A -l k8s-app=kube-dns -o jsonpath=* *
#   kubectl get service -n default kubernetes -o jsonpath=* *
#   kubectl get services -A -o jsonpath=* *
#   nsenter -t * -n *
#   ping -c 1 -W * *
#   busybox ping -c 1 -W * *
#   bash -c exec 3<>/dev/tcp/*
#   nc --help
#   nc -z -w * * *
#   busybox nc -w * * *
#   dig +time=* +tries=1 @* * A
#   nslookup * *
#   busybox nslookup * *
# END READ-ONLY COMMANDS
# (mkdir/rm/mktemp touch only the private staging directory; cat reads only the files listed in
# host sources; timeout/sleep bound other commands. Distribution config files, static pod
# manifests and args files are read by the shell itself and written with the values of
# secret-like keys and flags replaced: see scrub_file.)
# --probe is the one exception to "sends nothing": only with that flag, and only after every other
# source was read, it sends a bounded number of pings, TCP connects and DNS queries from this node
# and from one pod's network namespace (nsenter -t <pid> -n; ping/nc/nslookup/dig/bash above run
# under timeout, in the host or that pod network namespace). It changes nothing. docs/probes.md.

COLLECTOR_VERSION=1.1.0
LC_ALL=C
export LC_ALL
umask 077

usage() {
  cat <<'EOF'
usage: sh netsnap-collect.sh [options]

Collect this node's networking state and the cluster objects it depends on into
netsnap-<node>-<UTC time>.tar.gz. Read-only; safe to run on a broken node.

  -o FILE             write the bundle to FILE (default: ./netsnap-<node>-<time>.tar.gz);
                      -o - writes it to stdout (all messages stay on stderr)
  --kubeconfig FILE   kubeconfig for kubectl (default: kubectl's own choice)
  --context NAME      kubeconfig context
  --no-cluster        skip everything that needs kubectl
  --no-host           skip this node's host sources
  --log-lines N       tail this many lines of each collected pod log (default 2000)
  --timeout SECONDS   per-command time limit (default 20; each page of a list is one command)
  --page-size N       items per page when listing pods, services... (default 5000)
  --node NAME         this node's Kubernetes name (default: hostname)
  --probe             ALSO SEND PACKETS: ping, TCP connects and DNS queries from this node and
                      from one running pod's network namespace (host/probes.json, docs/probes.md)
  --air-gapped        with --probe: external targets are expected to fail (detected when this
                      node has no default route)
  --probe-external IP with --probe: the external IP to ping (default 8.8.8.8)
  --probe-name NAME   with --probe: the external name to resolve (default kubernetes.io)
  --probe-timeout S   with --probe: seconds per attempt (default 2; each probe makes 2 attempts)
  --kube-proxy-metrics HOST:PORT
                      kube-proxy's metricsBindAddress (default 127.0.0.1:10249)
  -h, --help          show this help
EOF
}

die() { printf 'netsnap: error: %s\n' "$*" >&2; exit 2; }

OUT='' KUBECONFIG_ARG='' CONTEXT_ARG='' NO_CLUSTER=0 NO_HOST=0 LOG_LINES=2000 TIMEOUT_S=20 NODE=''
KP_METRICS=127.0.0.1:10249 KP_METRICS_FLAG=0
# items per page of a list: see "lists, page by page" below and docs/collector.md for why 5000
PAGE_LIMIT=5000
FLAGS_JSON=''
add_flag() { FLAGS_JSON="$FLAGS_JSON${FLAGS_JSON:+,}$(json_str "$1")"; }

is_uint() { case $1 in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }
# is_ipv4 S: four dot-separated numbers 0..255 (what probes accept as a target from the cluster)
is_ipv4() {
  case $1 in *[!0-9.]*|.*|*.|*..*) return 1 ;; *.*.*.*.*) return 1 ;; *.*.*.*) ;; *) return 1 ;; esac
  _ifs=$IFS; IFS=.; set -- $1; IFS=$_ifs
  for _q in "$@"; do [ "${#_q}" -le 3 ] && [ "$_q" -le 255 ] || return 1; done
}
# is_dns_name S: letters, digits, dots and dashes only (a name passed to nslookup/dig)
is_dns_name() { case $1 in ''|-*|*[!A-Za-z0-9.-]*) return 1 ;; *) [ "${#1}" -le 253 ] ;; esac; }
PROBE=0 AIR_GAPPED_FLAG=0 PROBE_EXTERNAL=8.8.8.8 PROBE_NAME=kubernetes.io PROBE_TIMEOUT_S=2

# --- JSON string escaping in sh -------------------------------------------------------------
# od prints each byte as 3 octal digits; a state machine keeps valid UTF-8 sequences, replaces
# invalid bytes with U+FFFD and escapes quotes, backslashes and control characters. Output goes
# through one printf whose format holds only octal escapes, so no byte is ever interpreted.
hex_digit() {
  case $1 in 10) HD=a ;; 11) HD=b ;; 12) HD=c ;; 13) HD=d ;; 14) HD=e ;; 15) HD=f ;; *) HD=$1 ;; esac
}
json_escape_od() {
  _f='"' _need=0 _seq='' _lo=128 _hi=191
  while read -r _line; do
    for _o in $_line; do
      _n=$((0$_o))
      if [ "$_need" -gt 0 ]; then
        if [ "$_n" -ge "$_lo" ] && [ "$_n" -le "$_hi" ]; then
          _seq="$_seq\\$_o" _need=$((_need - 1)) _lo=128 _hi=191
          [ "$_need" -eq 0 ] && _f="$_f$_seq" && _seq=''
          continue
        fi
        _f="$_f\\357\\277\\275" _need=0 _seq=''
      fi
      if [ "$_n" -lt 32 ]; then
        case $_n in
          8) _f="$_f\\\\b" ;; 9) _f="$_f\\\\t" ;; 10) _f="$_f\\\\n" ;; 12) _f="$_f\\\\f" ;; 13) _f="$_f\\\\r" ;;
          *) hex_digit $((_n % 16)); _f="$_f\\\\u00$((_n / 16))$HD" ;;
        esac
      elif [ "$_n" -eq 34 ]; then _f="$_f\\\\\""
      elif [ "$_n" -eq 92 ]; then _f="$_f\\\\\\\\"
      elif [ "$_n" -lt 128 ]; then _f="$_f\\$_o"
      elif [ "$_n" -ge 194 ] && [ "$_n" -le 223 ]; then _need=1 _seq="\\$_o"
      elif [ "$_n" -eq 224 ]; then _need=2 _seq="\\$_o" _lo=160
      elif [ "$_n" -eq 237 ]; then _need=2 _seq="\\$_o" _hi=159
      elif [ "$_n" -ge 225 ] && [ "$_n" -le 239 ]; then _need=2 _seq="\\$_o"
      elif [ "$_n" -eq 240 ]; then _need=3 _seq="\\$_o" _lo=144
      elif [ "$_n" -ge 241 ] && [ "$_n" -le 243 ]; then _need=3 _seq="\\$_o"
      elif [ "$_n" -eq 244 ]; then _need=3 _seq="\\$_o" _hi=143
      else _f="$_f\\357\\277\\275"
      fi
    done
  done
  [ "$_need" -gt 0 ] && _f="$_f\\357\\277\\275"
  printf "$_f\""
}
# json_str STRING: print STRING as a JSON string literal
json_str() {
  case $1 in
    *[!-A-Za-z0-9_./:=,@+\ ]*) printf '%s' "$1" | od -An -v -to1 | json_escape_od ;;
    *) printf '"%s"' "$1" ;;
  esac
}
# json_file_tail FILE: the last 1024 bytes of FILE as a JSON string literal
json_file_tail() {
  if [ ! -s "$1" ]; then printf '""'; return; fi
  if have tail; then tail -c 1024 "$1"; else cat "$1"; fi | od -An -v -to1 | json_escape_od
}

have() { command -v "$1" >/dev/null 2>&1; }

# --- arguments --------------------------------------------------------------------------------
need_arg() { [ "$2" -ge 2 ] || die "$1 needs a value (see -h)"; }
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    -o) need_arg "$1" $#; OUT=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --kubeconfig) need_arg "$1" $#; KUBECONFIG_ARG=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --context) need_arg "$1" $#; CONTEXT_ARG=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --no-cluster) NO_CLUSTER=1; add_flag "$1" ;;
    --no-host) NO_HOST=1; add_flag "$1" ;;
    --log-lines) need_arg "$1" $#; is_uint "$2" || die "--log-lines wants a number, got '$2'"
      LOG_LINES=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --timeout) need_arg "$1" $#; is_uint "$2" && [ "$2" -gt 0 ] || die "--timeout wants seconds > 0, got '$2'"
      TIMEOUT_S=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --page-size) need_arg "$1" $#; is_uint "$2" && [ "$2" -gt 0 ] || die "--page-size wants a number > 0, got '$2'"
      PAGE_LIMIT=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --node) need_arg "$1" $#; NODE=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --probe) PROBE=1; add_flag "$1" ;;
    --air-gapped) AIR_GAPPED_FLAG=1; add_flag "$1" ;;
    --probe-external) need_arg "$1" $#; is_ipv4 "$2" || die "--probe-external wants an IPv4 address, got '$2'"
      PROBE_EXTERNAL=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --probe-name) need_arg "$1" $#; is_dns_name "$2" || die "--probe-name wants a DNS name, got '$2'"
      PROBE_NAME=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --probe-timeout) need_arg "$1" $#; is_uint "$2" && [ "$2" -gt 0 ] && [ "$2" -le 30 ] || die "--probe-timeout wants seconds 1..30, got '$2'"
      PROBE_TIMEOUT_S=$2; add_flag "$1"; add_flag "$2"; shift ;;
    --kube-proxy-metrics) need_arg "$1" $#
      case $2 in *[!A-Za-z0-9.:_-]*|'') die "--kube-proxy-metrics wants HOST:PORT, got '$2'" ;; esac
      KP_METRICS=$2 KP_METRICS_FLAG=1; add_flag "$1"; add_flag "$2"; shift ;;
    *) die "unknown option '$1' (see -h)" ;;
  esac
  shift
done

# --- identity ---------------------------------------------------------------------------------
HOSTNAME_V=$(cat /proc/sys/kernel/hostname 2>/dev/null) || HOSTNAME_V=''
[ -n "$HOSTNAME_V" ] || HOSTNAME_V=$(hostname 2>/dev/null) || HOSTNAME_V=''
[ -n "$HOSTNAME_V" ] || HOSTNAME_V=$(uname -n 2>/dev/null) || HOSTNAME_V=unknown
[ -n "$NODE" ] || NODE=$HOSTNAME_V
KERNEL=$(cat /proc/sys/kernel/osrelease 2>/dev/null) || KERNEL=''
[ -n "$KERNEL" ] || KERNEL=$(uname -r 2>/dev/null) || KERNEL=''
USER_UID=$(id -u 2>/dev/null) || USER_UID=''
if ! is_uint "$USER_UID"; then
  USER_UID=''
  while read -r _k _v _rest; do [ "$_k" = Uid: ] && USER_UID=$_v && break; done </proc/self/status 2>/dev/null
fi
if [ "$USER_UID" = 0 ]; then IS_ROOT=true; else IS_ROOT=false; fi

# One clock reading names the file and stamps the manifest.
set -- $(date -u '+%Y-%m-%dT%H:%M:%SZ %Y%m%dT%H%M%SZ' 2>/dev/null)
CREATED_AT=${1:-1970-01-01T00:00:00Z}
STAMP=${2:-19700101T000000Z}
SAFE_NODE=$NODE
case $SAFE_NODE in *[!A-Za-z0-9._-]*) SAFE_NODE=$(printf '%s' "$NODE" | tr -c 'A-Za-z0-9._-' '_') ;; esac
[ -n "$OUT" ] || OUT="./netsnap-$SAFE_NODE-$STAMP.tar.gz"

# Fail before collecting anything if the bundle could never be written. `-o -` streams the
# tarball to stdout (netsnap collect runs the script as `ssh node sh -s` and reads it back), so
# staging can only fall back to /dev/shm, and nothing but the tarball may reach stdout.
if [ "$OUT" = - ]; then
  OUT_DIR=/dev/shm
  [ -t 1 ] && die "-o - writes a tarball to stdout, which is a terminal; redirect it (> bundle.tar.gz)"
else
OUT_DIR=${OUT%/*}
[ "$OUT_DIR" = "$OUT" ] && OUT_DIR=.
[ -n "$OUT_DIR" ] || OUT_DIR=/
[ -d "$OUT_DIR" ] || die "cannot write $OUT: directory $OUT_DIR does not exist (choose another path with -o)"
[ -w "$OUT_DIR" ] || die "cannot write $OUT: directory $OUT_DIR is not writable by uid $USER_UID (choose another path with -o)"
[ -d "$OUT" ] && die "cannot write $OUT: it is a directory (give a file name with -o)"
fi

# --- staging ----------------------------------------------------------------------------------
# A private staging directory: in $TMPDIR (or /tmp), else next to the output file, so a node whose
# filesystem is read-only apart from the output directory still gets its bundle.
WORK=''
for _t in "${TMPDIR:-/tmp}" "$OUT_DIR"; do
  WORK=$(mktemp -d "$_t/netsnap.XXXXXX" 2>/dev/null) || WORK=''
  if [ -z "$WORK" ]; then
    WORK="$_t/.netsnap.$$.$STAMP"
    mkdir "$WORK" 2>/dev/null || WORK=''
  fi
  [ -n "$WORK" ] && break
done
[ -n "$WORK" ] || die "cannot create a staging directory in ${TMPDIR:-/tmp} or $OUT_DIR (set TMPDIR to a writable directory)"
STAGE=$WORK/bundle
mkdir -p "$STAGE" || die "cannot create $STAGE"
PART_PIDS=''
cleanup() { for _p in $PART_PIDS; do kill "$_p" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- running one source -----------------------------------------------------------------------
TIMEOUT_FORM=none
if have timeout; then
  if timeout -k 2 5 true 2>/dev/null; then TIMEOUT_FORM=k; elif timeout -t 5 true 2>/dev/null; then TIMEOUT_FORM=t; fi
fi
now_ms() {
  if { read -r _up _rest </proc/uptime; } 2>/dev/null; then
    case $_up in
      *.??) NOW=$(( ${_up%.*} * 1000 + (1${_up#*.} - 100) * 10 )); return ;;
    esac
  fi
  NOW=$(( $(date +%s 2>/dev/null || echo 0) * 1000 ))
}
# run_limited CMD...: run CMD under the per-command time limit; exit 124 when it was cut off
run_limited() {
  case $TIMEOUT_FORM in
    k) timeout -k 2 "$TIMEOUT_S" "$@"; return ;;
    t) timeout -t "$TIMEOUT_S" "$@"; return ;;
  esac
  # No timeout(1): a watchdog subshell kills the command and leaves a flag.
  rm -f "$WORK/cutoff.$PART"
  "$@" &
  _cmd_pid=$!
  (sleep "$TIMEOUT_S"; kill "$_cmd_pid" 2>/dev/null && : >"$WORK/cutoff.$PART") </dev/null >/dev/null 2>&1 &
  _wd_pid=$!
  wait "$_cmd_pid"; _rc=$?
  kill "$_wd_pid" 2>/dev/null
  [ -e "$WORK/cutoff.$PART" ] && return 124
  return "$_rc"
}
# record ID PATH COMMAND STATUS EXITCODE DURATION_MS BYTES STDERR_FILE
record() {
  {
    printf '{"id":'; json_str "$1"; printf ',"path":'; json_str "$2"; printf ',"command":'; json_str "$3"
    printf ',"status":"%s","exitCode":%s,"durationMs":%s,"bytes":%s,"stderrTail":' "$4" "$5" "$6" "$7"
    json_file_tail "$8"; printf '}\n'
  } >>"$WORK/records.$PART"
  _why=''
  if [ "$4" != ok ] && [ -s "$8" ]; then
    while IFS= read -r _l; do [ -n "$_l" ] && _why=$_l; done <"$8"
    _why=": $_why"
  fi
  printf 'netsnap: %-7s %s%s\n' "$4" "$1" "$_why" >&2
}
# note FILE TEXT: write a one-line explanation used as a source's stderrTail
note() { printf '%s\n' "$2" >"$1"; }
file_bytes() {
  if [ -f "$1" ]; then set -- $(wc -c <"$1" 2>/dev/null); echo "${1:-0}"; else echo 0; fi
}

# classify EXITCODE DURATION_MS STDERR_FILE: the status of a command that ran, in _st
classify() {
  _st=failed
  if [ "$1" -eq 0 ]; then _st=ok
  elif [ "$1" -eq 124 ]; then _st=timeout
  elif { [ "$1" -eq 143 ] || [ "$1" -eq 137 ]; } && [ "$2" -ge $((TIMEOUT_S * 1000 - 200)) ]; then _st=timeout
  elif [ "$1" -eq 126 ]; then _st=denied
  elif [ "$1" -eq 127 ]; then _st=absent
  else
    _e=''
    if have tail; then _e=$(tail -c 2048 "$3" 2>/dev/null); else _e=$(cat "$3" 2>/dev/null); fi
    case $_e in
      *'(Forbidden)'*|*' is forbidden: '*|*'ermission denied'*|*'must be root'*|*'Operation not permitted'*) _st=denied ;;
      *'(NotFound)'*|*'No such file or directory'*) _st=absent ;;
    esac
  fi
}

# run_source ID PATH CMD...: run CMD with stdout to the bundle PATH; classify and record it
run_source() {
  _id=$1 _path=$2; shift 2
  _cmd=${_disp:-$*} _disp=''
  _out=$STAGE/$_path _err=$WORK/err.$PART _tmp=$WORK/out.$PART
  if ! have "$1"; then
    note "$_err" "$1: command not found on PATH"
    record "$_id" "$_path" "$_cmd" absent null null 0 "$_err"; return
  fi
  now_ms; _t0=$NOW
  run_limited "$@" >"$_tmp" 2>"$_err"
  _rc=$?
  now_ms; _ms=$((NOW - _t0))
  [ "$_ms" -ge 0 ] || _ms=0
  classify "$_rc" "$_ms" "$_err"
  # a tool that exits 0 but says it could not see what was asked (OK_DENIED_PAT) was denied
  if [ "$_st" = ok ] && [ -n "$OK_DENIED_PAT" ]; then
    case $(cat "$_err" 2>/dev/null) in *"$OK_DENIED_PAT"*|*'due to insufficient permissions'*) _st=denied ;; esac
  fi
  # A file in the bundle means the tool answered: only ok sources keep their output.
  if [ "$_st" = ok ]; then
    _b=$(file_bytes "$_tmp")
    mkdir -p "${_out%/*}" && mv -f "$_tmp" "$_out"
  else rm -f "$_tmp"; _b=0; fi
  LAST_STATUS=$_st
  record "$_id" "$_path" "$_cmd" "$_st" "$_rc" "$_ms" "$_b" "$_err"
}

# copy_source ID PATH FILE: copy a host file verbatim
copy_source() {
  _err=$WORK/err.$PART
  if [ ! -e "$3" ]; then
    note "$_err" "$3: No such file or directory"
    record "$1" "$2" "cat $3" absent null null 0 "$_err"
  elif [ ! -r "$3" ]; then
    note "$_err" "$3: Permission denied (uid $USER_UID)"
    record "$1" "$2" "cat $3" denied null null 0 "$_err"
  else
    run_source "$1" "$2" cat "$3"
  fi
}

skip_source() {
  note "$WORK/err.$PART" "skipped: $3"
  record "$1" "$2" "$4" skipped null null 0 "$WORK/err.$PART"
}

# --- cluster sources --------------------------------------------------------------------------
# kube ID PATH KUBECTL-ARGS...: one kubectl source. The discovery cache goes to the staging dir
# so the node is left as it was.
kube() {
  _kid=$1 _kpath=$2; shift 2
  [ -n "$KUBECONFIG_ARG" ] && set -- "$@" --kubeconfig "$KUBECONFIG_ARG"
  [ -n "$CONTEXT_ARG" ] && set -- "$@" --context "$CONTEXT_ARG"
  _disp="kubectl $*"
  run_source "$_kid" "$_kpath" kubectl "$@" --cache-dir "$WORK/kcache"
}
# kube_query KUBECTL-ARGS...: a helper query (not a source); stdout to the caller
kube_query() {
  [ -n "$KUBECONFIG_ARG" ] && set -- "$@" --kubeconfig "$KUBECONFIG_ARG"
  [ -n "$CONTEXT_ARG" ] && set -- "$@" --context "$CONTEXT_ARG"
  run_limited kubectl "$@" --cache-dir "$WORK/kcache" 2>"$WORK/err.$PART"
}

# id:kubectl resource:API path of each cluster-wide list (nodes.json is fetched the same way)
LISTS='pods:pods:/api/v1/pods services:services:/api/v1/services endpoints:endpoints:/api/v1/endpoints endpointslices:endpointslices.discovery.k8s.io:/apis/discovery.k8s.io/v1/endpointslices daemonsets:daemonsets:/apis/apps/v1/daemonsets deployments:deployments:/apis/apps/v1/deployments events:events:/api/v1/events networkpolicies:networkpolicies.networking.k8s.io:/apis/networking.k8s.io/v1/networkpolicies namespaces:namespaces:/api/v1/namespaces'
# Calico's CRDs (name:resource:api-path): a cluster without Calico answers NotFound, recorded absent
CALICO_LISTS='ippools:ippools.crd.projectcalico.org:/apis/crd.projectcalico.org/v1/ippools felixconfigurations:felixconfigurations.crd.projectcalico.org:/apis/crd.projectcalico.org/v1/felixconfigurations bgpconfigurations:bgpconfigurations.crd.projectcalico.org:/apis/crd.projectcalico.org/v1/bgpconfigurations bgppeers:bgppeers.crd.projectcalico.org:/apis/crd.projectcalico.org/v1/bgppeers ipamblocks:ipamblocks.crd.projectcalico.org:/apis/crd.projectcalico.org/v1/ipamblocks globalnetworkpolicies:globalnetworkpolicies.crd.projectcalico.org:/apis/crd.projectcalico.org/v1/globalnetworkpolicies networkpolicies:networkpolicies.crd.projectcalico.org:/apis/crd.projectcalico.org/v1/networkpolicies'
# --- lists, page by page ---------------------------------------------------------------------
# `kubectl get X -A -o json` decodes every object and re-encodes the whole list: at 150,000 pods
# that is minutes of CPU and gigabytes of memory in kubectl. `kubectl get --raw` instead copies
# the API server's bytes, so the collector asks for pages itself (limit/continue) and splices
# their "items" into one List. Each page is one kubectl start (~0.2 s), hence large pages
# (PAGE_LIMIT, --page-size); docs/collector.md has the numbers.

# kube_raw URL: one raw GET through kubectl (connection flags added); stdout to the caller
kube_raw() {
  set -- get --raw "$1"
  [ -n "$KUBECONFIG_ARG" ] && set -- "$@" --kubeconfig "$KUBECONFIG_ARG"
  [ -n "$CONTEXT_ARG" ] && set -- "$@" --context "$CONTEXT_ARG"
  run_limited kubectl "$@" --cache-dir "$WORK/kcache"
}

# json_head_str NAME: the value of the first "NAME":"..." in $_pre, if it is a plain token
json_head_str() {
  _v=''
  case $_pre in *"\"$1\":\""*) _v=${_pre#*\"$1\":\"}; _v=${_v%%\"*} ;; esac
  case $_v in *[!A-Za-z0-9._/-]*) _v='' ;; esac
}

# page_trailer FILE: bytes from the last `]` to the end (`]}` plus whitespace) in _trail; 0 when
# the file does not end like a list
page_trailer() {
  _trail=0 _after=0 _ok=0 _brace=0
  for _o in $(tail -c 16 "$1" | od -An -v -to1); do
    case $_o in
      135) _ok=1 _after=0 _brace=0 ;;
      175) _after=$((_after + 1)) _brace=$((_brace + 1)) ;;
      011|012|015|040) _after=$((_after + 1)) ;;
      *) _ok=0 ;;
    esac
  done
  [ "$_ok" = 1 ] && [ "$_brace" = 1 ] && _trail=$((_after + 1))
}

# splice_page PAGE-FILE N: append page N's items to $_tmp. Sets _tok to its continue token ('' on
# the last page). Returns 1 when the page is not a list this code understands.
splice_page() {
  _h=$(head -c 4096 "$1") || return 1
  case $_h in *'"items":['*) ;; *) return 1 ;; esac
  _pre=${_h%%\"items\":\[*}
  json_head_str continue; _tok=$_v
  case $_pre in *'"continue":"'*) [ -n "$_tok" ] || return 1 ;; esac
  page_trailer "$1"
  [ "$_trail" -gt 0 ] || return 1
  _start=$((${#_pre} + 9))
  _len=$(($(file_bytes "$1") - _start - _trail))
  [ "$_len" -ge 0 ] || return 1
  if [ "$2" = 1 ]; then
    json_head_str kind; _lkind=${_v:-List}
    json_head_str apiVersion; _lapi=${_v:-v1}
    json_head_str resourceVersion; _lrv=$_v
    printf '{"kind":"%s","apiVersion":"%s","metadata":{"resourceVersion":"%s"},"items":[' "$_lkind" "$_lapi" "$_lrv" >"$_tmp"
    _headb=$(file_bytes "$_tmp")
  fi
  if [ "$_len" -gt 0 ] && [ "$_len" -lt 16 ]; then
    # a page with no items may still hold whitespace between the brackets
    case $(tail -c +$((_start + 1)) "$1" | head -c "$_len") in *'{'*) ;; *) _len=0 ;; esac
  fi
  [ "$_len" -gt 0 ] || return 0
  [ "$_spliced" -gt 0 ] && printf ',' >>"$_tmp"
  tail -c +$((_start + 1)) "$1" | head -c "$_len" >>"$_tmp"
  _spliced=$((_spliced + _len + 1))
}

# raw_list ID PATH API-PATH: the list page by page into one JSON List at PATH, recorded. Returns 1
# (nothing recorded) when the first page shows that --raw cannot work here, for the caller to fall
# back to `kubectl get -o json`.
raw_list() {
  _id=$1 _path=$2 _api=$3
  have head && have tail && have od || return 1
  _out=$STAGE/$_path _err=$WORK/err.$PART _tmp=$WORK/out.$PART _page=$WORK/page.$PART
  _cmd="kubectl get --raw $_api?limit=$PAGE_LIMIT"
  _tok='' _n=0 _spliced=0 _ms=0
  now_ms; _t0=$NOW
  while :; do
    _n=$((_n + 1))
    _url="$_api?limit=$PAGE_LIMIT${_tok:+&continue=$_tok}"
    kube_raw "$_url" >"$_page" 2>"$_err"
    _rc=$?
    now_ms; _ms=$((NOW - _t0))
    [ "$_ms" -ge 0 ] || _ms=0
    classify "$_rc" "$_ms" "$_err"
    if [ "$_st" = ok ] && ! splice_page "$_page" "$_n"; then
      _st=failed _rc=0
      note "$_err" "page $_n of $_api is not a JSON list with an \"items\" array at its head"
    fi
    if [ "$_st" != ok ]; then
      rm -f "$_page" "$_tmp"
      if [ "$_n" = 1 ] && [ "$_st" != denied ] && [ "$_st" != timeout ]; then
        _e=''
        while IFS= read -r _ln; do [ -n "$_ln" ] && _e=$_ln; done <"$_err"
        printf 'netsnap: note: %s: %s; trying kubectl get -o json\n' "$_cmd" "$_e" >&2
        return 1
      fi
      [ "$_n" -gt 1 ] && printf 'netsnap: page %s failed after %s pages; the pages before it were discarded\n' "$_n" $((_n - 1)) >>"$_err"
      [ "$_n" -gt 1 ] && _cmd="$_cmd (page $_n with continue)"
      record "$_id" "$_path" "$_cmd" "$_st" "$_rc" "$_ms" 0 "$_err"
      return 0
    fi
    [ -n "$_tok" ] || break
  done
  rm -f "$_page"
  printf ']}\n' >>"$_tmp"
  [ "$_n" -gt 1 ] && _cmd="$_cmd (+continue, $_n pages)"
  _b=$(file_bytes "$_tmp")
  # what was spliced plus the envelope; less means a write failed (disk full)
  _want=$((_headb + _spliced + 3))
  [ "$_spliced" -gt 0 ] && _want=$((_want - 1))
  if [ "$_b" != "$_want" ]; then
    rm -f "$_tmp"
    note "$_err" "wrote $_b of $_want bytes while joining $_n pages into $_path (disk full?)"
    record "$_id" "$_path" "$_cmd" failed 0 "$_ms" 0 "$_err"
    return 0
  fi
  mkdir -p "${_out%/*}" && mv -f "$_tmp" "$_out"
  record "$_id" "$_path" "$_cmd" ok 0 "$_ms" "$_b" "$_err"
}

# kube_crd_list ID PATH RESOURCE API-PATH: a custom resource's list; a CRD that is not installed
# (the API server's NotFound for the raw path) is recorded absent, not retried with kubectl get
kube_crd_list() {
  _st=''
  raw_list "$1" "$2" "$4" && return
  if [ "$_st" = absent ]; then
    record "$1" "$2" "kubectl get --raw $4?limit=$PAGE_LIMIT" absent "$_rc" "$_ms" 0 "$WORK/err.$PART"
    return
  fi
  kube "$1" "$2" get "$3" -A -o json --chunk-size=500
}

# kube_list ID PATH RESOURCE API-PATH: raw pages, else kubectl's own chunked list
kube_list() {
  raw_list "$1" "$2" "$4" && return
  kube "$1" "$2" get "$3" -A -o json --chunk-size=500
}

CONFIGMAPS='kube-system/coredns kube-system/kube-proxy kube-system/kube-flannel-cfg kube-flannel/kube-flannel-cfg kube-system/kubeadm-config kube-system/kubelet-config kube-system/coredns-custom kube-system/rke2-coredns-rke2-coredns'
# ns|name|node|container names|restart counts|ready flags, one pod per line
POD_JSONPATH='{range .items[*]}{.metadata.namespace}{"|"}{.metadata.name}{"|"}{.spec.nodeName}{"|"}{.status.containerStatuses[*].name}{"|"}{.status.containerStatuses[*].restartCount}{"|"}{.status.containerStatuses[*].ready}{"\n"}{end}'
MAX_LOG_PODS=20

safe_name() { case $1 in ''|.|..|*/*|*[!A-Za-z0-9._-]*) return 1 ;; *) return 0 ;; esac; }

# collect_logs_for_pod LINE: logs (and --previous where restarted) for every container
collect_logs_for_pod() {
  IFS='|' read -r _ns _pod _node _names _restarts _ready <<EOF
$1
EOF
  safe_name "$_ns" && safe_name "$_pod" || return 0
  set -- $_restarts
  for _c in $_names; do
    _rs=${1:-0}; [ $# -gt 0 ] && shift
    safe_name "$_c" || continue
    kube "cluster.log.$_ns.$_pod.$_c" "cluster/logs/$_ns/$_pod/$_c.log" \
      logs -n "$_ns" "$_pod" -c "$_c" --timestamps --tail "$LOG_LINES"
    if is_uint "$_rs" && [ "$_rs" -gt 0 ]; then
      kube "cluster.log.$_ns.$_pod.$_c.previous" "cluster/logs/$_ns/$_pod/$_c.previous.log" \
        logs -n "$_ns" "$_pod" -c "$_c" --timestamps --tail "$LOG_LINES" --previous
    fi
  done
}

# pods_to_log: CoreDNS pods; kube-proxy, flannel, calico-node and canal pods on this node; any of them unhealthy
pods_to_log() {
  _picked=$WORK/picked
  : >"$_picked"
  for _sel in k8s-app=kube-dns k8s-app=kube-proxy app=flannel k8s-app=calico-node k8s-app=canal; do
    kube_query get pods -A -l "$_sel" -o "jsonpath=$POD_JSONPATH" >"$WORK/sel" ||
      printf 'netsnap: note: could not list pods -l %s for logs\n' "$_sel" >&2
    while IFS= read -r _line; do
      IFS='|' read -r _ns _pod _node _names _restarts _ready <<EOF
$_line
EOF
      [ -n "$_pod" ] || continue
      case $_sel in app=flannel) case $_ns in kube-flannel|kube-system) ;; *) continue ;; esac ;; esac
      _unhealthy=0
      case " $_ready " in *' false '*) _unhealthy=1 ;; esac
      for _r in $_restarts; do [ "$_r" != 0 ] && _unhealthy=1; done
      [ -z "$_names" ] && _unhealthy=1
      if [ "$_sel" = k8s-app=kube-dns ] || [ "$_node" = "$NODE" ]; then
        printf '0 %s\n' "$_line" >>"$_picked"
      elif [ "$_unhealthy" = 1 ]; then
        printf '1 %s\n' "$_line" >>"$_picked"
      fi
    done <"$WORK/sel"
  done
}

# record_cluster_not_run STATUS WHY [FROM]: one record per fixed cluster source (from FROM on)
record_cluster_not_run() {
  _st=$1
  note "$WORK/err.$PART" "$2"
  [ -n "${3:-}" ] || record cluster.version cluster/version.json 'kubectl version -o json' $_st null null 0 "$WORK/err.$PART"
  record cluster.nodes cluster/nodes.json 'kubectl get nodes -o json' $_st null null 0 "$WORK/err.$PART"
  for _l in $LISTS; do
    _r=${_l#*:}
    record "cluster.${_l%%:*}" "cluster/${_l%%:*}.json" "kubectl get ${_r%%:*} -A -o json" $_st null null 0 "$WORK/err.$PART"
  done
  for _l in $CALICO_LISTS; do
    _r=${_l#*:}
    record "cluster.calico.${_l%%:*}" "cluster/calico/${_l%%:*}.json" "kubectl get ${_r%%:*} -A -o json" $_st null null 0 "$WORK/err.$PART"
  done
  for _cm in $CONFIGMAPS; do
    record "cluster.configmap.${_cm%/*}.${_cm#*/}" "cluster/configmaps/$_cm.json" \
      "kubectl get configmap -n ${_cm%/*} ${_cm#*/} -o json" $_st null null 0 "$WORK/err.$PART"
  done
}

collect_cluster() {
  if [ "$NO_CLUSTER" = 1 ]; then record_cluster_not_run skipped 'skipped: --no-cluster'; return; fi
  if ! have kubectl; then record_cluster_not_run absent 'kubectl: command not found on PATH'; return; fi
  kube cluster.version cluster/version.json version -o json
  if [ "$LAST_STATUS" != ok ]; then
    # No answer to /version means no answer to anything: do not wait out every other request.
    _e=$(cat "$WORK/err.$PART" 2>/dev/null)
    case $LAST_STATUS:$_e in
      timeout:*|*:*'connection to the server'*|*:*'Unable to connect'*|*:*'dial tcp'*|*:*'no such host'*|*:*'i/o timeout'*)
        record_cluster_not_run failed "not run: the API server did not answer kubectl version (see cluster.version)" skip-version
        return ;;
    esac
  fi
  # Three jobs at once, each with its own PART (records, stderr and page files): nodes and pods
  # (the largest list), the other lists and ConfigMaps, and the log picking, whose label queries
  # make kubectl decode every kube-proxy and flannel pod (seconds of CPU at 5,000 nodes). Records
  # are joined in PARTS order, so the manifest lists sources in the same order as one job would.
  (PART=cluster.lists; collect_other_lists) &
  _jobs=$!
  (PART=cluster.logs; collect_logs) &
  _jobs="$_jobs $!"
  trap 'kill $_jobs 2>/dev/null; exit 143' TERM
  kube_list cluster.nodes cluster/nodes.json nodes /api/v1/nodes
  kube_list cluster.pods cluster/pods.json pods /api/v1/pods
  for _j in $_jobs; do wait "$_j"; done
}

collect_other_lists() {
  for _l in $LISTS; do
    _r=${_l#*:}
    [ "${_l%%:*}" = pods ] && continue
    kube_list "cluster.${_l%%:*}" "cluster/${_l%%:*}.json" "${_r%%:*}" "${_r#*:}"
  done
  for _l in $CALICO_LISTS; do
    _r=${_l#*:}
    kube_crd_list "cluster.calico.${_l%%:*}" "cluster/calico/${_l%%:*}.json" "${_r%%:*}" "${_r#*:}"
  done
  for _cm in $CONFIGMAPS; do
    kube "cluster.configmap.${_cm%/*}.${_cm#*/}" "cluster/configmaps/$_cm.json" get configmap -n "${_cm%/*}" "${_cm#*/}" -o json
  done
}

collect_logs() {
  collect_coredns_metrics
  pods_to_log
  _n=0
  for _prio in 0 1; do
    while read -r _p _line; do
      [ "$_p" = "$_prio" ] || continue
      [ "$_n" -lt "$MAX_LOG_PODS" ] || break
      _n=$((_n + 1))
      collect_logs_for_pod "$_line"
    done <"$WORK/picked"
  done
}

# --- host sources -----------------------------------------------------------------------------
SYSCTL_KEYS='net.ipv4.ip_forward net.ipv4.conf.all.forwarding net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.conf.cni0.rp_filter net.ipv4.conf.flannel/1.rp_filter net.ipv4.conf.tunl0.rp_filter net.ipv4.conf.vxlan/calico.rp_filter net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.ipv6.conf.all.forwarding net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_buckets net.netfilter.nf_conntrack_tcp_timeout_established net.netfilter.nf_conntrack_tcp_timeout_close_wait net.ipv4.vs.conntrack net.ipv4.vs.conn_reuse_mode net.ipv4.vs.expire_nodest_conn'

collect_sysctl() {
  _out=$STAGE/host/sysctl.txt _err=$WORK/err.$PART
  : >"$_err"
  now_ms; _t0=$NOW
  : >"$_out"
  _got=0
  for _k in $SYSCTL_KEYS; do
    # key to path without a fork: net.ipv4.ip_forward -> /proc/sys/net/ipv4/ip_forward; a slash in
    # a key part is a dot of an interface name (net.ipv4.conf.flannel/1.rp_filter -> conf/flannel.1)
    _p=/proc/sys _r=$_k
    while :; do
      case $_r in *.*) _s=${_r%%.*} _r=${_r#*.} ;; *) _s=$_r _r= ;; esac
      case $_s in */*) _s=${_s%%/*}.${_s#*/} ;; esac
      _p=$_p/$_s
      [ -n "$_r" ] || break
    done
    # cat, not read: sh reads byte by byte and an int sysctl answers only the first read() at
    # offset 0 (nf_conntrack_max 262144 would come back as "2").
    if [ -r "$_p" ] && _v=$(cat "$_p" 2>/dev/null) && [ -n "$_v" ]; then
      printf '%s = %s\n' "$_k" "$_v" >>"$_out"; _got=$((_got + 1))
    else
      printf '%s: not readable\n' "$_p" >>"$_err"
    fi
  done
  now_ms
  if [ "$_got" -gt 0 ]; then
    record host.sysctl host/sysctl.txt 'read /proc/sys/<key> for each listed key' ok null $((NOW - _t0)) "$(file_bytes "$_out")" "$_err"
  else
    rm -f "$_out"
    record host.sysctl host/sysctl.txt 'read /proc/sys/<key> for each listed key' absent null $((NOW - _t0)) 0 "$_err"
  fi
}

HOST_FIXED='
host.iptables-save|host/iptables-save.txt|iptables-save
host.iptables-legacy-save|host/iptables-legacy-save.txt|iptables-legacy-save
host.iptables-nft-save|host/iptables-nft-save.txt|iptables-nft-save
host.ip6tables-save|host/ip6tables-save.txt|ip6tables-save
host.iptables-version|host/iptables-version.txt|iptables --version
host.nft-ruleset|host/nft-ruleset.txt|nft list ruleset
host.nft-ruleset-json|host/nft-ruleset.json|nft -j list ruleset
host.ipvsadm|host/ipvsadm.txt|ipvsadm -Ln
host.ipvsadm-stats|host/ipvsadm-stats.txt|ipvsadm -Ln --stats
host.ipset|host/ipset-list.txt|ipset list -n
host.ipset-members|host/ipset-members.txt|ipset list
host.ip-addr|host/ip-addr.json|ip -j -d addr show
host.ip-link|host/ip-link.json|ip -j -d link show
host.ip-route|host/ip-route.json|ip -j route show table all
host.ip-rule|host/ip-rule.json|ip -j rule show
host.ip-neigh|host/ip-neigh.json|ip -j neigh show
host.bridge-fdb|host/bridge-fdb.json|bridge -j fdb show dev flannel.1
host.ip-version|host/ip-version.txt|ip -V
host.sysctl|host/sysctl.txt|read /proc/sys/<key> for each listed key
host.modules|host/modules.txt|cat /proc/modules
host.resolv-conf|host/resolv.conf|cat /etc/resolv.conf
host.resolved-resolv-conf|host/resolved-resolv.conf|cat /run/systemd/resolve/resolv.conf
host.kubelet-config|host/kubelet-config.yaml|cat /var/lib/kubelet/config.yaml
host.kubelet-flags|host/kubeadm-flags.env|cat /var/lib/kubelet/kubeadm-flags.env
host.flannel-subnet-env|host/flannel-subnet.env|cat /run/flannel/subnet.env
host.conntrack-stats|host/conntrack-stats.txt|conntrack -S
host.kube-proxy-metrics|host/metrics/kube-proxy.prom|GET http://127.0.0.1:10249/metrics
host.os-release|host/os-release|cat /etc/os-release
host.uname|host/uname.txt|uname -a
host.hostname|host/hostname.txt|hostname
'

# Distribution sources: recorded only where they exist (a k3s config on a k3s node); see
# DISTRO_SOURCES in analyzer/bundle/sources.ts. Same format as HOST_FIXED.
HOST_DISTRO='
host.k3s-config|host/k3s/config.yaml|scrub /etc/rancher/k3s/config.yaml
host.rke2-config|host/rke2/config.yaml|scrub /etc/rancher/rke2/config.yaml
host.k3s-service|host/k3s/k3s.service|scrub /etc/systemd/system/k3s.service
host.k3s-agent-service|host/k3s/k3s-agent.service|scrub /etc/systemd/system/k3s-agent.service
host.calico-nodename|host/calico/nodename|cat /var/lib/calico/nodename
host.k3s-flannel-net-conf|host/k3s/flannel-net-conf.json|cat /var/lib/rancher/k3s/agent/etc/flannel/net-conf.json
host.microk8s-kube-proxy-args|host/microk8s/args/kube-proxy|scrub /var/snap/microk8s/current/args/kube-proxy
host.microk8s-kubelet-args|host/microk8s/args/kubelet|scrub /var/snap/microk8s/current/args/kubelet
host.snap-kube-proxy-args|host/snap/kube-proxy-args|scrub /var/snap/kube-proxy/current/args
host.snap-kubelet-args|host/snap/kubelet-args|scrub /var/snap/kubelet/current/args
host.systemd-units|host/systemd-units.txt|list the unit files of known Kubernetes units
host.k3s-log|host/k3s/k3s.log|tail -n N /var/log/k3s.log
host.probes|host/probes.json|probe matrix (--probe)
'

# --- secret scrubbing -------------------------------------------------------------------------
# Distribution configs (k3s/RKE2 config.yaml: token, agent-token, datastore-endpoint with its
# password, etcd-s3-secret-key...), static pod manifests and args files are copied line by line
# by the shell, with the value of every secret-like key or flag replaced by netsnap-scrubbed:
#   KEY: VALUE   "KEY": VALUE   - KEY: VALUE      (and a block or list under such a key)
#   --KEY=VALUE  --KEY VALUE    "--KEY=VALUE"     (anywhere in a line)
#   - name: SECRETISH  then  value: VALUE         (container env)
#   scheme://user:password@host                   (credentials in any URL)
#   -----BEGIN ... PRIVATE KEY----- ... -----END  (the whole block)
# KEY is secret-like when it contains token, secret, passw, key, credential, private or
# datastore-endpoint, in any case. Nothing else is changed.
SCRUBBED=netsnap-scrubbed
OK_DENIED_PAT=''
SCRUB_MAX_BYTES=1048576
SCRUB_END='[] ,"'"'"']'
is_secret_key() {
  case $1 in
    *[Tt][Oo][Kk][Ee][Nn]*|*[Ss][Ee][Cc][Rr][Ee][Tt]*|*[Pp][Aa][Ss][Ss][Ww]*|*[Kk][Ee][Yy]*|*[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]*|*[Pp][Rr][Ii][Vv][Aa][Tt][Ee]*|*[Dd][Aa][Tt][Aa][Ss][Tt][Oo][Rr][Ee]-[Ee][Nn][Dd][Pp][Oo][Ii][Nn][Tt]*) return 0 ;;
  esac
  return 1
}
# scrub_flags: --KEY=VALUE / --KEY VALUE in _o (in place); counts into _ns
scrub_flags() {
  _rest=$_o _o=''
  while :; do
    case $_rest in *--*) ;; *) break ;; esac
    _o="$_o${_rest%%--*}--" _rest=${_rest#*--}
    _name=${_rest%%[!A-Za-z0-9_.-]*}
    [ -n "$_name" ] && is_secret_key "$_name" || continue
    _after=${_rest#"$_name"}
    case $_after in =?*|' '[!-]*) ;; *) continue ;; esac
    _sep=${_after%"${_after#?}"} _v=${_after#?}
    case $_v in \"*) _q='"' ;; \'*) _q="'" ;; *) _q='' ;; esac
    if [ -n "$_q" ]; then
      _v=${_v#?}
      case $_v in *"$_q"*) _tail="$_q${_v#*"$_q"}" ;; *) _tail='' ;; esac
    else
      _tail=${_v#"${_v%%$SCRUB_END*}"}
    fi
    _o="$_o$_name$_sep$_q$SCRUBBED" _rest=$_tail _ns=$((_ns + 1))
  done
  _o=$_o$_rest
}
# scrub_file FILE: FILE on stdout with secret values replaced; the count in SCRUB_COUNT (a file)
scrub_file() {
  _ns=0 _blk='' _envnext=0 _pem=0
  while IFS= read -r _l || [ -n "$_l" ]; do
    _ind=${_l%%[! ]*}
    _body=${_l#"$_ind"}
    if [ "$_pem" = 1 ]; then
      case $_l in *-----END*) _pem=0; printf '%s\n' "$_l" ;; esac
      continue
    fi
    case $_l in *-----BEGIN*PRIVATE\ KEY-----*)
      _pem=1 _ns=$((_ns + 1)); printf '%s%s\n' "$_ind" "$SCRUBBED"; continue ;;
    esac
    # inside a block or list under a secret key: lines indented deeper (or list items at its level)
    if [ -n "$_blk" ]; then
      case $_body in
        '') printf '\n'; continue ;;
        '- '*|-) if [ "${#_ind}" -ge "$_blk" ]; then printf '%s- %s\n' "$_ind" "$SCRUBBED"; _ns=$((_ns + 1)); continue; fi ;;
        *) if [ "${#_ind}" -gt "$_blk" ]; then printf '%s%s\n' "$_ind" "$SCRUBBED"; _ns=$((_ns + 1)); continue; fi ;;
      esac
      _blk=''
    fi
    _dash=''
    case $_body in '- '*) _dash='- ' _body=${_body#- } ;; esac
    _o=$_l
    case $_body in
      *:*)
        _k=${_body%%:*} _val=${_body#*:}
        _k=${_k#\"} _k=${_k%\"} _k=${_k#\'} _k=${_k%\'}
        case $_k in *[!A-Za-z0-9_.-]*|'') _k='' ;; esac
        _tv=${_val#"${_val%%[! ]*}"}
        if [ -n "$_k" ] && { is_secret_key "$_k" || { [ "$_envnext" = 1 ] && [ "$_k" = value ]; }; }; then
          _envnext=0
          case $_tv in
            ''|'#'*|'|'*|'>'*) _blk=$((${#_ind} + ${#_dash})); printf '%s\n' "$_l"; continue ;;
          esac
          _comma=''
          case $_tv in *,) _comma=, ;; esac
          _ns=$((_ns + 1))
          printf '%s%s%s: "%s"%s\n' "$_ind" "$_dash" "${_body%%:*}" "$SCRUBBED" "$_comma"
          continue
        fi
        _envnext=0
        if [ "$_k" = name ] && is_secret_key "$_tv"; then _envnext=1; fi ;;
    esac
    case $_o in *--*) scrub_flags ;; esac
    case $_o in
      *://*:*@*)
        _pre=${_o%%://*} _post=${_o#*://}
        _user=${_post%%@*}
        case $_user in */*) ;; *:*) _o="$_pre://$SCRUBBED@${_post#*@}" _ns=$((_ns + 1)) ;; esac ;;
    esac
    printf '%s\n' "$_o"
  done <"$1"
  echo "$_ns" >"$SCRUB_COUNT"
}

# scrub_source ID PATH FILE: a host file through scrub_file, recorded like a copy
scrub_source() {
  _err=$WORK/err.$PART _out=$STAGE/$2 _tmp=$WORK/out.$PART
  SCRUB_COUNT=$WORK/scrubbed.$PART
  if [ ! -e "$3" ]; then
    note "$_err" "$3: No such file or directory"
    record "$1" "$2" "scrub $3" absent null null 0 "$_err"; return
  elif [ ! -f "$3" ]; then
    note "$_err" "$3: not a regular file"
    record "$1" "$2" "scrub $3" failed null null 0 "$_err"; return
  elif [ ! -r "$3" ] || ! { : <"$3"; } 2>/dev/null; then
    note "$_err" "$3: Permission denied (uid $USER_UID)"
    record "$1" "$2" "scrub $3" denied null null 0 "$_err"; return
  elif [ "$(file_bytes "$3")" -gt "$SCRUB_MAX_BYTES" ]; then
    # the shell reads line by line (seconds per MiB): a config file is a few KiB
    note "$_err" "$3: larger than $SCRUB_MAX_BYTES bytes, too large for a config file; not collected"
    record "$1" "$2" "scrub $3" skipped null null 0 "$_err"; return
  fi
  now_ms; _t0=$NOW
  echo 0 >"$SCRUB_COUNT"
  if scrub_file "$3" >"$_tmp" 2>"$_err"; then
    read -r _c <"$SCRUB_COUNT" 2>/dev/null || _c=0
    note "$_err" "scrubbed $_c secret value(s) (token, password, key... see docs/collector.md)"
    now_ms
    _b=$(file_bytes "$_tmp")
    mkdir -p "${_out%/*}" && mv -f "$_tmp" "$_out"
    record "$1" "$2" "scrub $3" ok 0 $((NOW - _t0)) "$_b" "$_err"
  else
    rm -f "$_tmp"; now_ms
    record "$1" "$2" "scrub $3" failed 1 $((NOW - _t0)) 0 "$_err"
  fi
}

# collect_dir ID-PREFIX BUNDLE-DIR HOST-DIR MODE: each regular file of HOST-DIR, copied (cat) or
# scrubbed; nothing recorded when HOST-DIR does not exist. A *kubeconfig* file (Calico writes one
# holding a service-account token into the CNI directory) is recorded as skipped, never read.
MAX_DIR_FILES=50
collect_dir() {
  [ -d "$3" ] || return 0
  _nf=0
  for _f in "$3"/*; do
    [ -f "$_f" ] || continue
    _b=${_f##*/}
    safe_name "$_b" || { printf 'netsnap: note: skipped a file with an unusual name in %s: %s\n' "$3" "$_b" >&2; continue; }
    _nf=$((_nf + 1))
    if [ "$_nf" -gt "$MAX_DIR_FILES" ]; then printf 'netsnap: note: more than %s files in %s; the rest were not collected\n' "$MAX_DIR_FILES" "$3" >&2; break; fi
    case $_b in
      *[Kk][Uu][Bb][Ee][Cc][Oo][Nn][Ff][Ii][Gg]*)
        skip_source "$1.$_b" "$2/$_b" "a kubeconfig holds credentials; never collected" "cat $_f"; continue ;;
    esac
    if [ "$4" = scrub ]; then scrub_source "$1.$_b" "$2/$_b" "$_f"; else copy_source "$1.$_b" "$2/$_b" "$_f"; fi
  done
}

# --- systemd units and their journals ---------------------------------------------------------
JOURNAL_UNITS='k3s k3s-agent rke2-server rke2-agent kubelet kube-proxy snap.kubelet.daemon snap.kube-proxy.daemon snap.microk8s.daemon-kubelite snap.microk8s.daemon-kubelet snap.microk8s.daemon-proxy snap.microk8s.daemon-flanneld flanneld flannel containerd docker'
UNIT_DIRS='/etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system'
# collect_units: host/systemd-units.txt lists the unit file found first (systemd's precedence)
# for each of JOURNAL_UNITS, and the OpenRC scripts of k3s (Alpine: /etc/init.d/k3s, logging to
# /var/log/k3s.log, no journal); an empty list is a fact (none of them is installed)
OPENRC_UNITS='k3s k3s-agent'
collect_units() {
  _out=$STAGE/host/systemd-units.txt _err=$WORK/err.$PART _cmd='list the unit files of known Kubernetes units'
  : >"$_err"
  now_ms; _t0=$NOW
  _dirs=0
  for _d in $UNIT_DIRS; do [ -d "$_d" ] && _dirs=$((_dirs + 1)); done
  for _u in $OPENRC_UNITS; do [ -f "/etc/init.d/$_u" ] && _dirs=$((_dirs + 1)); done
  if [ "$_dirs" = 0 ]; then
    printf 'netsnap: note: no systemd unit directory (%s); no unit list or journal collected\n' "$UNIT_DIRS" >&2; return
  fi
  mkdir -p "${_out%/*}"; : >"$_out"
  UNITS_FOUND=''
  for _u in $JOURNAL_UNITS; do
    for _d in $UNIT_DIRS; do
      if [ -f "$_d/$_u.service" ]; then printf '%s\n' "$_d/$_u.service" >>"$_out"; UNITS_FOUND="$UNITS_FOUND $_u"; break; fi
    done
  done
  for _u in $OPENRC_UNITS; do [ -f "/etc/init.d/$_u" ] && printf '%s\n' "/etc/init.d/$_u" >>"$_out"; done
  now_ms
  record host.systemd-units host/systemd-units.txt "$_cmd" ok 0 $((NOW - _t0)) "$(file_bytes "$_out")" "$_err"
}
# Outside the systemd-journal/adm groups journalctl exits 0 with "-- No entries --" and a hint on
# stderr ("not seeing messages from other users", older: "No journal files were opened due to
# insufficient permissions"): that is no log at all, so it is recorded denied, never as a log that
# would read as "no errors".
collect_journals() {
  OK_DENIED_PAT='not seeing messages from other users'
  for _u in $UNITS_FOUND; do
    run_source "host.journal.$_u" "host/journal/$_u.log" journalctl -u "$_u" --no-pager -n "$LOG_LINES" -o short-iso
  done
  OK_DENIED_PAT=''
}

# --- pod logs straight from the node ----------------------------------------------------------
# /var/log/pods/<ns>_<pod>_<uid>/<container>/<restart>.log: the newest and the one before it, so
# CoreDNS, kube-proxy, flannel and calico-node logs exist even without kubectl or RBAC.
HOST_LOG_NAMESPACES='kube-system kube-flannel calico-system'
HOST_LOG_CONTAINERS='coredns kube-proxy kube-flannel calico-node'
MAX_HOST_LOGS=40
collect_pod_logs() {
  _nl=0
  if [ ! -d /var/log/pods ]; then
    printf 'netsnap: note: /var/log/pods does not exist; pod logs only from /var/log/containers, if any\n' >&2
    collect_container_logs; return
  fi
  for _ns in $HOST_LOG_NAMESPACES; do
    for _d in /var/log/pods/"$_ns"_*; do
      [ -d "$_d" ] || continue
      _r=${_d##*/}; _r=${_r#*_}; _pod=${_r%_*}
      safe_name "$_pod" || continue
      for _c in $HOST_LOG_CONTAINERS; do
        [ -d "$_d/$_c" ] || continue
        _new='' _prev='' _nn=-1 _pn=-1
        for _f in "$_d/$_c"/*.log; do
          [ -f "$_f" ] || continue
          _num=${_f##*/}; _num=${_num%.log}
          is_uint "$_num" || continue
          if [ "$_num" -gt "$_nn" ]; then _prev=$_new _pn=$_nn _new=$_f _nn=$_num
          elif [ "$_num" -gt "$_pn" ]; then _prev=$_f _pn=$_num; fi
        done
        [ -n "$_new" ] || continue
        _nl=$((_nl + 1))
        if [ "$_nl" -gt "$MAX_HOST_LOGS" ]; then printf 'netsnap: note: more than %s pod logs under /var/log/pods; the rest were not read\n' "$MAX_HOST_LOGS" >&2; return; fi
        run_source "host.pod-log.$_ns.$_pod.$_c" "host/pod-logs/$_ns/$_pod/$_c.log" tail -n "$LOG_LINES" "$_new"
        [ -n "$_prev" ] && run_source "host.pod-log.$_ns.$_pod.$_c.previous" "host/pod-logs/$_ns/$_pod/$_c.previous.log" tail -n "$LOG_LINES" "$_prev"
      done
    done
  done
  [ "$_nl" = 0 ] && collect_container_logs
}

# Kubernetes before 1.14 kept /var/log/pods/<uid>/<container>_<n>.log, with no namespace or pod
# name in the path; the links /var/log/containers/<pod>_<ns>_<container>-<id>.log (kept by every
# kubelet version) name them. Used when /var/log/pods gave nothing: per pod, the newest link and
# the one before it (by modification time).
collect_container_logs() {
  [ -d /var/log/containers ] || return 0
  for _ns in $HOST_LOG_NAMESPACES; do
    for _c in $HOST_LOG_CONTAINERS; do
      _pods=''
      for _f in /var/log/containers/*_"$_ns"_"$_c"-*.log; do
        [ -f "$_f" ] || continue
        _pod=${_f##*/}; _pod=${_pod%%_*}
        safe_name "$_pod" || continue
        case " $_pods " in *" $_pod "*) ;; *) _pods="$_pods $_pod" ;; esac
      done
      for _pod in $_pods; do
        _new='' _prev=''
        for _f in /var/log/containers/"$_pod"_"$_ns"_"$_c"-*.log; do
          [ -f "$_f" ] || continue
          if [ -z "$_new" ] || [ "$_f" -nt "$_new" ]; then _prev=$_new _new=$_f
          elif [ -z "$_prev" ] || [ "$_f" -nt "$_prev" ]; then _prev=$_f; fi
        done
        [ -n "$_new" ] || continue
        _nl=$((_nl + 1))
        if [ "$_nl" -gt "$MAX_HOST_LOGS" ]; then printf 'netsnap: note: more than %s pod logs under /var/log/containers; the rest were not read\n' "$MAX_HOST_LOGS" >&2; return; fi
        run_source "host.pod-log.$_ns.$_pod.$_c" "host/pod-logs/$_ns/$_pod/$_c.log" tail -n "$LOG_LINES" "$_new"
        [ -n "$_prev" ] && run_source "host.pod-log.$_ns.$_pod.$_c.previous" "host/pod-logs/$_ns/$_pod/$_c.previous.log" tail -n "$LOG_LINES" "$_prev"
      done
    done
  done
}

# --- metrics (docs/metrics.md) ---------------------------------------------------------------
# Read-only HTTP GETs of Prometheus text, at most METRICS_MAX_BYTES, within the per-command limit.
METRICS_MAX_BYTES=8388608
# bash's /dev/tcp when neither curl nor wget exists: HTTP/1.0 GET, the status line checked, the
# headers skipped, the body cut at $3 bytes (head, else cat under the time limit)
DEVTCP_GET='exec 3<>"/dev/tcp/$1/$2" || exit 7
printf "GET /metrics HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n" "$1" "$2" >&3
IFS= read -r _s <&3 || exit 52
case $_s in "HTTP/1."?" 200"*) ;; *) printf "%s\n" "$_s" >&2; exit 22 ;; esac
while IFS= read -r _l <&3; do case $_l in ""|$'"'"'\r'"'"') break ;; esac; done
if command -v head >/dev/null 2>&1; then head -c "$3" <&3; else cat <&3; fi'
# cap_metrics FILE: cut a body longer than METRICS_MAX_BYTES (wget has no size option)
cap_metrics() {
  [ -f "$1" ] || return 0
  [ "$(file_bytes "$1")" -gt "$METRICS_MAX_BYTES" ] || return 0
  head -c "$METRICS_MAX_BYTES" "$1" >"$1.cut" && mv -f "$1.cut" "$1"
  printf 'netsnap: note: %s was cut at %s bytes\n' "$1" "$METRICS_MAX_BYTES" >&2
}
# kp_metrics_address: metricsBindAddress from the kube-proxy ConfigMap (kubeadm's config.conf) when
# --kube-proxy-metrics was not given; a wildcard bind (0.0.0.0, ::, empty host) is read on 127.0.0.1,
# an empty value or a CIDR form keeps the default
kp_metrics_address() {
  [ "$KP_METRICS_FLAG" = 0 ] && [ "$NO_CLUSTER" = 0 ] && have kubectl || return 0
  _j=$(kube_query get configmap -n kube-system kube-proxy -o json 2>/dev/null) || return 0
  case $_j in *'metricsBindAddress: '*) ;; *) return 0 ;; esac
  _v=${_j#*metricsBindAddress: }
  _v=${_v%%\\n*}
  _v=${_v#\\\"}; _v=${_v%\\\"}
  case $_v in ''|*/*|*[!0-9A-Fa-f.:\[\]]*) return 0 ;; esac
  _port=${_v##*:}
  is_uint "$_port" || return 0
  case ${_v%:*} in ''|0.0.0.0|'[::]'|'::') KP_METRICS=127.0.0.1:$_port ;; *) KP_METRICS=$_v ;; esac
}
collect_kube_proxy_metrics() {
  kp_metrics_address
  _url="http://$KP_METRICS/metrics"
  if have curl; then
    _disp="GET $_url (curl)"
    run_source "$1" "$2" curl -sS --max-time "$TIMEOUT_S" --max-filesize "$METRICS_MAX_BYTES" "$_url"
  elif have wget; then
    _disp="GET $_url (wget)"
    run_source "$1" "$2" wget -q -T "$TIMEOUT_S" -O - "$_url"
    cap_metrics "$STAGE/$2"
  elif have bash; then
    _disp="GET $_url (bash /dev/tcp)"
    run_source "$1" "$2" bash -c "$DEVTCP_GET" netsnap-metrics "${KP_METRICS%:*}" "${KP_METRICS##*:}" "$METRICS_MAX_BYTES"
  else
    note "$WORK/err.$PART" "no curl, wget or bash on this node to read $_url"
    record "$1" "$2" "GET $_url" absent null null 0 "$WORK/err.$PART"
  fi
}
# collect_coredns_metrics: each CoreDNS pod's :9153/metrics through the API server's pod proxy
MAX_METRICS_PODS=10
collect_coredns_metrics() {
  kube_query get pods -A -l k8s-app=kube-dns -o "jsonpath=$POD_JSONPATH" >"$WORK/dnspods" ||
    { printf 'netsnap: note: could not list CoreDNS pods for metrics\n' >&2; return 0; }
  _nm=0
  while IFS='|' read -r _ns _pod _rest; do
    safe_name "$_ns" && safe_name "$_pod" || continue
    _nm=$((_nm + 1))
    [ "$_nm" -le "$MAX_METRICS_PODS" ] || { printf 'netsnap: note: more than %s CoreDNS pods; metrics of the rest not read\n' "$MAX_METRICS_PODS" >&2; break; }
    kube "cluster.metrics.coredns.$_pod" "cluster/metrics/coredns/$_pod.prom" get --raw "/api/v1/namespaces/$_ns/pods/$_pod:9153/proxy/metrics"
    cap_metrics "$STAGE/cluster/metrics/coredns/$_pod.prom"
  done <"$WORK/dnspods"
}

collect_host() {
  while IFS='|' read -r _id _path _cmd; do
    [ -n "$_id" ] || continue
    if [ "$NO_HOST" = 1 ]; then skip_source "$_id" "$_path" --no-host "$_cmd"; continue; fi
    case $_id in
      host.sysctl) collect_sysctl ;;
      host.kube-proxy-metrics) collect_kube_proxy_metrics "$_id" "$_path" ;;
      host.ipvsadm|host.ipvsadm-stats)
        # ipvsadm loads ip_vs when it is missing: only ask when IPVS is already there.
        if [ -e /proc/net/ip_vs ]; then run_source "$_id" "$_path" $_cmd
        else note "$WORK/err.$PART" "ip_vs is not loaded (/proc/net/ip_vs missing); ipvsadm not run because it would load the module"
          record "$_id" "$_path" "$_cmd" absent null null 0 "$WORK/err.$PART"; fi ;;
      host.bridge-fdb)
        # a node without flannel's VXLAN device (Calico, host-gw, not a node at all) has no fdb to show
        if [ -e /sys/class/net/flannel.1 ]; then run_source "$_id" "$_path" $_cmd
        else note "$WORK/err.$PART" "no flannel.1 device on this host (/sys/class/net/flannel.1 missing); bridge fdb not run"
          record "$_id" "$_path" "$_cmd" absent null null 0 "$WORK/err.$PART"; fi ;;
      host.conntrack-stats)
        if [ -e /proc/net/stat/nf_conntrack ] || [ -e /proc/net/nf_conntrack ]; then run_source "$_id" "$_path" $_cmd
        else note "$WORK/err.$PART" "nf_conntrack is not loaded (/proc/net/stat/nf_conntrack missing); conntrack not run"
          record "$_id" "$_path" "$_cmd" absent null null 0 "$WORK/err.$PART"; fi ;;
      *) case $_cmd in
           'cat '*) copy_source "$_id" "$_path" "${_cmd#cat }" ;;
           *) run_source "$_id" "$_path" $_cmd ;;
         esac ;;
    esac
  done <<EOF
$HOST_FIXED
EOF
  [ "$NO_HOST" = 1 ] && return
  while IFS='|' read -r _id _path _cmd; do
    [ -n "$_id" ] || continue
    case $_id:$_cmd in
      host.systemd-units:*) collect_units ;;
      *:'scrub '*) [ -e "${_cmd#scrub }" ] && scrub_source "$_id" "$_path" "${_cmd#scrub }" ;;
      *:'cat '*) [ -e "${_cmd#cat }" ] && copy_source "$_id" "$_path" "${_cmd#cat }" ;;
      *:'tail -n N '*) [ -e "${_cmd#tail -n N }" ] && run_source "$_id" "$_path" tail -n "$LOG_LINES" "${_cmd#tail -n N }" ;;
    esac
  done <<EOF
$HOST_DISTRO
EOF
  if [ -d /etc/cni/net.d ]; then
    for _f in /etc/cni/net.d/*; do
      [ -f "$_f" ] || continue
      _b=${_f##*/}
      safe_name "$_b" || { printf 'netsnap: note: skipped CNI file with an unusual name: %s\n' "$_b" >&2; continue; }
      case $_b in
        *[Kk][Uu][Bb][Ee][Cc][Oo][Nn][Ff][Ii][Gg]*)
          skip_source "host.cni.$_b" "host/cni/$_b" "a kubeconfig holds credentials; never collected" "cat $_f"; continue ;;
      esac
      copy_source "host.cni.$_b" "host/cni/$_b" "$_f"
    done
  else
    printf 'netsnap: note: /etc/cni/net.d does not exist; no CNI config collected\n' >&2
  fi
  collect_dir host.k3s-config-d host/k3s/config.yaml.d /etc/rancher/k3s/config.yaml.d scrub
  collect_dir host.rke2-config-d host/rke2/config.yaml.d /etc/rancher/rke2/config.yaml.d scrub
  collect_dir host.k3s-cni host/k3s/cni /var/lib/rancher/k3s/agent/etc/cni/net.d cat
  collect_dir host.microk8s-cni host/microk8s/cni-network /var/snap/microk8s/current/args/cni-network scrub
  collect_dir host.static-pod host/static-pods /etc/kubernetes/manifests scrub
  collect_dir host.rke2-static-pod host/rke2/pod-manifests /var/lib/rancher/rke2/agent/pod-manifests scrub
  collect_journals
  collect_pod_logs
}

# --- probes (opt-in: --probe; the only part that sends packets) -------------------------------
# After every other source was read: from this node's network namespace and from one running pod's
# (nsenter -t <pid> -n), the connectivity matrix of docs/probes.md, each probe PROBE_ATTEMPTS
# attempts under a PROBE_TIMEOUT_S limit, with tools found on the node. Targets come from the
# cluster (kubectl jsonpath queries, the collected CoreDNS ConfigMap) and the kubelet config; a
# probe whose target or tool is unknown is written as skipped with the reason. Output:
# host/probes.json (schema netsnap.probes/v1).
PROBE_ATTEMPTS=2 MAX_PROBE_UPSTREAMS=3 MAX_PROC_SCAN=20000 MAX_PROBE_NETNS=64

# probe_tools: which tool answers each kind of probe (T_TCP, T_PING, T_DNS; '' = none)
probe_tools() {
  T_TCP='' T_PING='' T_DNS=''
  have busybox && _bb=1 || _bb=0
  if have bash; then T_TCP='bash /dev/tcp'
  elif have nc; then
    case $(nc --help 2>&1 | head -c 4096) in *BusyBox*) T_TCP='busybox nc' ;; *) T_TCP=nc ;; esac
  elif [ "$_bb" = 1 ]; then T_TCP='busybox nc'; fi
  if have ping; then T_PING=ping; elif [ "$_bb" = 1 ]; then T_PING='busybox ping'; fi
  if have dig; then T_DNS=dig; elif have nslookup; then T_DNS=nslookup
  elif [ "$_bb" = 1 ]; then T_DNS='busybox nslookup'; fi
  TOOLS_JSON=''
  [ -n "$T_TCP" ] && TOOLS_JSON="\"tcp\": $(json_str "$T_TCP")"
  [ -n "$T_PING" ] && TOOLS_JSON="$TOOLS_JSON${TOOLS_JSON:+, }\"ping\": $(json_str "$T_PING")"
  [ -n "$T_DNS" ] && TOOLS_JSON="$TOOLS_JSON${TOOLS_JSON:+, }\"dns\": $(json_str "$T_DNS")"
}

# argv_str ARGS...: the argv as one shell-readable line (an argument with a space is quoted)
argv_str() {
  _as=''
  for _a in "$@"; do
    case $_a in *[!A-Za-z0-9_./:=,@+%-]*) _a="'$_a'" ;; esac
    _as="$_as${_as:+ }$_a"
  done
}

# probe_once KIND IP PORT NAME: one attempt from the current vantage (V_PID; '' = this netns).
# Sets _prc, _pms (wall ms, 10 ms resolution) and _pcmd; output in $_pout.
probe_once() {
  _k=$1 _ip=$2 _port=$3 _nm=$4
  case $_k:$T_TCP:$T_PING:$T_DNS in
    tcp:'bash /dev/tcp':*) set -- bash -c "exec 3<>/dev/tcp/$_ip/$_port" ;;
    tcp:nc:*) set -- nc -z -w "$PROBE_TIMEOUT_S" "$_ip" "$_port" ;;
    tcp:'busybox nc':*) set -- busybox nc -w "$PROBE_TIMEOUT_S" "$_ip" "$_port" ;;
    ping:*:ping:*) set -- ping -c 1 -W "$PROBE_TIMEOUT_S" "$_ip" ;;
    ping:*:'busybox ping':*) set -- busybox ping -c 1 -W "$PROBE_TIMEOUT_S" "$_ip" ;;
    dns:*:*:dig) set -- dig +time="$PROBE_TIMEOUT_S" +tries=1 "@$_ip" "$_nm" A ;;
    dns:*:*:nslookup) set -- nslookup "$_nm" "$_ip" ;;
    dns:*:*:'busybox nslookup') set -- busybox nslookup "$_nm" "$_ip" ;;
  esac
  [ -n "$V_PID" ] && set -- nsenter -t "$V_PID" -n "$@"
  argv_str "$@"
  # the exact line run_limited runs (without timeout(1) a watchdog subshell kills it)
  case $TIMEOUT_FORM in
    k) _pcmd="timeout -k 2 $PROBE_TIMEOUT_S $_as" ;;
    t) _pcmd="timeout -t $PROBE_TIMEOUT_S $_as" ;;
    *) _pcmd="$_as (killed after ${PROBE_TIMEOUT_S}s by a watchdog)" ;;
  esac
  _saved_t=$TIMEOUT_S
  TIMEOUT_S=$PROBE_TIMEOUT_S
  now_ms; _t0=$NOW
  run_limited "$@" </dev/null >"$_pout" 2>&1
  _prc=$?
  now_ms; _pms=$((NOW - _t0))
  TIMEOUT_S=$_saved_t
  [ "$_pms" -ge 0 ] || _pms=0
}

# probe_result KIND: the attempt's outcome in _pres (ok|timeout|refused|unreachable|error) and its
# last output line in _plast
probe_result() {
  _plast=''
  while IFS= read -r _l; do [ -n "$_l" ] && _plast=$_l; done <"$_pout"
  _txt=$(tail -c 4096 "$_pout" 2>/dev/null)
  _pres=error
  if [ "$_prc" -eq 124 ] || { [ "$_prc" -ge 128 ] && [ "$_pms" -ge $((PROBE_TIMEOUT_S * 1000 - 200)) ]; }; then
    _pres=timeout; [ -n "$_plast" ] || _plast="no answer within ${PROBE_TIMEOUT_S}s"; return
  fi
  if [ "$1" = dns ]; then
    # an A answer is success even when the AAAA query nslookup also sends failed (exit 1)
    _ans='' _inans=0
    while IFS= read -r _l; do
      case $_l in
        Name:*) _inans=1 ;;
        Address*) [ "$_inans" = 1 ] && [ -z "$_ans" ] && _ans=$_l ;;
        ';; ANSWER SECTION:'*) _inans=2 ;;
        *[!\ ]*) [ "$_inans" = 2 ] && [ -z "$_ans" ] && _ans=$_l ;;
      esac
    done <"$_pout"
    if [ -n "$_ans" ]; then _pres=ok _plast=$_ans; return; fi
  elif [ "$_prc" -eq 0 ]; then _pres=ok; return; fi
  case $_txt in
    *'NXDOMAIN'*|*'SERVFAIL'*|*'NOTIMP'*|*"can't find"*) _pres=error ;;
    *'REFUSED'*|*'efused'*) _pres=refused ;;
    *'nreachable'*|*'No route'*|*'no route'*) _pres=unreachable ;;
    *'timed out'*|*'imeout'*|*'no servers could be reached'*|*' 0 packets received'*|*' 0 received'*|*'100% packet loss'*) _pres=timeout ;;
    '') [ "$1" = ping ] && _pres=timeout ;;
  esac
  [ -n "$_plast" ] || _plast="exit $_prc"
}

# probe VANTAGE-ID CHECK KIND IP PORT PROTO NAME EXTRA-TARGET-JSON [external]: run and write one probe
probe() {
  _v=$1 _chk=$2 _kind=$3 _ip=$4 _port=$5 _proto=$6 _name=$7 _extra=$8 _ext=${9:-}
  _tj="\"ip\": $(json_str "$_ip")"
  [ -n "$_port" ] && _tj="$_tj, \"port\": $_port"
  _tj="$_tj, \"proto\": \"$_proto\""
  [ -n "$_name" ] && _tj="$_tj, \"name\": $(json_str "$_name")"
  [ -n "$_extra" ] && _tj="$_tj, $_extra"
  case $_kind in tcp) _tool=$T_TCP ;; ping) _tool=$T_PING ;; dns) _tool=$T_DNS ;; esac
  if [ -z "$_tool" ]; then
    probe_write skipped 0 0 '' '' "no tool for $_kind probes on this node (looked for: $(probe_wanted "$_kind"))"
    return
  fi
  _att=0 _ok=0 _best='' _last_res='' _last_line='' _ok_line=''
  while [ "$_att" -lt "$PROBE_ATTEMPTS" ]; do
    _att=$((_att + 1))
    probe_once "$_kind" "$_ip" "$_port" "$_name"
    probe_result "$_kind"
    if [ "$_pres" = ok ]; then
      _ok=$((_ok + 1)) _ok_line=$_plast
      { [ -z "$_best" ] || [ "$_pms" -lt "$_best" ]; } && _best=$_pms
    else _last_res=$_pres _last_line=$_plast; fi
  done
  if [ "$_ok" -gt 0 ]; then _out_c=ok _last_line=$_ok_line
  elif [ -n "$_ext" ] && [ "$AIR_GAPPED" = true ]; then _out_c=expected-fail
  else _out_c=$_last_res; fi
  probe_write "$_out_c" "$_att" "$_ok" "$_best" "$_tool" "$_last_line"
}
probe_wanted() {
  case $1 in tcp) printf 'bash, nc, busybox nc' ;; ping) printf 'ping, busybox ping' ;; *) printf 'dig, nslookup, busybox nslookup' ;; esac
}
# probe_write OUTCOME ATTEMPTS SUCCESSES LATENCY TOOL DETAIL (uses _v _chk _tj _pcmd)
probe_write() {
  [ "$2" = 0 ] && _pcmd=''
  _d=$6
  [ "${#_d}" -gt 200 ] && _d=$(printf '%s' "$_d" | head -c 200)
  {
    printf '%s{"vantage": %s, "check": "%s", "target": {%s},\n' "$PROBE_SEP" "$(json_str "$_v")" "$_chk" "$_tj"
    printf '      "tool": %s, "command": %s,\n' "$(if [ -n "$5" ]; then json_str "$5"; else printf null; fi)" "$(json_str "$_pcmd")"
    printf '      "timeoutMs": %s, "attempts": %s, "successes": %s, "outcome": "%s", "latencyMs": %s,\n' \
      $((PROBE_TIMEOUT_S * 1000)) "$2" "$3" "$1" "${4:-null}"
    printf '      "detail": %s}' "$(if [ -n "$_d" ]; then json_str "$_d"; else printf null; fi)"
  } >>"$WORK/probes.list"
  PROBE_SEP=',
    '
  PROBE_N=$((PROBE_N + 1))
  printf 'netsnap: probe %-12s %-11s %-15s %s\n' "$_chk" "$1" "$_ip" "$_v" >&2
}
# probe_skip VANTAGE CHECK WHY: a probe that could not be run (no target known)
probe_skip() { _v=$1 _chk=$2 _tj='' _ip=-; probe_write skipped 0 0 '' '' "$3"; }

# --- probe targets from the cluster -------------------------------------------------------------
# probe_targets: LOCAL_PODS / REMOTE_POD / NODE_IP / DNS_IP / DNS_SVC / API_IP / API_PORT /
# UPSTREAMS / DOMAIN, from kubectl (unless --no-cluster) and the files collected above
probe_targets() {
  LOCAL_PODS='' REMOTE_POD='' NODE_IP='' DNS_IP='' DNS_SVC='' API_IP='' API_PORT='' UPSTREAMS='' UPSTREAM_VIA=''
  APP_IP='' APP_PORT='' APP_SVC=''
  CLUSTER_WHY=''
  if [ "$NO_CLUSTER" = 1 ]; then CLUSTER_WHY='--no-cluster'
  elif ! have kubectl; then CLUSTER_WHY='kubectl not found'
  else
    # ns|name|uid|node|podIP|hostNetwork, Running pods only (the field selector; checked again here)
    kube_query get pods -A --field-selector=status.phase=Running -o \
      'jsonpath={range .items[*]}{.metadata.namespace}|{.metadata.name}|{.metadata.uid}|{.spec.nodeName}|{.status.podIP}|{.spec.hostNetwork}|{.status.phase}{"\n"}{end}' \
      >"$WORK/probe.pods" || CLUSTER_WHY="kubectl get pods failed: $(tail -n 1 "$WORK/err.$PART" 2>/dev/null)"
    _nl=0 _lsys='' _rsys=''
    while IFS='|' read -r _ns _pn _uid _nd _pip _hn _ph; do
      [ "$_ph" = Running ] && [ "$_hn" != true ] && is_ipv4 "$_pip" && safe_name "$_ns" && safe_name "$_pn" || continue
      case $_uid in ''|*[!0-9a-fA-F-]*) continue ;; esac
      # application pods before kube-system ones, for the vantage and the remote target alike
      if [ "$_nd" = "$NODE" ]; then
        _nl=$((_nl + 1)); [ "$_nl" -le 256 ] || continue
        if [ "$_ns" = kube-system ]; then _lsys="$_lsys $_ns|$_pn|$_uid|$_pip"; else LOCAL_PODS="$LOCAL_PODS $_ns|$_pn|$_uid|$_pip"; fi
      elif safe_name "$_nd"; then
        if [ "$_ns" = kube-system ]; then [ -n "$_rsys" ] || _rsys="$_ns|$_pn|$_nd|$_pip"
        else [ -n "$REMOTE_POD" ] || REMOTE_POD="$_ns|$_pn|$_nd|$_pip"; fi
      fi
    done <"$WORK/probe.pods"
    LOCAL_PODS="$LOCAL_PODS$_lsys"
    [ -n "$REMOTE_POD" ] || REMOTE_POD=$_rsys
    kube_query get nodes -o \
      'jsonpath={range .items[*]}{.metadata.name}|{range .status.addresses[?(@.type=="InternalIP")]}{.address} {end}{"\n"}{end}' \
      >"$WORK/probe.nodes" 2>/dev/null
    while IFS='|' read -r _nd _ips; do
      [ "$_nd" = "$NODE" ] || continue
      for _a in $_ips; do is_ipv4 "$_a" && NODE_IP=$_a && break; done
    done <"$WORK/probe.nodes"
    kube_query get services -A -l k8s-app=kube-dns -o \
      'jsonpath={range .items[*]}{.metadata.namespace}|{.metadata.name}|{.spec.clusterIP}{"\n"}{end}' >"$WORK/probe.dns"
    while IFS='|' read -r _ns _sn _cip; do
      [ -z "$DNS_IP" ] && is_ipv4 "$_cip" && safe_name "$_ns" && safe_name "$_sn" && DNS_IP=$_cip DNS_SVC="$_ns/$_sn"
    done <"$WORK/probe.dns"
    # one application Service (outside kube-system, a ClusterIP, a TCP port): pod → Service → pod
    kube_query get services -A -o \
      'jsonpath={range .items[*]}{.metadata.namespace}|{.metadata.name}|{.spec.clusterIP}|{range .spec.ports[?(@.protocol=="TCP")]}{.port} {end}{"\n"}{end}' \
      >"$WORK/probe.svcs"
    while IFS='|' read -r _ns _sn _cip _ports; do
      [ -z "$APP_IP" ] && [ "$_ns" != kube-system ] && [ "$_ns/$_sn" != default/kubernetes ] || continue
      set -- $_ports
      is_ipv4 "$_cip" && is_uint "${1:-}" && safe_name "$_ns" && safe_name "$_sn" && APP_IP=$_cip APP_PORT=$1 APP_SVC="$_ns/$_sn"
    done <"$WORK/probe.svcs"
    kube_query get service -n default kubernetes -o \
      'jsonpath={.spec.clusterIP}|{range .spec.ports[?(@.protocol=="TCP")]}{.port} {end}' >"$WORK/probe.api"
    IFS='|' read -r _cip _ports <"$WORK/probe.api"
    set -- $_ports
    is_ipv4 "$_cip" && is_uint "${1:-}" && API_IP=$_cip API_PORT=$1
  fi
  # the cluster domain: kubelet's clusterDomain, else the Corefile's kubernetes plugin zone
  DOMAIN=''
  if [ -f "$STAGE/host/kubelet-config.yaml" ]; then
    while read -r _k _val _rest; do
      [ "$_k" = clusterDomain: ] && _val=${_val#\"} && DOMAIN=${_val%\"}
    done <"$STAGE/host/kubelet-config.yaml"
  fi
  _cmj=$STAGE/cluster/configmaps/kube-system/coredns.json
  _cf=''
  [ -f "$_cmj" ] && _cf=$(head -c 65536 "$_cmj")
  if [ -z "$DOMAIN" ]; then
    case $_cf in *'kubernetes '*) _d=${_cf#*kubernetes }; _d=${_d%% *}; _d=${_d%%\\n*}; DOMAIN=$_d ;; esac
  fi
  is_dns_name "$DOMAIN" || DOMAIN=cluster.local
  # the upstreams: every `forward . X...` of the Corefile (IPs; /etc/resolv.conf = this node's)
  _rest=$_cf _nu=0
  while :; do
    case $_rest in *'forward . '*) _rest=${_rest#*forward . } ;; *) break ;; esac
    _ln=${_rest%%\\n*}; _ln=${_ln%%\{*}
    for _u in $_ln; do
      _u=${_u#dns://}; _u=${_u%:53}
      if [ "$_u" = /etc/resolv.conf ]; then
        UPSTREAM_VIA='forward . /etc/resolv.conf: the nameservers of this node'
        for _rc in /etc/resolv.conf /run/systemd/resolve/resolv.conf; do
          [ -r "$_rc" ] || continue
          while read -r _k _ns _x; do
            [ "$_k" = nameserver ] && is_ipv4 "$_ns" || continue
            case $_ns in 127.*) continue ;; esac
            case " $UPSTREAMS " in *" $_ns "*) ;; *) [ "$_nu" -lt "$MAX_PROBE_UPSTREAMS" ] && UPSTREAMS="$UPSTREAMS $_ns" && _nu=$((_nu + 1)) ;; esac
          done <"$_rc"
          [ -n "$UPSTREAMS" ] && break
        done
      elif is_ipv4 "$_u"; then
        case " $UPSTREAMS " in *" $_u "*) ;; *) [ "$_nu" -lt "$MAX_PROBE_UPSTREAMS" ] && UPSTREAMS="$UPSTREAMS $_u" && _nu=$((_nu + 1)) ;; esac
      fi
    done
  done
}

# --- the pod network namespace ------------------------------------------------------------------
# fib_locals PID: the local IPv4 addresses (/32 host LOCAL) of PID's network namespace in _locals
fib_locals() {
  _locals='' _lastip=''
  [ -r "/proc/$1/net/fib_trie" ] || return 0
  while read -r _a _b _c _d; do
    case $_a in '|--') _lastip=$_b ;; /32) [ "$_b $_c" = 'host LOCAL' ] && case " $_locals " in *" $_lastip "*) ;; *) _locals="$_locals $_lastip" ;; esac ;; esac
  done 2>/dev/null <"/proc/$1/net/fib_trie"
}

# find_pod_vantage: V_PID V_ID V_NS V_NAME V_IP V_MATCH of one running pod's netns on this node, read
# from /proc only. Pods outside kube-system first (an application pod, as the write-up's "problem
# pod"; probing kube-dns from the CoreDNS pod itself proves less), each found by a process whose
# cgroup names its UID (pod<uid>, dashes or underscores), else by a network namespace holding its IP;
# with no pod list, any other namespace with an address. Sets V_WHY when there is none.
find_pod_vantage() {
  V_PID='' V_WHY='' V_NS='' V_NAME='' V_IP='' V_MATCH=''
  if [ "$IS_ROOT" != true ]; then V_WHY='not root: entering a pod network namespace (nsenter) needs root'; return; fi
  if ! have nsenter; then V_WHY='nsenter not found'; return; fi
  if [ -z "$CLUSTER_WHY" ] && [ -z "$LOCAL_PODS" ]; then V_WHY="no running pod (other than host-network pods) on node $NODE"; return; fi
  # one line per other network namespace: "<pid> <cgroup lines...>", at most MAX_PROBE_NETNS; and
  # "<pid> <cgroup>" for every other process whose cgroup names a pod
  _seen='' _nseen=0 _n=0 _cgs=$WORK/probe.cgroups
  : >"$_cgs"
  for _d in /proc/[0-9]*; do
    _n=$((_n + 1)); [ "$_n" -le "$MAX_PROC_SCAN" ] || break
    _p=${_d#/proc/}
    [ "$_d/ns/net" -ef "/proc/$$/ns/net" ] && continue
    [ -e "$_d/ns/net" ] || continue
    if [ -n "$LOCAL_PODS" ] && [ -r "$_d/cgroup" ]; then
      _cg=''
      while IFS= read -r _l; do _cg="$_cg $_l"; done 2>/dev/null <"$_d/cgroup"
      case $_cg in *pod*) printf '%s %s\n' "$_p" "$_cg" >>"$_cgs" ;; esac
    fi
    _new=1
    for _q in $_seen; do [ "$_d/ns/net" -ef "/proc/$_q/ns/net" ] && _new=0 && break; done
    [ "$_new" = 1 ] && [ "$_nseen" -lt "$MAX_PROBE_NETNS" ] && _seen="$_seen $_p" && _nseen=$((_nseen + 1))
  done
  _nsl=$WORK/probe.netns
  : >"$_nsl"
  for _q in $_seen; do fib_locals "$_q"; printf '%s %s \n' "$_q" "$_locals" >>"$_nsl"; done
  if [ -z "$LOCAL_PODS" ]; then
    while read -r _q _locals; do
      for _a in $_locals; do
        case $_a in 127.*) continue ;; esac
        V_PID=$_q V_IP=$_a V_MATCH="network namespace of pid $_q (no pod list: $CLUSTER_WHY)"; return
      done
    done <"$_nsl"
    V_WHY="no other network namespace with an address (scanned $_n pids; no pod list: $CLUSTER_WHY)"; return
  fi
  for _lp in $LOCAL_PODS; do
    IFS='|' read -r _ns _pn _uid _pip <<EOF2
$_lp
EOF2
    _ifs=$IFS; IFS=-; set -- $_uid; IFS=_; _uidu="$*"; IFS=$_ifs
    while read -r _q _cg; do
      case $_cg in *"pod$_uid"*|*"pod$_uidu"*)
        V_PID=$_q V_NS=$_ns V_NAME=$_pn V_IP=$_pip V_MATCH="cgroup of pid $_q names pod UID $_uid"; return ;;
      esac
    done <"$_cgs"
    while read -r _q _locals; do
      case " $_locals " in *" $_pip "*)
        V_PID=$_q V_NS=$_ns V_NAME=$_pn V_IP=$_pip V_MATCH="network namespace of pid $_q holds pod IP $_pip"; return ;;
      esac
    done <"$_nsl"
  done
  V_WHY="no process found in the network namespace of a running pod on $NODE (scanned $_n pids)"
}

# probe_matrix VANTAGE-ID: the checks of docs/probes.md from the current vantage
probe_matrix() {
  _vid=$1
  if [ -n "$NODE_IP" ]; then probe "$_vid" node ping "$NODE_IP" '' icmp '' "\"node\": $(json_str "$NODE")"
  else probe_skip "$_vid" node "this node's InternalIP is unknown (${CLUSTER_WHY:-not in the node list})"; fi
  if [ -n "$REMOTE_POD" ]; then
    IFS='|' read -r _ns _pn _nd _pip <<EOF2
$REMOTE_POD
EOF2
    probe "$_vid" remote-pod ping "$_pip" '' icmp '' "\"pod\": $(json_str "$_ns/$_pn"), \"node\": $(json_str "$_nd")"
  else probe_skip "$_vid" remote-pod "no running pod on another node is known (${CLUSTER_WHY:-none in the pod list})"; fi
  if [ -n "$API_IP" ]; then probe "$_vid" service tcp "$API_IP" "$API_PORT" tcp '' '"service": "default/kubernetes"'
  else probe_skip "$_vid" service "the default/kubernetes Service is unknown (${CLUSTER_WHY:-no ClusterIP/TCP port})"; fi
  [ -n "$APP_IP" ] && probe "$_vid" service tcp "$APP_IP" "$APP_PORT" tcp '' "\"service\": $(json_str "$APP_SVC")"
  if [ -n "$DNS_IP" ]; then
    probe "$_vid" service tcp "$DNS_IP" 53 tcp '' "\"service\": $(json_str "$DNS_SVC")"
    probe "$_vid" dns-cluster dns "$DNS_IP" 53 udp "kubernetes.default.svc.$DOMAIN" "\"service\": $(json_str "$DNS_SVC")"
    probe "$_vid" dns-external dns "$DNS_IP" 53 udp "$PROBE_NAME" "\"service\": $(json_str "$DNS_SVC")" external
  else
    probe_skip "$_vid" dns-cluster "no kube-dns Service (label k8s-app=kube-dns) is known (${CLUSTER_WHY:-not found})"
    probe_skip "$_vid" dns-external "no kube-dns Service (label k8s-app=kube-dns) is known (${CLUSTER_WHY:-not found})"
  fi
  if [ -n "$UPSTREAMS" ]; then
    for _u in $UPSTREAMS; do
      _via=''; [ -n "$UPSTREAM_VIA" ] && _via="\"via\": $(json_str "$UPSTREAM_VIA")"
      probe "$_vid" dns-upstream dns "$_u" 53 udp "$PROBE_NAME" "$_via"
    done
  else probe_skip "$_vid" dns-upstream "no CoreDNS upstream known (the coredns ConfigMap was not collected or has no forward line with an IP)"; fi
  probe "$_vid" external-ip ping "$PROBE_EXTERNAL" '' icmp '' '' external
}

collect_probes() {
  _err=$WORK/err.$PART _out=$STAGE/host/probes.json _pout=$WORK/probe.out
  : >"$_err"; : >"$WORK/probes.list"
  if [ "$NO_HOST" = 1 ]; then skip_source host.probes host/probes.json --no-host 'probe matrix (--probe)'; return; fi
  printf 'netsnap: --probe: SENDING PACKETS now (ping, TCP connects, DNS queries; %s attempts of at most %ss each)\n' \
    "$PROBE_ATTEMPTS" "$PROBE_TIMEOUT_S" >&2
  now_ms; _pt0=$NOW
  _started=$(date -u '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null) || _started=$CREATED_AT
  PROBE_SEP='' PROBE_N=0
  AIR_GAPPED=false AIR_REASON=null
  if [ "$AIR_GAPPED_FLAG" = 1 ]; then AIR_GAPPED=true AIR_REASON='"flag"'
  else
    _dr=0
    while read -r _if _dst _rest; do [ "$_dst" = 00000000 ] && _dr=1; done </proc/net/route 2>/dev/null
    [ "$_dr" = 0 ] && AIR_GAPPED=true AIR_REASON='"no default route"'
  fi
  probe_tools
  probe_targets
  _vj="{\"id\": \"host\", \"kind\": \"host\"}"
  _sv=''
  V_PID=''
  probe_matrix host
  find_pod_vantage
  if [ -n "$V_PID" ]; then
    if [ -n "$V_NAME" ]; then _pvid="pod:$V_NS/$V_NAME"; else _pvid="netns:pid-$V_PID"; fi
    _vj="$_vj,
    {\"id\": $(json_str "$_pvid"), \"kind\": \"pod\""
    [ -n "$V_NAME" ] && _vj="$_vj, \"namespace\": $(json_str "$V_NS"), \"name\": $(json_str "$V_NAME")"
    _vj="$_vj, \"ip\": $(json_str "$V_IP"), \"pid\": $V_PID, \"enteredWith\": \"nsenter -t $V_PID -n\", \"matchedBy\": $(json_str "$V_MATCH")}"
    probe_matrix "$_pvid"
  else
    _sv="{\"kind\": \"pod\", \"why\": $(json_str "$V_WHY")}"
  fi
  V_PID=''
  now_ms; _pms=$((NOW - _pt0)); [ "$_pms" -ge 0 ] || _pms=0
  {
    printf '{"schema": "netsnap.probes/v1", "node": %s, "airGapped": %s, "airGappedReason": %s,\n' \
      "$(json_str "$NODE")" "$AIR_GAPPED" "$AIR_REASON"
    printf '  "startedAt": "%s", "durationMs": %s, "tools": {%s},\n' "$_started" "$_pms" "$TOOLS_JSON"
    printf '  "vantages": [\n    %s],\n  "skippedVantages": [%s],\n' "$_vj" "$_sv"
    printf '  "probes": [\n    '
    cat "$WORK/probes.list"
    printf '\n  ]}\n'
  } >"$WORK/probes.json"
  mkdir -p "${_out%/*}" && mv -f "$WORK/probes.json" "$_out"
  note "$_err" "sent packets: $PROBE_N probes from $(if [ -n "$_sv" ]; then echo 1; else echo 2; fi) vantage(s)${V_WHY:+; pod vantage skipped: $V_WHY}"
  record host.probes host/probes.json 'probe matrix (--probe)' ok null "$_pms" "$(file_bytes "$_out")" "$_err"
}

# --- run both parts, then write the bundle ---------------------------------------------------
# every PART that writes records, in manifest order
PARTS='cluster cluster.lists cluster.logs host probe'
OUT_NAME=$OUT
[ "$OUT" = - ] && OUT_NAME=stdout
printf 'netsnap: collecting node %s into %s (timeout %ss per command)\n' "$NODE" "$OUT_NAME" "$TIMEOUT_S" >&2
for _part in $PARTS; do : >"$WORK/records.$_part"; done
(trap - EXIT INT TERM HUP; PART=cluster; collect_cluster) &
PART_PIDS=$!
(trap - EXIT INT TERM HUP; PART=host; collect_host) &
PART_PIDS="$PART_PIDS $!"
for _p in $PART_PIDS; do wait "$_p"; done
PART_PIDS=''
# probes last: they need what the other parts collected, and must not disturb what they measured
[ "$PROBE" = 1 ] && { PART=probe; collect_probes; }

{
  printf '{\n  "formatVersion": 1,\n  "collectorVersion": "%s",\n  "createdAt": "%s",\n' "$COLLECTOR_VERSION" "$CREATED_AT"
  printf '  "node": '; json_str "$NODE"; printf ',\n  "hostname": '; json_str "$HOSTNAME_V"
  printf ',\n  "kernel": '; json_str "$KERNEL"
  printf ',\n  "user": {"uid": %s, "root": %s},\n' "${USER_UID:-null}" "$IS_ROOT"
  printf '  "flags": [%s],\n' "$FLAGS_JSON"
  [ "$PROBE" = 1 ] && printf '  "sentPackets": "--probe: pings, TCP connects and DNS queries (host/probes.json)",\n'
  printf '  "notCollected": ["secrets", "serviceaccount-tokens", "kubeconfig", "kubelet-pki"],\n'
  printf '  "sources": [\n'
  _sep='    '
  for _part in $PARTS; do
    while IFS= read -r _l; do printf '%s%s\n' "$_sep" "$_l"; _sep='  , '; done <"$WORK/records.$_part"
  done
  printf '  ]\n}\n'
} >"$STAGE/manifest.json"

set -- manifest.json
[ -d "$STAGE/cluster" ] && set -- "$@" cluster
[ -d "$STAGE/host" ] && set -- "$@" host
if [ "$OUT" = - ]; then
  { tar -C "$STAGE" -cf - "$@"; echo $? >"$WORK/tar.rc"; } | gzip -c
  _gz=$?
  OUT_BYTES=streamed
else
  { tar -C "$STAGE" -cf - "$@"; echo $? >"$WORK/tar.rc"; } | gzip -c >"$OUT"
  _gz=$?
  OUT_BYTES=$(file_bytes "$OUT")
fi
read -r _tar <"$WORK/tar.rc" 2>/dev/null || _tar=1
if [ "$_gz" -ne 0 ] || [ "$_tar" -ne 0 ]; then
  [ "$OUT" = - ] || rm -f "$OUT"
  die "could not write $OUT (tar exit $_tar, gzip exit $_gz); check free space and permissions, or choose another path with -o"
fi

_sum=''
for _s in ok failed timeout denied absent skipped; do
  _c=0
  for _part in $PARTS; do
    while IFS= read -r _l; do case $_l in *"\"status\":\"$_s\""*) _c=$((_c + 1)) ;; esac; done <"$WORK/records.$_part"
  done
  [ "$_c" -gt 0 ] && _sum="$_sum $_s=$_c"
done
if [ "$OUT" = - ]; then printf 'netsnap: wrote the bundle to stdout (%s)\n' "${_sum# }" >&2
else printf 'netsnap: wrote %s (%s bytes;%s)\n' "$OUT_NAME" "$OUT_BYTES" "$_sum" >&2; fi
exit 0
