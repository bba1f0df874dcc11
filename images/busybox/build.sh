#!/usr/bin/env bash
# build.sh BUSYBOX OUT — the `busybox` image: a root filesystem holding Debian's static
# busybox, a link for each of its applets where a distribution would put the program
# (/bin/sh, /usr/bin/wget, …), and the few files every container expects in /etc.
set -euo pipefail
umask 022  # the same tree (and layer digest) whatever the caller's umask
busybox=$1
out=$2
rootfs=$out/rootfs
tmp=$out/rootfs.tmp

rm -rf "$tmp"
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,tmp,var/tmp,proc,sys,dev}
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"
cp "$busybox" "$tmp/bin/busybox"
"$busybox" --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] && continue
  ln -sf /bin/busybox "$tmp/$applet"
done
cat >"$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$tmp/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
GROUP
echo 'kubepp busybox image' >"$tmp/etc/motd"

rm -rf "$rootfs"
mv "$tmp" "$rootfs"
touch "$out/.built"
