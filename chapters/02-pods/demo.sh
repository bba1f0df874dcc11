#!/usr/bin/env bash
# chapters/02-pods/demo.sh — the demos of chapter 02 (Pods and volumes), in the order the
# chapter shows them. Run it as root from the repository root, after `bash scripts/demo`
# (or `bash scripts/build`) has built build/kubepp:
#
#     sudo bash chapters/02-pods/demo.sh
#
# Each demo prints its command before running it, and the checks after it compare what
# it printed with what the chapter says. The Pods are the manifests of
# chapters/02-pods/manifests, played with `kubepp play` under a temporary `--root` (the
# chapter's own commands use the default /var/lib/kubepp and /run/kubepp); a Pod that
# must keep running is played with -d and removed with `kubepp rm -f`. The hostPath demo
# makes /tmp/kubepp-ch02-hostpath (the manifest names it); the script refuses to start
# when that directory already exists, and removes it at the end.
#
# Everything the script makes is removed when it ends, also when a demo fails: `kubepp
# cleanup` on the temporary root stops every supervisor and removes every Pod — its
# containers, sandbox, network namespace, veth, address, hostPort rules and forwarder,
# volumes and cgroups — and then the node network (the bridge kubepp0, its routes and
# rules) when no Pod of that root holds an address; then the temporary directories go.
#
# The pod network is the node's: kubepp0 and 10.244.0.0/24 are shared by every kubepp
# root on this machine, so run one root's Pods at a time (the chapters' test takes the
# root tests' lock). The network demos send traffic only to Pod addresses on kubepp0
# and to 127.0.0.1, with the host's wget (or busybox's, when the host has none).
#
# Exit status: 0 when every demo behaved as the chapter says, 1 otherwise.
# KUBEPP=/path/to/kubepp runs another build of the binary.
set -uo pipefail

# A KUBEPP given relative to where we were called from stays right after the cd: the
# demos run from the repository root, whatever the caller's directory (ctest's is
# build/tests).
if [ -n "${KUBEPP:-}" ] && [ "${KUBEPP#/}" = "$KUBEPP" ]; then KUBEPP="$PWD/$KUBEPP"; fi
cd "$(dirname "$0")/../.." || exit 1
KUBEPP=${KUBEPP:-build/kubepp}
M=chapters/02-pods/manifests
HOSTDIR=/tmp/kubepp-ch02-hostpath   # the hostPath of manifests/hostpath.yaml
if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: Pods need root; run: sudo bash $0" >&2
  exit 1
fi
if [ ! -x "$KUBEPP" ]; then
  echo "demo.sh: $KUBEPP not found; build it first with: bash scripts/demo" >&2
  exit 1
fi
if [ ! -d "$M" ]; then
  echo "demo.sh: run me from the repository root ($M not found)" >&2
  exit 1
fi
if [ -e "$HOSTDIR" ]; then
  echo "demo.sh: $HOSTDIR exists; the hostPath demo makes it: remove it first" >&2
  exit 1
fi

STATE=$(mktemp -d /tmp/kubepp-chapter02.XXXXXX)
failures=0
out=""

# `kubepp` in the demos below is the built binary with the temporary state root.
kubepp() { "$KUBEPP" --root "$STATE" "$@"; }

# Without wget on this host, `wget` is busybox's, in a container that shares the host's
# network namespace (removed with the rest by `kubepp cleanup`).
if ! command -v wget >/dev/null; then
  wget() { kubepp run --net=host busybox -- wget "$@"; }
fi

cleanup() {
  kubepp cleanup >/dev/null 2>&1
  rm -rf "$STATE" "$HOSTDIR"
}
trap cleanup EXIT

title() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }

# check WANT STATUS WHAT: count a failure when a demo's exit status is not WANT.
check() {
  if [ "$2" -ne "$1" ]; then
    echo "!! $3: exit status $2, expected $1" >&2
    failures=$((failures + 1))
  fi
}

# run WANT COMMAND: print COMMAND, run it, print what it wrote (stdout and stderr) and
# keep that in $out for the checks that follow; expect exit status WANT.
run() {
  local want=$1 command=$2
  show "$command"
  out=$(eval "$command" 2>&1)
  local status=$?
  [ -n "$out" ] && printf '%s\n' "$out"
  [ "$want" -ne 0 ] && echo "(exit status $status)"
  check "$want" "$status" "$command"
}

# play WANT ARGS: `kubepp play ARGS` as `run` does. A Pod that never ends would hang the
# script: after 60 s the play gets SIGINT, which stops its Pods (and the check fails).
play() {
  local want=$1
  shift
  show "kubepp play $*"
  out=$(timeout -s INT 60 "$KUBEPP" --root "$STATE" play "$@" 2>&1)
  local status=$?
  [ -n "$out" ] && printf '%s\n' "$out"
  [ "$want" -ne 0 ] && echo "(exit status $status)"
  check "$want" "$status" "kubepp play $*"
}

# has TEXT...: count a failure for each TEXT (a fixed string) that $out lacks.
has() {
  local text
  for text in "$@"; do
    if ! grep -qF -- "$text" <<<"$out"; then
      echo "!! expected \"$text\" in the output above" >&2
      failures=$((failures + 1))
    fi
  done
}

# lacks TEXT: count a failure when $out contains TEXT.
lacks() {
  if grep -qF -- "$1" <<<"$out"; then
    echo "!! did not expect \"$1\" in the output above" >&2
    failures=$((failures + 1))
  fi
}

# expect WHAT TEST...: count a failure unless the test command succeeds.
expect() {
  local what=$1
  shift
  if ! "$@"; then
    echo "!! $what" >&2
    failures=$((failures + 1))
  fi
}

# wait_status POD STATUS: wait up to 10 s until `kubepp pods` shows POD with STATUS.
wait_status() {
  for _ in $(seq 100); do
    kubepp pods | awk -v p="$1" -v s="$2" '$1 == p && $3 == s { found = 1 } END { exit !found }' && return 0
    sleep 0.1
  done
  echo "!! pod $1 did not reach status $2" >&2
  failures=$((failures + 1))
  return 1
}

# pod_ip POD: the Pod's address, from `kubepp pods`.
pod_ip() { kubepp pods | awk -v p="$1" '$1 == p { print $6 }'; }

echo "kubepp: $KUBEPP, state root: $STATE (temporary)"

# --- 1. What a Pod is --------------------------------------------------------------------
title "1. two containers, one Pod: localhost, the hostname and a volume are shared"
play 0 $M/duo.yaml
run 0 "kubepp logs duo -c client"
has "hello from duo" "client: there is no /www in my root filesystem"
run 0 "kubepp logs duo -c server"
has "server: the client is done"
run 0 "kubepp pods"
has "Completed"
run 0 "kubepp rm duo"

# --- 2. The sandbox and the pause container ---------------------------------------------------
title "2. a running Pod: its pause process and the namespaces its containers share"
play 0 -d $M/pair.yaml
has "pod/pair created"
run 0 "kubepp pods"
has "2/2" "Running"
run 0 "kubepp ps"
has "registry.k8s.io/pause:3.9" "/pause"
sandbox_json=$(ls "$STATE"/lib/sandboxes/*/sandbox.json)
run 0 "grep -E '\"(id|netns|ip|pause_pid|ready)\"' $STATE/lib/sandboxes/*/sandbox.json"
has '"netns": "kubepp-' '"ready": true'
PAUSE=$(grep -o '"pause_pid": [0-9]*' "$sandbox_json" | cut -d' ' -f2)
run 0 "ps -o pid,ppid,comm -p $PAUSE"
has "pause"
show "for ns in net ipc uts pid mnt cgroup; do echo \"\$ns \$(readlink /proc/$PAUSE/ns/\$ns) \$(kubepp exec -c app pair -- readlink /proc/self/ns/\$ns) \$(kubepp exec -c sidecar pair -- readlink /proc/self/ns/\$ns)\"; done | column -t"
out=$(for ns in net ipc uts pid mnt cgroup; do
  echo "$ns $(readlink /proc/$PAUSE/ns/$ns) $(kubepp exec -c app pair -- readlink /proc/self/ns/$ns) $(kubepp exec -c sidecar pair -- readlink /proc/self/ns/$ns)"
done | column -t)
printf '%s\n' "$out"
# net, ipc and uts: the same namespace in all three columns; pid, mnt and cgroup: three.
for ns in net ipc uts; do
  expect "$ns is not shared by the pause process and both containers" \
    test "$(awk -v n=$ns '$1 == n { print ($2 == $3 && $3 == $4) }' <<<"$out")" = 1
done
for ns in pid mnt cgroup; do
  expect "$ns is shared, but each container should have its own" \
    test "$(awk -v n=$ns '$1 == n { print ($2 != $3 && $3 != $4 && $2 != $4) }' <<<"$out")" = 1
done
run 0 "kubepp exec -c app pair -- ps -o pid,comm"
has "1 sleep"
lacks "pause"
run 0 "kubepp exec -c sidecar pair -- hostname"
has "pair"
run 0 "kubepp exec pair -- tail -1 /etc/hosts"
has "$(grep -o '"ip": "[0-9.]*"' "$sandbox_json" | cut -d'"' -f4)	pair"

title "2b. shareProcessNamespace: one PID namespace for the Pod, the pause process its pid 1"
play 0 $M/shared-pid.yaml
run 0 "kubepp logs shared-pid -c debug"
has "1 65535    pause" "sleep" "ps"
run 0 "kubepp rm shared-pid"

title "2c. hostNetwork: the node's network namespace and hostname"
play 0 $M/host-net.yaml
run 0 "kubepp logs host-net"
host_line="$(hostname) $(readlink /proc/self/ns/net)"
has "$host_line"
lacks "$(readlink /proc/self/ns/pid)"
run 0 "echo \$(hostname) \$(readlink /proc/self/ns/net) \$(readlink /proc/self/ns/pid)   # the host"
run 0 "kubepp rm host-net"

# --- 3. Joining namespaces ----------------------------------------------------------------------
title "3. why every namespace file is opened before any is entered"
run 1 "kubepp exec -c app pair -- ls /proc/$PAUSE/ns/net"
has "No such file or directory"
run 1 "kubepp exec -c app pair -- ls /run/netns"
has "No such file or directory"
run 0 "ls /run/netns | grep \$(basename \$(dirname $sandbox_json))"

# --- 4. The CRI: records on disk, adoption ------------------------------------------------------
title "4. the runtime's records, and a play that adopts what runs"
run 0 "cd $STATE/lib/sandboxes/*/ && ls . containers"
has "sandbox.json" "hosts" "resolv.conf" "pause.log"
run 0 "grep -o '\"supervisor\":[0-9]*' $STATE/lib/pods/*/pod.json"
SUPERVISOR=$(cut -d: -f2 <<<"$out")
run 0 "ps -o pid,ppid,comm -p $SUPERVISOR"
has "kubepp"
run 0 "kubepp ps -q"
before=$out
run 0 "kill -9 $SUPERVISOR; sleep 1.5; kubepp ps -q"
expect "the containers changed when their supervisor died" test "$out" = "$before"
play 0 -d $M/pair.yaml
has "pod/pair adopted"
run 0 "kubepp ps -q"
expect "the adopting play started containers again" test "$out" = "$before"
run 0 "kubepp rm -f pair"
run 0 "kubepp pods"
lacks "pair"

# --- 5. The Pod network ------------------------------------------------------------------------
title "5. two Pods on the bridge kubepp0, and a hostPort"
play 0 -d $M/web.yaml
has "pod/web created" "pod/client created"
run 0 "kubepp pods"
WEB=$(pod_ip web)
CLIENT=$(pod_ip client)
expect "web has no address" test -n "$WEB"
run 0 "ip -br addr show kubepp0"
has "10.244.0.1/24"
run 0 "ip -br link show master kubepp0"
expect "the bridge does not hold two veths" test "$(grep -c '^kubepp-' <<<"$out")" -ge 2
run 0 "ip route | grep -E 'kubepp0|unreachable'"
has "unreachable 10.244.0.0/16" "unreachable 10.96.0.0/12" "10.244.0.0/24 dev kubepp0"
run 2 "ip route get 10.244.9.9"
has "No route to host"
run 0 "ls $STATE/lib/networks/kubepp0/"
has "$WEB" "$CLIENT" "last_reserved_ip"
run 0 "cat $STATE/lib/networks/kubepp0/$WEB; echo"
run 0 "kubepp exec web -- ip -4 -o addr show eth0"
has "inet $WEB/24"
run 0 "kubepp exec web -- ip route"
has "default via 10.244.0.1 dev eth0"
run 0 "wget -q -O - http://$WEB/"
has "Hello MyApp | Version: v1"
run 0 "kubepp exec client -- wget -q -O - http://$WEB/hostname.html"
has "web"
run 0 "iptables -t nat -S OUTPUT | grep KUBEPP; iptables -t nat -S PREROUTING | grep KUBEPP"
has "-j KUBEPP-HOSTPORTS"
run 0 "iptables -t nat -S | grep -- '--to-destination $WEB:80'"
has "--dport 8080 -j DNAT --to-destination $WEB:80"
run 0 "iptables -t nat -S KUBEPP-POSTROUTING | grep $WEB"
has "MASQUERADE"
run 0 "ss -ltnp | grep 127.0.0.1:8080"
has "kubepp-hostport"
run 0 "wget -q -O - http://127.0.0.1:8080/"
has "Hello MyApp | Version: v1"
run 0 "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/kubepp0/forwarding /proc/sys/net/ipv4/conf/all/route_localnet"
run 0 "iptables -S KUBEPP-FORWARD | grep kubepp0"
has "-A KUBEPP-FORWARD -i kubepp0 -o kubepp0 -j ACCEPT" "-A KUBEPP-FORWARD -i kubepp0 -j DROP"
run 0 "kubepp rm -f web client"
run 1 "iptables -t nat -S | grep -- '--to-destination $WEB:80'"
run 0 "ls $STATE/lib/networks/kubepp0/"
lacks "$WEB"

title "5b. kubepp run -p: one container on the bridge, as Docker's default network"
run 0 "kubepp run -d --name solo -p 8081:80 ikubernetes/myapp:v1"
run 0 "kubepp ps"
has "0.0.0.0:8081->80/tcp"
run 0 "wget -q -O - http://127.0.0.1:8081/"
has "Hello MyApp | Version: v1"
run 0 "kubepp run --net bridge busybox wget -q -O - http://10.244.0.1:8081/"
has "Hello MyApp | Version: v1"
run 0 "kubepp stop solo && kubepp rm solo"
run 1 "ip netns list | grep kubepp-solo"

# --- 6. The Pod's containers --------------------------------------------------------------------
title "6a. init containers, in order, each to completion"
play 0 $M/init.yaml
has "Started container fetch" "Started container migrate" "Started container app"
expect "the init containers did not run in order" \
  test "$(grep -o 'Started container [a-z]*' <<<"$out" | tr '\n' ' ')" = \
  "Started container fetch Started container migrate Started container app "
run 0 "kubepp logs init-demo"
expect "the steps are not in order" test "$out" = $'step 1: fetch\nstep 2: migrate\nstep 3: app'
run 0 "kubepp rm init-demo"

title "6b. restartPolicy OnFailure: the first restart comes at once"
play 0 $M/retry.yaml
expect "job did not start twice" test "$(grep -c 'Started container job' <<<"$out")" = 2
run 0 "kubepp logs retry"
has "second run: success"
run 0 "kubepp pods"
expect "retry is not Completed after 1 restart" \
  test "$(awk '$1 == "retry" { print $3, $4 }' <<<"$out")" = "Completed 1"
run 0 "kubepp rm retry"

title "6c. restartPolicy Always and a container that keeps failing: CrashLoopBackOff"
play 0 -d $M/crash.yaml
wait_status crash CrashLoopBackOff
run 0 "kubepp pods"
has "CrashLoopBackOff"
pod_json=$(ls "$STATE"/lib/pods/*/pod.json)
run 0 "cat $(dirname "$pod_json")/events.log"
has "Back-off restarting failed container main"
run 0 "grep -o '\"message\":\"back-off[^\"]*\"' $pod_json"
has "back-off 10s restarting failed container=main"
run 0 "kubepp rm -f crash"

title "6d. lifecycle hooks, SIGTERM and the grace period"
play 0 -d $M/hooks.yaml
run 0 "kubepp logs hooks -c polite"
has "postStart hook ran"
lacks "preStop"
show "time kubepp stop hooks"
t0=$(date +%s%N)
out=$( { time kubepp stop hooks; } 2>&1 )
check 0 $? "kubepp stop hooks"
stop_ms=$((($(date +%s%N) - t0) / 1000000))
printf '%s\n' "$out"
expect "stop did not wait for the stubborn container (${stop_ms} ms)" test "$stop_ms" -ge 1500
expect "stop waited longer than the grace period (${stop_ms} ms)" test "$stop_ms" -lt 6000
run 0 "kubepp logs hooks -c polite"
expect "the polite container's log is not in order" test "$out" = \
  $'polite: main process started\npostStart hook ran\npreStop hook ran\npolite: SIGTERM, cleaning up'
pod_json=$(ls "$STATE"/lib/pods/*/pod.json)
run 0 "grep -o '\"exitCode\":[0-9]*' $pod_json"
has '"exitCode":0' '"exitCode":137'
run 0 "kubepp rm hooks"

title "6e. command and args against the image's ENTRYPOINT and CMD"
play 0 $M/command.yaml
run 0 "kubepp logs command-demo -c image-defaults | sed -n 1,3p"
has "Usage: stress-ng"
run 0 "kubepp logs command-demo -c args-only"
has "stress-ng, version"
lacks "Usage"
run 0 "kubepp logs command-demo -c command-only"
expect "command-only printed more than its echo" test "$out" = "no ENTRYPOINT, no CMD"
run 0 "kubepp logs command-demo -c command-and-args"
expect "command-and-args is wrong" test "$out" = "command plus args"
run 0 "kubepp rm command-demo"

title "6f. the environment: values, a ConfigMap, a Secret, the downward API"
play 0 $M/env.yaml
run 0 "kubepp logs env-demo"
has "CPU_REQUEST_M=250" "GREETING=env-demo in teal" "MEM_LIMIT_MI=64" "POD_NAME=env-demo" \
  "POD_TIER=front" "SHOP_color=teal" "SHOP_size=large" "TOKEN=not-a-real-token" "POD_IP=10.244.0."
run 0 "kubepp rm env-demo"

title "6g. requests and limits: the QoS class, the cgroup and the OOM score"
play 0 $M/qos.yaml
for q in guaranteed burstable besteffort; do run 0 "kubepp logs qos-$q"; done
run 0 "grep -h -E '\"(io.kubernetes.pod.name|cpu_shares|cpu_quota|memory_limit_in_bytes|oom_score_adj)\"' $STATE/lib/sandboxes/*/containers/*.json"
has '"oom_score_adj": -997' '"oom_score_adj": 1000' '"cpu_shares": 512' '"cpu_quota": 50000' \
  '"memory_limit_in_bytes": 67108864' '"cpu_shares": 256' '"cpu_shares": 2'
run 0 "kubepp rm qos-guaranteed qos-burstable qos-besteffort"

title "6h. a securityContext"
play 0 $M/security.yaml
run 0 "kubepp logs locked-down"
has "uid=1000 gid=3000 groups=2000" "CapEff:	0000000000000000" "NoNewPrivs:	1" \
  "Read-only file system" "1000     2000"
run 0 "kubepp rm locked-down"

title "6i. sysctls: the safe set, SysctlForbidden, and --allowed-unsafe-sysctls"
play 1 $M/sysctls.yaml
has 'forbidden sysctl: "kernel.msgmax" not allowlisted'
run 0 "kubepp pods"
has "SysctlForbidden"
run 0 "kubepp rm tuned"
play 0 --allowed-unsafe-sysctls 'kernel.msg*' $M/sysctls.yaml
run 0 "kubepp logs tuned"
has "ip_unprivileged_port_start=80" "msgmax=32768"
run 0 "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/msgmax   # the host's are untouched"
lacks "32768"
run 0 "kubepp rm tuned"

# --- 7. Volumes ------------------------------------------------------------------------------------
title "7a. emptyDir on disk and in memory, with a sizeLimit"
play 0 $M/emptydir.yaml
run 0 "kubepp logs scratch"
has "/ram: tmpfs" "/ram size: 4096 KiB" "No space left on device" "/ram holds 4096 KiB"
lacks "/disk: tmpfs"
run 0 "kubepp rm scratch"

title "7b. hostPath: checked by type, made when the type says so"
play 0 $M/hostpath.yaml
run 0 "kubepp logs host-files"
has "PRETTY_NAME=" "Read-only file system"
run 0 "cat $HOSTDIR/note"
has "written in the pod host-files"
run 0 "kubepp rm host-files"
run 0 "rm -r $HOSTDIR"
play 0 -d $M/hostpath-wrong-type.yaml
wait_status wrong-type ContainerCreating
run 0 "kubepp pods"
has "ContainerCreating"
run 0 "tail -1 $STATE/lib/pods/*/events.log"
has "hostPath type check failed: /etc/hosts is not a directory, it's a File"
run 0 "kubepp rm -f wrong-type"
play 1 $M/hostpath-dotdot.yaml
has "spec.volumes[0].hostPath.path: Invalid value: \"/tmp/../etc\": must not contain '..'"
run 0 "kubepp pods -q"
expect "a refused manifest left a pod behind" test -z "$out"

title "7c. configMap, secret, downwardAPI and projected volumes; subPath; readOnly"
play 0 $M/files.yaml
run 0 "kubepp logs files"
has "..data -> ..20" "site.conf -> ..data/site.conf" "listen 8080" "/etc/tls on tmpfs, key.pem -r--------" \
  'app="site"' 'track="stable"' "bundle: key.pem pod-name" "welcome to the pod" "Read-only file system"
run 0 "ls $STATE/lib/pods/*/volumes/"
has "kubernetes.io~configmap" "kubernetes.io~secret" "kubernetes.io~downward-api" "kubernetes.io~projected"
run 0 "kubepp rm files"
run 1 "grep $STATE /proc/self/mountinfo"   # the Secret's tmpfs went with the Pod

title "7d. a subPath that leads out of its volume is refused"
play 0 -d $M/subpath-escape.yaml
wait_status escape CreateContainerConfigError
run 0 "kubepp pods"
has "CreateContainerConfigError"
run 0 "tail -1 $STATE/lib/pods/*/events.log"
has 'spec.containers[0].volumeMounts[0].subPath: Invalid value: "etc-link": leads outside the volume'
run 0 "kubepp rm -f escape"

echo
if [ "$failures" -ne 0 ]; then
  echo "demo.sh: $failures demo(s) did not behave as the chapter says" >&2
  exit 1
fi
echo "demo.sh: all demos behaved as the chapter says"
