// iptables.h — the host's packet filter and NAT rules, through the `iptables` command.
//
// Kubernetes' own components (kube-proxy, the kubelet's hostport code, CNI plugins) run
// the iptables binary rather than speak nf_tables themselves, and so does kubepp: the
// rules then read the same in `iptables -S` whichever backend the machine has (here
// `iptables v1.8.9 (nf_tables)`). Every call passes `-w`, waiting for the xtables lock
// instead of failing when another program changes rules at the same moment. The
// command is started directly, with an argument vector: no shell ever parses a rule.
//
// kubepp's chains are all named KUBEPP-* (names.h), and kubepp's rules in the built-in
// chains are only jumps to them, so `iptables -S | grep KUBEPP` shows all kubepp did.
#pragma once

#include <string>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::runtime::net {

/// One rule: its table, its chain and the words that follow the chain.
struct IptablesRule {
  std::string table;              ///< "filter", "nat"
  std::string chain;              ///< "FORWARD", "KUBEPP-FORWARD"
  std::vector<std::string> spec;  ///< {"-i", "kubepp0", "-j", "DROP"}

  /// As a user would append it: "-t filter -A KUBEPP-FORWARD -i kubepp0 -j DROP".
  std::string str() const;
};

/// Runs `iptables -w ARGS…` and returns its standard output. The Error names the whole
/// command, its exit status and what iptables printed on stderr.
Result<std::string> run_iptables(const std::vector<std::string>& args);

/// True when `chain` exists in `table`.
Result<bool> chain_exists(const std::string& table, const std::string& chain);

/// Creates `chain` in `table` unless it exists.
Status ensure_chain(const std::string& table, const std::string& chain);

/// Empties `chain` and deletes it; a chain that is not there is fine. Rules elsewhere
/// that jump to it must be gone first (iptables refuses, EBUSY-like, otherwise).
Status delete_chain(const std::string& table, const std::string& chain);

/// The rules of `chain` as `iptables -S` prints them ("-A CHAIN …"), without the
/// chain's own "-N" line. A missing chain has none.
Result<std::vector<std::string>> chain_rules(const std::string& table, const std::string& chain);

/// True when a rule exactly like `rule` is in its chain (`iptables -C`).
Result<bool> rule_exists(const IptablesRule& rule);

/// Where ensure_rule puts a new rule: at the end of the chain, or before all others.
enum class RulePosition { Append, First };

/// Adds `rule` unless it is there already.
Status ensure_rule(const IptablesRule& rule, RulePosition position = RulePosition::Append);

/// Deletes every copy of `rule`; none is fine (so is a missing chain). A rule that
/// jumps to a missing chain is an error (iptables cannot even parse it): remove jumps
/// with remove_chain.
Status delete_rule(const IptablesRule& rule);

/// Deletes `jumps` (the rules elsewhere that lead to `chain`), then `chain` with its
/// rules. A missing chain is fine: no rule can jump to it.
Status remove_chain(const std::string& table, const std::string& chain, const std::vector<IptablesRule>& jumps);

/// remove_chain, but only when `chain` holds no rule: for a chain several users share,
/// the last one out removes it.
Status remove_chain_if_empty(const std::string& table, const std::string& chain,
                             const std::vector<IptablesRule>& jumps);

}  // namespace kubepp::runtime::net
