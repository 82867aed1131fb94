#!/bin/sh
# Builds a busybox image as an OCI image archive, offline, from the
# busybox-static binary of this machine: one uncompressed layer (the rootfs),
# the image config, the manifest, index.json and oci-layout, digests from
# sha256sum. `ctr images import` and `podman load` both take it.
#
# usage: oci-image.sh OUT.tar NAME TAG [WORKDIR [CMD]]
#   the image is named docker.io/library/NAME:TAG (index.json annotations
#   io.containerd.image.name and org.opencontainers.image.ref.name);
#   WORKDIR (default OUT.tar.d) keeps the layout folder; CMD is the image's
#   command as a JSON array (default ["/bin/sh"]; a pause image sleeps).
# Run it as root, so that the layer's files belong to uid 0.
set -eu
out=$1 name=$2 tag=$3
work=${4:-$out.d}
cmd=${5:-'["/bin/sh"]'}
busybox=$(command -v busybox) || { echo "oci-image.sh: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
armv7l) arch=arm ;;
*) arch=$(uname -m) ;;
esac

rm -rf "$work"
mkdir -p "$work/rootfs" "$work/layout/blobs/sha256"
R=$work/rootfs
mkdir -p "$R/bin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/etc" "$R/root" "$R/run"
cp "$busybox" "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$R/etc/group"
chmod 1777 "$R/tmp"

# blob FILE MEDIATYPE: stores FILE as a blob, prints its descriptor
blob() {
    d=$(sha256sum "$1" | cut -d' ' -f1)
    s=$(stat -c %s "$1")
    cp "$1" "$work/layout/blobs/sha256/$d"
    printf '{"mediaType": "%s", "digest": "sha256:%s", "size": %s}' "$2" "$d" "$s"
}

# The layer: reproducible (sorted, fixed times, numeric root ownership).
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$R" -cf "$work/layer.tar" .
layer=$(blob "$work/layer.tar" application/vnd.oci.image.layer.v1.tar)
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)

printf '{"architecture": "%s", "os": "linux", "config": {"Env": ["PATH=/bin"], "Cmd": %s, "WorkingDir": "/"}, "rootfs": {"type": "layers", "diff_ids": ["sha256:%s"]}, "history": [{"created_by": "tests/runtime/oci-image.sh"}]}\n' \
    "$arch" "$cmd" "$diff_id" > "$work/config.json"
config=$(blob "$work/config.json" application/vnd.oci.image.config.v1+json)

printf '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": %s, "layers": [%s]}\n' \
    "$config" "$layer" > "$work/manifest.json"
manifest=$(blob "$work/manifest.json" application/vnd.oci.image.manifest.v1+json)

# index.json: the manifest's descriptor with the platform and the names.
printf '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [%s]}\n' \
    "$(printf '%s' "$manifest" | sed "s|}\$|, \"platform\": {\"architecture\": \"$arch\", \"os\": \"linux\"}, \"annotations\": {\"io.containerd.image.name\": \"docker.io/library/$name:$tag\", \"org.opencontainers.image.ref.name\": \"$tag\"}}|")" \
    > "$work/layout/index.json"
printf '{"imageLayoutVersion": "1.0.0"}\n' > "$work/layout/oci-layout"

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/layout" -cf "$out" oci-layout index.json blobs
