// seccomp.cpp — linux.seccomp → SeccompProfile: libseccomp's names as tables, runc's rules
// as code. Where runc decides something the spec leaves open, the comment says so.
#include "runtime/oci/seccomp.h"

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace kubepp::runtime::oci {

namespace {

using runtime::SeccompAction;
using Op = runtime::SeccompArg::Op;

// libseccomp's action names (runc's seccomp.actions). SCMP_ACT_NOTIFY is missing on purpose:
// it hands the call to an agent process, and kubepp has none.
struct NamedAction {
  std::string_view name;
  SeccompAction::Kind kind;
};
constexpr NamedAction kActions[] = {
    {"SCMP_ACT_KILL", SeccompAction::KillThread},  // the old name: it always killed one thread
    {"SCMP_ACT_KILL_THREAD", SeccompAction::KillThread},
    {"SCMP_ACT_KILL_PROCESS", SeccompAction::KillProcess},
    {"SCMP_ACT_TRAP", SeccompAction::Trap},
    {"SCMP_ACT_ERRNO", SeccompAction::Errno},
    {"SCMP_ACT_TRACE", SeccompAction::Trace},
    {"SCMP_ACT_ALLOW", SeccompAction::Allow},
    {"SCMP_ACT_LOG", SeccompAction::Log},
};

// libseccomp's comparison names (runc's seccomp.operators).
struct NamedOp {
  std::string_view name;
  Op op;
};
constexpr NamedOp kOperators[] = {
    {"SCMP_CMP_NE", Op::NotEqual},       {"SCMP_CMP_LT", Op::Less},    {"SCMP_CMP_LE", Op::LessOrEqual},
    {"SCMP_CMP_EQ", Op::Equal},          {"SCMP_CMP_GE", Op::GreaterOrEqual},
    {"SCMP_CMP_GT", Op::Greater},        {"SCMP_CMP_MASKED_EQ", Op::MaskedEqual},
};

constexpr int kMaxArgIndex = 5;  // a system call has six arguments at most

Error invalid(const std::string& path, const std::string& rule) {
  return Error{ErrorCode::Invalid, "`" + path + "`: " + rule};
}

// `action` with its errno: errnoRet for ERRNO and TRACE (EPERM when absent); other actions
// ignore it, as runc's getAction does. `path` is the JSON path of the action's field, and
// `errno_path` that of its errnoRet.
Result<SeccompAction> action_of(const std::string& action, std::optional<uint32_t> errno_ret,
                                const std::string& path, const std::string& errno_path) {
  if (action == "SCMP_ACT_NOTIFY") {
    return invalid(path, "SCMP_ACT_NOTIFY is not supported (kubepp has no seccomp agent to hand calls to)");
  }
  auto known = std::find_if(std::begin(kActions), std::end(kActions),
                            [&](const NamedAction& a) { return a.name == action; });
  if (known == std::end(kActions)) return invalid(path, "unknown action `" + action + "`");
  SeccompAction out{known->kind, 0};
  if (out.kind == SeccompAction::Errno || out.kind == SeccompAction::Trace) {
    const uint32_t value = errno_ret.value_or(EPERM);
    // The kernel keeps 16 bits (SECCOMP_RET_DATA): 65537 would quietly become 1.
    if (value > 0xffff) return invalid(errno_path, std::to_string(value) + " does not fit in 16 bits");
    out.errno_ret = static_cast<int>(value);
  }
  return out;
}

Result<runtime::SeccompArg> arg_of(const SeccompArg& arg, const std::string& path) {
  if (arg.index > kMaxArgIndex) {
    return invalid(path + ".index", "want 0 to 5, got " + std::to_string(arg.index));
  }
  auto known = std::find_if(std::begin(kOperators), std::end(kOperators),
                            [&](const NamedOp& o) { return o.name == arg.op; });
  if (known == std::end(kOperators)) return invalid(path + ".op", "unknown operator `" + arg.op + "`");
  if (known->op == Op::MaskedEqual) {
    // libseccomp's SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, mask, datum): runc passes value, valueTwo.
    return runtime::SeccompArg{arg.index, Op::MaskedEqual, arg.valueTwo, arg.value};
  }
  return runtime::SeccompArg{arg.index, known->op, arg.value, 0};
}

// The argument conditions of one entry, as the rules runc adds for each name: all of them
// in one rule (AND), or — when two test the same argument — one rule each (OR): libseccomp
// used to refuse two conditions on one argument in a rule, and runc kept its older way
// for that case (seccomp_linux.go, matchCall).
std::vector<std::vector<runtime::SeccompArg>> arg_sets(const std::vector<runtime::SeccompArg>& args) {
  bool shared_index = false;
  for (size_t i = 0; i < args.size(); ++i) {
    for (size_t j = 0; j < i; ++j) shared_index = shared_index || args[i].index == args[j].index;
  }
  if (!shared_index) return {args};
  std::vector<std::vector<runtime::SeccompArg>> sets;
  for (const runtime::SeccompArg& arg : args) sets.push_back({arg});
  return sets;
}

// The rules of syscalls[i], appended to `rules`.
Status add_rules(const SeccompSyscall& entry, const std::string& path, std::vector<runtime::SeccompRule>& rules) {
  Result<SeccompAction> action = action_of(entry.action, entry.errnoRet, path + ".action", path + ".errnoRet");
  if (!action) return action.error();
  std::vector<runtime::SeccompArg> args;
  for (size_t i = 0; i < entry.args.size(); ++i) {
    Result<runtime::SeccompArg> arg = arg_of(entry.args[i], path + ".args[" + std::to_string(i) + "]");
    if (!arg) return arg.error();
    args.push_back(arg.value());
  }
  if (entry.names.empty()) return invalid(path + ".names", "must not be empty");
  for (size_t i = 0; i < entry.names.size(); ++i) {
    if (entry.names[i].empty()) return invalid(path + ".names[" + std::to_string(i) + "]", "must not be empty");
    for (std::vector<runtime::SeccompArg>& set : arg_sets(args)) {
      rules.push_back({entry.names[i], std::move(set), action.value(), path});
    }
  }
  return {};
}

// The flags; absent: SPEC_ALLOW, runc's default (it checks that the kernel and libseccomp
// support it; kubepp needs Linux 5.6 and libseccomp 2.5, which both do).
Result<runtime::SeccompFlags> flags_of(const std::optional<std::vector<std::string>>& flags, const std::string& path) {
  runtime::SeccompFlags out;
  if (!flags) {
    out.spec_allow = true;
    return out;
  }
  for (size_t i = 0; i < flags->size(); ++i) {
    const std::string& flag = (*flags)[i];
    const std::string where = path + "[" + std::to_string(i) + "]";
    if (flag == "SECCOMP_FILTER_FLAG_TSYNC") {
      out.tsync = true;
    } else if (flag == "SECCOMP_FILTER_FLAG_LOG") {
      out.log = true;
    } else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") {
      out.spec_allow = true;
    } else if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") {
      return invalid(where, "not supported (it only matters to SCMP_ACT_NOTIFY)");
    } else {
      return invalid(where, "unknown flag `" + flag + "`");
    }
  }
  return out;
}

}  // namespace

Result<runtime::SeccompProfile> seccomp_profile(const Seccomp& spec) {
  const std::string path = "linux.seccomp";
  if (spec.defaultAction.empty()) return invalid(path + ".defaultAction", "missing (required)");
  runtime::SeccompProfile profile;
  Result<SeccompAction> default_action =
      action_of(spec.defaultAction, spec.defaultErrnoRet, path + ".defaultAction", path + ".defaultErrnoRet");
  if (!default_action) return default_action.error();
  profile.default_action = default_action.value();
  profile.architectures = spec.architectures;
  Result<runtime::SeccompFlags> flags = flags_of(spec.flags, path + ".flags");
  if (!flags) return flags.error();
  profile.flags = flags.value();
  for (size_t i = 0; i < spec.syscalls.size(); ++i) {
    const std::string where = path + ".syscalls[" + std::to_string(i) + "]";
    if (Status s = add_rules(spec.syscalls[i], where, profile.rules); !s) return s.error();
  }
  return profile;
}

}  // namespace kubepp::runtime::oci
