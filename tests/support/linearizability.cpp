// linearizability.cpp — Wing & Gong's search with Lowe's memo, one key at a time.
// The header explains linearizability, the algorithm and why keys are checked apart.
#include "tests/support/linearizability.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace kubepp::testing {

Operation Operation::read(int client, std::string key, Value output, int64_t invoke, int64_t complete) {
  Operation op;
  op.client = client;
  op.key = std::move(key);
  op.kind = Kind::Read;
  op.output = std::move(output);
  op.invoke = invoke;
  op.complete = complete;
  return op;
}

Operation Operation::write(int client, std::string key, Value input, int64_t invoke, int64_t complete) {
  Operation op = read(client, std::move(key), std::nullopt, invoke, complete);
  op.kind = Kind::Write;
  op.input = std::move(input);
  return op;
}

Operation Operation::cas(int client, std::string key, Value expected, Value input, bool succeeded,
                         int64_t invoke, int64_t complete) {
  Operation op = write(client, std::move(key), std::move(input), invoke, complete);
  op.kind = Kind::CompareAndSwap;
  op.expected = std::move(expected);
  op.succeeded = succeeded;
  return op;
}

namespace {

std::string show(const Value& v) { return v ? *v : "(none)"; }

}  // namespace

std::string describe(const Operation& op) {
  std::string s = "client " + std::to_string(op.client) + ": ";
  switch (op.kind) {
    case Operation::Kind::Read:
      s += "read(" + op.key + ") -> " + show(op.output);
      break;
    case Operation::Kind::Write:
      s += "write(" + op.key + ", " + show(op.input) + ")";
      break;
    case Operation::Kind::CompareAndSwap:
      s += "cas(" + op.key + ", " + show(op.expected) + " -> " + show(op.input) + ") -> " +
           (op.succeeded ? "ok" : "failed");
      break;
  }
  return s + " [t=" + std::to_string(op.invoke) + ".." + std::to_string(op.complete) + "]";
}

namespace {

// The register's state inside the search: 0 while the key is absent, i > 0 for the i-th
// distinct value of the key's history. Small integers make (set, state) cheap to hash.
using State = int;

// One key's operations, their values interned.
struct KeyHistory {
  std::vector<const Operation*> ops;
  std::vector<State> input, expected, output;     // by operation, as States
  std::vector<Value> values{std::nullopt};        // values[state]; values[0] is "absent"
  std::map<Value, State> ids{{std::nullopt, 0}};  // the inverse of values

  State intern(const Value& v) {
    auto [it, added] = ids.emplace(v, static_cast<State>(values.size()));
    if (added) values.push_back(v);
    return it->second;
  }

  void add(const Operation& op) {
    ops.push_back(&op);
    input.push_back(intern(op.input));
    expected.push_back(intern(op.expected));
    output.push_back(intern(op.output));
  }
};

// The register model — the sequential specification. The state after operation i run
// on a register holding `state`, or nullopt when i cannot have returned what it did.
std::optional<State> step(const KeyHistory& h, size_t i, State state) {
  switch (h.ops[i]->kind) {
    case Operation::Kind::Read:
      if (h.output[i] != state) return std::nullopt;
      return state;
    case Operation::Kind::Write:
      return h.input[i];
    case Operation::Kind::CompareAndSwap:
      if (h.ops[i]->succeeded != (state == h.expected[i])) return std::nullopt;
      return h.ops[i]->succeeded ? h.input[i] : state;
  }
  return std::nullopt;
}

// Why operation i does not fit a register holding `state`, in words.
std::string misfit(const KeyHistory& h, size_t i, State state) {
  const Operation& op = *h.ops[i];
  std::string holds = op.key + " holds " + show(h.values[state]);
  if (step(h, i, state)) return "it fits, but then the operations after it cannot all be placed";
  if (op.kind == Operation::Kind::Read) return "it read " + show(op.output) + ", but " + holds;
  if (op.succeeded) return "it swapped, but " + holds + ", not " + show(op.expected);
  return "it failed, but " + holds + ", the value it expected";
}

// The set of linearized operations, one bit each.
struct Bitset {
  std::vector<uint64_t> words;
  explicit Bitset(size_t n) : words((n + 63) / 64) {}
  void set(size_t i) { words[i / 64] |= uint64_t{1} << (i % 64); }
  void clear(size_t i) { words[i / 64] &= ~(uint64_t{1} << (i % 64)); }
  friend bool operator==(const Bitset&, const Bitset&) = default;
};

// A node of the search: which operations are linearized, and what the register holds.
struct Config {
  Bitset linearized;
  State state;
  friend bool operator==(const Config&, const Config&) = default;
};

struct ConfigHash {
  size_t operator()(const Config& c) const {
    uint64_t h = std::hash<int>{}(c.state);
    for (uint64_t w : c.linearized.words) h = (h ^ w) * 0x100000001b3ull;  // FNV-1a style mixing
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

// The calls and returns of one key's operations in time order, as a doubly linked list
// whose entries can be lifted out and put back in O(1) (Knuth's "dancing links"). Entry 0
// is the head; entries 1..2n are the events, numbered in time order.
class EventList {
 public:
  static constexpr int kEnd = -1;

  explicit EventList(const KeyHistory& h) {
    // (time, 0 for a call / 1 for a return, op): at equal times a call goes first, so
    // operations that touch the same tick count as concurrent, never as ordered.
    std::vector<std::tuple<int64_t, int, size_t>> events;
    for (size_t i = 0; i < h.ops.size(); i++) {
      events.emplace_back(h.ops[i]->invoke, 0, i);
      events.emplace_back(h.ops[i]->complete, 1, i);
    }
    std::sort(events.begin(), events.end());
    entries_.resize(events.size() + 1);
    call_of_.resize(h.ops.size());
    return_of_.resize(h.ops.size());
    for (int e = 0; e < static_cast<int>(entries_.size()); e++) {
      entries_[e].prev = e - 1;
      entries_[e].next = e + 1 < static_cast<int>(entries_.size()) ? e + 1 : kEnd;
      if (e == 0) continue;
      auto [time, is_return, op] = events[e - 1];
      entries_[e].op = op;
      entries_[e].call = is_return == 0;
      (is_return ? return_of_ : call_of_)[op] = e;
    }
  }

  int first() const { return entries_[0].next; }
  int next(int e) const { return entries_[e].next; }
  bool is_call(int e) const { return entries_[e].call; }
  size_t op(int e) const { return entries_[e].op; }
  int call_of(size_t op) const { return call_of_[op]; }
  int return_of(size_t op) const { return return_of_[op]; }

  // Removes an operation's call and return, given its call.
  void lift(int call) {
    unlink(call);
    unlink(return_of_[entries_[call].op]);
  }
  // Puts them back; undoes the latest lift not yet undone.
  void unlift(int call) {
    relink(return_of_[entries_[call].op]);
    relink(call);
  }

 private:
  struct Entry {
    size_t op = 0;
    bool call = false;
    int prev = kEnd;
    int next = kEnd;
  };

  void unlink(int e) {
    entries_[entries_[e].prev].next = entries_[e].next;
    if (entries_[e].next != kEnd) entries_[entries_[e].next].prev = entries_[e].prev;
  }
  void relink(int e) {
    entries_[entries_[e].prev].next = e;
    if (entries_[e].next != kEnd) entries_[entries_[e].next].prev = e;
  }

  std::vector<Entry> entries_;
  std::vector<int> call_of_, return_of_;
};

struct SearchResult {
  CheckResult::Verdict verdict = CheckResult::Verdict::Linearizable;
  std::vector<size_t> longest;  // the longest linearization found, as operation indices
  State state_after_longest = 0;
  size_t states = 0;
};

// Wing & Gong's search with Lowe's memo over one key's operations (see the header).
SearchResult search(const KeyHistory& h, const EventList& initial, size_t max_states) {
  EventList list = initial;
  struct Frame {
    int call;      // the linearized operation's call entry
    State before;  // the register's state before it
  };
  std::vector<Frame> stack;  // the operations linearized so far, in order
  Bitset linearized(h.ops.size());
  std::unordered_set<Config, ConfigHash> memo;  // every (set, state) reached so far
  State state = 0;
  SearchResult r;

  int e = list.first();
  while (e != EventList::kEnd) {
    if (list.is_call(e)) {
      // Try to linearize this operation next.
      size_t i = list.op(e);
      std::optional<State> after = step(h, i, state);
      if (after) {
        linearized.set(i);
        if (memo.insert(Config{linearized, *after}).second) {
          if (memo.size() > max_states) {
            r.verdict = CheckResult::Verdict::Unknown;
            break;
          }
          stack.push_back({e, state});
          state = *after;
          list.lift(e);
          if (stack.size() > r.longest.size()) {
            r.longest.clear();
            for (const Frame& f : stack) r.longest.push_back(list.op(f.call));
            r.state_after_longest = state;
          }
          e = list.first();
          continue;
        }
        linearized.clear(i);  // this configuration was explored before, from another path
      }
      e = list.next(e);
    } else {
      // The return of an operation not yet linearized: it must come before everything
      // after this point, and it did not fit. Undo the latest choice and try the next.
      if (stack.empty()) {
        r.verdict = CheckResult::Verdict::NotLinearizable;
        break;
      }
      Frame f = stack.back();
      stack.pop_back();
      state = f.before;
      linearized.clear(list.op(f.call));
      list.unlift(f.call);
      e = list.next(f.call);
    }
  }
  r.states = memo.size();
  return r;
}

// The operations that could come right after `prefix`: not in it, and called before the
// first return of an operation not in it.
std::vector<size_t> next_candidates(const KeyHistory& h, const EventList& list,
                                    const std::vector<size_t>& prefix) {
  std::vector<bool> placed(h.ops.size());
  for (size_t i : prefix) placed[i] = true;
  int first_return = std::numeric_limits<int>::max();
  for (size_t i = 0; i < h.ops.size(); i++) {
    if (!placed[i]) first_return = std::min(first_return, list.return_of(i));
  }
  std::vector<size_t> out;
  for (size_t i = 0; i < h.ops.size(); i++) {
    if (!placed[i] && list.call_of(i) < first_return) out.push_back(i);
  }
  std::sort(out.begin(), out.end(), [&](size_t a, size_t b) { return list.call_of(a) < list.call_of(b); });
  return out;
}

// Fills in the report on a key that failed (or ran out of states).
void explain(const KeyHistory& h, const EventList& list, const SearchResult& s, size_t max_states,
             CheckResult& out) {
  constexpr size_t kShown = 10;  // the last operations of the prefix worth reading
  const std::string& key = h.ops.front()->key;
  out.verdict = s.verdict;
  out.key = key;
  out.state_after_prefix = h.values[s.state_after_longest];
  for (size_t i : s.longest) out.longest_prefix.push_back(*h.ops[i]);
  std::vector<size_t> next = next_candidates(h, list, s.longest);
  for (size_t i : next) out.unplaced.push_back(*h.ops[i]);

  std::string& x = out.explanation;
  if (s.verdict == CheckResult::Verdict::Unknown) {
    x = "key " + key + ": gave up after " + std::to_string(max_states) +
        " configurations (CheckOptions::max_states) without an answer.\n";
  } else {
    x = "key " + key + " is not linearizable: at most " + std::to_string(s.longest.size()) + " of its " +
        std::to_string(h.ops.size()) + " operations can be linearized.\n";
  }
  x += "The longest linearizable prefix found, in linearization order:\n";
  if (s.longest.size() > kShown) {
    x += "  ... (" + std::to_string(s.longest.size() - kShown) + " earlier operations)\n";
  }
  for (size_t k = s.longest.size() > kShown ? s.longest.size() - kShown : 0; k < s.longest.size(); k++) {
    x += "  " + describe(*h.ops[s.longest[k]]) + "\n";
  }
  x += "after which " + key + " holds " + show(out.state_after_prefix);
  if (s.verdict == CheckResult::Verdict::Unknown) {
    x += ". The operations that could come next:\n";
  } else {
    x += ", and none of the operations that could come next can be placed:\n";
  }
  for (size_t i : next) {
    x += "  " + describe(*h.ops[i]);
    if (s.verdict == CheckResult::Verdict::NotLinearizable) x += ": " + misfit(h, i, s.state_after_longest);
    x += "\n";
  }
}

}  // namespace

CheckResult check_linearizable(const std::vector<Operation>& history, const CheckOptions& options) {
  std::map<std::string, KeyHistory> keys;  // in key order, so the report is deterministic
  for (const Operation& op : history) {
    if (op.complete < op.invoke) {
      throw std::invalid_argument("check_linearizable: completes before it is invoked: " + describe(op));
    }
    keys[op.key].add(op);
  }

  CheckResult result;
  std::optional<CheckResult> unknown;  // the first key that ran out of states
  for (const auto& [key, h] : keys) {
    EventList list(h);
    SearchResult s = search(h, list, options.max_states);
    result.states += s.states;
    if (s.verdict == CheckResult::Verdict::Linearizable) continue;
    CheckResult failed;
    explain(h, list, s, options.max_states, failed);
    if (s.verdict == CheckResult::Verdict::NotLinearizable) {
      failed.states = result.states;
      return failed;
    }
    if (!unknown) unknown = std::move(failed);
  }
  if (unknown) {
    unknown->states = result.states;
    return *unknown;
  }
  return result;
}

}  // namespace kubepp::testing
