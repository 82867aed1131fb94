#!/usr/bin/env bash
# make run: converts the example bundle and shows each change with its reason.
set -euo pipefail
bin=$1 bundle=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }

bold "1. The example: $bundle/config.json, the default 'runc spec' written for root."
echo "   As it is, a rootless runtime fails on it (runc: mount devpts ... gid=5: invalid argument)."

bold "2. For a normal user with uid 1000 (as 'runc spec --rootless' would do):"
echo "   \$ oci-rootless --mode single --uid 1000 --gid 1000 --explain $bundle"
"$bin" --mode single --uid 1000 --gid 1000 --explain -o "$out/single.json" "$bundle"
bold "   The changes, as a diff of the config:"
diff -u --label "config.json (root)" --label "config.json (rootless)" "$bundle/config.json" "$out/single.json" || true

bold "3. For a runtime run inside a user namespace (RootlessKit, Podman, unshare -r):"
echo "   \$ unshare --user --map-root-user oci-rootless --explain $bundle"
if unshare --user --map-root-user "$bin" --explain -o "$out/userns.json" "$bundle"; then
    echo "   (the mappings reproduce the caller's /proc/self/uid_map and gid_map)"
else
    echo "   (this machine does not allow user namespaces here)"
fi

bold "4. A second conversion changes nothing:"
echo "   \$ oci-rootless --mode single --uid 1000 --gid 1000 --check converted.json"
if "$bin" --mode single --uid 1000 --gid 1000 --check "$out/single.json"; then
    echo "   exit 0: no change needed"
fi

bold "The whole converted config (mode single) is:"
cat "$out/single.json"
echo
