#include "runtime/cli/flags.h"

#include <iostream>
#include <sstream>

namespace kubepp::cli {

void FlagSet::add(const std::string& names, Kind kind, void* target, const std::string& help) {
  Flag flag{{}, kind, target, help};
  std::istringstream in(names);
  for (std::string name; std::getline(in, name, ',');) flag.names.push_back(name);
  flags_.push_back(std::move(flag));
}

void FlagSet::add_string(const std::string& names, std::string* target, const std::string& help) {
  add(names, Kind::String, target, help);
}
void FlagSet::add_bool(const std::string& names, bool* target, const std::string& help) {
  add(names, Kind::Bool, target, help);
}
void FlagSet::add_list(const std::string& names, std::vector<std::string>* target, const std::string& help) {
  add(names, Kind::List, target, help);
}

FlagSet::Flag* FlagSet::find(const std::string& name) {
  for (Flag& flag : flags_) {
    for (const std::string& n : flag.names) {
      if (n == name) return &flag;
    }
  }
  return nullptr;
}

Result<std::vector<std::string>> FlagSet::parse(const std::vector<std::string>& args) {
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;  // the first positional argument
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    if (name == "help" || name == "h") {
      help_ = true;
      continue;
    }
    Flag* flag = find(name);
    if (flag == nullptr) return Error{ErrorCode::Invalid, "unknown flag: " + arg};
    if (flag->kind == Kind::Bool) {
      if (has_value && value != "true" && value != "false") {
        return Error{ErrorCode::Invalid, "flag --" + name + ": want true or false, got `" + value + "`"};
      }
      *static_cast<bool*>(flag->target) = !has_value || value == "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return Error{ErrorCode::Invalid, "flag " + arg + " needs a value"};
      value = args[++i];
    }
    if (flag->kind == Kind::String) *static_cast<std::string*>(flag->target) = value;
    if (flag->kind == Kind::List) static_cast<std::vector<std::string>*>(flag->target)->push_back(value);
  }
  return std::vector<std::string>(args.begin() + static_cast<long>(i), args.end());
}

FlagSet::Parsed FlagSet::parse_verb(const std::string& verb, const std::vector<std::string>& args, size_t min,
                                    size_t max, const std::string& want) {
  Result<std::vector<std::string>> rest = parse(args);
  if (help_) {
    std::cout << help();
    return {{}, 0};
  }
  if (!rest || rest.value().size() < min || rest.value().size() > max) {
    std::cerr << "kubepp " << verb << ": " << (rest ? want : rest.error().message) << "\n" << help();
    return {{}, 2};
  }
  return {std::move(rest.value()), std::nullopt};
}

std::string FlagSet::help() const {
  std::string out = "Usage: " + usage_ + "\n\nFlags:\n";
  for (const Flag& flag : flags_) {
    std::string names;
    for (const std::string& n : flag.names) names += (names.empty() ? "" : ", ") + std::string(n.size() == 1 ? "-" : "--") + n;
    if (flag.kind != Kind::Bool) names += " VALUE";
    out += "  " + names + std::string(names.size() < 26 ? 26 - names.size() : 1, ' ') + flag.help + "\n";
  }
  return out;
}

}  // namespace kubepp::cli
