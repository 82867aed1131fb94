/* SPDX-License-Identifier: Apache-2.0 */
/*
 * additional-gids: process.user.additionalGids are all removed in modes
 * single and subid (runc: "cannot set any additional groups in a rootless
 * container"), and the unmapped ones in userns and inherit (setgroups:
 * "invalid argument").
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "process", OCIRL_FIELD_OBJECT, 0 },
	{ "process.user", OCIRL_FIELD_OBJECT, 0 },
	{ "process.user.additionalGids", OCIRL_FIELD_ARRAY, 0 },
	{ "process.user.additionalGids[]", OCIRL_FIELD_UINT32, 0 },
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	ocirl_node *user = rule_get(rule_get(e->config, "process"), "user");
	ocirl_node *gids = rule_get(user, "additionalGids");
	if (!gids)
		return 0;
	ocirl_mode mode = e->maps->mode;
	if (mode == OCIRL_MODE_SINGLE || mode == OCIRL_MODE_SUBID)
		return ocirl__rule_drop(e, user, "additionalGids", "process.user.additionalGids",
					"a runtime run by a normal user cannot set additional groups (runc: \"cannot set any "
					"additional groups in a rootless container\")");
	for (size_t i = 0; i < ocirl__node_len(gids);) {
		uint64_t g = 0;
		ocirl__rule_uint(ocirl__node_at(gids, i), UINT32_MAX, &g);
		if (ocirl__mappings_cover(e->maps->gid, e->maps->n_gid, g)) {
			i++;
			continue;
		}
		if (ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, ocirl__node_at(gids, i), NULL, "process.user.additionalGids",
				       "dropped gid %" PRIu64 ": it is not mapped in the container (setgroups would fail "
				       "with \"invalid argument\")",
				       g) < 0)
			return -ENOMEM;
		ocirl__node_remove_at(gids, i);
	}
	return 0;
}

const ocirl_rule ocirl__rule_additional_gids = {
	.name = "additional-gids",
	.summary = "process.user.additionalGids: all removed in modes single and subid, the unmapped ones in userns "
		   "and inherit",
	.reads = reads,
	.apply = apply,
};
