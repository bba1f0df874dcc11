// atomic_writer.h — how configMap, secret, downwardAPI and projected volumes get their
// files: Kubernetes' AtomicWriter (pkg/volume/util/atomic_writer.go).
//
// A container may read these files while the kubelet rewrites them (the ConfigMap was
// edited). It must never see half a file, nor old and new files mixed. So no file is ever
// written where the container looks: each version of the payload goes into a fresh hidden
// directory named after the time, a symlink `..data` points at the current version, and
// every name the user sees is a symlink through `..data`:
//
//   <volume>/..2024_05_01_12_00_00.2718281828/   the payload, a directory of mode 0755
//   <volume>/..data -> ..2024_05_01_12_00_00.2718281828
//   <volume>/app.conf -> ..data/app.conf          one link per top-level name of the payload
//   <volume>/conf.d -> ..data/conf.d              ("conf.d/a.conf" is reached through it)
//
// A new version is published by one rename(2) of a fresh `..data_tmp` symlink over
// `..data` — atomic, so a reader resolves either the old directory or the new one — and
// the old directory is removed afterwards. Names starting with `..` are the writer's own.
//
// Thread-safety: none; one writer per directory at a time (the kubelet syncs a pod from
// one thread).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "runtime/base/result.h"

namespace kubepp::kubelet {

/// One file of a payload (upstream's FileProjection): its bytes and permission bits.
struct FileProjection {
  std::string data;   ///< raw bytes: a Secret's value may hold anything, NUL included
  mode_t mode = 0644;  ///< its permission bits, exactly: the umask does not apply
};

/// The files of one volume by their path inside it: "app.conf", "conf.d/a.conf".
using Payload = std::map<std::string, FileProjection>;

/// Checks one payload path as upstream's validatePath does. Invalid, in upstream's words:
/// "invalid path: must not be empty", "must be relative path: /x", "must not contain '..':
/// a/../b", "must not start with '..': ..x", longer than 4096 bytes or a name longer than 255.
Status validate_payload_path(const std::string& path);

/// Checks every path of `payload` (validate_payload_path), and that none is both a file
/// and the directory of another ("a" and "a/b").
Status validate_payload(const Payload& payload);

/// Writes payloads into one directory as described above. The directory must exist.
class AtomicWriter {
 public:
  /// A writer for `target_dir`.
  explicit AtomicWriter(std::filesystem::path target_dir) : target_(std::move(target_dir)) {}

  /// Makes `payload` the volume's contents. Nothing is written when the current version
  /// already holds the same bytes at the same paths (the links are still repaired).
  /// `set_perms`, when given, runs after the new version is written and before it is
  /// published (the fsGroup ownership change). On failure the new version is removed and
  /// the old one stays published. Invalid for a bad payload; else errors name the call
  /// and path that failed.
  Status write(const Payload& payload, const std::function<Status()>& set_perms = {}) const;

 private:
  std::filesystem::path target_;
};

}  // namespace kubepp::kubelet
