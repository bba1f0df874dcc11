#!/usr/bin/env python3
"""oci_image.py — write an OCI image layout from directories on disk.

An OCI image layout (image-spec v1.1, "image-layout.md") is a directory:

  oci-layout              {"imageLayoutVersion": "1.0.0"}
  index.json              one manifest descriptor per tag, annotated with its reference
  blobs/sha256/<hex>      every blob, named by the SHA-256 of its bytes:
                            manifest  → the config and the layers, by digest and size
                            config    → how to run the image, and the DiffIDs of its layers
                            layers    → gzip-compressed tars, bottom first

A recipe (JSON) names the repository, the layers (directories) and, per group of tags,
which layers make the image and its runtime config:

  {"name": "docker.io/library/alpine",
   "description": "…",                           (becomes a label)
   "layers": {"busybox": {"dir": "busybox/rootfs", "created_by": "…"}, …},
   "config": {"Env": [...], "Cmd": ["/bin/sh"]},  (shared by every image below)
   "images": [{"tags": ["latest", "3.18"], "layers": ["busybox", "release"],
               "config": {…overrides…}}]}

Layer directories are relative to --root. Layers are deterministic, so the same tree
always has the same digest in every layout (the busybox layer is one blob for alpine,
nginx, myapp, …, and a store unpacks it once):
  - entries in sorted order, names relative without "./", no entry for the root itself;
  - owner 0:0 with empty user and group names (or "owners" in the layer's recipe entry:
    {"path": "uid:gid"}), mtime fixed at 2020-01-01T00:00:00Z, modes kept (setuid too);
  - symlinks kept as symlinks, hard links as links to the first name (in entry order);
  - POSIX pax format (plain ustar headers unless a name is too long for one);
  - gzip with mtime 0, no file name, compression level 6.
Devices, FIFOs and sockets are refused: images get those from the runtime.

The layout is written to a temporary directory beside --out and renamed into place.

  oci_image.py images/alpine/image.json --root build/images --out build/images/oci/alpine
"""
import argparse
import gzip
import hashlib
import json
import os
import shutil
import stat
import sys
import tarfile

EPOCH = 1577836800                     # 2020-01-01T00:00:00Z: every file's mtime
CREATED = "2020-01-01T00:00:00Z"       # every image's and history entry's creation time
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
PLATFORM = {"architecture": "amd64", "os": "linux"}
CONFIG_KEYS = ["User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir",
               "Labels", "StopSignal"]


def die(msg):
    sys.exit(f"oci_image: {msg}")


def canonical(obj):
    """The bytes of a JSON document as written to a blob: sorted keys, no spaces."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class HashingWriter:
    """A write-only file that passes bytes on while counting and hashing them."""

    def __init__(self, sink):
        self.sink, self.size, self.sha = sink, 0, hashlib.sha256()

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.sink.write(data) if self.sink is not None else len(data)

    def tell(self):
        return self.size

    def flush(self):
        pass


def walk(top):
    """Relative paths under top, parents before children, siblings sorted by name."""
    for name in sorted(os.listdir(top)):
        path = os.path.join(top, name)
        yield name
        if stat.S_ISDIR(os.lstat(path).st_mode):
            for sub in walk(path):
                yield name + "/" + sub


def tar_layer(top, out, owners):
    """Writes top as a deterministic tar to the binary file out."""
    links = {}  # (dev, ino) → first name, for hard links
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel in walk(top):
            path = os.path.join(top, rel)
            st = os.lstat(path)
            info = tarfile.TarInfo(rel)
            info.mode = stat.S_IMODE(st.st_mode)
            info.mtime = EPOCH
            info.uid, info.gid = (int(x) for x in owners.get(rel, "0:0").split(":"))
            info.uname = info.gname = ""
            data = None
            if stat.S_ISDIR(st.st_mode):
                info.type = tarfile.DIRTYPE
            elif stat.S_ISLNK(st.st_mode):
                info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if st.st_nlink > 1 and key in links:
                    info.type, info.linkname = tarfile.LNKTYPE, links[key]
                else:
                    links[key] = rel
                    info.type, info.size = tarfile.REGTYPE, st.st_size
                    data = open(path, "rb")
            else:
                die(f"{path}: devices, FIFOs and sockets do not belong in a layer")
            try:
                tar.addfile(info, data)
            finally:
                if data:
                    data.close()


def write_blob(blobs, data):
    """Stores bytes as a blob; returns its descriptor fields (digest, size)."""
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def write_layer(blobs, top, owners):
    """Compresses top into a layer blob; returns (descriptor fields, diff_id, tar size)."""
    tmp = os.path.join(blobs, ".layer.tmp")
    with open(tmp, "wb") as f:
        compressed = HashingWriter(f)
        with gzip.GzipFile(filename="", mode="wb", fileobj=compressed, mtime=0, compresslevel=6) as gz:
            uncompressed = HashingWriter(gz)
            tar_layer(top, uncompressed, owners)
    digest = compressed.sha.hexdigest()
    os.rename(tmp, os.path.join(blobs, digest))
    return ({"digest": "sha256:" + digest, "size": compressed.size},
            "sha256:" + uncompressed.sha.hexdigest(), uncompressed.size)


def reference(name, tag):
    """docker.io/library/alpine, 3.18 → the normalized reference docker.io/library/alpine:3.18."""
    registry = name.split("/")[0]
    if "/" not in name or not ("." in registry or ":" in registry or registry == "localhost"):
        die(f"name {name!r} is not normalized (want registry/path, e.g. docker.io/library/alpine)")
    return f"{name}:{tag}"


def build(recipe, root, out, log):
    """Writes the layout; returns its tags and the compressed size of its blobs."""
    name = recipe["name"]
    tmp = out.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    blobs = os.path.join(tmp, "blobs", "sha256")
    os.makedirs(blobs)
    layers = {}  # layer key → (descriptor fields, diff_id), each layer written once
    manifests = []
    for image in recipe["images"]:
        descs, diff_ids, history = [], [], []
        for key in image["layers"]:
            spec = recipe["layers"][key]
            if key not in layers:
                top = os.path.join(root, spec["dir"])
                if not os.path.isdir(top):
                    die(f"layer {key}: {top} is not a directory")
                desc, diff_id, tar_size = write_layer(blobs, top, spec.get("owners", {}))
                layers[key] = (desc, diff_id)
                log(f"  layer {key}: {desc['digest']} {desc['size']} bytes gzip, {tar_size} bytes tar")
            desc, diff_id = layers[key]
            descs.append({"mediaType": MT_LAYER, **desc})
            diff_ids.append(diff_id)
            history.append({"created": CREATED, "created_by": spec["created_by"]})
        config = {**recipe.get("config", {}), **image.get("config", {})}
        unknown = set(config) - set(CONFIG_KEYS)
        if unknown:
            die(f"unknown config keys {sorted(unknown)} (known: {CONFIG_KEYS})")
        labels = dict(config.get("Labels", {}))
        if recipe.get("description"):
            labels.setdefault("org.opencontainers.image.description", recipe["description"])
        if labels:
            config["Labels"] = labels
        config_blob = {"created": CREATED, **PLATFORM, "config": config,
                       "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
        config_desc = {"mediaType": MT_CONFIG, **write_blob(blobs, canonical(config_blob))}
        manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST, "config": config_desc, "layers": descs}
        manifest_desc = write_blob(blobs, canonical(manifest))
        for tag in image["tags"]:
            manifests.append({"mediaType": MT_MANIFEST, **manifest_desc, "platform": dict(PLATFORM),
                              "annotations": {"io.containerd.image.name": reference(name, tag),
                                              "org.opencontainers.image.ref.name": tag}})
    tags = [m["annotations"]["org.opencontainers.image.ref.name"] for m in manifests]
    if len(set(tags)) != len(tags):
        die(f"{name}: a tag is listed twice in {tags}")
    with open(os.path.join(tmp, "oci-layout"), "wb") as f:
        f.write(canonical({"imageLayoutVersion": "1.0.0"}))
    with open(os.path.join(tmp, "index.json"), "wb") as f:
        f.write(canonical({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": manifests}))
    old = out.rstrip("/") + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(out):
        os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    return tags, sum(d["size"] for d, _ in layers.values())


def main():
    ap = argparse.ArgumentParser(description="Write an OCI image layout from a recipe.")
    ap.add_argument("recipe", help="the image's JSON recipe")
    ap.add_argument("--root", required=True, help="directory the recipe's layer dirs are relative to")
    ap.add_argument("--out", required=True, help="the layout directory to (re)create")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each layer's digest and sizes")
    args = ap.parse_args()
    with open(args.recipe) as f:
        recipe = json.load(f)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tags, size = build(recipe, args.root, args.out, print if args.verbose else lambda _: None)
    print(f"oci image {recipe['name']}: {' '.join(tags)} ({size / 1e6:.1f} MB of layers)")


if __name__ == "__main__":
    main()
