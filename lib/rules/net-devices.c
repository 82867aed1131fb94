/* SPDX-License-Identifier: Apache-2.0 */
/*
 * net-devices: linux.netDevices is removed: moving a network device into
 * the container needs CAP_NET_ADMIN over the host's network namespace.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "linux", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.netDevices", OCIRL_FIELD_ANY, 0 },
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	return ocirl__rule_drop(e, e->linux_, "netDevices", "linux.netDevices",
				"moving network devices into the container needs CAP_NET_ADMIN over the host's network "
				"namespace, which no rootless runtime has");
}

const ocirl_rule ocirl__rule_net_devices = {
	.name = "net-devices",
	.summary = "linux.netDevices is removed: no rootless runtime can move a device into the container",
	.reads = reads,
	.apply = apply,
};
