// host_path.h — the hostPath volume's type check: what must already be at a node path
// before a pod may mount it.
//
// A hostPath volume is a file or directory of the node, bind-mounted into the container as
// it is: the kubelet makes no directory of its own for it, changes no owner and writes no
// file. Its one job at set-up is the type check of the volume's `type` field (Kubernetes'
// hostPathTypeChecker in pkg/volume/hostpath/host_path.go):
//
//   ""                   no check at all (the default, for old manifests' sake)
//   DirectoryOrCreate    a directory; created with mode 0755 (and its parents) when
//                        nothing is there
//   Directory            a directory must exist
//   FileOrCreate         a file; created empty with mode 0644 when nothing is there —
//                        its parent directory must exist, upstream does not create it
//   File                 a regular file must exist
//   Socket, CharDevice, BlockDevice   one of those must exist
//
// The check looks through symlinks (stat(2), as Go's os.Stat): a symlink to a directory
// passes `Directory`, as the bind mount of it would mount the directory.
#pragma once

#include <string>

#include "runtime/base/result.h"

namespace kubepp::kubelet {

/// Checks that `path` is of hostPath type `type`, creating it for DirectoryOrCreate and
/// FileOrCreate. Fails with upstream's messages: NotFound "hostPath /x doesn't exist";
/// Invalid "hostPath type check failed: /x is not a directory, it's a File", or
/// "Foo is an invalid volume type"; a system error naming the path when creating fails.
Status check_host_path_type(const std::string& path, const std::string& type);

}  // namespace kubepp::kubelet
