/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oom-score-adj: process.oomScoreAdj below the caller's own
 * /proc/self/oom_score_adj is raised to it, unless the kernel allows it:
 * a process without CAP_SYS_RESOURCE cannot go below the floor a
 * privileged process set for it (oom_score_adj_min, not shown in /proc),
 * but may lower what it raised itself (a shim at 1 may give a container
 * 0). With the real /proc/self the value, then the values between it and
 * the caller's, are tried on the converter itself (its own written back at
 * once): a value below the floor is raised to the floor (a shim at 1 whose
 * floor is 0 gives -997 as 0). With another (--proc-self) it is raised to
 * the caller's.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "process", OCIRL_FIELD_OBJECT, 0 },
	{ "process.oomScoreAdj", OCIRL_FIELD_INT, 0 },
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	ocirl_node *process = rule_get(e->config, "process");
	ocirl_node *oom = rule_get(process, "oomScoreAdj");
	if (!oom || !rule_facts(e, OCIRL_FACT_OOM)->oom_known)
		return 0;
	int64_t v = oom->flag ? INT64_MAX : oom->i; /* above INT64_MAX: as high as can be */
	int caller = e->ctx->oom_score_adj, lowest;
	if (v >= caller)
		return 0;
	bool tried = ocirl__oom_lowest(e->ctx, v, &lowest);
	if (tried && lowest <= v)
		return 0;
	int to = tried && lowest < caller ? lowest : caller;
	if (ocirl__node_set(e->tree, process, "oomScoreAdj", ocirl__node_new_int(e->tree, to)) < 0)
		return rule_nomem(e);
	if (to < caller)
		return ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, process, "oomScoreAdj", "process.oomScoreAdj",
					  "raised from %" PRId64 " to %d, the lowest the kernel lets the caller (at %d) set: "
					  "below its floor, lowering needs CAP_SYS_RESOURCE outside any user namespace "
					  "(runc: \"failed to update /proc/self/oom_score_adj: Permission denied\")",
					  v, to, caller);
	return ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, process, "oomScoreAdj", "process.oomScoreAdj",
				  "raised from %" PRId64 " to %d, the caller's own: lowering it needs CAP_SYS_RESOURCE "
				  "outside any user namespace (runc: \"failed to update /proc/self/oom_score_adj: "
				  "Permission denied\")",
				  v, caller);
}

const ocirl_rule ocirl__rule_oom_score_adj = {
	.name = "oom-score-adj",
	.summary = "process.oomScoreAdj below the caller's own is raised to it",
	.reads = reads,
	.apply = apply,
};
