#!/usr/bin/env bash
# chapters/01-containers/demo.sh — the demos of chapter 01 (containers), parts 1 to 3,
# in the order the chapter shows them. Run it as root from the repository root, after
# `bash scripts/demo` (or `bash scripts/build`) has built build/kubepp:
#
#     sudo bash chapters/01-containers/demo.sh
#
# Each demo prints its command before running it. State goes to a temporary `--root`
# (the chapter's own commands use the default /var/lib/kubepp and /run/kubepp), and
# everything the script makes is removed when it ends, also when a demo fails:
# containers started with `kubepp run -d` are removed with `kubepp rm -f` (which also
# removes their cgroups), then `kubepp cleanup` catches anything else under the root.
# Part 2 compiles a small static C program with gcc (seccomp demo); without gcc that
# one demo is skipped. Part 3 reads the built-in OCI layouts beside the binary
# (build/images/oci, or $KUBEPP_IMAGES), writes layouts of its own with python3 and
# umoci into a temporary directory (without umoci its last demo is skipped), and
# imports them into the temporary root's image store. Its runtime sections (20–23) make
# OCI bundles in a temporary directory and run them under `kubepp runtime`, runc and
# crun, each with a temporary --root (without runc or crun those demos are skipped; crun
# runs in a private mount namespace without /sys/fs/cgroup/unified when that is a mount
# here — the host's mounts never change); container ids start with kubepp-demo-.
# Exit status: 0 when every demo behaved as the chapter says, 1 otherwise.
# KUBEPP=/path/to/kubepp runs another build of the binary.
set -uo pipefail

KUBEPP=${KUBEPP:-build/kubepp}
if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: containers need root; run: sudo bash $0" >&2
  exit 1
fi
if [ ! -x "$KUBEPP" ]; then
  echo "demo.sh: $KUBEPP not found; build it first with: bash scripts/demo" >&2
  exit 1
fi

STATE=$(mktemp -d /tmp/kubepp-chapter01.XXXXXX)
SCRATCH=$(mktemp -d /tmp/kubepp-chapter01-mnt.XXXXXX)
SYSCALLS=$(mktemp -d /tmp/kubepp-chapter01-sc.XXXXXX)   # part 2: the seccomp demo's root
LAYOUTS=$(mktemp -d /tmp/kubepp-chapter01-img.XXXXXX)   # part 3: image layouts the demos write
BUNDLES=$(mktemp -d /tmp/kubepp-chapter01-oci.XXXXXX)   # part 3: OCI bundles, and the runtimes' --root
KRT=$BUNDLES/root-kubepp CRT=$BUNDLES/root-crun RRT=$BUNDLES/root-runc
overlay=""      # a bundle's rootfs while an image's layers are mounted on it
background=()   # pids of `kubepp run` we started in the background
detached=()     # names of containers started with `kubepp run -d`
failures=0

# `kubepp` in the demos below is the built binary with the temporary state root.
kubepp() { "$KUBEPP" --root "$STATE" "$@"; }

# `ucrun` is crun as this machine needs it (chapter section 23): on a hybrid cgroup host,
# in a private mount namespace without the cgroup2 mount at /sys/fs/cgroup/unified (crun
# refuses the hybrid layout); elsewhere plain crun. `unshare -m` makes the new namespace's
# mounts private, so the umount never reaches the host.
ucrun() {
  if mountpoint -q /sys/fs/cgroup/unified; then
    unshare -m sh -c 'umount /sys/fs/cgroup/unified && exec crun "$@"' sh "$@"
  else
    crun "$@"
  fi
}

cleanup() {
  # A background `kubepp run` passes a second SIGINT to its container as SIGKILL.
  for pid in "${background[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -INT "$pid" 2>/dev/null; sleep 0.2; kill -INT "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  for name in "${detached[@]}"; do
    kubepp rm -f "$name" >/dev/null 2>&1   # kills it, waits for its monitor, removes its cgroup
  done
  # OCI containers: every id under each runtime's --root, killed and deleted.
  for id in $("$KUBEPP" runtime --root "$KRT" list -q 2>/dev/null); do
    "$KUBEPP" runtime --root "$KRT" delete -f "$id" >/dev/null 2>&1
  done
  if command -v runc >/dev/null; then
    for id in $(runc --root "$RRT" list -q 2>/dev/null); do runc --root "$RRT" delete -f "$id" >/dev/null 2>&1; done
  fi
  if command -v crun >/dev/null; then
    for id in $(ucrun --root "$CRT" list -q 2>/dev/null); do ucrun --root "$CRT" delete -f "$id" >/dev/null 2>&1; done
  fi
  [ -n "$overlay" ] && umount "$overlay" 2>/dev/null
  kubepp cleanup >/dev/null 2>&1
  rm -rf "$STATE" "$SYSCALLS" "$LAYOUTS" "$BUNDLES"
  rmdir "$SCRATCH" 2>/dev/null
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

# demo WANT COMMAND: print COMMAND, run it, and expect exit status WANT.
demo() {
  local want=$1 command=$2
  show "$command"
  eval "$command"
  local status=$?
  [ "$want" -ne 0 ] && echo "(exit status $status)"
  check "$want" "$status" "$command"
}

# start NAME ARGS: `kubepp run --name NAME ARGS` in the background (ARGS is one string,
# as typed); the pid of that `kubepp run` is left in $last.
start() {
  show "kubepp run --name $1 $2 &"
  eval "\"\$KUBEPP\" --root \"\$STATE\" run --name $1 $2 &"
  last=$!
  background+=("$last")
}

# detach NAME ARGS: `kubepp run -d --name NAME ARGS` (ARGS as typed); remembered for
# the cleanup, which removes it with `kubepp rm -f`.
detach() {
  detached+=("$1")
  demo 0 "kubepp run -d --name $1 $2"
}

# wait_for FILE: wait up to 5 s for FILE to exist.
wait_for() {
  for _ in $(seq 50); do [ -e "$1" ] && return 0; sleep 0.1; done
  echo "!! $1 did not appear" >&2
  failures=$((failures + 1))
  return 1
}

echo "kubepp: $KUBEPP, state root: $STATE (temporary)"

# --- 1. A first container ------------------------------------------------------------
title "1. a first container: pid 1, its own hostname, its own root"
demo 0 "kubepp run --hostname demo busybox -- sh -c 'ps -o pid,comm; hostname; echo \$(ls /)'"

# --- 2. Namespaces: inside and outside ------------------------------------------------
title "2. the namespaces of the host and of a container"
ns='for ns in cgroup ipc mnt net pid time user uts; do echo "$ns $(readlink /proc/self/ns/$ns)"; done'
show "ns='$ns'"
demo 0 "paste -d' ' <(sh -c \"\$ns\") <(kubepp run busybox -- sh -c \"\$ns\" | cut -d' ' -f2) | column -t   # host | container"

title "2b. --net=host shares the host's network namespace, and only it"
demo 0 "for n in none host; do
    kubepp run --net=\$n busybox -- sh -c 'echo \$(readlink /proc/self/ns/net) \$(hostname): \$(ip -o link | cut -d\" \" -f2)'
  done"
demo 0 "echo \$(readlink /proc/self/ns/net) \$(hostname)      # the host"

# --- 3. The root filesystem -------------------------------------------------------------
title "3. the mounts a container sees"
demo 0 "kubepp run busybox -- cut -d' ' -f1-4 /proc/self/mounts"
demo 0 "kubepp run busybox -- sh -c 'echo \$(ls /dev)'"
demo 1 "kubepp run busybox -- touch /sys/kernel/x"

title "3b. the writable layer, seen from the host while the container runs"
start upper-demo "busybox -- sh -c 'trap \"exit 0\" TERM; echo hello > /root/note; rm /bin/vi; sleep 300 & wait'"
upper_pid=$last
lib="$STATE/lib/containers/upper-demo"
if wait_for "$lib/upper/root/note"; then
  sleep 0.2
  demo 0 "(cd $lib/upper && find . | sort)"
  demo 0 "stat -c '%A %t,%T %n' $lib/upper/bin/vi   # a whiteout: vi is deleted in the container"
  demo 0 "cat $lib/upper/root/note"
  demo 0 "ls $lib/merged | wc -l   # the overlay is not mounted in the host's namespace"
  demo 1 "grep overlay /proc/self/mountinfo"
  cpid=$(cut -d" " -f1 "$STATE/run/containers/upper-demo/pid")
  demo 0 "cut -d' ' -f5,9 /proc/$cpid/mountinfo   # the container's mount table, read from the host"
fi
demo 0 "kill -TERM $upper_pid; wait $upper_pid   # kubepp run passes SIGTERM on"
demo 0 "ls $STATE/lib/containers | wc -l   # the container's directories are gone"

# --- 4. Mount propagation ---------------------------------------------------------------
title "4. why propagation is cut first (a systemd host's / is shared)"
# A private namespace whose / is made shared stands in for a systemd host, so the demo
# never touches the real host's mounts.
demo 0 "unshare --mount --propagation private -- sh -c '
  mount --make-rshared /
  echo \"-- a child mount namespace that keeps shared propagation:\"
  unshare --mount --propagation unchanged -- mount -t tmpfs demo $SCRATCH
  findmnt -n -o TARGET,FSTYPE $SCRATCH || echo \"   nothing mounted\"
  umount $SCRATCH
  echo \"-- a child mount namespace made private first (make_rprivate):\"
  unshare --mount --propagation private -- mount -t tmpfs demo $SCRATCH
  findmnt -n -o TARGET,FSTYPE $SCRATCH || echo \"   nothing mounted\"'"

# --- 5. Exit statuses ---------------------------------------------------------------------
title "5. exit statuses pass through, as docker run's do"
demo 3 "kubepp run busybox -- sh -c 'exit 3'"
demo 127 "kubepp run busybox -- nosuch"
demo 126 "kubepp run busybox -- /etc/hosts"
demo 125 "kubepp run nosuchimage"

# --- 6. pid 1 and signals -------------------------------------------------------------------
title "6. pid 1 ignores signals it has no handler for"
demo 0 "kubepp run busybox -- sh -c 'kill -KILL \$\$; echo still here, pid \$\$'"
start sig-demo "busybox -- sleep 300"
sig_pid=$last
if wait_for "$STATE/run/containers/sig-demo/pid"; then
  sleep 0.3
  cpid=$(cut -d" " -f1 "$STATE/run/containers/sig-demo/pid")
  demo 0 "grep SigCgt /proc/$cpid/status"
  demo 0 "kill -TERM $sig_pid; sleep 1; ps -o pid,stat,comm -p $cpid"
  demo 0 "kill -INT $sig_pid; sleep 0.2; kill -INT $sig_pid   # Ctrl-C twice"
fi
show "wait $sig_pid"
wait "$sig_pid"
status=$?
echo "(exit status $status)"
check 137 "$status" "sig-demo after two SIGINTs"

# ===================================================================================
# Part 2: cgroups, the container monitor, hardening
# ===================================================================================

# pid_of NAME: the host pid of container NAME's first process.
pid_of() { cut -d' ' -f1 "$STATE/run/containers/$1/pid"; }

# cgroup_dir NAME CONTROLLER: the directory of container NAME's cgroup in CONTROLLER's
# v1 hierarchy (on a cgroup v2 machine: its one directory), from /proc/PID/cgroup.
V1=0
[ -d /sys/fs/cgroup/memory ] && V1=1
cgroup_dir() {
  local pid
  pid=$(pid_of "$1")
  if [ "$V1" = 1 ]; then
    echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")"
  else
    echo "/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"
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

# wait_exited NAME: wait up to 10 s until the monitor has recorded NAME's end.
wait_exited() {
  for _ in $(seq 100); do
    grep -q '"phase": "exited"' "$STATE/lib/containers/$1/state.json" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "!! container $1 did not exit" >&2
  failures=$((failures + 1))
  return 1
}

echo
echo "== part 2 (cgroup $([ "$V1" = 1 ] && echo v1 hierarchies || echo v2 tree))"

# --- 7. cgroups ----------------------------------------------------------------------
title "7. limits become files in the container's cgroup"
detach lim "--memory 64Mi --cpus 0.5 --pids 32 busybox -- sleep 300"
if wait_for "$STATE/run/containers/lim/pid"; then
  if [ "$V1" = 1 ]; then
    mem=$(cgroup_dir lim memory) cpu=$(cgroup_dir lim cpu) pids=$(cgroup_dir lim pids) dev=$(cgroup_dir lim devices)
    demo 0 "grep -H . $mem/memory.limit_in_bytes $cpu/cpu.shares $cpu/cpu.cfs_period_us $cpu/cpu.cfs_quota_us $pids/pids.max"
    expect "memory.limit_in_bytes is not 64Mi" [ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
    expect "cpu.shares is not 512" [ "$(cat "$cpu/cpu.shares")" = 512 ]
    expect "cpu.cfs_quota_us is not 50000" [ "$(cat "$cpu/cpu.cfs_quota_us")" = 50000 ]
    expect "pids.max is not 32" [ "$(cat "$pids/pids.max")" = 32 ]
    demo 0 "paste -sd, $dev/devices.list   # the device allow-list"
  else
    dir=$(cgroup_dir lim memory)
    demo 0 "grep -H . $dir/memory.max $dir/cpu.weight $dir/cpu.max $dir/pids.max"
  fi
  demo 0 "grep -E 'memory|cpu|pids|devices' /proc/$(pid_of lim)/cgroup   # from the host"
  demo 0 "kubepp exec lim cat /proc/self/cgroup   # inside: its own cgroup is the root"
  expect "the container sees the host's cgroup path" \
    test -z "$("$KUBEPP" --root "$STATE" exec lim cat /proc/self/cgroup | grep kubepp)"
fi
demo 0 "kubepp rm -f lim"

title "7b. over its memory limit: the OOM killer, and the reason read from the counter"
demo 137 "kubepp run --memory 32Mi busybox -- dd if=/dev/zero of=/dev/null bs=64M count=1"
detach oom "--memory 32Mi busybox -- dd if=/dev/zero of=/dev/null bs=64M count=1"
detach killed "busybox -- sleep 300"
if wait_for "$STATE/run/containers/killed/pid"; then
  demo 0 "kill -KILL $(pid_of killed)   # a SIGKILL from outside, no OOM"
fi
wait_exited oom
wait_exited killed
demo 0 "kubepp ps"
expect "oom is not OOMKilled" grep -q '"reason": "OOMKilled"' "$STATE/lib/containers/oom/state.json"
expect "killed is OOMKilled" grep -q '"reason": "Error"' "$STATE/lib/containers/killed/state.json"
demo 0 "kubepp rm oom killed"

title "7c. page cache is charged but reclaimable: the working set"
demo 0 "kubepp run --memory 32Mi busybox -- sh -c 'dd if=/dev/zero of=/tmp/f bs=1M count=100 2>/dev/null; ls -l /tmp/f'"
detach cache "--memory 64Mi busybox -- sh -c 'dd if=/dev/zero of=/tmp/f bs=1M count=40 2>/dev/null; touch /tmp/done; sleep 300'"
if wait_for "$STATE/lib/containers/cache/upper/tmp/done" && [ "$V1" = 1 ]; then
  mem=$(cgroup_dir cache memory)
  demo 0 "cat $mem/memory.usage_in_bytes; grep -E '^total_(rss|inactive_file|active_file) ' $mem/memory.stat"
  usage=$(cat "$mem/memory.usage_in_bytes")
  inactive=$(awk '$1 == "total_inactive_file" { print $2 }' "$mem/memory.stat")
  echo "working set = usage - inactive_file = $((usage - inactive))"
  expect "the working set is not far below the usage" [ $((usage - inactive)) -lt $((usage / 2)) ]
fi
demo 0 "kubepp rm -f cache"

title "7d. a fork bomb stops at --pids; the host still answers"
detach bomb "--pids 64 busybox -- sh -c 'bomb() { bomb | bomb & }; bomb; sleep 300'"
if wait_for "$STATE/run/containers/bomb/pid"; then
  pids=$(cgroup_dir bomb pids)
  # Until the bomb fills its cgroup (on a busy machine that takes a while), exec would
  # still find a free slot.
  for _ in $(seq 100); do [ "$(cat "$pids/pids.current")" -ge 64 ] && break; sleep 0.1; done
  sleep 1
  demo 0 "cat $pids/pids.current $pids/pids.max $pids/pids.events"
  expect "the bomb went past pids.max" [ "$(cat "$pids/pids.current")" -le 64 ]
  demo 0 "ps -o stat=,comm= --ppid $(pid_of bomb) | sort | uniq -c   # children of pid 1, never reaped"
  demo 0 "uptime   # the host"
  demo 125 "kubepp exec bomb ps   # even exec must fork inside the cgroup"
fi
demo 0 "kubepp rm -f bomb"

title "7e. a CPU quota: --cpus 0.2 on a busy loop"
detach spin "--cpus 0.2 busybox -- sh -c 'while :; do :; done'"
if wait_for "$STATE/run/containers/spin/pid"; then
  sleep 1
  if [ "$V1" = 1 ]; then
    usage_file=$(cgroup_dir spin cpuacct)/cpuacct.usage
    show "a=\$(cat $usage_file); sleep 3; b=\$(cat $usage_file)"
    a=$(cat "$usage_file"); sleep 3; b=$(cat "$usage_file")
    per_second=$(( (b - a) / 3000000 ))
    demo 0 "grep throttled $(cgroup_dir spin cpu)/cpu.stat"
  else
    stat_file=$(cgroup_dir spin cpu)/cpu.stat
    a=$(awk '$1 == "usage_usec" { print $2 }' "$stat_file"); sleep 3
    b=$(awk '$1 == "usage_usec" { print $2 }' "$stat_file")
    per_second=$(( (b - a) / 3000 ))
  fi
  echo "$per_second ms of CPU per second"
  # At most the quota (200 ms per second, with a little slack); at least something,
  # even on a busy machine.
  expect "the quota did not hold: $per_second ms/s" test "$per_second" -le 230 -a "$per_second" -ge 20
fi
demo 0 "kubepp rm -f spin"

# --- 8. The container monitor -------------------------------------------------------------
title "8. run -d: a monitor owns the container; ps, exec, logs"
detach ticker "busybox -- sh -c 'echo started; echo oops >&2; for i in 1 2 3 4; do echo tick \$i; sleep 1; done; printf bye'"
if wait_for "$STATE/lib/containers/ticker/state.json"; then
  demo 0 "kubepp ps"
  monitor=$(sed -n 's/.*"monitorPid": \([0-9]*\).*/\1/p' "$STATE/lib/containers/ticker/state.json")
  demo 0 "ps -o pid,ppid,sid,stat,comm -p $monitor,$(pid_of ticker)   # the monitor and pid 1"
  demo 0 "kubepp exec ticker sh -c 'echo \"\$(hostname): pid \$\$\"; ps -o pid,comm'"
  demo 3 "kubepp exec ticker sh -c 'exit 3'"
fi
wait_exited ticker
demo 0 "kubepp logs ticker   # the kubepp run -d that started it is long gone"
expect "logs lack the last line" grep -q 'stdout P bye' "$STATE/lib/containers/ticker/container.log"
demo 0 "cat $STATE/lib/containers/ticker/container.log"
demo 0 "grep -E '\"(phase|exitCode|signal|reason|monitorPid)\"' $STATE/lib/containers/ticker/state.json"

title "8b. stop: SIGTERM, the grace period, then SIGKILL"
detach polite "busybox -- sh -c 'trap \"echo got TERM, cleaning up; exit 0\" TERM; while :; do sleep 1; done'"
detach stubborn "busybox -- sleep 300"
wait_for "$STATE/run/containers/stubborn/pid" && sleep 0.3
start_ms=$(date +%s%3N)
demo 0 "kubepp stop -t 5 polite"
polite_ms=$(( $(date +%s%3N) - start_ms ))
echo "(stopped after $polite_ms ms)"
start_ms=$(date +%s%3N)
demo 0 "kubepp stop -t 2 stubborn"
stubborn_ms=$(( $(date +%s%3N) - start_ms ))
echo "(stopped after $stubborn_ms ms)"
expect "polite waited for the whole grace period" [ "$polite_ms" -lt 4000 ]
expect "stubborn was killed before its grace period ended" [ "$stubborn_ms" -ge 2000 ]
demo 0 "kubepp ps"
demo 0 "kubepp logs polite"
demo 1 "kubepp stop polite"

title "8c. rm: a running container only with -f"
detach web "busybox -- sleep 300"
demo 1 "kubepp rm web"
demo 0 "kubepp rm -f web"
demo 0 "kubepp rm ticker polite stubborn"
demo 0 "kubepp ps"

# --- 9. Hardening -----------------------------------------------------------------------------
title "9. capabilities and seccomp, as the container's first process has them"
demo 0 "kubepp run busybox -- grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status"
expect "CapEff is not Docker's 14" \
  "$KUBEPP" --root "$STATE" run busybox -- grep -q 'CapEff:.00000000a80425fb' /proc/self/status
demo 2 "kubepp run busybox -- ip link set lo down   # needs CAP_NET_ADMIN"

title "9b. system calls the seccomp profile answers"
if command -v gcc >/dev/null; then
  cat > "$SYSCALLS/syscalls.c" <<'EOF'
// syscalls.c: a few system calls Docker's seccomp profile cares about, with harmless
// arguments; prints what each returned.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char* call, long rc) {
  printf("%-8s %s\n", call, rc >= 0 ? "allowed" : strerrorname_np(errno));
}

int main(void) {
  report("keyctl", syscall(SYS_keyctl, 0, -3, 0));  // KEYCTL_GET_KEYRING_ID, the session keyring
  struct clone_args args = {.exit_signal = SIGCHLD};
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid(pid, NULL, 0);
  report("clone3", pid);
  report("unshare", unshare(CLONE_NEWUTS));  // a hostname of its own: harmless anywhere
  report("mount", mount(NULL, "/nonexistent", NULL, MS_REMOUNT, NULL));
  return 0;
}
EOF
  mkdir -p "$SYSCALLS/rootfs/etc"
  demo 0 "gcc -static -O2 -o $SYSCALLS/rootfs/syscalls $SYSCALLS/syscalls.c"
  demo 0 "$SYSCALLS/rootfs/syscalls   # on the host, as root"
  demo 0 "kubepp run $SYSCALLS/rootfs -- /syscalls   # a root directory with one static program"
  out=$("$KUBEPP" --root "$STATE" run "$SYSCALLS/rootfs" -- /syscalls)
  expect "keyctl is not EPERM in the container" grep -q 'keyctl   EPERM' <<<"$out"
  expect "clone3 is not ENOSYS in the container" grep -q 'clone3   ENOSYS' <<<"$out"
else
  echo "(gcc not found: the seccomp demo is skipped)"
fi

title "9c. masked and read-only paths, devices, descriptors"
demo 0 "wc -c /proc/keys   # the host"
demo 1 "kubepp run busybox -- sh -c 'wc -c /proc/keys /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/vm/drop_caches'"
demo 0 "kubepp run busybox -- sh -c 'grep -E \" /(proc|sys)/\" /proc/self/mounts | cut -d\" \" -f1-4'"
demo 1 "kubepp run busybox -- sh -c 'mknod /tmp/sda b 8 0 && ls -l /tmp/sda && head -c 512 /tmp/sda > /dev/null'"
demo 0 "kubepp run busybox -- ls -C /proc/self/fd 7</etc   # kubepp got fd 7 (3 is ls's own directory)"
expect "a descriptor leaked into the container" \
  [ "$("$KUBEPP" --root "$STATE" run busybox -- ls -C /proc/self/fd 7</etc)" = "0  1  2  3" ]

title "9d. the escapes through cgroupfs and new namespaces are closed"
demo 1 "kubepp run busybox -- sh -c 'mkdir /tmp/cg && mount -t cgroup -o memory cgroup /tmp/cg'"
demo 1 "kubepp run busybox -- unshare -r -m sh -c 'mount -t cgroup -o memory cgroup /mnt'"

# ===================================================================================
# Part 3: images
# ===================================================================================

REPO=$(cd "$(dirname "$0")/../.." && pwd)             # images/oci_image.py
BUILT=$(cd "$(dirname "$KUBEPP")" && pwd)/images       # the build's layers and layouts
OCI=${KUBEPP_IMAGES:-$BUILT/oci}                        # the built-in OCI image layouts
STORE=$STATE/lib/images                                 # the temporary root's image store

# json FILE EXPR: a value of the JSON document FILE, as python3 reads it (j is the document).
json() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# wait_http NAME: wait up to 5 s for container NAME's web server on its own port 80.
wait_http() {
  for _ in $(seq 50); do
    "$KUBEPP" --root "$STATE" exec "$1" wget -qO /dev/null localhost 2>/dev/null && return 0
    sleep 0.1
  done
  echo "!! $1 does not answer on port 80" >&2
  failures=$((failures + 1))
  return 1
}
# layer_dir IMAGE N: the N-th lower dir of IMAGE in the store (0 is the top layer).
layer_dir() {
  "$KUBEPP" --root "$STATE" image inspect "$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["GraphDriver"]["Data"]["LowerDirs"][int(sys.argv[1])])' "$2"
}

echo
echo "== part 3 (built-in layouts: $OCI)"

# --- 13. What an image is ------------------------------------------------------------
title "13. an OCI image layout: oci-layout, index.json, blobs named by their digests"
myapp=$OCI/docker.io/ikubernetes/myapp
manifest=$(json "$myapp/index.json" 'j["manifests"][0]["digest"][7:]')     # myapp:v1's
config=$(json "$myapp/blobs/sha256/$manifest" 'j["config"]["digest"][7:]')
base=$(json "$myapp/blobs/sha256/$manifest" 'j["layers"][0]["digest"][7:]')
demo 0 "(cd $myapp && ls && cat oci-layout && echo && ls blobs/sha256 | wc -l)"
demo 0 "python3 -m json.tool $myapp/index.json"
demo 0 "python3 -m json.tool $myapp/blobs/sha256/$manifest   # the manifest of v1"
demo 0 "python3 -m json.tool $myapp/blobs/sha256/$config | grep -v created   # its config: the image ID is this blob's digest"
demo 0 "sha256sum $myapp/blobs/sha256/$base   # a blob is named by its digest"
demo 0 "zcat $myapp/blobs/sha256/$base | sha256sum   # the uncompressed tar's digest: the layer's DiffID"
expect "the busybox layer's DiffID is not the config's diff_ids[0]" \
  [ "sha256:$(zcat "$myapp/blobs/sha256/$base" | sha256sum | cut -d' ' -f1)" = \
    "$(json "$myapp/blobs/sha256/$config" 'j["rootfs"]["diff_ids"][0]')" ]
demo 0 "zcat $myapp/blobs/sha256/$base | tar tv | sed -n 1,4p"

# --- 14. References --------------------------------------------------------------------
title "14. references: busybox is docker.io/library/busybox:latest"
demo 0 "kubepp run docker.io/library/busybox:latest -- echo the same image as busybox"
demo 125 "kubepp run Busybox"
bb_manifest=$(json "$OCI/docker.io/library/busybox/index.json" 'j["manifests"][0]["digest"]')
demo 0 "kubepp run busybox@$bb_manifest -- echo pinned by its digest"

# --- 15. The image store ---------------------------------------------------------------
title "15. the store: pull, ls, inspect, and what it keeps on disk"
demo 0 "kubepp image rm -f \$(kubepp image ls -q)   # start from an empty store"
demo 0 "kubepp image ls"
demo 0 "kubepp image pull ikubernetes/myapp:v1"
demo 0 "kubepp image ls"
demo 0 "ls $STORE $STORE/layers"
demo 0 "python3 -m json.tool $STORE/index.json"
demo 0 "kubepp run alpine -- cat /etc/alpine-release   # a built-in image, pulled on first use"
demo 0 "kubepp image ls"
demo 0 "kubepp image inspect ikubernetes/myapp:v1"

title "15b. the config at run time: Entrypoint + Cmd, Env, WorkingDir"
demo 0 "kubepp run ikubernetes/stress-ng -- --version   # the words replace Cmd; the Entrypoint stays"
demo 0 "kubepp run --entrypoint /bin/echo ikubernetes/stress-ng hello   # a new Entrypoint drops Cmd"
demo 0 "kubepp run redis -- sh -c 'pwd; echo \$PATH'   # WorkingDir /data, the image's Env"

title "15c. rm: untag, delete, and a container's layers stay"
demo 0 "kubepp image pull busybox"
busybox_id=$("$KUBEPP" --root "$STATE" image inspect busybox | json /dev/stdin 'j[0]["Id"][7:19]')
demo 0 "kubepp image rm busybox:1.28"
demo 1 "kubepp image rm $busybox_id"
detach keep "ikubernetes/myapp:v2"
wait_for "$STATE/run/containers/keep/pid" && wait_http keep
v2_layer=$(basename "$(layer_dir ikubernetes/myapp:v2 0)")
demo 1 "kubepp image rm ikubernetes/myapp:v2"
demo 0 "kubepp image rm -f ikubernetes/myapp:v2"
demo 0 "ls -d $STORE/layers/$v2_layer   # still there: the container's lower dir"
demo 0 "kubepp exec keep wget -qO- localhost"
demo 0 "kubepp rm -f keep"
demo 0 "kubepp image rm busybox:1.30"
demo 2 "ls -d $STORE/layers/$v2_layer   # collected by the next rm"

# --- 16. From layers to a root ------------------------------------------------------------
title "16. layers become overlay lower dirs, top first"
demo 0 "kubepp run ikubernetes/myapp:v1 -- sh -c \"grep -oE '(lower|upper|work)dir=[^,]*' /proc/self/mountinfo | tr ':' '\\n'\""
demo 0 "kubepp image inspect alpine ikubernetes/myapp:v1 | grep -A3 LowerDirs   # one busybox layer, shared"
expect "alpine and myapp do not share their base layer" \
  [ "$(layer_dir alpine 1)" = "$(layer_dir ikubernetes/myapp:v1 1)" ]
demo 0 "ls $STORE/layers | wc -l; kubepp image ls -q | wc -l; kubepp image ls | tail -n +2 | wc -l   # layers, images, tags"

title "16b. copy-up and whiteouts in a running container's upper dir"
detach web "ikubernetes/myapp:v1"
wait_for "$STATE/run/containers/web/pid" && wait_http web
demo 0 "kubepp exec web wget -qO- localhost   # the image's Cmd: start-myapp, busybox httpd on port 80"
demo 0 "kubepp exec web sh -c 'echo \"<p>changed</p>\" >> /usr/share/nginx/html/index.html; rm /etc/motd'"
upper=$STATE/lib/containers/web/upper
demo 0 "wc -c $(layer_dir ikubernetes/myapp:v1 0)/usr/share/nginx/html/index.html $upper/usr/share/nginx/html/index.html"
demo 0 "stat -c '%A %t,%T %n' $upper/etc/motd; ls $(layer_dir ikubernetes/myapp:v1 1)/etc/motd"
demo 1 "grep overlay /proc/self/mountinfo   # the host has no overlay mount: it is the container's"
demo 0 "grep -o 'lowerdir=[^,]*' /proc/$(pid_of web)/mountinfo | tr ':' '\\n'   # the container's, read from the host"
demo 0 "kubepp rm -f web"

title "16c. whiteouts in a layer: .wh.NAME and .wh..wh..opq"
cat > "$LAYOUTS/mklayout.py" <<'EOF'
#!/usr/bin/env python3
"""mklayout.py OUT NAME [--on LAYOUT] [--platform OS/ARCH] [--corrupt] ENTRY...

Writes an OCI image layout at OUT with one image, NAME, whose top layer is a tar of the
ENTRYs, written exactly as given (nothing is cleaned up: that is the point):
  path=text   a regular file            path/     a directory
  path->dest  a symbolic link           path@b    a block device (8,0: the first disk)
--on LAYOUT   the layers of LAYOUT's first image go underneath
--platform    the platform the config claims (default linux/amd64)
--corrupt     change one byte of the top layer after its digest was taken
"""
import argparse, gzip, hashlib, io, json, os, tarfile

ap = argparse.ArgumentParser()
ap.add_argument("out"); ap.add_argument("name"); ap.add_argument("entries", nargs="*")
ap.add_argument("--on"); ap.add_argument("--platform", default="linux/amd64")
ap.add_argument("--corrupt", action="store_true")
args = ap.parse_intermixed_args()
os.makedirs(f"{args.out}/blobs/sha256")

def blob(data):  # stores bytes under their sha256; returns the descriptor's digest and size
    digest = hashlib.sha256(data).hexdigest()
    with open(f"{args.out}/blobs/sha256/{digest}", "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}

def read(layout, digest):
    with open(f"{layout}/blobs/sha256/{digest[7:]}", "rb") as f:
        return f.read()

layers, diff_ids = [], []
if args.on:  # the base image's layers, bottom first, with their DiffIDs
    base = json.loads(read(args.on, json.load(open(f"{args.on}/index.json"))["manifests"][0]["digest"]))
    layers = [{**layer, **blob(read(args.on, layer["digest"]))} for layer in base["layers"]]
    diff_ids = json.loads(read(args.on, base["config"]["digest"]))["rootfs"]["diff_ids"]

tar = io.BytesIO()
with tarfile.open(fileobj=tar, mode="w", format=tarfile.PAX_FORMAT) as t:
    for entry in args.entries:
        data = b""
        if "->" in entry:
            info = tarfile.TarInfo(entry.split("->")[0])
            info.type, info.linkname = tarfile.SYMTYPE, entry.split("->")[1]
        elif entry.endswith("@b"):
            info = tarfile.TarInfo(entry[:-2])
            info.type, info.devmajor = tarfile.BLKTYPE, 8
        elif entry.endswith("/"):
            info = tarfile.TarInfo(entry)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
        else:
            name, text = entry.split("=", 1)
            data = text.encode() + b"\n"
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
        t.addfile(info, io.BytesIO(data))
diff_ids.append("sha256:" + hashlib.sha256(tar.getvalue()).hexdigest())
top = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **blob(gzip.compress(tar.getvalue(), mtime=0))}
if args.corrupt:  # the blob keeps its name, but its bytes no longer hash to it
    with open(f"{args.out}/blobs/sha256/{top['digest'][7:]}", "r+b") as f:
        f.seek(20); f.write(b"X")
layers.append(top)

os_name, arch = args.platform.split("/")
config = {"os": os_name, "architecture": arch, "config": {"Cmd": ["sh"]},
          "rootfs": {"type": "layers", "diff_ids": diff_ids}}
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **blob(json.dumps(config).encode())},
            "layers": layers}
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                            **blob(json.dumps(manifest).encode()),
                                            "annotations": {"io.containerd.image.name": args.name}}]}
with open(f"{args.out}/index.json", "w") as f:
    json.dump(index, f)
with open(f"{args.out}/oci-layout", "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
EOF
mk="python3 $LAYOUTS/mklayout.py"
demo 0 "$mk $LAYOUTS/whiteout demo/whiteout --on $OCI/docker.io/library/busybox 'etc/.wh.motd=' 'usr/.wh..wh..opq=' 'usr/local/greeting=hello from the top layer'"
wh_manifest=$(json "$LAYOUTS/whiteout/index.json" 'j["manifests"][0]["digest"][7:]')
wh_top=$(json "$LAYOUTS/whiteout/blobs/sha256/$wh_manifest" 'j["layers"][-1]["digest"][7:]')
demo 0 "zcat $LAYOUTS/whiteout/blobs/sha256/$wh_top | tar tv   # the top layer"
demo 0 "kubepp image import $LAYOUTS/whiteout"
top=$(layer_dir demo/whiteout 0)
demo 0 "(cd $top && find . | sort && stat -c '%A %t,%T %n' etc/motd && python3 -c 'import os; print(os.getxattr(\"usr\", \"trusted.overlay.opaque\"))')"
demo 0 "kubepp run demo/whiteout -- sh -c 'echo \$(ls /etc); ls -R /usr; cat /usr/local/greeting'"

# --- 17. Hostile input --------------------------------------------------------------------
title "17. hostile layouts are refused, and nothing of them stays"
before=$(ls "$STORE/layers" "$STORE/blobs/sha256" | wc -l)
demo 0 "$mk $LAYOUTS/dotdot evil/dotdot '../../../../tmp/kubepp-escaped=gotcha'"
demo 1 "kubepp image import $LAYOUTS/dotdot"
demo 0 "$mk $LAYOUTS/absolute evil/absolute '/tmp/kubepp-escaped=gotcha'"
demo 1 "kubepp image import $LAYOUTS/absolute"
demo 0 "$mk $LAYOUTS/device evil/device 'dev/' 'dev/sda@b'"
demo 1 "kubepp image import $LAYOUTS/device"
demo 0 "$mk $LAYOUTS/corrupt evil/corrupt 'hello=world' --corrupt"
demo 1 "kubepp image import $LAYOUTS/corrupt"
demo 0 "$mk $LAYOUTS/arm64 evil/arm64 'hello=world' --platform linux/arm64"
demo 1 "kubepp image import $LAYOUTS/arm64"
demo 2 "ls /tmp/kubepp-escaped"
expect "a refused import left something in the store" [ "$(ls "$STORE/layers" "$STORE/blobs/sha256" | wc -l)" = "$before" ]
demo 0 "$mk $LAYOUTS/symlink evil/symlink 'host->/' 'host/etc/passwd=gotcha'"
demo 0 "kubepp image import $LAYOUTS/symlink   # accepted: the symlink leads nowhere outside"
demo 0 "(cd $(layer_dir evil/symlink 0) && find . | sort && cat etc/passwd); head -1 /etc/passwd"
expect "the host's /etc/passwd was written" grep -q '^root:' /etc/passwd
demo 0 "kubepp image rm evil/symlink demo/whiteout"

# --- 18. The book's images ----------------------------------------------------------------
title "18. built-in images: Debian's programs with their libraries, deterministic layers"
if [ -d "$BUILT/layers/nginx" ]; then
  demo 0 "readelf -dW $BUILT/layers/nginx/usr/sbin/nginx | grep NEEDED"
  demo 0 "(cd $BUILT/layers/nginx && find . -name '*.so*' | sort)"
  demo 0 "python3 $REPO/images/oci_image.py -v $REPO/images/alpine/image.json --root $BUILT --out $LAYOUTS/alpine-again"
  demo 0 "diff -r $OCI/docker.io/library/alpine $LAYOUTS/alpine-again && echo identical"
else
  echo "($BUILT/layers not found: the demos of the image build are skipped)"
fi
demo 0 "kubepp run nginx:1.10-alpine -- nginx -v   # every nginx tag is Debian's nginx 1.22"

# --- 19. An image of your own, with umoci --------------------------------------------------
title "19. umoci: init, new, unpack, change, repack; then import and run"
if command -v umoci >/dev/null; then
  hello=$LAYOUTS/hello bundle=$LAYOUTS/bundle
  demo 0 "umoci init --layout $hello && umoci new --image $hello:v1"
  demo 0 "umoci config --image $hello:v1 --config.cmd /bin/sh --config.workingdir /etc --config.env 'GREETING=hello from the config'"
  demo 0 "umoci unpack --image $hello:v1 $bundle && ls $bundle $bundle/rootfs"
  demo 0 "mkdir $bundle/rootfs/bin $bundle/rootfs/etc && cp /bin/busybox $bundle/rootfs/bin/ && ln -s busybox $bundle/rootfs/bin/sh && ln -s busybox $bundle/rootfs/bin/ls"
  demo 0 "echo 'hello from a layer' > $bundle/rootfs/etc/greeting"
  demo 0 "umoci repack --refresh-bundle --image $hello:v1 $bundle"
  demo 0 "rm $bundle/rootfs/etc/greeting && umoci repack --image $hello:v2 $bundle"
  demo 0 "echo 'Welcome to hello' > $LAYOUTS/motd && umoci insert --image $hello:v2 $LAYOUTS/motd /etc/motd"
  demo 0 "umoci ls --layout $hello; umoci stat --image $hello:v2"
  inserted=$(umoci stat --image "$hello:v2" | awk '/umoci insert/ { print substr($1, 8) }')
  demo 0 "zcat $hello/blobs/sha256/$inserted | wc -c   # not a multiple of 512: no end blocks, no padding"
  demo 2 "zcat $hello/blobs/sha256/$inserted | tar tv   # GNU tar wants the end blocks"
  demo 1 "kubepp image import $hello"
  demo 0 "kubepp image import --name hello $hello"
  demo 0 "kubepp run hello:v1 -- sh -c 'pwd; echo \$GREETING; cat greeting'"
  demo 0 "kubepp run hello:v2 -- sh -c 'echo \$(ls /etc); cat /etc/motd'"
  demo 0 "ls -l $(layer_dir hello:v2 1)/etc   # the layer umoci wrote for the rm: a whiteout"
else
  echo "(umoci not found: the umoci demo is skipped)"
fi

# --- 20. The OCI runtime spec: a bundle ---------------------------------------------------
title "20. an OCI bundle: config.json and rootfs/; kubepp runtime spec"
cat > "$BUNDLES/ociedit.py" <<'EOF'
#!/usr/bin/env python3
"""ociedit.py CONFIG PATH=VALUE...: changes fields of an OCI config.json in place.

PATH is dotted, list items by number: process.args, linux.namespaces.5.type.
VALUE is JSON (false, 42, ["sh", "-c", "date"], {"type": "time"}), else a string;
PATH+=VALUE appends VALUE to the list at PATH.
"""
import json, sys

config = json.load(open(sys.argv[1]))
for arg in sys.argv[2:]:
    path, _, text = arg.partition("=")
    append = path.endswith("+")
    keys = [int(k) if k.isdigit() else k for k in path.rstrip("+").split(".")]
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    parent = config
    for k in keys[:-1]:
        parent = parent[k]
    if append:
        parent[keys[-1]].append(value)
    else:
        parent[keys[-1]] = value
json.dump(config, open(sys.argv[1], "w"), indent=4)
EOF
cat > "$BUNDLES/image2spec.py" <<'EOF'
#!/usr/bin/env python3
"""image2spec.py BUNDLE [WORD...] < (kubepp image inspect IMAGE)

Fills the process of BUNDLE/config.json from the image's config, as containerd and
Docker do: args = Entrypoint + (the WORDs, or else Cmd); env = Env; cwd = WorkingDir,
or /; user = User ("uid[:gid]"; a name would be looked up in the image's /etc/passwd,
which this sketch skips). Prints the overlay options that make the image's layers the
bundle's rootfs: lowerdir=top:…:bottom.
"""
import json, sys

image = json.load(sys.stdin)[0]
config = image["Config"]
bundle, words = sys.argv[1], sys.argv[2:]
spec = json.load(open(f"{bundle}/config.json"))
process = spec["process"]
process["terminal"] = False
process["args"] = (config.get("Entrypoint") or []) + (words or config.get("Cmd") or [])
process["env"] = config.get("Env") or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
process["cwd"] = config.get("WorkingDir") or "/"
uid, _, gid = (config.get("User") or "0").partition(":")
process["user"] = {"uid": int(uid), "gid": int(gid or 0)}
json.dump(spec, open(f"{bundle}/config.json", "w"), indent=4)
print("lowerdir=" + ":".join(image["GraphDriver"]["Data"]["LowerDirs"]))
EOF
ociedit="python3 $BUNDLES/ociedit.py"
B=$BUNDLES/oci
have_runc=0 have_crun=0
command -v runc >/dev/null && have_runc=1
command -v crun >/dev/null && have_crun=1
show "B=$B KRT=$KRT RRT=$RRT CRT=$CRT   # the bundle; the --root of kubepp runtime, runc, crun"
demo 0 "mkdir \$B && cp -a $BUILT/busybox/rootfs \$B/"
demo 0 "kubepp runtime spec -b \$B && ls \$B"
demo 0 "python3 -m json.tool \$B/config.json | sed -n 1,16p"
if [ "$have_runc" = 1 ]; then
  demo 1 "mkdir \$BUNDLES/runc-spec && runc spec -b \$BUNDLES/runc-spec && diff <(python3 -m json.tool \$BUNDLES/runc-spec/config.json) <(python3 -m json.tool \$B/config.json)"
fi
demo 1 "kubepp runtime --root \$KRT run -b \$B kubepp-demo-hello   # terminal: true"
demo 0 "$ociedit \$B/config.json process.terminal=false 'process.args=[\"sh\", \"-c\", \"echo hello from \$(hostname), pid \$\$, HOME=\$HOME; id; echo \$(ls /)\"]'"
demo 0 "kubepp runtime --root \$KRT run -b \$B kubepp-demo-hello"
expect "the bundle's process does not see what config.json says" \
  [ "$("$KUBEPP" runtime --root "$KRT" run -b "$B" kubepp-demo-hello | sed -n 1p)" = "hello from kubepp, pid 1, HOME=/root" ]

title "20b. from an image to a bundle: the image config becomes process, the layers rootfs/"
demo 0 "mkdir -p \$BUNDLES/redis/rootfs && kubepp runtime spec -b \$BUNDLES/redis"
show "lower=\$(kubepp image inspect redis | python3 \$BUNDLES/image2spec.py \$BUNDLES/redis sh -c 'pwd; echo \$PATH; id')"
lower=$(kubepp image inspect redis | python3 "$BUNDLES/image2spec.py" "$BUNDLES/redis" sh -c 'pwd; echo $PATH; id')
check 0 $? "image2spec.py"
echo "$lower"
demo 0 "sed -n '/\"process\"/,/\"cwd\"/p' \$BUNDLES/redis/config.json"
show "mount -t overlay overlay -o \$lower \$BUNDLES/redis/rootfs"
if mount -t overlay overlay -o "$lower" "$BUNDLES/redis/rootfs"; then
  overlay=$BUNDLES/redis/rootfs
  demo 0 "kubepp runtime --root \$KRT run -b \$BUNDLES/redis kubepp-demo-redis   # WorkingDir /data, the image's Env"
  expect "the image's WorkingDir is not the process's cwd" \
    [ "$("$KUBEPP" runtime --root "$KRT" run -b "$BUNDLES/redis" kubepp-demo-redis | sed -n 1p)" = /data ]
  demo 0 "umount \$BUNDLES/redis/rootfs"
  mountpoint -q "$BUNDLES/redis/rootfs" || overlay=""
else
  check 0 1 "mount the redis image's layers as the bundle's rootfs"
fi

title "20c. a bad config.json: the error names the field"
demo 0 "mkdir \$BUNDLES/bad && kubepp runtime spec -b \$BUNDLES/bad"
demo 0 "$ociedit \$BUNDLES/bad/config.json process.terminal=false 'linux.namespaces+={\"type\": \"net\"}'"
demo 1 "kubepp runtime --root \$KRT run -b \$BUNDLES/bad kubepp-demo-bad"
expect "the error does not name linux.namespaces[6].type" \
  grep -q 'linux.namespaces\[6\].type`: unknown namespace type `net`' \
  <<<"$("$KUBEPP" runtime --root "$KRT" run -b "$BUNDLES/bad" kubepp-demo-bad 2>&1)"
[ "$have_runc" = 1 ] && demo 1 "runc --root \$RRT run -b \$BUNDLES/bad kubepp-demo-bad"
[ "$have_crun" = 1 ] && demo 1 "ucrun --root \$CRT run -b \$BUNDLES/bad kubepp-demo-bad"
demo 0 "$ociedit \$BUNDLES/bad/config.json linux.namespaces.6.type=time process.user.uid=nobody"
demo 1 "kubepp runtime --root \$KRT run -b \$BUNDLES/bad kubepp-demo-bad"
[ "$have_runc" = 1 ] && demo 1 "runc --root \$RRT run -b \$BUNDLES/bad kubepp-demo-bad"
expect "a refused bundle left a container behind" test -z "$("$KUBEPP" runtime --root "$KRT" list -q)"

# --- 21. kubepp runtime: runc's command line ----------------------------------------------
title "21. create, state, start, exec, ps, list: the exec FIFO between create and start"
demo 0 "$ociedit \$B/config.json 'process.args=[\"sleep\", \"300\"]'"
# A created container keeps the stdout and stderr given to create: a file, not our pipe.
demo 0 "kubepp runtime --root \$KRT create -b \$B --pid-file \$BUNDLES/life.pid kubepp-demo-life > \$BUNDLES/life.out 2>&1"
demo 0 "kubepp runtime --root \$KRT state kubepp-demo-life"
expect "a created container is not \"created\"" \
  grep -q '"status": "created"' <<<"$("$KUBEPP" runtime --root "$KRT" state kubepp-demo-life)"
demo 0 "ls -l \$KRT/kubepp-demo-life"
life=$(cat "$BUNDLES/life.pid" 2>/dev/null)
show "life=\$(cat \$BUNDLES/life.pid)   # $life"
demo 0 "tr '\\0' ' ' < /proc/$life/cmdline; echo; cat /proc/$life/wchan; echo   # still kubepp's command, waiting at the FIFO"
demo 0 "grep -E '^(NSpid|CapEff)' /proc/$life/status"
demo 0 "kubepp runtime --root \$KRT list"
demo 0 "kubepp runtime --root \$KRT start kubepp-demo-life && kubepp runtime --root \$KRT state kubepp-demo-life | grep status"
expect "a started container is not \"running\"" \
  grep -q '"status": "running"' <<<"$("$KUBEPP" runtime --root "$KRT" state kubepp-demo-life)"
demo 0 "tr '\\0' ' ' < /proc/$life/cmdline; echo; ls \$KRT/kubepp-demo-life   # exec.fifo is gone"
demo 0 "kubepp runtime --root \$KRT exec kubepp-demo-life ps -o pid,comm"
demo 0 "kubepp runtime --root \$KRT ps kubepp-demo-life"
demo 1 "kubepp runtime --root \$KRT start kubepp-demo-life"
demo 1 "kubepp runtime --root \$KRT delete kubepp-demo-life"

# --- 22. The init's setup ----------------------------------------------------------------
title "22. the init's setup: seccomp before the capabilities, or after them with noNewPrivileges"
demo 0 "$ociedit \$B/config.json 'process.args=[\"sh\", \"-c\", \"grep -E \\\"^(NoNewPrivs|Seccomp):\\\" /proc/self/status; mkdir /tmp/x\"]' 'linux.seccomp={\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}'"
for nnp in false true; do
  demo 0 "$ociedit \$B/config.json process.noNewPrivileges=$nnp"
  if command -v strace >/dev/null; then
    # exit status 1: mkdir's, the container's last command (pipefail carries it through)
    demo 1 "strace -f -qq -e trace=capset,prctl,seccomp,openat,execve \"\$KUBEPP\" runtime --root \$KRT run -b \$B kubepp-demo-sc 2>&1 | grep -E '^\[pid.*(capset|NO_NEW_PRIVS|filter=|fd/[0-9]+\", O_WRONLY|execve\(\"/bin)|^(NoNew|Seccomp|mkdir)' | sed -E 's/^\[pid +[0-9]+\] //' | cut -c1-76"
  else
    demo 1 "kubepp runtime --root \$KRT run -b \$B kubepp-demo-sc   # (strace not found: no trace)"
  fi
done
demo 0 "$ociedit \$B/config.json 'process.args=[\"true\"]' 'linux.seccomp={\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"capset\"], \"action\": \"SCMP_ACT_ERRNO\"}]}'"
for nnp in false true; do
  want=1
  [ "$nnp" = true ] && want=0
  demo 0 "$ociedit \$B/config.json process.noNewPrivileges=$nnp"
  demo $want "kubepp runtime --root \$KRT run -b \$B kubepp-demo-capset"
  [ "$have_runc" = 1 ] && demo $want "runc --root \$RRT run -b \$B kubepp-demo-capset"
done

title "22b. the rootfs bound onto itself; the container in every v1 hierarchy"
demo 0 "kubepp runtime --root \$KRT exec kubepp-demo-life sh -c 'cat /proc/self/cgroup; echo \$(ls /sys/fs/cgroup); head -1 /proc/self/mountinfo'"
expect "the container's / is not a bind of the bundle's rootfs" \
  grep -q "/oci/rootfs / ro," <<<"$("$KUBEPP" runtime --root "$KRT" exec kubepp-demo-life head -1 /proc/self/mountinfo)"
demo 0 "cut -d: -f2- /proc/$life/cgroup   # from the host"
demo 0 "kubepp runtime --root \$KRT kill kubepp-demo-life KILL"
for _ in $(seq 50); do
  grep -q '"status": "stopped"' <<<"$("$KUBEPP" runtime --root "$KRT" state kubepp-demo-life)" && break
  sleep 0.1
done
demo 0 "kubepp runtime --root \$KRT state kubepp-demo-life"
demo 0 "kubepp runtime --root \$KRT delete kubepp-demo-life && kubepp runtime --root \$KRT list"
demo 2 "ls -d /sys/fs/cgroup/*/kubepp-demo-life   # delete removed the cgroups of every hierarchy"

title "22c. masked and read-only paths"
demo 0 "wc -c /proc/keys /proc/timer_list | grep -v total   # the host"
demo 0 "$ociedit \$B/config.json 'process.args=[\"sh\", \"-c\", \"wc -c /proc/keys /proc/timer_list | grep -v total; ls /sys/firmware | wc -l; grep -E \\\" /(proc/(keys|timer_list|sys)|sys/firmware) \\\" /proc/self/mountinfo | cut -d\\\" \\\" -f5,6,9,10; echo 1 > /proc/sys/vm/drop_caches\"]'"
demo 1 "kubepp runtime --root \$KRT run -b \$B kubepp-demo-masked"

# --- 23. Side by side with crun and runc ---------------------------------------------------
title "23. one bundle under kubepp, runc and crun; then a short race"
demo 0 "$ociedit \$B/config.json linux.seccomp=null 'process.args=[\"sh\", \"-c\", \"echo \$(hostname) pid \$\$ HOME=\$HOME \$(grep -E \\\"^(CapEff|NoNewPrivs)\\\" /proc/self/status | tr -d \\\"\\\\t\\\"); echo \$(wc -l < /proc/self/mounts) mounts, \$(cut -d\\\" \\\" -f2 /proc/self/mounts | sort | md5sum | cut -c1-12); exit 3\"]'"
demo 3 "kubepp runtime --root \$KRT run -b \$B kubepp-demo-same"
seen_kubepp=$("$KUBEPP" runtime --root "$KRT" run -b "$B" kubepp-demo-same)
if [ "$have_runc" = 1 ]; then
  demo 3 "runc --root \$RRT run -b \$B kubepp-demo-same"
  expect "runc's container sees another container than kubepp's" \
    [ "$(runc --root "$RRT" run -b "$B" kubepp-demo-same)" = "$seen_kubepp" ]
fi
if [ "$have_crun" = 1 ]; then
  if mountpoint -q /sys/fs/cgroup/unified; then
    demo 1 "crun --root \$CRT run -b \$B kubepp-demo-same   # refused: a hybrid cgroup host"
    show "ucrun() { unshare -m sh -c 'umount /sys/fs/cgroup/unified && exec crun \"\$@\"' sh \"\$@\"; }"
  fi
  demo 3 "ucrun --root \$CRT run -b \$B kubepp-demo-same"
  expect "crun's container sees another container than kubepp's" \
    [ "$(ucrun --root "$CRT" run -b "$B" kubepp-demo-same)" = "$seen_kubepp" ]
  demo 0 "grep -c cgroup2 /proc/self/mountinfo   # the host keeps its unified mount"
fi

# The race, short: /bin/true start to exit, 10 interleaved runs each (medians; the chapter
# shows build/tests/bench_container_start, which waits for the root tests' lock that the
# demos' own test holds). kubepp pays crun's wrapper too, so that the two compare fairly.
demo 0 "$ociedit \$B/config.json 'process.args=[\"/bin/true\"]'"
# ukubepp: kubepp runtime inside the same wrapper as crun.
ukubepp() {
  if mountpoint -q /sys/fs/cgroup/unified; then
    unshare -m sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh "$KUBEPP" runtime "$@"
  else
    "$KUBEPP" runtime "$@"
  fi
}
racers=("ukubepp --root $KRT")
[ "$have_crun" = 1 ] && racers+=("ucrun --root $CRT")
[ "$have_runc" = 1 ] && racers+=("runc --root $RRT")
show "for i in \$(seq 10); do for rt in ${racers[*]%% *}; do (time one \$rt run of /bin/true, with date +%s%N); done; done"
declare -A times=()
for i in $(seq 10); do
  for rt in "${racers[@]}"; do
    t0=$(date +%s%N)
    $rt run -b "$B" kubepp-demo-race
    check 0 $? "$rt run kubepp-demo-race"
    times[$rt]+="$(( ($(date +%s%N) - t0) / 1000 )) "
  done
done
for rt in "${racers[@]}"; do
  median=$(tr ' ' '\n' <<<"${times[$rt]}" | grep . | sort -n | sed -n 5p)
  printf '  %-12s median %5d.%d ms\n' "${rt%% *}" $((median / 1000)) $((median % 1000 / 100))
done
echo "  (ukubepp and ucrun run in crun's wrapper; runc runs as is. Ratios: section 23.)"

echo
if [ "$failures" -ne 0 ]; then
  echo "demo.sh: $failures demo(s) did not behave as the chapter says" >&2
  exit 1
fi
echo "demo.sh: all demos behaved as the chapter says"
