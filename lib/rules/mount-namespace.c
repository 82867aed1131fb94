/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mount-namespace: in the modes that give the container a user namespace of
 * its own (userns, single, subid), a config without a mount namespace gets
 * one ({"type": "mount"}, before the user namespace that user-namespace,
 * which runs first, puts last). A rootful container without one mounts its root and its mounts in
 * the caller's mount namespace; from a new user namespace that can never
 * work (runc "error preparing rootfs: mount /, flags: 0x84000: operation not
 * permitted", crun "mount /proc to proc: Operation not permitted"), so the
 * container's mounts become its own: the caller does not see them, which is
 * the one thing the config asked for that no rootless container can have.
 * In mode inherit the runtime mounts as root of the caller's user namespace
 * and the config is left alone. A mount namespace joined by path is refused
 * in those modes: the new user namespace does not own it.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	{ NULL, 0, 0 },
};

/* A mount namespace joined by path is one the container's new user
 * namespace does not own: nothing can be mounted there (runc "error
 * preparing rootfs: mount /, flags: 0x84000: operation not permitted", crun
 * "set propagation for `/`: Operation not permitted"). */
static int check(ocirl_rule_env *e)
{
	ocirl_node *nss = rule_get(e->linux_, "namespaces");
	for (size_t i = 0, n = ocirl__node_len(nss); i < n; i++) {
		ocirl_node *ns = ocirl__node_at(nss, i);
		const char *type = rule_get_str(ns, "type"), *path = rule_get_str(ns, "path");
		if (!type || strcmp(type, "mount") != 0 || !path || !*path)
			continue;
		return ocirl__error_set(
			e->err, OCIRL_ERROR_UNSUPPORTED, EPERM,
			"linux.namespaces[%zu]: joins the mount namespace at \"%s\", which the container's new user "
			"namespace does not own: it can mount nothing there (runc: \"error preparing rootfs: mount /, flags: "
			"0x84000: operation not permitted\"); run the runtime as root in the user namespace that owns it, "
			"with --mode inherit (the default there), or remove the path",
			i, path);
	}
	return 0;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *nss = rule_get(e->linux_, "namespaces");
	for (size_t i = 0, n = ocirl__node_len(nss); i < n; i++) {
		const char *type = rule_get_str(ocirl__node_at(nss, i), "type");
		if (type && strcmp(type, "mount") == 0)
			return 0;
	}
	/* user-namespace ran first: linux.namespaces exists and ends with the user entry, which stays last */
	ocirl_tree *t = e->tree;
	size_t n = ocirl__node_len(nss);
	ocirl_node *out = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	ocirl_node *mnt = ocirl__node_new(t, OCIRL_NODE_OBJECT), *type = ocirl__node_new_string(t, "mount");
	if (!nss || !out || !mnt || !type || ocirl__node_add(t, mnt, "type", type) < 0)
		return rule_nomem(e);
	for (size_t i = 0; i + 1 < n; i++)
		if (ocirl__node_append(t, out, ocirl__node_at(nss, i)) < 0)
			return rule_nomem(e);
	if (ocirl__node_append(t, out, mnt) < 0 || (n && ocirl__node_append(t, out, ocirl__node_at(nss, n - 1)) < 0) ||
	    ocirl__node_set(t, e->linux_, "namespaces", out) < 0)
		return rule_nomem(e);
	return ocirl__rule_change(e, OCIRL_CHANGE_ADDED, mnt, NULL, "linux.namespaces",
				  "added {\"type\": \"mount\"}: a container in a user namespace of its own cannot mount "
				  "its root in the caller's mount namespace (runc: \"error preparing rootfs: mount /, flags: "
				  "0x84000: operation not permitted\"); its mounts are its own, not the caller's");
}

const ocirl_rule ocirl__rule_mount_namespace = {
	.name = "mount-namespace",
	.summary = "a config without a mount namespace gets one, and one joined by path is refused (not in mode "
		   "inherit): a new user namespace cannot mount in the caller's",
	.reads = reads,
	.check = check,
	.modes = OCIRL_RULE_MODE(OCIRL_MODE_USERNS) | OCIRL_RULE_MODE(OCIRL_MODE_SINGLE) |
		 OCIRL_RULE_MODE(OCIRL_MODE_SUBID),
	.apply = apply,
};
