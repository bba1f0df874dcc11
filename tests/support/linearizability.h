// linearizability — a checker that tells whether a concurrent history of reads, writes and
// compare-and-swaps on a set of registers (a key-value store's keys) is linearizable.
//
// Linearizability (Herlihy & Wing, 1990). Clients call operations that take time: each
// has an invoke time and a complete time, and two operations whose intervals overlap ran
// concurrently. A history is linearizable when every operation can be given one instant —
// its linearization point — inside its own interval, so that the operations, run one at
// a time in the order of those points on a plain single-copy register, return exactly
// what they returned. So an operation that completed before another was invoked comes
// first; concurrent ones may go in either order; and once a read has seen a write, no
// later read may see what was there before. etcd promises this for its KV API, and the
// store contract (cluster/store/store.h) promises it for every kubepp store.
//
//   client 1  |--write(a, 1)--|
//   client 2        |--read(a) -> 1--|          fine: the write's point may come first
//   client 3                            |--read(a) -> (none)--|  NOT fine: it began after
//                                                                the write completed
//
// The algorithm: Wing & Gong's search (1993) with Lowe's memoization (2017), as in
// Porcupine (Go) and Knossos (Clojure). The calls and returns of one key's operations
// are put on one list in time order. The search walks it, keeping the register's state:
//   - at a call: try to linearize that operation now. If the register model accepts it
//     (a read must return the current value, a CAS must succeed exactly when the value is
//     the expected one), remove its call and return from the list, push it on a stack
//     with the state before it, and start again from the head of the list;
//   - at a return: the operation it belongs to has not been linearized, and every op
//     after this point began after it ended, so the current order cannot be extended.
//     Backtrack: pop the last operation, restore its state and list entries, and try the
//     next call after it.
// The list empty means every operation was placed: linearizable. The stack empty when
// backtracking means no order works: not linearizable.
//
// The memo (Lowe). Two paths that linearized the same *set* of operations and reached
// the same register state have the same future, so the search remembers every
// (linearized set, state) pair it has reached and never enters one twice. The set is a
// bitset over the key's operations, the state a small integer (values are interned).
//
// Complexity. Deciding linearizability is NP-complete in general (Gibbons & Korach,
// 1997), and without the memo the search tries up to n! orders. With it, each reachable
// (set, state) pair is expanded once, at a cost of O(n) list steps plus an O(n/64)
// bitset hash. The reachable sets are few when concurrency is bounded. A set never holds
// an operation without every one that completed before it was invoked (their returns
// come first on the list), so if m is the earliest-completing operation outside the set,
// the set is every operation that completed before m, plus some of the operations still
// running when m completed — at most c - 1 of them with c clients. That is at most
// n · 2^(c-1) sets, each with a handful of states (the value of one of the last writes).
// Measured: 1,000 operations of 8 clients over 4 keys take about 2,000 configurations
// and a millisecond (tests/cluster/store/linearizability_test.cpp checks it stays under a
// second); 1,000 operations of 16 clients on one key take ~10^5-10^6 and seconds. Each
// memo entry holds n/8 bytes for a key of n operations, so the search stops after
// CheckOptions::max_states configurations per key and answers Unknown rather than
// exhaust time and memory.
//
// Why checking each key on its own is enough (P-compositionality). Linearizability is
// local (Herlihy & Wing, Theorem 1): a history of operations on several objects is
// linearizable if and only if the sub-history of each object is. Given a linearization of
// each key, merge them by their linearization points: each point lies inside its
// operation's interval, so the merged order still respects real time, and each register
// sees only its own operations. So the keys are checked one at a time, and the search
// explores 4 small problems instead of one large product. (This needs every operation to
// touch one key; a txn over two keys would make them one object.)
//
// Not thread-safe: build the history, then check it from one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kubepp::testing {

/// A register's value: nullopt while the key does not exist (every register starts so).
using Value = std::optional<std::string>;

/// One completed operation of a client on one key.
struct Operation {
  enum class Kind {
    Read,            // output: the value read
    Write,           // input: the value written
    CompareAndSwap,  // if the value is `expected`, write `input`; succeeded: whether it did
  };

  int client = 0;
  std::string key;
  Kind kind = Kind::Read;
  Value input;             // Write, CompareAndSwap: the value written
  Value expected;          // CompareAndSwap: the value compared with (nullopt: "absent")
  Value output;            // Read: the value returned (nullopt: the key did not exist)
  bool succeeded = false;  // CompareAndSwap: the compare held and `input` was written
  int64_t invoke = 0;      // when the client called it, in ticks of one clock
  int64_t complete = 0;    // when it returned; >= invoke

  static Operation read(int client, std::string key, Value output, int64_t invoke, int64_t complete);
  static Operation write(int client, std::string key, Value input, int64_t invoke, int64_t complete);
  static Operation cas(int client, std::string key, Value expected, Value input, bool succeeded,
                       int64_t invoke, int64_t complete);

  friend bool operator==(const Operation&, const Operation&) = default;
};

/// One line for an operation: "client 3: write(a, 5) [t=12..19]",
/// "client 1: read(a) -> (none) [t=2..4]", "client 2: cas(a, 5 -> 6) -> ok [t=20..23]".
std::string describe(const Operation& op);

struct CheckOptions {
  size_t max_states = 500'000;  // configurations per key before answering Unknown (~1 s)
};

struct CheckResult {
  enum class Verdict { Linearizable, NotLinearizable, Unknown };
  Verdict verdict = Verdict::Linearizable;

  // When not linearizable (or Unknown), about the key that failed:
  std::string key;
  std::vector<Operation> longest_prefix;  // the most operations linearized at once, in order
  std::vector<Operation> unplaced;        // the operations that could go next but did not fit
  Value state_after_prefix;               // the register's value after longest_prefix

  size_t states = 0;        // configurations explored over all keys checked
  std::string explanation;  // a readable report; empty when linearizable

  bool ok() const { return verdict == Verdict::Linearizable; }
};

/// Checks a history of completed operations (in any order) key by key. Linearizable when
/// every key's sub-history is; otherwise the verdict and explanation of the first key, in
/// key order, that is not (or Unknown when a key ran out of max_states and none failed).
/// Throws std::invalid_argument for an operation that completes before it is invoked.
CheckResult check_linearizable(const std::vector<Operation>& history, const CheckOptions& options = {});

}  // namespace kubepp::testing
