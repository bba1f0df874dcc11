// decode.h — manifests in, JSON documents out: what kubectl does with `-f file.yaml`, and
// the API server with a YAML body, before any object is decoded into its type.
//
// Upstream this is two pieces: k8s.io/apimachinery's YAMLOrJSONDecoder (a stream whose
// first non-space byte is `{` is JSON; anything else is YAML, split into documents at
// `---`) and sigs.k8s.io/yaml's YAMLToJSONStrict (each YAML document turned into JSON with
// go-yaml v2's YAML 1.1 scalar rules). decode.cpp lists the rules beside the code.
//
// Input is untrusted: the size, the nesting and the number of values built (aliases
// expanded) are bounded, so a "billion laughs" document is rejected, never expanded.
//
// Thread-safety: decode_documents keeps no state; call it from any thread.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "runtime/base/result.h"

namespace kubepp::api {

/// Bounds on one call's input. The defaults suit any real manifest.
struct DecodeLimits {
  size_t max_bytes = 3 * 1024 * 1024;  // the API server's request body limit (3 MiB)
  int max_depth = 100;                 // objects and arrays nested in one another
  size_t max_nodes = 1'000'000;        // values built for the whole input, aliases expanded:
                                       // ≈ 100 MB of nlohmann::json at worst
};

/// The documents of a YAML or JSON manifest, each a JSON value, in input order.
/// YAML: one per document; documents that are empty, only comments, or `null` are skipped
/// (as kubectl skips them). JSON (the first non-space byte is `{`): one per top-level
/// object or array, one after another. A List (`kind: List`, `items: [...]`) stays one
/// document: expanding it is the caller's job, as it is kubectl's.
/// Fails with Invalid, naming the line, column and document: a syntax error, a duplicate
/// key, a value JSON cannot hold (.inf, .nan, a null or complex key), an anchor that
/// contains itself, or input past `limits` (too large, too deep, too many values, or
/// aliases expanding to most of a document, as go-yaml's "excessive aliasing").
Result<std::vector<nlohmann::json>> decode_documents(std::string_view data,
                                                     const DecodeLimits& limits = {});

}  // namespace kubepp::api
