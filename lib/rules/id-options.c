/* SPDX-License-Identifier: Apache-2.0 */
/*
 * id-options: the mount options uid=N and gid=N stay when N is mapped in
 * the container, and go otherwise (devpts gid=5 stays under RootlessKit,
 * where gid 5 is mapped; the kernel refuses an unmapped one: "mount devpts
 * ... gid=5: invalid argument").
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	const ocirl_mappings *maps = e->maps;
	ocirl_node *mounts = rule_get(e->config, "mounts");
	for (size_t i = 0, n = ocirl__node_len(mounts); i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		ocirl_node *opts = rule_get(m, "options");
		for (size_t j = 0; j < ocirl__node_len(opts);) {
			const char *opt = ocirl__node_str(ocirl__node_at(opts, j));
			uint64_t id;
			bool is_uid;
			if (!ocirl__rule_id_option(opt, strlen(opt), &is_uid, &id) ||
			    rule_id_mapped(maps, is_uid, id)) {
				j++;
				continue;
			}
			if (ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, ocirl__node_at(opts, j), NULL, rule_get_str(m, "destination"),
					       "dropped option %s: %s %" PRIu64 " is not mapped in the container", opt,
					       is_uid ? "uid" : "gid", id) < 0)
				return -ENOMEM;
			ocirl__node_remove_at(opts, j);
		}
	}
	return 0;
}

const ocirl_rule ocirl__rule_id_options = {
	.name = "id-options",
	.summary = "mount options uid=N and gid=N stay when N is mapped in the container, and go otherwise",
	.reads = reads,
	.apply = apply,
};
