/* SPDX-License-Identifier: Apache-2.0 */
/*
 * own-namespaces: a namespace entry whose path names the caller's own
 * namespace of that type (the same device and inode as PROC_SELF/ns/TYPE)
 * is removed: the container is in that namespace already, and stays in it
 * without the entry. Joining it needs CAP_SYS_ADMIN over the user namespace
 * that owns it, which the container's new user namespace never has (and a
 * caller inside RootlessKit may not have over the host's): runc
 * "nsexec-1: failed to setns into uts namespace: Operation not permitted".
 * containerd's CRI writes such entries for hostNetwork pods (uts and
 * network, /proc/SANDBOX/ns/...). For pid, network, ipc, uts and cgroup;
 * mount has its own meaning, and a user namespace joined by path is
 * refused by user-namespace. With the uts entry gone, hostname and
 * domainname go too: they can only be set in a uts namespace of the
 * container's own (runc: "unable to set hostname without a private UTS
 * namespace"; in the one joined, sethostname was not permitted either).
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	{ "hostname", OCIRL_FIELD_STRING, 0 },
	{ "domainname", OCIRL_FIELD_STRING, 0 },
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	ocirl_node *nss = rule_get(e->linux_, "namespaces");
	bool uts_removed = false;
	for (size_t i = 0; i < ocirl__node_len(nss);) {
		ocirl_node *ns = ocirl__node_at(nss, i);
		const char *type = rule_get_str(ns, "type"), *path = rule_get_str(ns, "path");
		if (!type || !path || !*path || !ocirl__rule_path_is_callers(e, type, path)) {
			i++;
			continue;
		}
		if (ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, ns, NULL, "linux.namespaces",
				       "removed {\"type\": \"%s\", \"path\": \"%s\"}: it is the caller's own %s namespace, "
				       "which the container shares without the entry; joining it needs CAP_SYS_ADMIN over "
				       "the user namespace that owns it (runc: \"failed to setns into %s namespace: "
				       "Operation not permitted\")",
				       type, path, type, strcmp(type, "network") == 0 ? "net" : type) < 0)
			return -ENOMEM;
		uts_removed = uts_removed || strcmp(type, "uts") == 0;
		ocirl__node_remove_at(nss, i);
	}
	if (!uts_removed)
		return 0;
	static const char why[] = "the container has no uts namespace of its own once the caller's is shared, and only "
				  "there can a hostname be set (runc: \"unable to set hostname without a private UTS "
				  "namespace\")";
	return ocirl__rule_drop_names(e, why);
}

const ocirl_rule ocirl__rule_own_namespaces = {
	.name = "own-namespaces",
	.summary = "a pid, network, ipc, uts or cgroup namespace joined by a path that names the caller's own is "
		   "removed: the container shares it without joining it",
	.reads = reads,
	.apply = apply,
};
