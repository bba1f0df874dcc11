#!/usr/bin/env bash
# chapters/05-etcd-and-watch/demo.sh — the demos of chapter 05 (etcd and watch), in the
# order the chapter shows them: the same requests, over etcd's v3 JSON gateway, to a
# real etcd 3.4 and to `kubepp store`, side by side. Run it from the repository root,
# after `bash scripts/demo` (or `bash scripts/build`) has built build/kubepp:
#
#     bash chapters/05-etcd-and-watch/demo.sh
#
# No root needed. It starts `/usr/bin/etcd` (Debian's etcd-server) and `kubepp store`
# on free loopback ports with temporary data directories, and stops both by their pid
# when it ends, also when a demo fails; the data directories go with them.
# The demos are numbered by the chapter's sections (section 9 and the Try it exercises have
# none). Each prints its command, then one line per server (etcd first); the two must
# answer alike — the headers' cluster_id, member_id and raft_term aside, which name
# the member and differ by nature.
# Exit status: 0 when every demo behaved as the chapter says, 1 otherwise.
# KUBEPP=/path/to/kubepp runs another build of the binary; ETCD=/path/to/etcd another etcd.
set -uo pipefail

KUBEPP=${KUBEPP:-build/kubepp}
ETCD_BIN=${ETCD:-/usr/bin/etcd}
if [ ! -x "$KUBEPP" ]; then
  echo "demo.sh: $KUBEPP not found; build it first with: bash scripts/demo" >&2
  exit 1
fi
for tool in "$ETCD_BIN" curl base64 python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "demo.sh: $tool not found; install the Debian packages etcd-server and curl" >&2
    exit 1
  fi
done

TMP=$(mktemp -d /tmp/kubepp-chapter05.XXXXXX)
etcd_pid=""     # the etcd we started
store_pid=""    # the kubepp store we started (a new one after each restart)
watch_pids=()   # background watch streams
failures=0

# stop PID: SIGTERM, up to 5 s for it to exit, then SIGKILL; always reaped.
stop() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  { kill -KILL "$1"; wait "$1"; } 2>/dev/null   # quiet: no "Killed" job notice
}

cleanup() {
  for pid in "${watch_pids[@]}"; do stop "$pid"; done
  stop "$store_pid"
  stop "$etcd_pid"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP   # so that the EXIT trap runs on these too

title() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }
fail() {
  echo "!! $*" >&2
  failures=$((failures + 1))
}

# free_port: a loopback port nobody listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ready URL: wait up to 10 s until a server answers a range on URL.
ready() {
  for _ in $(seq 100); do
    curl -s -m 1 "$1/v3/kv/range" -d '{"key":"AA=="}' 2>/dev/null | grep -q '"header"' && return 0
    sleep 0.1
  done
  fail "no answer from $1"
  return 1
}

# --- the chapter's helpers (section 1 shows them) -----------------------------------

# b TEXT: TEXT in base64, as the gateway wants keys and values.
b() { printf %s "$1" | base64 -w0; }

# dec: one JSON answer per line in; the same, readable, out: keys and values decoded
# from base64, the header's member identity (cluster_id, member_id, raft_term) left out.
dec() {
  python3 -c '
import base64, json, sys
def d(o):
    if isinstance(o, list):
        return [d(x) for x in o]
    if not isinstance(o, dict):
        return o
    items = sorted(o.items()) if "error" in o else o.items()  # etcd and grpc-gateway order errors differently
    return {k: base64.b64decode(v).decode() if k in ("key", "value") else d(v)
            for k, v in items if k not in ("cluster_id", "member_id", "raft_term")}
for line in sys.stdin:
    if line.strip():
        print(json.dumps(d(json.loads(line)), separators=(",", ":")), flush=True)'
}

# v3 PATH BODY: the same request to etcd, then to kubepp store; one labelled line per
# answer. T=SECONDS bounds a watch stream (curl's -m), which ends with status 28.
# The answers land in out_etcd/out_kubepp, curl's statuses in status_etcd/status_kubepp.
v3() {
  local label url out status
  for label in etcd kubepp; do
    url=$ETCD_URL
    [ "$label" = kubepp ] && url=$STORE_URL
    out=$(curl -s -N -m "${T:-5}" "$url/v3/$1" -d "$2" | dec)
    status=$?
    printf '%s\n' "$out" | sed "s/^/$(printf '%-7s' "$label") /"
    printf -v "out_$label" '%s' "$out"
    printf -v "status_$label" '%s' "$status"
  done
}

# demo STATUS EXPECT COMMAND: print COMMAND (a v3 call, as typed), run it, and expect
# both servers to exit STATUS, to answer the same, and the answer to contain EXPECT.
demo() {
  local want=$1 expect=$2 command=$3
  show "$command"
  eval "$command"
  [ "$status_etcd" = "$want" ] || fail "$command: etcd: curl exit status $status_etcd, expected $want"
  [ "$status_kubepp" = "$want" ] || fail "$command: kubepp store: curl exit status $status_kubepp, expected $want"
  [ "$out_etcd" = "$out_kubepp" ] || fail "$command: etcd and kubepp store answered differently"
  grep -qF -- "$expect" <<<"$out_kubepp" || fail "$command: the answer lacks $expect"
}

# expect WHAT TEST...: count a failure unless the test command succeeds.
expect() {
  local what=$1
  shift
  "$@" || fail "$what"
}

# --- start both servers -------------------------------------------------------------

start_etcd() {
  "$ETCD_BIN" --name ch05 --data-dir "$TMP/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "ch05=http://127.0.0.1:$etcd_peer_port" >>"$TMP/etcd.log" 2>&1 &
  etcd_pid=$!
  ready "$ETCD_URL"
}

# start_store [ENV=VALUE]: kubepp store on its data directory (port 0 the first time: it
# prints the port it got, which later restarts reuse).
start_store() {
  local port=${store_port:-0}
  env "$@" "$KUBEPP" store --listen-client-urls "http://127.0.0.1:$port" --data-dir "$TMP/store" \
    >"$TMP/store.out" 2>>"$TMP/store.err" &
  store_pid=$!
  for _ in $(seq 100); do grep -q serving "$TMP/store.out" && break; sleep 0.1; done
  if [ -z "${store_port:-}" ]; then
    store_port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$TMP/store.out")
    STORE_URL=http://127.0.0.1:$store_port
  fi
  ready "$STORE_URL"
}

etcd_client_port=$(free_port)
etcd_peer_port=$(free_port)
ETCD_URL=http://127.0.0.1:$etcd_client_port
STORE_URL=""
store_port=""
started=$(date +%s%3N)

echo "kubepp: $KUBEPP; etcd: $ETCD_BIN ($("$ETCD_BIN" --version | head -1)); data: $TMP (temporary)"
title "1. two servers, one protocol"
show "etcd --name ch05 --data-dir DIR --listen-client-urls $ETCD_URL … &"
start_etcd
show "kubepp store --listen-client-urls http://127.0.0.1:0 --data-dir DIR &"
start_store
cat "$TMP/store.out"
if [ -z "$STORE_URL" ] || [ "$failures" -ne 0 ]; then
  echo "demo.sh: the servers did not start; logs:" >&2
  cat "$TMP/etcd.log" "$TMP/store.err" >&2
  exit 1
fi

# --- 2. Keys, values, revisions -------------------------------------------------------
title "2. a fresh store is at revision 1"
demo 0 '{"header":{"revision":"1"}}' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\"}'"

title "2b. every write moves the revision by one"
demo 0 '"revision":"2"' "v3 kv/put '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"value\":\"'\$(b v1)'\"}'"
demo 0 '"revision":"3"' "v3 kv/put '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"value\":\"'\$(b v2)'\"}'"
demo 0 '"revision":"4"' "v3 kv/put '{\"key\":\"'\$(b /registry/pods/default/db)'\",\"value\":\"'\$(b v1)'\"}'"
demo 0 '"create_revision":"2","mod_revision":"3","version":"2","value":"v2"' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\"}'"
demo 0 '"count":"2"' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/)'\",\"range_end\":\"'\$(b /registry/pods0)'\",\"keys_only\":true}'"

# --- 3. History: reads at a revision -------------------------------------------------------
title "3. a range at an old revision sees the store as it was"
demo 0 '"mod_revision":"2","version":"1","value":"v1"' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"revision\":2}'"
demo 0 '"count":"1"' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/)'\",\"range_end\":\"'\$(b /registry/pods0)'\",\"revision\":3,\"keys_only\":true}'"
demo 0 'required revision is a future revision' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"revision\":9}'"

# --- 4. Compare-and-swap -----------------------------------------------------------------
title "4. txn: update web only if it is still the version of revision 3"
cas="v3 kv/txn '{\"compare\":[{\"key\":\"'\$(b /registry/pods/default/web)'\",\"target\":\"MOD\",\"mod_revision\":3}],
               \"success\":[{\"request_put\":{\"key\":\"'\$(b /registry/pods/default/web)'\",\"value\":\"'\$(b v3)'\"}}],
               \"failure\":[{\"request_range\":{\"key\":\"'\$(b /registry/pods/default/web)'\"}}]}'"
demo 0 '"succeeded":true' "$cas"
title "4b. the same txn again: mod_revision 3 is stale now, so the failure branch runs"
demo 0 '"mod_revision":"5","version":"3","value":"v3"' "$cas"
expect "the stale txn succeeded" test "${out_kubepp/succeeded/}" = "$out_kubepp"

title "4c. a delete is a write too; history still holds the key"
demo 0 '"revision":"6"},"deleted":"1"' "v3 kv/deleterange '{\"key\":\"'\$(b /registry/pods/default/web)'\"}'"
demo 0 '{"header":{"revision":"6"}}' "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\"}'"
demo 0 '"value":"v3"' "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"revision\":5}'"

# --- 5. Watch ----------------------------------------------------------------------------
title "5. a watch from revision 2 replays history (curl ends it after 1 s: status 28)"
demo 28 '"mod_revision":"6"' \
  "T=1 v3 watch '{\"create_request\":{\"key\":\"'\$(b /registry/pods/)'\",\"range_end\":\"'\$(b /registry/pods0)'\",\"start_revision\":2}}'"
for rev in 2 3 4 5; do
  expect "the replay lacks revision $rev" grep -qF "\"mod_revision\":\"$rev\"" <<<"$out_kubepp"
done

title "5b. a watch from now, in a second terminal, sees the next write"
for label in etcd kubepp; do
  url=$ETCD_URL
  [ "$label" = kubepp ] && url=$STORE_URL
  show "curl -s -N -m 3 \$$( [ $label = etcd ] && echo ETCD || echo STORE )/v3/watch -d '{\"create_request\":{\"key\":\"'\$(b /registry/pods/)'\",\"range_end\":\"'\$(b /registry/pods0)'\"}}' | dec &"
  # The raw stream goes to a file (decoded below), so that $! is curl's own pid.
  curl -s -N -m 3 "$url/v3/watch" \
    -d '{"create_request":{"key":"'"$(b /registry/pods/)"'","range_end":"'"$(b /registry/pods0)"'"}}' \
    >"$TMP/watch.$label.raw" &
  watch_pids+=("$!")
done
# Wait until both watches are created (their first line is out) before the write.
for _ in $(seq 50); do
  grep -qs created "$TMP/watch.etcd.raw" && grep -qs created "$TMP/watch.kubepp.raw" && break
  sleep 0.1
done
demo 0 '"revision":"7"' "v3 kv/put '{\"key\":\"'\$(b /registry/pods/default/db)'\",\"value\":\"'\$(b v2)'\"}'"
for pid in "${watch_pids[@]}"; do wait "$pid"; done
watch_pids=()
for label in etcd kubepp; do
  dec <"$TMP/watch.$label.raw" >"$TMP/watch.$label"
  sed "s/^/$(printf '%-7s' "$label") /" "$TMP/watch.$label"
done
expect "the two live watches differ" cmp -s "$TMP/watch.etcd" "$TMP/watch.kubepp"
expect "the live watch missed revision 7" grep -qF '"mod_revision":"7","version":"2","value":"v2"' "$TMP/watch.kubepp"

# --- 6. Compaction -----------------------------------------------------------------------
title "6. compaction at revision 5 drops the history below it"
demo 0 '{"header":{"revision":"7"}}' "v3 kv/compaction '{\"revision\":5}'"
demo 0 'required revision has been compacted' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"revision\":4}'"
demo 0 '"value":"v3"' "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"revision\":5}'"

title "6b. a watch from before the compaction is told so and canceled"
command="T=1 v3 watch '{\"create_request\":{\"key\":\"'\$(b /registry/pods/)'\",\"range_end\":\"'\$(b /registry/pods0)'\",\"start_revision\":2}}'"
show "$command"
eval "$command"
# Alike, not the same: etcd 3.4 leaves the header's revision out of this last response
# and keeps the stream open (curl times out: 28); kubepp store fills the revision in and
# ends the stream (0). The chapter says so.
for label in etcd kubepp; do
  out_var=out_$label
  expect "$label: no canceled response with compact_revision 5" \
    grep -qE '"canceled":true,"compact_revision":"5"' <<<"${!out_var}"
done

# --- 7. Leases ---------------------------------------------------------------------------
title "7. a lease: a key that lives as long as someone keeps it alive"
demo 0 '"ID":"42","TTL":"60"' "v3 lease/grant '{\"ID\":42,\"TTL\":60}'"
demo 0 '"revision":"8"' \
  "v3 kv/put '{\"key\":\"'\$(b /registry/events/default/web.1)'\",\"value\":\"'\$(b Scheduled)'\",\"lease\":42}'"
demo 0 '"lease":"42"' "v3 kv/range '{\"key\":\"'\$(b /registry/events/default/web.1)'\"}'"
demo 0 '"ID":"42","TTL":"60"' "v3 lease/keepalive '{\"ID\":42}'"
demo 0 '{"header":{"revision":"9"}}' "v3 lease/revoke '{\"ID\":42}'"
demo 0 '{"header":{"revision":"9"}}' "v3 kv/range '{\"key\":\"'\$(b /registry/events/default/web.1)'\"}'"

# --- 8. Durability -----------------------------------------------------------------------
title "8. kill -9 both servers, restart them on the same data directories"
show "ls \$DATA/wal   # kubepp store's write-ahead log"
ls "$TMP/store/wal"
segment=$(ls "$TMP/store/wal"/*.wal | head -1)
show "od -A d -t x1 -N 16 \$DATA/wal/$(basename "$segment")   # the first record's header: length, type, CRC-32C"
od -A d -t x1 -N 16 "$segment"
show "kill -9 $etcd_pid $store_pid"
{ kill -KILL "$etcd_pid" "$store_pid"; wait "$etcd_pid" "$store_pid"; } 2>/dev/null
etcd_pid="" store_pid=""
show "etcd … --data-dir DIR &   kubepp store … --data-dir DIR &   # the same directories"
start_etcd
start_store
demo 0 '"revision":"9"},"kvs":[{"key":"/registry/pods/default/db","create_revision":"4","mod_revision":"7","version":"2","value":"v2"}],"count":"1"' \
  "v3 kv/range '{\"key\":\"'\$(b /)'\",\"range_end\":\"'\$(b 0)'\"}'"
demo 0 '"value":"v3"' "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"revision\":5}'"
demo 0 'required revision has been compacted' \
  "v3 kv/range '{\"key\":\"'\$(b /registry/pods/default/web)'\",\"revision\":4}'"

title "8b. kubepp store only: a crash after the fsync, before the answer (a failpoint)"
stop "$store_pid"
store_pid=""
show "KUBEPP_STORE_FAILPOINT=wal-after-append kubepp store … --data-dir DIR &"
start_store KUBEPP_STORE_FAILPOINT=wal-after-append
command="curl -s \$STORE/v3/kv/put -d '{\"key\":\"'\$(b /registry/pods/default/cache)'\",\"value\":\"'\$(b v1)'\"}'"
show "$command; echo \"exit status \$?\""
# The store kills itself meanwhile: keep bash's "Killed" job notice off the screen.
exec 3>&2 2>/dev/null
curl -s "$STORE_URL/v3/kv/put" -d '{"key":"'"$(b /registry/pods/default/cache)"'","value":"'"$(b v1)"'"}'
put_status=$?
wait "$store_pid"
status=$?
exec 2>&3 3>&-
echo "exit status $put_status   (52: the server closed the connection without an answer)"
expect "the put was answered (status $put_status)" test "$put_status" -ne 0
expect "kubepp store did not die of SIGKILL (status $status)" test "$status" -eq 137
store_pid=""
grep failpoint "$TMP/store.err"
show "kubepp store … --data-dir DIR &   # again, without the failpoint"
start_store
command="curl -s \$STORE/v3/kv/range -d '{\"key\":\"'\$(b /registry/pods/default/cache)'\"}' | dec"
show "$command"
out=$(curl -s "$STORE_URL/v3/kv/range" -d '{"key":"'"$(b /registry/pods/default/cache)"'"}' | dec)
echo "$out"
expect "the write logged before the crash is missing" grep -qF '"revision":"10"},"kvs":[{"key":"/registry/pods/default/cache"' <<<"$out"

elapsed=$(( $(date +%s%3N) - started ))
echo
echo "(the demos took $((elapsed / 1000)).$(( (elapsed % 1000) / 100 )) s)"
if [ "$failures" -ne 0 ]; then
  echo "demo.sh: $failures demo(s) did not behave as the chapter says" >&2
  exit 1
fi
echo "demo.sh: all demos behaved as the chapter says"
