#!/usr/bin/env python3
"""check_layouts.py DIR — checks the built-in OCI image layouts under DIR byte by byte.

The image store imports these layouts as it would any OCI image layout, verifying every
digest and size, so a layout that is almost right is a pull that fails. For every layout
(a directory holding `oci-layout`) this checks:

  - oci-layout says imageLayoutVersion 1.0.0; index.json is an image index (schemaVersion
    2) whose manifest descriptors carry platform linux/amd64 and the annotations
    io.containerd.image.name (a normalized reference, e.g. docker.io/library/nginx:1.25,
    whose repository is the layout's path under DIR) and org.opencontainers.image.ref.name
    (its tag);
  - every blob named by a descriptor exists and has that SHA-256 digest and size;
  - manifests, configs and layers have the OCI media types; the config is linux/amd64,
    and its rootfs.diff_ids are the SHA-256 of each layer's uncompressed tar;
  - each layer is a tar the store accepts: relative names without `..`, only directories,
    regular files, symlinks and hard links to earlier entries;
  - the image's Entrypoint or Cmd names a file that exists in the image (via its PATH);
  - every reference kubepp promises (EXPECTED below) is there, the images built on busybox
    share busybox's one layer digest, and demoapp, admin-box and admin-toolbox share one
    toolbox layer.

Prints one line per layout, then each error; exits 1 if anything is wrong.
"""
import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import sys
import tarfile

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

EXPECTED = {
    "docker.io/library/busybox": ["latest", "1.28", "1.30", "1.32", "1.35"],
    "docker.io/library/alpine": ["latest", "3.11", "3.12", "3.16", "3.18"],
    "registry.k8s.io/pause": ["3.6", "3.8", "3.9", "3.10"],
    "docker.io/ikubernetes/myapp": ["v1", "v2", "v3", "v4", "v5"],
    "docker.io/ikubernetes/demoapp": ["v1.0", "v1.1", "v1.2"],
    "docker.io/library/nginx": ["latest", "alpine", "1.10-alpine", "1.12-alpine", "1.14-alpine", "1.20-alpine"],
    "docker.io/library/redis": ["latest", "alpine", "4-alpine", "5-alpine", "6-alpine", "7-alpine"],
    "docker.io/ikubernetes/stress-ng": ["latest"],
    "docker.io/ikubernetes/admin-box": ["latest", "v1.0", "v1.1", "v1.2"],
    "docker.io/ikubernetes/admin-toolbox": ["latest", "v1.0"],
}
ON_BUSYBOX = [r for r in EXPECTED if r != "registry.k8s.io/pause"]
ON_TOOLBOX = ["docker.io/ikubernetes/demoapp", "docker.io/ikubernetes/admin-box", "docker.io/ikubernetes/admin-toolbox"]

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# distribution/reference's grammar, for a normalized name (registry/path) and a tag.
COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
REGISTRY = r"(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?::[0-9]+)?"
REFERENCE = re.compile(rf"^({REGISTRY}/{COMPONENT}(?:/{COMPONENT})*):([\w][\w.-]{{0,127}})$")


class Checker:
    def __init__(self, root):
        self.root = root
        self.errors = []
        self.diff_ids = {}   # layer digest → (diff_id, entries), once its blob is verified
        self.images = {}     # reference → list of layer digests

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def blob(self, layout, desc, where):
        """The verified bytes of the blob desc names, or None (with an error recorded)."""
        digest, size = desc.get("digest", ""), desc.get("size")
        if not DIGEST.match(digest) or not isinstance(size, int):
            self.fail(where, f"bad descriptor {desc}")
            return None
        path = os.path.join(layout, "blobs", "sha256", digest[7:])
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            self.fail(where, f"blob {digest}: {e}")
            return None
        if len(data) != size:
            self.fail(where, f"blob {digest}: {len(data)} bytes, descriptor says {size}")
            return None
        if "sha256:" + hashlib.sha256(data).hexdigest() != digest:
            self.fail(where, f"blob {digest}: content has another SHA-256")
            return None
        return data

    def json_blob(self, layout, desc, where, media_type):
        if desc.get("mediaType") != media_type:
            self.fail(where, f"mediaType {desc.get('mediaType')!r}, want {media_type}")
        data = self.blob(layout, desc, where)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError as e:
            self.fail(where, f"not JSON: {e}")
            return None

    def layer(self, layout, desc, where):
        """(diff_id, {path: (type, linkname)}) of a layer, or None."""
        digest = desc.get("digest")
        if desc.get("mediaType") != MT_LAYER:
            self.fail(where, f"layer mediaType {desc.get('mediaType')!r}, want {MT_LAYER}")
        data = self.blob(layout, desc, where)
        if data is None:
            return None
        if digest in self.diff_ids:
            return self.diff_ids[digest]
        try:
            tar_bytes = gzip.decompress(data)
        except (OSError, EOFError) as e:
            self.fail(where, f"layer {digest}: not gzip: {e}")
            return None
        entries = {}
        try:
            with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tar:
                for m in tar:
                    name = m.name.rstrip("/")
                    parts = name.split("/")
                    if name.startswith("/") or ".." in parts or not name:
                        self.fail(where, f"layer {digest}: unsafe name {m.name!r}")
                    elif m.islnk() and m.linkname not in entries:
                        self.fail(where, f"layer {digest}: hard link {name} -> {m.linkname} before its target")
                    elif not (m.isdir() or m.isreg() or m.issym() or m.islnk()):
                        self.fail(where, f"layer {digest}: {name} is a device, FIFO or other special file")
                    entries[name] = ("dir" if m.isdir() else "sym" if m.issym() else "file", m.linkname)
        except tarfile.TarError as e:
            self.fail(where, f"layer {digest}: bad tar: {e}")
            return None
        result = ("sha256:" + hashlib.sha256(tar_bytes).hexdigest(), entries)
        self.diff_ids[digest] = result
        return result

    def check_layout(self, layout):
        rel = os.path.relpath(layout, self.root)
        try:
            with open(os.path.join(layout, "oci-layout")) as f:
                if json.load(f).get("imageLayoutVersion") != "1.0.0":
                    self.fail(rel, "oci-layout: imageLayoutVersion is not 1.0.0")
            with open(os.path.join(layout, "index.json")) as f:
                index = json.load(f)
        except (OSError, ValueError) as e:
            self.fail(rel, str(e))
            return []
        if index.get("schemaVersion") != 2 or index.get("mediaType", MT_INDEX) != MT_INDEX:
            self.fail(rel, "index.json: not an image index with schemaVersion 2")
        refs = []
        for desc in index.get("manifests") or []:
            annotations = desc.get("annotations", {})
            ref, tag = annotations.get("io.containerd.image.name", ""), annotations.get("org.opencontainers.image.ref.name")
            where = f"{rel} {ref or desc.get('digest')}"
            m = REFERENCE.match(ref)
            if not m:
                self.fail(where, f"io.containerd.image.name {ref!r} is not a normalized name:tag reference")
                continue
            if m.group(2) != tag:
                self.fail(where, f"org.opencontainers.image.ref.name {tag!r} is not the reference's tag")
            if m.group(1) != rel:
                self.fail(where, f"repository {m.group(1)} is not the layout's path {rel}")
            if desc.get("platform", {}) != {"architecture": "amd64", "os": "linux"}:
                self.fail(where, f"platform {desc.get('platform')}, want linux/amd64")
            refs.append(ref)
            self.check_image(layout, desc, where, ref)
        if not refs:
            self.fail(rel, "index.json lists no manifests")
        if len(set(refs)) != len(refs):
            self.fail(rel, "index.json lists a reference twice")
        return refs

    def check_image(self, layout, desc, where, ref):
        manifest = self.json_blob(layout, desc, where, MT_MANIFEST)
        if manifest is None:
            return
        if manifest.get("schemaVersion") != 2 or manifest.get("mediaType") != MT_MANIFEST:
            self.fail(where, "manifest: schemaVersion or mediaType wrong")
        config = self.json_blob(layout, manifest.get("config", {}), where + " config", MT_CONFIG)
        layers = [self.layer(layout, d, where) for d in manifest.get("layers", [])]
        if config is None or None in layers:
            return
        if config.get("architecture") != "amd64" or config.get("os") != "linux":
            self.fail(where, "config: not linux/amd64")
        rootfs = config.get("rootfs", {})
        if rootfs.get("type") != "layers" or rootfs.get("diff_ids") != [d for d, _ in layers]:
            self.fail(where, "config: rootfs.diff_ids are not the SHA-256 of the uncompressed layers")
        history = [h for h in config.get("history", []) if not h.get("empty_layer")]
        if len(history) != len(layers):
            self.fail(where, f"config: {len(history)} history entries for {len(layers)} layers")
        self.images[ref] = [d["digest"] for d in manifest["layers"]]
        self.check_command(where, config.get("config", {}), [e for _, e in layers])

    def check_command(self, where, cfg, layers):
        argv = (cfg.get("Entrypoint") or []) + (cfg.get("Cmd") or [])
        if not argv:
            self.fail(where, "config: neither Entrypoint nor Cmd")
            return
        fs = {}
        for entries in layers:  # no whiteouts in kubepp's own layers: later layers override
            fs.update(entries)
        path = next((e[5:] for e in cfg.get("Env", []) if e.startswith("PATH=")), "/usr/bin:/bin")
        candidates = [argv[0]] if "/" in argv[0] else [posixpath.join(d, argv[0]) for d in path.split(":")]
        if not any(resolve(fs, c) == "file" for c in candidates):
            self.fail(where, f"command {argv[0]!r} is not a file in the image")

    def check_sharing(self):
        busybox = self.images.get("docker.io/library/busybox:latest", [None])[0]
        for ref, digests in sorted(self.images.items()):
            repo = ref.rsplit(":", 1)[0]
            if repo in ON_BUSYBOX and digests[0] != busybox:
                self.fail(ref, f"bottom layer {digests[0]} is not busybox's {busybox}")
        toolbox = {self.images[r][1] for r in self.images if r.rsplit(":", 1)[0] in ON_TOOLBOX}
        if len(toolbox) > 1:
            self.fail("toolbox layer", f"demoapp, admin-box and admin-toolbox have {len(toolbox)} digests, want one")


def resolve(fs, path, depth=0):
    """The type of what path names in the merged layers, following symlinks; None if nothing."""
    parts = [p for p in path.split("/") if p]
    current = ""
    for i, part in enumerate(parts):
        current = posixpath.join(current, part) if current else part
        kind, link = fs.get(current, (None, ""))
        if kind == "sym":
            if depth > 40:
                return None
            target = link if link.startswith("/") else posixpath.join("/", posixpath.dirname(current), link)
            rest = "/".join(parts[i + 1:])
            return resolve(fs, posixpath.normpath(posixpath.join(target, rest)), depth + 1)
        if kind is None:
            return None
    return fs.get(current, (None,))[0] if current else "dir"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_layouts.py DIR")
    root = sys.argv[1]
    layouts = sorted(d for d, _, files in os.walk(root) if "oci-layout" in files)
    if not layouts:
        sys.exit(f"no OCI image layouts under {root}: build the `images` target first")
    checker = Checker(root)
    found = set()
    for layout in layouts:
        before = len(checker.errors)
        refs = checker.check_layout(layout)
        found.update(refs)
        status = "ok" if len(checker.errors) == before else "FAILED"
        print(f"{status:6} {os.path.relpath(layout, root)}: {len(refs)} tags")
    for repo, tags in EXPECTED.items():
        for tag in tags:
            if f"{repo}:{tag}" not in found:
                checker.fail(f"{repo}:{tag}", "expected, but no layout has it")
    checker.check_sharing()
    for e in checker.errors:
        print("error:", e)
    print(f"{len(found)} references in {len(layouts)} layouts; {len(checker.errors)} errors")
    sys.exit(1 if checker.errors else 0)


if __name__ == "__main__":
    main()
