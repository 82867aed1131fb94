/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ns-sysctls: the ipc sysctls of linux.sysctl (kernel.msg*, kernel.sem,
 * kernel.shm*, fs.mqueue.*) and the uts ones (kernel.hostname,
 * kernel.domainname) go where the container may not set them:
 *  - without an ipc (uts) namespace of its own, runc refuses them
 *    ("sysctl \"kernel.shmmax\" is not allowed in the hosts ipc namespace");
 *  - in one joined by path that its user namespace does not own (the kernel
 *    says so, or the user namespace is new), they cannot be written;
 *  - the ipc ones on Linux before 6.9, in any user namespace but the
 *    initial one, even in an ipc namespace it owns ("open
 *    /proc/sys/kernel/msgmax: Permission denied"); the kernel's version is
 *    read (uname) only for the real /proc/self, else unknown.
 * net.* keys are net-sysctls'.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	{ "linux.sysctl", OCIRL_FIELD_OBJECT, 0 },
	{ NULL, 0, 0 },
};

static bool is_ipc_sysctl(const char *k, const void *unused)
{
	(void)unused;
	return strncmp(k, "kernel.msg", 10) == 0 || strcmp(k, "kernel.sem") == 0 || strncmp(k, "kernel.shm", 10) == 0 ||
	       strncmp(k, "fs.mqueue.", 10) == 0;
}

static bool is_uts_sysctl(const char *k, const void *unused)
{
	(void)unused;
	return strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0;
}

/* Why a namespace's sysctls go, or NULL when they may stay. */
static const char *why_not(ocirl_rule_env *e, const char *type)
{
	const char *path;
	ocirl_ns_kind kind = ocirl__rule_namespace_path(e, type, &path);
	if (kind == OCIRL_NS_CALLER)
		return strcmp(type, "ipc") == 0 ? "the container has no ipc namespace of its own (runc: \"sysctl ... is "
						  "not allowed in the hosts ipc namespace\")"
						: "the container has no uts namespace of its own (runc: \"sysctl ... is "
						  "not allowed in the hosts uts namespace\")";
	if (kind == OCIRL_NS_OTHER && ocirl__rule_ns_owner(e, type) == 0)
		return "the container joins a namespace its user namespace does not own, whose sysctls it may not set";
	if (strcmp(type, "ipc") == 0 && ocirl__rule_kernel_at_least(e, 6, 9) == 0)
		return "before Linux 6.9 a user namespace may not set the ipc sysctls even of an ipc namespace it owns "
		       "(\"open /proc/sys/kernel/msgmax: Permission denied\")";
	return NULL;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *sysctl = rule_get(e->linux_, "sysctl");
	if (!sysctl)
		return 0;
	const char *why;
	int r;
	if ((why = why_not(e, "ipc")) &&
	    (r = ocirl__rule_drop_keys(e, sysctl, is_ipc_sysctl, NULL, "linux.sysctl", why)) < 0)
		return r;
	if ((why = why_not(e, "uts")) &&
	    (r = ocirl__rule_drop_keys(e, sysctl, is_uts_sysctl, NULL, "linux.sysctl", why)) < 0)
		return r;
	return 0;
}

const ocirl_rule ocirl__rule_ns_sysctls = {
	.name = "ns-sysctls",
	.summary = "the ipc and uts keys of linux.sysctl go where the container may not set them",
	.reads = reads,
	.apply = apply,
};
