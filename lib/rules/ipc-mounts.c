/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ipc-mounts: with the caller's ipc namespace, when the container's user
 * namespace does not own it (ocirl__rule_ns_owned), the mqueue mount at
 * /dev/mqueue becomes a bind of the host's when the caller's /dev/mqueue is
 * an mqueue mount (its mountinfo) and goes otherwise, and the tmpfs at
 * /dev/shm becomes a bind of the host's: a fresh mqueue or shm needs an ipc
 * namespace its user namespace owns. With an ipc namespace joined by path
 * that the container's user namespace does not own (the kernel says so, or
 * the user namespace is new), the mqueue mount goes: a bind of the caller's
 * would show the caller's queues. /dev/shm, a tmpfs, mounts anywhere.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	ocirl_node *mounts = rule_get(e->config, "mounts");
	const char *path;
	ocirl_ns_kind kind = ocirl__rule_namespace_path(e, "ipc", &path);
	if (!mounts || kind == OCIRL_NS_NEW)
		return 0;
	if (kind == OCIRL_NS_OTHER) {
		if (ocirl__rule_ns_owner(e, "ipc") != 0)
			return 0; /* owned, or the kernel cannot tell */
		_cleanup_free_ char *why = NULL;
		if (asprintf(&why,
			     "the container joins the ipc namespace at \"%s\", which its user namespace does not own: no "
			     "mqueue can be mounted for it (runc: \"error mounting \\\"mqueue\\\" to rootfs at "
			     "\\\"/dev/mqueue\\\": operation not permitted\"), and a bind of the caller's would show the "
			     "caller's queues, not that namespace's; its queues still work (mq_open)",
			     path) < 0)
			return -ENOMEM;
		return ocirl__rule_replace_mounts(e, "/dev/mqueue", "mqueue", false, why);
	}
	if (ocirl__rule_ns_owned(e, "ipc"))
		return 0;
	static const char why[] = "the container shares the caller's ipc namespace, and a fresh mqueue or shm needs an "
				  "ipc namespace its user namespace owns";
	/* whether the caller has an mqueue to bind is read only for a config with an mqueue mount */
	bool has_mqueue = false;
	for (size_t i = 0; i < ocirl__node_len(mounts) && !has_mqueue; i++) {
		const char *type = rule_get_str(ocirl__node_at(mounts, i), "type");
		has_mqueue = type && strcmp(type, "mqueue") == 0;
	}
	int r;
	if (has_mqueue) {
		bool bind = rule_facts(e, OCIRL_FACT_MQUEUE)->mqueue_mounted;
		if ((r = ocirl__rule_replace_mounts(e, "/dev/mqueue", "mqueue", bind,
						    bind ? why
							 : "the container shares the caller's ipc namespace, whose mqueue "
							   "cannot be mounted anew, and the caller has no /dev/mqueue to "
							   "bind")) < 0)
			return r;
	}
	return ocirl__rule_replace_mounts(e, "/dev/shm", "tmpfs", true, why);
}

const ocirl_rule ocirl__rule_ipc_mounts = {
	.name = "ipc-mounts",
	.summary = "with the caller's ipc namespace, /dev/mqueue and /dev/shm become binds of the host's (or "
		   "/dev/mqueue goes)",
	.reads = reads,
	.apply = apply,
};
