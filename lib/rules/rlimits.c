/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rlimits: each process.rlimits entry above the caller's hard limit is
 * lowered to it, the soft limit never above the hard one;
 * 18446744073709551615 is unlimited; unknown types are left alone. Raising
 * a hard limit needs CAP_SYS_RESOURCE outside any user namespace.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "process", OCIRL_FIELD_OBJECT, 0 },
	{ "process.rlimits", OCIRL_FIELD_ARRAY, 0 },
	{ "process.rlimits[]", OCIRL_FIELD_OBJECT, 0 },
	{ "process.rlimits[].type", OCIRL_FIELD_STRING, OCIRL_FIELD_REQUIRED },
	{ "process.rlimits[].hard", OCIRL_FIELD_UINT64, 0 },
	{ "process.rlimits[].soft", OCIRL_FIELD_UINT64, 0 },
	{ NULL, 0, 0 },
};

static void format_limit(char *buf, size_t size, uint64_t v)
{
	if (v == UINT64_MAX)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static int apply(ocirl_rule_env *e)
{
	ocirl_tree *t = e->tree;
	ocirl_node *rlimits = rule_get(rule_get(e->config, "process"), "rlimits");
	for (size_t i = 0, n = ocirl__node_len(rlimits); i < n; i++) {
		ocirl_node *rl = ocirl__node_at(rlimits, i);
		const char *type = rule_get_str(rl, "type");
		int idx = ocirl__rlimit_index(type);
		if (idx < 0 || !rule_facts(e, OCIRL_FACT_LIMITS)->hard_known[idx])
			continue; /* an unknown type, or a limit we could not read */
		uint64_t max = e->ctx->hard[idx], hard = 0, soft = 0;
		bool has_hard = ocirl__rule_uint(rule_get(rl, "hard"), UINT64_MAX, &hard);
		bool has_soft = ocirl__rule_uint(rule_get(rl, "soft"), UINT64_MAX, &soft);
		uint64_t new_hard = has_hard && hard > max ? max : hard;
		uint64_t new_soft = has_soft && soft > new_hard && has_hard ? new_hard : soft;
		if (has_soft && new_soft > max)
			new_soft = max;
		if (new_hard == hard && new_soft == soft)
			continue;
		char where[96], a[32], b[32], c[32], d[32], m[32];
		snprintf(where, sizeof(where), "process.rlimits[%zu]", i);
		format_limit(a, sizeof(a), hard);
		format_limit(b, sizeof(b), new_hard);
		format_limit(c, sizeof(c), soft);
		format_limit(d, sizeof(d), new_soft);
		format_limit(m, sizeof(m), max);
		char what[160];
		if (has_hard && has_soft)
			snprintf(what, sizeof(what), "hard %s, soft %s (was %s, %s)", b, d, a, c);
		else if (has_hard)
			snprintf(what, sizeof(what), "hard %s (was %s)", b, a);
		else
			snprintf(what, sizeof(what), "soft %s (was %s)", d, c);
		if ((new_hard != hard && ocirl__node_set(t, rl, "hard", ocirl__node_new_uint(t, new_hard)) < 0) ||
		    (new_soft != soft && ocirl__node_set(t, rl, "soft", ocirl__node_new_uint(t, new_soft)) < 0))
			return rule_nomem(e);
		if (ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, rl, NULL, where,
				       "%s lowered to %s: the caller's hard limit is %s, and raising a hard limit needs "
				       "CAP_SYS_RESOURCE outside any user namespace (runc: \"error setting rlimit type N: "
				       "operation not permitted\")",
				       type, what, m) < 0)
			return -ENOMEM;
	}
	return 0;
}

const ocirl_rule ocirl__rule_rlimits = {
	.name = "rlimits",
	.summary = "process.rlimits above the caller's hard limits are lowered to them",
	.reads = reads,
	.apply = apply,
};
