// archive.h — unpacking tar archives: image layers and OCI image layouts.
//
// A layer is a tar stream (often gzip-compressed) of the files one build step added,
// changed or deleted. Unpacked into a directory of its own, it becomes one read-only
// lower dir of a container's overlay. Two things make this more than `tar x`:
//   - deletions: OCI marks a deleted file `a/.wh.name` and a directory whose lower
//     contents are hidden `dir/.wh..wh..opq`; overlayfs wants a 0/0 character device
//     named `name` and the xattr trusted.overlay.opaque="y" on `dir` instead;
//   - hostile input: an entry `../etc/passwd`, `/etc/passwd`, a symlink `a -> /`
//     followed by `a/etc/passwd`, or a device node must never touch anything outside
//     the directory, and the error names the entry.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "runtime/base/result.h"
#include "runtime/image/digest.h"

namespace kubepp::runtime {

enum class ArchiveKind {
  Layer,   ///< an image layer: whiteouts become overlayfs' form; owners, modes, times kept
  Layout,  ///< an OCI image layout (or any plain tree): only directories and regular files
};

struct ExtractStats {
  Digest diff_id;       ///< sha256 of the whole uncompressed tar stream, padding after the
                        ///< end-of-archive blocks included: a layer's DiffID, as sha256sum sees it
  uint64_t entries = 0; ///< members of the archive (pax and GNU long-name headers not counted)
  uint64_t bytes = 0;   ///< regular files' contents written
};

/// Reads the tar archive at `archive` — plain, or gzip (recognised by its magic) — and
/// creates its entries under `dest`, an existing empty directory. Every entry is
/// created through descriptors resolved inside `dest` (openat2 RESOLVE_IN_ROOT), so no
/// path or symlink can reach outside it. Refused, with Invalid naming the archive and
/// the entry: absolute names, names with a `..` component, block and character devices,
/// hard links to entries not yet extracted, and for ArchiveKind::Layout anything but
/// directories and regular files. A truncated or corrupt stream fails too. A later
/// entry replaces an earlier one of the same name (a directory over a directory keeps
/// its contents). A layout's entries keep only their permission bits, never setuid, and
/// always let their owner in. On error `dest` holds whatever was extracted before: the
/// caller removes it.
Result<ExtractStats> extract_archive(const std::filesystem::path& archive, const std::filesystem::path& dest,
                                     ArchiveKind kind);

}  // namespace kubepp::runtime
