#!/usr/bin/env bash
# make run: converts the example bundle and shows each change with its
# reason, then the changes as a diff; the converted config is left in
# OUT/config.json (OUT: the third argument, default BUILD/demo for the
# binary BUILD/src/oci-rootless). Bold headings on a terminal only.
# usage: demo.sh OCI-ROOTLESS BUNDLE [OUT]
set -euo pipefail
bin=$1 bundle=$2
out=${3:-$(dirname "$(dirname "$bin")")/demo}
mkdir -p "$out"
converted=$out/config.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -t 1 ]; then
    bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
    bold() { printf '\n%s\n' "$*"; }
fi

bold "1. The example: $bundle/config.json, the default 'runc spec' written for root."
echo "   As it is, a rootless runtime fails on it (runc: mount devpts ... gid=5: invalid argument)."

"$bin" --mode single --uid 1000 --gid 1000 --explain -o "$converted" "$bundle" 2> "$tmp/single.err" ||
    { cat "$tmp/single.err" >&2; exit 1; }
mappings='^linux\.(uid|gid)Mappings: '

bold "2. For a runtime run inside a user namespace (RootlessKit, Podman, unshare -r):"
echo "   \$ unshare --user --map-root-user oci-rootless --explain $bundle"
if unshare --user --map-root-user "$bin" --explain -o "$tmp/userns.json" "$bundle" 2> "$tmp/userns.err"; then
    if [ "$(grep -Ev "$mappings" "$tmp/userns.err")" = "$(grep -Ev "$mappings" "$tmp/single.err")" ]; then
        grep -E "$mappings" "$tmp/userns.err" | sed 's/^/   /' || true
        echo "   (the mappings reproduce the caller's /proc/self/uid_map and gid_map; the other changes are those of 3)"
    else
        sed 's/^/   /' "$tmp/userns.err"
        echo "   (the mappings reproduce the caller's /proc/self/uid_map and gid_map)"
    fi
else
    echo "   (this machine does not allow user namespaces here)"
fi

bold "3. For a normal user with uid 1000 (as 'runc spec --rootless' would do):"
echo "   \$ oci-rootless --mode single --uid 1000 --gid 1000 --explain -o $converted $bundle"
sed 's/^/   /' "$tmp/single.err"
if "$bin" --mode single --uid 1000 --gid 1000 --check "$converted"; then
    echo "   Converted again, it changes nothing: --check on it exits 0."
fi

bold "   The changes, as a diff of the config:"
diff -u --label "config.json (root)" --label "config.json (rootless)" "$bundle/config.json" "$converted" || true

bold "The whole converted config (mode single): $converted"
