#!/usr/bin/env bash
# chapters/01-containers/demo.sh — the demos of chapter 01, part 1 (containers), in the
# order the chapter shows them. Run it as root from the repository root, after
# `bash scripts/demo` (or `bash scripts/build`) has built build/kubepp:
#
#     sudo bash chapters/01-containers/demo.sh
#
# Each demo prints its command before running it. State goes to a temporary `--root`
# (the chapter's own commands use the default /var/lib/kubepp and /run/kubepp), and
# everything the script makes is removed when it ends, also when a demo fails.
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
background=()   # pids of `kubepp run` we started in the background
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
  kubepp cleanup >/dev/null 2>&1
  rm -rf "$STATE"
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

echo
if [ "$failures" -ne 0 ]; then
  echo "demo.sh: $failures demo(s) did not behave as the chapter says" >&2
  exit 1
fi
echo "demo.sh: all demos behaved as the chapter says"
