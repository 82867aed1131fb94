/* SPDX-License-Identifier: Apache-2.0 */
/*
 * locked-flags: a bind mount (type bind, or bind/rbind in its options)
 * whose source lies on a nosuid, nodev, noexec, ro or nodiratime mount gets
 * those options (in place of suid, dev, exec, rw), and an atime option its
 * source's mount does not have is replaced by that mount's atime mode: a
 * user namespace cannot clear locked flags on remount (runc: "operation not
 * permitted"). A source that does not exist is left alone. The sources are
 * looked up under --source-root.
 */
#include <sys/statvfs.h>

#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

static const struct {
	unsigned long flag;
	const char *opt, *contrary;
} locked[] = {
	{ ST_NOSUID, "nosuid", "suid" },
	{ ST_NODEV, "nodev", "dev" },
	{ ST_NOEXEC, "noexec", "exec" },
	{ ST_RDONLY, "ro", "rw" },
	{ ST_NODIRATIME, "nodiratime", "diratime" },
};

static const char *const atime_opts[] = { "atime", "noatime", "relatime", "norelatime", "strictatime", "nostrictatime" };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool is_bind(const ocirl_node *m)
{
	const char *type = rule_get_str(m, "type");
	ocirl_node *opts = rule_get(m, "options");
	return (type && strcmp(type, "bind") == 0) || ocirl__rule_options_have(opts, "bind") ||
	       ocirl__rule_options_have(opts, "rbind");
}

static int add_option(ocirl_rule_env *e, ocirl_node *opts, const char *opt)
{
	return ocirl__node_append(e->tree, opts, ocirl__node_new_string(e->tree, opt)) < 0 ? rule_nomem(e) : 0;
}

/* The flags of the mount the source sv lies on, into m's options. */
static int fix_mount(ocirl_rule_env *e, ocirl_node *m, const struct statvfs *sv, const char *source)
{
	const char *dest = rule_get_str(m, "destination");
	ocirl_node *opts = rule_get(m, "options");
	/* the place of the changes: m's options, made here when it had none */
	ocirl_change_kind kind = opts ? OCIRL_CHANGE_CHANGED : OCIRL_CHANGE_ADDED;
	for (size_t k = 0; k < N_OF(locked); k++) {
		if (!(sv->f_flag & locked[k].flag) || ocirl__rule_options_have(opts, locked[k].opt))
			continue;
		if (!opts) {
			opts = ocirl__node_new(e->tree, OCIRL_NODE_ARRAY);
			if (!opts || ocirl__node_set(e->tree, m, "options", opts) < 0)
				return rule_nomem(e);
		}
		bool removed = ocirl__rule_options_remove(opts, locked[k].contrary);
		if (add_option(e, opts, locked[k].opt) < 0 ||
		    ocirl__rule_change(e, kind, m, "options", dest,
				       "added option %s%s%s: the source %s lies on a %s mount, a flag a user namespace "
				       "cannot clear on remount",
				       locked[k].opt, removed ? " in place of " : "", removed ? locked[k].contrary : "",
				       source, locked[k].opt) < 0)
			return -ENOMEM;
	}
	/* nodiratime is locked with the atime mode: asked for on a source without it, it fails the remount */
	if (!(sv->f_flag & ST_NODIRATIME) && ocirl__rule_options_remove(opts, "nodiratime") &&
	    ocirl__rule_change(e, kind, m, "options", dest,
			       "removed option nodiratime: the source %s lies on a mount without it, and a user "
			       "namespace cannot change the atime flags on remount",
			       source) < 0)
		return -ENOMEM;
	/* the atime mode is locked too: any other one asked for fails the remount */
	/* its index in atime_opts: noatime, relatime or strictatime */
	size_t w = (sv->f_flag & ST_NOATIME) ? 1 : (sv->f_flag & ST_RELATIME) ? 2 : 4;
	const char *want = atime_opts[w];
	bool other = false, have = ocirl__rule_options_have(opts, want);
	for (size_t k = 0; k < N_OF(atime_opts); k++)
		if (k != w && ocirl__rule_options_have(opts, atime_opts[k]))
			other = true;
	if (!other)
		return 0;
	for (size_t k = 0; k < N_OF(atime_opts); k++)
		if (k != w)
			ocirl__rule_options_remove(opts, atime_opts[k]);
	if (!have && add_option(e, opts, want) < 0)
		return -ENOMEM;
	return ocirl__rule_change(e, kind, m, "options", dest,
				  "set the atime mode to %s: the source %s lies on a %s mount, and a user namespace cannot "
				  "change the atime mode on remount",
				  want, source, want);
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *mounts = rule_get(e->config, "mounts");
	const char *root = e->ctx->source_root ? e->ctx->source_root : "";
	size_t rlen = strlen(root);
	for (size_t i = 0, n = ocirl__node_len(mounts); i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		const char *source = rule_get_str(m, "source");
		if (!is_bind(m) || !source || source[0] != '/')
			continue;
		char path[4096];
		size_t slen = strlen(source);
		if (rlen + slen >= sizeof(path))
			continue; /* too long to look up: left alone */
		memcpy(path, root, rlen);
		memcpy(path + rlen, source, slen + 1);
		struct statvfs sv;
		if (statvfs(path, &sv) < 0)
			continue; /* a source that does not exist is left alone */
		int r = fix_mount(e, m, &sv, source);
		if (r < 0)
			return r;
	}
	return 0;
}

const ocirl_rule ocirl__rule_locked_flags = {
	.name = "locked-flags",
	.summary = "bind mounts get the flags their source's mount has locked (nosuid, nodev, noexec, ro, the atime "
		   "mode)",
	.reads = reads,
	.apply = apply,
};
