#!/bin/sh
# The busybox image of tests/runtime/oci-image.sh as a docker-archive, the
# format `docker load` of Docker 20.10 takes (it cannot load an OCI layout):
# manifest.json (Config, RepoTags, Layers), the image config and the one
# uncompressed layer, the same files oci-image.sh made.
#
# usage: docker-image.sh OUT.tar NAME TAG WORKDIR
#   the image is named NAME:TAG; WORKDIR keeps oci-image.sh's folder.
# Run it as root, so that the layer's files belong to uid 0.
set -eu
out=$1 name=$2 tag=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
oci=${OCIRL_OCI_IMAGE:-$here/../../runtime/oci-image.sh}
sh "$oci" "$work/oci.tar" "$name" "$tag" "$work/oci"
mkdir -p "$work/archive"
cp "$work/oci/layer.tar" "$work/oci/config.json" "$work/archive/"
printf '[{"Config": "config.json", "RepoTags": ["%s:%s"], "Layers": ["layer.tar"]}]\n' "$name" "$tag" > "$work/archive/manifest.json"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/archive" -cf "$out" manifest.json config.json layer.tar
