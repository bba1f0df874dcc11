#include "cluster/api/fieldpath.h"

namespace kubepp::api {

bool split_subscripted_path(std::string_view field_path, std::string_view& path, std::string_view& subscript) {
  if (!field_path.ends_with("']")) return false;
  std::string_view s = field_path.substr(0, field_path.size() - 2);
  size_t open = s.find("['");
  if (open == std::string_view::npos || open == 0) return false;
  path = s.substr(0, open);
  subscript = s.substr(open + 2);
  return true;
}

}  // namespace kubepp::api
