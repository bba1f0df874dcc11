// base64.h — standard base64 with padding (Go's base64.StdEncoding): the bytes of etcd's
// JSON gateway and of Kubernetes' []byte fields (Secret.data).
#pragma once

#include <string>
#include <string_view>

#include "runtime/base/result.h"

namespace kubepp {

std::string base64_encode(std::string_view bytes);
/// Invalid names the first bad byte, as Go does ("illegal base64 data at input byte 3").
Result<std::string> base64_decode(std::string_view text);

}  // namespace kubepp
