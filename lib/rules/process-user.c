/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process-user: the uid and gid of process.user must be mapped in the
 * container (an absent one counts as 0, as the runtimes run it); an
 * unmapped one is refused, naming the id and the mappings. A refusal only:
 * no rule could pick another user for the process.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "process", OCIRL_FIELD_OBJECT, 0 },
	{ "process.user", OCIRL_FIELD_OBJECT, 0 },
	{ "process.user.uid", OCIRL_FIELD_UINT32, 0 },
	{ "process.user.gid", OCIRL_FIELD_UINT32, 0 },
	{ NULL, 0, 0 },
};

static int check(ocirl_rule_env *e)
{
	ocirl_node *user = rule_get(rule_get(e->config, "process"), "user");
	const ocirl_mappings *m = e->maps;
	static const char *const keys[] = { "uid", "gid" };
	for (int i = 0; i < 2; i++) {
		uint64_t id = 0;
		if (!ocirl__rule_uint(rule_get(user, keys[i]), UINT32_MAX, &id))
			id = 0; /* absent: the runtime runs the process as 0 */
		const ocirl_id_mapping *maps = i ? m->gid : m->uid;
		size_t n = i ? m->n_gid : m->n_uid;
		if (ocirl__mappings_cover(maps, n, id))
			continue;
		ocirl_buf list = { 0 };
		ocirl__mappings_format(&list, maps, n);
		int r = ocirl__error_set(e->err, OCIRL_ERROR_UNSUPPORTED, EINVAL,
					 "process.user.%s: %s %" PRIu64 " is not mapped in the container (%s mappings "
					 "container:host:size %s, mode %s); map more ids with --mode subid, or run the "
					 "process as a mapped id",
					 keys[i], keys[i], id, keys[i], list.failed || !list.data ? "?" : list.data,
					 ocirl_mode_name(m->mode));
		free(list.data);
		return r;
	}
	return 0;
}

static int apply(ocirl_rule_env *e)
{
	(void)e; /* nothing to change: check() refused what cannot run */
	return 0;
}

const ocirl_rule ocirl__rule_process_user = {
	.name = "process-user",
	.summary = "process.user's uid and gid must be mapped in the container (else an error, exit 4)",
	.reads = reads,
	.check = check,
	.apply = apply,
};
