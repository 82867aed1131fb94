/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc: with the caller's pid namespace (no pid entry, or a path naming the
 * caller's own) when the container's user namespace does not own it
 * (ocirl__rule_ns_owned: in mode inherit the kernel is asked), the proc
 * mount at /proc becomes, in its place, a recursive bind of the host's
 * /proc: a fresh procfs needs a pid namespace its user namespace owns.
 * readonlyPaths and maskedPaths stay. A pid namespace joined by path is
 * left alone.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

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
	.apply = apply,
};
