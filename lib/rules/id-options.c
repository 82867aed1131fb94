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

/* Parses the N of "uid=N"; false when it is not a plain decimal number. */
static bool option_id(const char *opt, const char *prefix, uint64_t *id)
{
	size_t n = strlen(prefix);
	if (strncmp(opt, prefix, n) != 0 || opt[n] == '\0')
		return false;
	uint64_t v = 0;
	for (const char *p = opt + n; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*id = v;
	return true;
}

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
			bool is_uid = option_id(opt, "uid=", &id), is_gid = !is_uid && option_id(opt, "gid=", &id);
			bool mapped = is_uid ? ocirl__mappings_cover(maps->uid, maps->n_uid, id)
				    : is_gid ? ocirl__mappings_cover(maps->gid, maps->n_gid, id)
					     : true;
			if (mapped) {
				j++;
				continue;
			}
			if (ocirl__rule_change(e, rule_get_str(m, "destination"),
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
