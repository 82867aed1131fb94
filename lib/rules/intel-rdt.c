/* SPDX-License-Identifier: Apache-2.0 */
/* intel-rdt: linux.intelRdt is removed: only root can write resctrl groups. */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "linux", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.intelRdt", OCIRL_FIELD_ANY, 0 },
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	return ocirl__rule_drop(e, e->linux_, "intelRdt", "linux.intelRdt",
				"resctrl (Intel RDT) groups can only be written by root");
}

const ocirl_rule ocirl__rule_intel_rdt = {
	.name = "intel-rdt",
	.summary = "linux.intelRdt is removed: resctrl groups can only be written by root",
	.reads = reads,
	.apply = apply,
};
