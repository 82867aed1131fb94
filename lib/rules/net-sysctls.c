/* SPDX-License-Identifier: Apache-2.0 */
/*
 * net-sysctls: the net.* keys of linux.sysctl go when the container shares
 * the caller's network namespace, whose sysctls it may not set.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	{ "linux.sysctl", OCIRL_FIELD_OBJECT, 0 },
	{ NULL, 0, 0 },
};

static bool is_net_sysctl(const char *k, const void *unused)
{
	(void)unused;
	return strncmp(k, "net.", 4) == 0;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *sysctl = rule_get(e->linux_, "sysctl");
	if (!sysctl || ocirl__rule_namespace(e, "network") != OCIRL_NS_CALLER)
		return 0;
	return ocirl__rule_drop_keys(e, sysctl, is_net_sysctl, NULL, "linux.sysctl",
				     "the container shares the caller's network namespace, whose sysctls it may not set");
}

const ocirl_rule ocirl__rule_net_sysctls = {
	.name = "net-sysctls",
	.summary = "net.* keys of linux.sysctl go when the container shares the caller's network namespace",
	.reads = reads,
	.apply = apply,
};
