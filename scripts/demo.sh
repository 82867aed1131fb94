#!/usr/bin/env bash
# make run: converts the example bundle and shows each change with its
# reason, then the changes as a diff; then runs it: the example converted by
# an unprivileged user (as root: the user ocirl-demo, created once and kept)
# starts under runc, and the container's id and uid_map are shown next to the
# error the unconverted config gets. The converted config is left in
# OUT/config.json (OUT: the third argument, default BUILD/demo for the
# binary BUILD/src/oci-rootless). Bold headings on a terminal only.
# usage: demo.sh OCI-ROOTLESS BUNDLE [OUT]
set -euo pipefail
bin=$1 bundle=$2
out=${3:-$(dirname "$(dirname "$bin")")/demo}
mkdir -p "$out"
converted=$out/config.json
tmp=$(mktemp -d)
run=
trap 'rm -rf "$tmp" ${run:+"$run"}' EXIT
here=$(cd "$(dirname "$0")" && pwd)

if [ -t 1 ]; then
    bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
    bold() { printf '\n%s\n' "$*"; }
fi

bold "1. The example: $bundle/config.json, the default 'runc spec' written for root."
echo "   As it is, a rootless runtime fails on it (runc: mount devpts ... gid=5: invalid argument)."

"$bin" --mode single --uid 1000 --gid 1000 --explain -o "$converted" "$bundle" 2> "$tmp/single.err" ||
    { cat "$tmp/single.err" >&2; exit 1; }

bold "2. For a runtime run as root inside a user namespace (RootlessKit, Podman, unshare -r, a daemon there):"
echo "   \$ unshare --user --map-root-user oci-rootless --explain $bundle"
if unshare --user --map-root-user "$bin" --explain -o "$tmp/userns.json" "$bundle" 2> "$tmp/userns.err"; then
    sed 's/^/   /' "$tmp/userns.err"
    echo "   (mode inherit, the default for root in a user namespace: the container stays in it, so no user"
    echo "   namespace and no mappings are added; --mode userns would nest one that maps the caller's ids)"
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

bold "4. Run it: the example converted and started by an unprivileged user, under runc."
demo_user=
if [ "$(id -u)" = 0 ]; then
    # the tests' helpers: missing packages installed, the user created with subordinate ids
    # shellcheck source=../tests/lib/harness.sh
    . "$here/../tests/lib/harness.sh"
    ensure_packages warn runc busybox-static > "$tmp/install.out"
    sed 's/^# /   /' "$tmp/install.out"
    demo_user=ocirl-demo
    ensure_test_user "$demo_user" > /dev/null
    as_user() { (cd / && runuser -u "$demo_user" -- env -i PATH="$SAFE_PATH" HOME="$UHOME" "$@"); }
else
    as_user() { (cd / && "$@"); }
fi
if ! command -v runc > /dev/null || ! command -v busybox > /dev/null; then
    echo "   (runc or busybox is not installed: run make run as root, or install runc and busybox-static)"
else
    # a bundle the user can read: the example (written for root, rootfs a busybox) and the CLI
    run=$(mktemp -d /tmp/ocirl-demo.XXXXXX)
    mkdir -p "$run/bundle/rootfs/bin"
    cp "$(command -v busybox)" "$run/bundle/rootfs/bin/busybox"
    for a in sh id cat; do ln -s busybox "$run/bundle/rootfs/bin/$a"; done
    # no terminal here; the process prints what it is
    sed -e 's/"terminal": true/"terminal": false/' -e 's|^\t\t\t"sh"$|\t\t\t"sh", "-c", "id; cat /proc/self/uid_map"|' \
        "$bundle/config.json" > "$run/bundle/config.json"
    grep -q '"id; cat /proc/self/uid_map"' "$run/bundle/config.json" || { echo "demo: cannot edit the example's args" >&2; exit 1; }
    cp "$bin" "$run/oci-rootless"
    chmod -R a+rX "$run"
    [ -n "$demo_user" ] && chown -R "$demo_user:" "$run"
    who=${demo_user:-$(id -un)}
    echo "   As $who (uid $(id -u "$who")), a copy of the example whose process is 'id; cat /proc/self/uid_map'."
    echo "   As it is:"
    echo "   \$ runc --root STATE run demo"
    rc=0
    as_user runc --root "$run/state" run -b "$run/bundle" ocirl-demo-root > "$tmp/root.out" 2>&1 < /dev/null || rc=$?
    echo "   runc (exit $rc): $(sed -n 's/.*level=error msg="\(.*\)"$/\1/p' "$tmp/root.out" | tail -n 1)"
    echo "   Converted:"
    echo "   \$ oci-rootless -i config.json && runc --root STATE run demo"
    if as_user "$run/oci-rootless" -i "$run/bundle/config.json" 2> "$tmp/run.err" &&
        as_user runc --root "$run/state" run -b "$run/bundle" ocirl-demo > "$tmp/run.out" 2>> "$tmp/run.err" < /dev/null; then
        sed 's/^/   container: /' "$tmp/run.out"
    else
        sed 's/^/   /' "$tmp/run.err" "$tmp/run.out"
        echo "   (it did not start; see the lines above)"
    fi
    if [ -n "$demo_user" ]; then
        echo "   The temporary bundle is removed; the user $demo_user stays for the next run (remove it: userdel -r $demo_user)."
    else
        echo "   The temporary bundle is removed."
    fi
fi

bold "The whole converted config (mode single): $converted"
