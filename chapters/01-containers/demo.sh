#!/usr/bin/env bash
# chapters/01-containers/demo.sh — the demos of chapter 01 (containers), parts 1 and 2,
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
# one demo is skipped.
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
background=()   # pids of `kubepp run` we started in the background
detached=()     # names of containers started with `kubepp run -d`
failures=0

# `kubepp` in the demos below is the built binary with the temporary state root.
kubepp() { "$KUBEPP" --root "$STATE" "$@"; }

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
  kubepp cleanup >/dev/null 2>&1
  rm -rf "$STATE" "$SYSCALLS"
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
  sleep 2
  pids=$(cgroup_dir bomb pids)
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

echo
if [ "$failures" -ne 0 ]; then
  echo "demo.sh: $failures demo(s) did not behave as the chapter says" >&2
  exit 1
fi
echo "demo.sh: all demos behaved as the chapter says"
