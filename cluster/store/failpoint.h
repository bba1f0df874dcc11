// failpoint.h — named places where a crash test kills the store's process (etcd: gofail).
//
// A process-crash test starts `kubepp store` with KUBEPP_STORE_FAILPOINT=NAME or NAME:N in
// its environment; the N-th time (default: the first) the process reaches failpoint NAME,
// it sends itself SIGKILL — no destructor runs, no buffer is flushed, exactly as when the
// OOM killer or `kill -9` strikes there. The test then restarts the store on the same
// data directory and checks that every acknowledged write is there and nothing else.
//
// The failpoints (where they are, what a crash there means):
//   wal-before-append       a batch of writes is queued, nothing written: all are lost,
//                           none was acknowledged
//   wal-after-append        the batch is durable, not yet applied or acknowledged: after
//                           recovery it is there although no client heard so (as in etcd)
//   compact-before-apply    a compaction is durable, not yet applied
//   snapshot-before-rename  the snapshot's .tmp file is written, not yet in place
//   snapshot-before-drop    the snapshot is in place; the WAL segments it covers remain
//
// Without the variable a failpoint costs one branch on a static.
#pragma once

namespace kubepp::store {

void failpoint(const char* name);

}  // namespace kubepp::store
