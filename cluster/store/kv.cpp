// kv.cpp — key ranges, as etcd reads key and range_end.
#include "cluster/store/kv.h"

namespace kubepp::store {

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();  // 0xff cannot be incremented: carry into the byte before
  }
  return std::string(1, '\0');  // no key is past every such prefix: all keys >= prefix
}

bool in_range(std::string_view k, std::string_view key, std::string_view range_end) {
  if (range_end.empty()) return k == key;
  if (range_end == std::string_view("\0", 1)) return k >= key;
  return key <= k && k < range_end;
}

}  // namespace kubepp::store
