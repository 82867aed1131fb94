/* SPDX-License-Identifier: Apache-2.0 */
/*
 * user-namespace: linux.namespaces ends with exactly one plain user
 * namespace (linux is created for it); in mode inherit, none. A user
 * namespace joined by path is refused.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	{ NULL, 0, 0 },
};

static bool is_user_ns(const ocirl_node *ns)
{
	const char *type = rule_get_str(ns, "type");
	return type && strcmp(type, "user") == 0;
}

static int check(ocirl_rule_env *e)
{
	ocirl_node *nss = rule_get(e->linux_, "namespaces");
	for (size_t i = 0, n = ocirl__node_len(nss); i < n; i++) {
		ocirl_node *ns = ocirl__node_at(nss, i);
		const char *path = rule_get_str(ns, "path");
		if (is_user_ns(ns) && path && *path)
			return ocirl__error_set(
				e->err, OCIRL_ERROR_UNSUPPORTED, EINVAL,
				"linux.namespaces[%zu]: joins the user namespace at \"%s\": its mappings are fixed by its "
				"owner and cannot be made rootless here; remove the entry or run the runtime inside that "
				"namespace",
				i, path);
	}
	return 0;
}

/* Mode inherit: the container stays in the caller's user namespace. */
static int remove_user_namespaces(ocirl_rule_env *e)
{
	ocirl_node *old = rule_get(e->linux_, "namespaces");
	size_t users = 0;
	for (size_t i = ocirl__node_len(old); i-- > 0;) {
		if (!is_user_ns(ocirl__node_at(old, i)))
			continue;
		ocirl__node_remove_at(old, i);
		users++;
	}
	if (!users)
		return 0;
	return ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, old, NULL, "linux.namespaces",
				  "removed the user namespace: in mode inherit the container stays in the caller's own "
				  "user namespace");
}

static int apply(ocirl_rule_env *e)
{
	if (e->maps->mode == OCIRL_MODE_INHERIT)
		return remove_user_namespaces(e);
	ocirl_tree *t = e->tree;
	ocirl_node *linux_ = ocirl__rule_linux(e);
	if (!linux_)
		return -ENOMEM;
	ocirl_node *old = rule_get(linux_, "namespaces");
	size_t n = ocirl__node_len(old);
	ocirl_node *nss = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!nss)
		return rule_nomem(e);
	/* The first plain user entry is kept as written (with any other field
	 * it has), at the end; further ones go. check() refused one with a path. */
	ocirl_node *user = NULL;
	size_t users = 0;
	for (size_t i = 0; i < n; i++) {
		ocirl_node *ns = ocirl__node_at(old, i);
		if (is_user_ns(ns)) {
			if (users++ == 0)
				user = ns;
			continue;
		}
		if (ocirl__node_append(t, nss, ns) < 0)
			return rule_nomem(e);
	}
	if (!user) {
		ocirl_node *type = ocirl__node_new_string(t, "user");
		user = ocirl__node_new(t, OCIRL_NODE_OBJECT);
		if (!user || !type || ocirl__node_add(t, user, "type", type) < 0)
			return rule_nomem(e);
	}
	if (ocirl__node_append(t, nss, user) < 0)
		return rule_nomem(e);
	if (old && ocirl__node_equal(old, nss))
		return 0;
	if (ocirl__node_set(t, linux_, "namespaces", nss) < 0)
		return rule_nomem(e);
	if (users == 0)
		return ocirl__rule_change(e, OCIRL_CHANGE_ADDED, user, NULL, "linux.namespaces",
					  "added {\"type\": \"user\"}: a rootless container needs a user namespace of its "
					  "own, in which its ids are mapped");
	if (users == 1)
		return ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, user, NULL, "linux.namespaces",
					  "moved the user namespace to the end");
	return ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, old, NULL, "linux.namespaces",
				  "kept the first of %zu user namespace entries, at the end, and removed the others: a "
				  "container has one user namespace",
				  users);
}

const ocirl_rule ocirl__rule_user_namespace = {
	.name = "user-namespace",
	.summary = "linux.namespaces ends with one plain user namespace (none in mode inherit); one joined by path "
		   "is refused",
	.reads = reads,
	.check = check,
	.apply = apply,
};
