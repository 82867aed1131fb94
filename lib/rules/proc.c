/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc: with the caller's pid namespace (no pid entry, or a path naming the
 * caller's own) when the container's user namespace does not own it
 * (ocirl__rule_ns_owned: in mode inherit the kernel is asked), the proc
 * mount at /proc becomes, in its place, a recursive bind of the host's
 * /proc: a fresh procfs needs a pid namespace its user namespace owns.
 * readonlyPaths and maskedPaths stay.
 * A pid namespace joined by path that the container's user namespace does
 * not own (the kernel says so, or the container gets a new user namespace)
 * with a proc mount at /proc is refused: no fresh procfs can be mounted for
 * it (runc: error mounting "proc" ... operation not permitted), and a bind
 * of the caller's /proc would show the caller's processes, not those of the
 * namespace joined, which is no fix. The way is to run the runtime as root
 * in the user namespace that owns it, in mode inherit (a daemon's own
 * containers, the default there). Where the kernel cannot tell, it stays.
 * A fresh procfs where the caller's /proc is not fully visible (a mount over
 * part of it: nested in a container, a CI job) is refused too, naming the
 * outer fixes: the kernel would refuse it ("mount too revealing").
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

/* Whether the config mounts a proc at /proc. */
static bool mounts_proc(const ocirl_rule_env *e)
{
	ocirl_node *mounts = rule_get(e->config, "mounts");
	for (size_t i = 0, n = ocirl__node_len(mounts); i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		const char *type = rule_get_str(m, "type");
		if (!type || strcmp(type, "proc") != 0)
			continue;
		_cleanup_free_ char *dest = ocirl__rule_mount_destination(m);
		if (dest && strcmp(dest, "/proc") == 0)
			return true;
	}
	return false;
}

static int check(ocirl_rule_env *e)
{
	const char *path;
	/* a fresh procfs (a pid namespace the container owns) where the caller's
	 * /proc is not fully visible: the kernel refuses it ("mount too
	 * revealing"), and a bind would show the caller's processes */
	if (mounts_proc(e) && ocirl__rule_ns_owned(e, "pid")) {
		const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_VISIBLE);
		if (ctx->visible_known && ctx->proc_masked[0])
			return ocirl__error_set(
				e->err, OCIRL_ERROR_UNSUPPORTED, EPERM,
				"mounts: the proc mount at /proc: the caller's /proc is not fully visible (a mount on %s "
				"covers part of it, as in a container or a CI job), and the kernel then refuses a fresh "
				"procfs in a user namespace (\"mount too revealing\"; runc: \"error mounting \\\"proc\\\" to "
				"rootfs at \\\"/proc\\\": operation not permitted\"); unmask the caller's /proc where it "
				"runs (Docker --security-opt systempaths=unconfined, Podman --security-opt unmask=ALL, "
				"Kubernetes procMount: Unmasked), or remove the pid namespace to share the caller's",
				ctx->proc_masked);
	}
	if (ocirl__rule_namespace_path(e, "pid", &path) != OCIRL_NS_OTHER || ocirl__rule_ns_owner(e, "pid") != 0 ||
	    !mounts_proc(e))
		return 0;
	size_t at = 0;
	for (ocirl_node *nss = rule_get(e->linux_, "namespaces"); at < ocirl__node_len(nss); at++)
		if (rule_get_str(ocirl__node_at(nss, at), "path") == path)
			break;
	return ocirl__error_set(
		e->err, OCIRL_ERROR_UNSUPPORTED, EPERM,
		"linux.namespaces[%zu]: joins the pid namespace at \"%s\", which the container's user namespace does not own: "
		"no fresh /proc can be mounted for it (runc: \"error mounting \\\"proc\\\" to rootfs at \\\"/proc\\\": "
		"operation not permitted\"), and a bind of the caller's /proc would show the caller's processes, not that "
		"namespace's; run the runtime as root in the user namespace that owns it, with --mode inherit (the "
		"default there), or remove the entry",
		at, path);
}

static int apply(ocirl_rule_env *e)
{
	if (!rule_get(e->config, "mounts") || ocirl__rule_namespace(e, "pid") != OCIRL_NS_CALLER ||
	    ocirl__rule_ns_owned(e, "pid"))
		return 0;
	return ocirl__rule_replace_mounts(e, "/proc", "proc", true,
					  "the container shares the caller's pid namespace, and a fresh procfs needs a pid "
					  "namespace its user namespace owns");
}

const ocirl_rule ocirl__rule_proc = {
	.name = "proc",
	.summary = "with the caller's pid namespace, the proc mount at /proc becomes a bind of the host's /proc",
	.reads = reads,
	.check = check,
	.apply = apply,
};
