/* SPDX-License-Identifier: Apache-2.0 */
/*
 * joined-id-options: a mount option that joins several with commas, such as
 * "uid=1000,gid=5", is handed to the kernel as that many options (runc and
 * crun pass the string on as mount data). Its uid=N and gid=N parts are
 * judged as id-options judges whole options: an unmapped one goes, the
 * other parts stay as written, and an option with no part left goes.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

/* An unmapped uid=N or gid=N part goes, named in dropped ("gid 5, uid 7"). */
static bool unmapped_part(const char *p, size_t len, ocirl_buf *dropped, void *arg)
{
	const ocirl_mappings *maps = arg;
	uint64_t id;
	bool is_uid;
	if (!ocirl__rule_id_option(p, len, &is_uid, &id) || rule_id_mapped(maps, is_uid, id))
		return false;
	ocirl__buf_printf(dropped, "%s%s %" PRIu64, dropped->len ? ", " : "", is_uid ? "uid" : "gid", id);
	return true;
}

/* The option without its unmapped uid=/gid= parts into kept (the others as
 * written, empty ones too), and those parts' ids ("gid 5 is", "gid 5, uid 7
 * are") into dropped; false when every part is mapped. */
static bool split_option(const ocirl_mappings *maps, const char *opt, ocirl_buf *kept, ocirl_buf *dropped)
{
	size_t n_dropped = ocirl__rule_option_split(opt, unmapped_part, (void *)maps, kept, dropped);
	if (n_dropped)
		ocirl__buf_adds(dropped, n_dropped == 1 ? " is" : " are");
	return n_dropped > 0;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *mounts = rule_get(e->config, "mounts");
	for (size_t i = 0, n = ocirl__node_len(mounts); i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		ocirl_node *opts = rule_get(m, "options");
		for (size_t j = 0; j < ocirl__node_len(opts);) {
			const char *opt = ocirl__node_str(ocirl__node_at(opts, j));
			if (!strchr(opt, ',')) {
				j++;
				continue;
			}
			ocirl_buf kept = { 0 }, dropped = { 0 };
			int r = 0;
			if (split_option(e->maps, opt, &kept, &dropped)) {
				if (kept.failed || dropped.failed)
					r = rule_nomem(e);
				else if (!kept.len)
					r = ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, ocirl__node_at(opts, j), NULL,
							       rule_get_str(m, "destination"), "removed option \"%s\": %s not mapped in the container, and a "
							       "runtime hands the kernel each comma-separated part as an option",
							       opt, dropped.data);
				else
					r = ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, ocirl__node_at(opts, j), NULL,
							       rule_get_str(m, "destination"), "option \"%s\" became \"%s\": %s not mapped in the container, "
							       "and a runtime hands the kernel each comma-separated part as an "
							       "option",
							       opt, kept.data, dropped.data);
				if (r == 0 && !kept.len)
					ocirl__node_remove_at(opts, j);
				else if (r == 0) {
					ocirl_node *v = ocirl__node_new_string(e->tree, kept.data);
					if (!v)
						r = rule_nomem(e);
					else
						opts->arr.items[j++] = v;
				}
			} else
				j++;
			free(kept.data);
			free(dropped.data);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

const ocirl_rule ocirl__rule_joined_id_options = {
	.name = "joined-id-options",
	.summary = "the uid=N and gid=N parts of a comma-joined mount option (\"uid=1000,gid=5\") stay when N is "
		   "mapped, and go otherwise",
	.reads = reads,
	.apply = apply,
};
