#!/usr/bin/env python3
"""debian_programs.py — put Debian programs into an image layer without installing them.

No registry is reachable, so kubepp's images take their programs (nginx, redis, python3,
curl, iptables, stress-ng, …) from Debian's packages, the way a Dockerfile's
`apt-get install` would, but without touching the host:

  1. packages  The packages named with --package, plus the closure of their Depends and
               Pre-Depends that are libraries (libfoo1, zlib1g, bind9-libs): those provide
               the shared objects the programs load. Scripts, debconf and the rest of a
               real install are not needed to *run* a program, so they are not followed.
  2. fetch     `apt-get download` into a cache directory (--cache); a .deb already there
               with the right SHA-256 is not fetched again. One build at a time fetches
               (a lock file in the cache).
  3. extract   `dpkg-deb -x` of every package into a scratch root (--work).
  4. copy      The paths named with --path (files, directories, symlinks; globs allowed)
               go from the scratch root into the layer directory (--out) at the same
               place, then the ELF closure: for every ELF file copied, each DT_NEEDED
               soname is looked up (RUNPATH, then the multiarch and plain lib dirs of the
               scratch root) and copied with its symlink chain, until nothing is missing.
               The dynamic loader (/lib64/ld-linux-x86-64.so.2 and its target) comes with
               the first dynamically linked program, and with glibc an /etc/nsswitch.conf
               that reads /etc/hosts before DNS (a pod's /etc/hosts names the pod).
               Each package a file came from adds its /usr/share/doc/PKG/copyright.

A soname found nowhere is an error naming the file that needs it. Nothing is copied
from the host. The layer keeps Debian's paths as they are in the packages (/lib and
/usr/lib stay separate directories: no usrmerge symlinks that would clash with the
busybox layer's real directories).

  debian_programs.py --cache build/images/debs --work /tmp/x --out build/images/layers/nginx.tmp \
      --package nginx --package nginx-common --path /usr/sbin/nginx --path /etc/nginx/mime.types
"""
import argparse
import fcntl
import glob
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys

LIB_DIRS = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64", "lib", "usr/lib"]
LOADER = "lib64/ld-linux-x86-64.so.2"
NSSWITCH = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n"


def die(msg):
    sys.exit(f"debian_programs: {msg}")


def run(cmd, **kw):
    """Runs cmd and returns its stdout; a failure raises RuntimeError with its stderr."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return p.stdout


# --- 1. packages ---------------------------------------------------------------------

def parse_depends(text):
    """apt-cache depends output → {package: [group, …]}; a group is the alternatives of one
    dependency (`a | b`), each as (name, [providers]) — a virtual `<name>` lists its providers."""
    deps, pkg, open_group, last = {}, None, None, None
    for line in text.splitlines():
        if not line.startswith(" "):
            pkg, open_group, last = line.strip(), None, None
            deps.setdefault(pkg, [])
            continue
        m = re.match(r"^ ([| ])(PreDepends|Depends): (.*)$", line)
        if m:
            if open_group is None:
                open_group = []
                deps[pkg].append(open_group)
            last = (m.group(3).strip(), [])
            open_group.append(last)
            if m.group(1) != "|":
                open_group = None
        elif line.startswith("    ") and last is not None:
            last[1].append(line.strip())   # a package providing the one above
        else:
            last = None                    # another kind of relation: not followed
    return deps


def first_choice(group):
    """The package apt would take for a dependency: its first real alternative."""
    for name, providers in group:
        if not name.startswith("<"):
            return name
        if providers:
            return providers[0]
    return None


def is_library(package):
    """Debian names a shared library's package after it: libfoo1, zlib1g, bind9-libs."""
    return package.startswith(("lib", "zlib")) or package.endswith("-libs")


def package_closure(explicit):
    """The explicit packages plus every library package they need, first alternatives first."""
    wanted, frontier = set(explicit), list(explicit)
    while frontier:
        out = run(["apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts",
                   "--no-breaks", "--no-replaces", "--no-enhances", *frontier])
        frontier = []
        for groups in parse_depends(out).values():
            for group in groups:
                if any(name in wanted or wanted.intersection(providers) for name, providers in group):
                    continue
                choice = first_choice(group)
                if choice and is_library(choice):
                    wanted.add(choice)
                    frontier.append(choice)
    return sorted(wanted)


# --- 2. fetch --------------------------------------------------------------------------

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def print_uris(packages):
    """{filename: sha256} of the candidate version of each package, as apt would fetch it."""
    out = run(["apt-get", "download", "--print-uris", *packages])
    debs = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[3].lower().startswith("sha256:"):
            debs[fields[1]] = fields[3].split(":", 1)[1].lower()
    if len(debs) != len(packages):
        die(f"apt-get download --print-uris listed {len(debs)} files for {len(packages)} packages")
    return debs


def apt_update():
    """Reads the package lists (a fresh machine may have none, or stale ones)."""
    print("debian_programs: apt-get update", file=sys.stderr)
    run(["apt-get", "update", "-qq"])


def apt_knows(packages):
    return subprocess.run(["apt-cache", "show", "--no-all-versions", *packages],
                          capture_output=True).returncode == 0


class CacheLock:
    """One build at a time fetches or updates package lists (apt's own locks fail, not wait)."""

    def __init__(self, cache):
        os.makedirs(cache, exist_ok=True)
        self.path = os.path.join(cache, ".lock")

    def __enter__(self):
        self.file = open(self.path, "w")
        fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        self.file.close()


def ensure_package_lists(packages, cache):
    if apt_knows(packages):
        return
    with CacheLock(cache):
        if not apt_knows(packages):  # another build may have read them meanwhile
            apt_update()


def download(debs, cache):
    """Downloads the files of debs ({filename: sha256}) the cache lacks or has damaged."""
    missing = [f for f, digest in debs.items()
               if not os.path.exists(os.path.join(cache, f)) or sha256_file(os.path.join(cache, f)) != digest]
    if not missing:
        return
    names = [f.split("_", 1)[0] for f in missing]
    print(f"debian_programs: downloading {len(names)} packages", file=sys.stderr)
    sandbox = ["-o", "APT::Sandbox::User=root"] if os.geteuid() == 0 else []
    run(["apt-get", "download", "-qq", *sandbox, *names], cwd=cache)
    for f in missing:
        if sha256_file(os.path.join(cache, f)) != debs[f]:
            die(f"{f}: SHA-256 does not match the package lists")


def fetch(packages, cache):
    """Downloads what the cache lacks; returns the paths of every package's .deb."""
    with CacheLock(cache):
        debs = print_uris(packages)
        try:
            download(debs, cache)
        except RuntimeError:
            # Stale package lists name versions the mirror no longer has: read them again.
            apt_update()
            debs = print_uris(packages)
            download(debs, cache)
        return [os.path.join(cache, f) for f in sorted(debs)]


# --- 3. extract ------------------------------------------------------------------------

def extract(debs, root):
    """Unpacks every .deb into root; returns {relative path: package} of what they hold."""
    os.makedirs(root, exist_ok=True)
    owner = {}
    for deb in debs:
        package = os.path.basename(deb).split("_", 1)[0]
        run(["dpkg-deb", "-x", deb, root])
        for line in run(["dpkg-deb", "-c", deb]).splitlines():
            path = line.split(None, 5)[5].split(" -> ", 1)[0]
            owner[os.path.normpath(path)] = package
    return owner


# --- 4. copy ---------------------------------------------------------------------------

class Copier:
    """Copies paths from the scratch root into the layer, following symlinks and sonames."""

    def __init__(self, root, out, owner):
        self.root, self.out, self.owner = root, out, owner
        self.packages = set()  # packages a file was taken from
        self.inodes = {}       # (dev, ino) of a copied file with several links → its rel path
        self.elves = []        # ELF files copied and not yet scanned
        self.dynamic = False

    def src(self, rel):
        return os.path.join(self.root, rel)

    def dst(self, rel):
        return os.path.join(self.out, rel)

    def make_parents(self, rel):
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i])
            if os.path.lexists(self.dst(sub)):
                continue
            st = os.lstat(self.src(sub))
            if stat.S_ISLNK(st.st_mode):
                die(f"/{sub} is a symlink in the packages; copy it explicitly first")
            os.mkdir(self.dst(sub))
            os.chmod(self.dst(sub), stat.S_IMODE(st.st_mode))

    def copy(self, rel):
        rel = os.path.normpath(rel).lstrip("/")
        if os.path.lexists(self.dst(rel)):
            return
        if not os.path.lexists(self.src(rel)):
            die(f"/{rel} is in none of the packages")
        self.make_parents(rel)
        st = os.lstat(self.src(rel))
        if not stat.S_ISDIR(st.st_mode) and rel in self.owner:
            self.packages.add(self.owner[rel])
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(self.src(rel))
            os.symlink(target, self.dst(rel))
            resolved = target.lstrip("/") if target.startswith("/") else os.path.join(os.path.dirname(rel), target)
            resolved = os.path.normpath(resolved)
            if not resolved.startswith("..") and os.path.lexists(self.src(resolved)):
                self.copy(resolved)
        elif stat.S_ISDIR(st.st_mode):
            os.mkdir(self.dst(rel))
            os.chmod(self.dst(rel), stat.S_IMODE(st.st_mode))
            for name in sorted(os.listdir(self.src(rel))):
                self.copy(os.path.join(rel, name))
        elif stat.S_ISREG(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if st.st_nlink > 1 and key in self.inodes:
                os.link(self.dst(self.inodes[key]), self.dst(rel))
                return
            shutil.copy2(self.src(rel), self.dst(rel))
            if st.st_nlink > 1:
                self.inodes[key] = rel
            with open(self.src(rel), "rb") as f:
                if f.read(4) == b"\x7fELF":
                    self.elves.append(rel)
        else:
            die(f"/{rel}: not a file, directory or symlink")

    def needed(self, rels):
        """{rel: (sonames, runpath dirs)} read with readelf -d."""
        out = run(["readelf", "-dW", "--", *[self.src(r) for r in rels]])
        result = {r: ([], []) for r in rels}
        current = rels[0] if len(rels) == 1 else None
        by_path = {self.src(r): r for r in rels}
        for line in out.splitlines():
            if line.startswith("File: "):
                current = by_path.get(line[6:].strip())
                continue
            if current is None:
                continue
            m = re.search(r"\((NEEDED|RUNPATH|RPATH)\)\s+\S+(?: \S+)*: \[(.*)\]", line)
            if m and m.group(1) == "NEEDED":
                result[current][0].append(m.group(2))
            elif m:
                origin = "/" + os.path.dirname(current)
                result[current][1].extend(p.replace("$ORIGIN", origin).replace("${ORIGIN}", origin)
                                          for p in m.group(2).split(":") if p)
        return result

    def resolve(self, soname, runpath):
        for d in [p.lstrip("/") for p in runpath] + LIB_DIRS:
            rel = os.path.normpath(os.path.join(d, soname))
            if os.path.lexists(self.src(rel)):
                return rel
        return None

    def close_over_libraries(self):
        while self.elves:
            batch, self.elves = self.elves, []
            for rel, (sonames, runpath) in self.needed(batch).items():
                if sonames and not self.dynamic:
                    self.dynamic = True
                    self.copy(LOADER)
                for soname in sonames:
                    lib = self.resolve(soname, runpath)
                    if lib is None:
                        die(f"/{rel} needs {soname}, which none of the packages provides "
                            "(add the library's package with --package)")
                    self.copy(lib)
    def copy_copyrights(self):
        """Debian's copyright file of every package a file came from, as an install has."""
        for package in sorted(self.packages):
            src = os.path.realpath(self.src(f"usr/share/doc/{package}/copyright"))
            if not src.startswith(self.root + "/") or not os.path.isfile(src):
                continue
            dst = self.dst(f"usr/share/doc/{package}/copyright")
            os.makedirs(os.path.dirname(dst), mode=0o755, exist_ok=True)
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o644)

    def write_nsswitch(self):
        if os.path.lexists(self.dst("lib/x86_64-linux-gnu/libc.so.6")):
            os.makedirs(self.dst("etc"), exist_ok=True)
            with open(self.dst("etc/nsswitch.conf"), "w") as f:
                f.write(NSSWITCH)
            os.chmod(self.dst("etc/nsswitch.conf"), 0o644)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", required=True, help="where downloaded .debs are kept")
    ap.add_argument("--work", required=True, help="scratch directory (emptied, then removed)")
    ap.add_argument("--out", required=True, help="the layer directory (created; must not exist)")
    ap.add_argument("--package", action="append", default=[], help="a Debian package to take programs from")
    ap.add_argument("--path", action="append", default=[], help="a path to copy (glob allowed)")
    args = ap.parse_args()
    os.umask(0o022)
    if os.path.lexists(args.out):
        die(f"{args.out} exists")
    root = os.path.join(args.work, "root")
    try:
        ensure_package_lists(args.package, args.cache)
        debs = fetch(package_closure(args.package), args.cache)
        shutil.rmtree(args.work, ignore_errors=True)
        owner = extract(debs, root)
        os.makedirs(args.out)
        os.chmod(args.out, 0o755)
        copier = Copier(root, args.out, owner)
        for pattern in args.path:
            matches = sorted(glob.glob(os.path.join(root, pattern.lstrip("/"))))
            if not matches:
                die(f"{pattern} matches nothing in {', '.join(args.package)}")
            for m in matches:
                copier.copy(os.path.relpath(m, root))
        copier.close_over_libraries()
        copier.write_nsswitch()
        copier.copy_copyrights()
    except RuntimeError as e:
        die(str(e))
    finally:
        shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
