// decode_fuzz.cpp — libFuzzer target: any input either is refused with an error or
// decodes to JSON documents that serialize; never a crash, a hang or unbounded memory
// (libFuzzer's -rss_limit_mb and -timeout catch the last two).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cluster/api/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto docs = kubepp::api::decode_documents(text)) {
    for (const nlohmann::json& d : docs.value()) (void)d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
