/* SPDX-License-Identifier: Apache-2.0 */
/*
 * overlay-mounts: a mount of type overlay (Podman's "-v SRC:DST:O", a
 * config's own lowerdir/upperdir/workdir) gets the option "userxattr".
 * Every rootless container is in a user namespace, where overlay can
 * neither read nor write its trusted.overlay.* attributes: without
 * userxattr it mounts, but removing a directory of a lower layer fails
 * ("rm: cannot remove 'd': Input/output error", measured on Linux 6.1 and
 * 6.18), as does what apt does with one ("Invalid cross-device link").
 * With it overlay keeps those attributes as user.overlay.* (Linux 5.11; in
 * a user namespace it read none of the trusted ones anyway). containerd
 * and Moby add it for their own snapshots in a user namespace.
 * The options a user namespace cannot have go with it, each part of a
 * comma-joined option too: metacopy=on and redirect_dir=on, follow or off
 * (off is follow on kernels built with OVERLAY_FS_REDIRECT_ALWAYS_FOLLOW,
 * Debian's among them) make the mount fail (EPERM without userxattr, EINVAL
 * with it, measured on 6.18: they trust trusted.* attributes, which only a
 * mounter with CAP_SYS_ADMIN in the initial user namespace may); with
 * userxattr the kernel uses redirect_dir=nofollow, which stays. On a kernel known to
 * be older than 5.11 nothing changes: overlay cannot be mounted in a user
 * namespace there at all, but where a distribution allows it (Ubuntu's
 * kernels before 5.11), which knows no userxattr. A mount without an
 * options array has no lowerdir and fails anyway: it is left as it is.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

static const char why_userxattr[] =
	"in a user namespace overlay can neither read nor write its trusted.overlay.* attributes, so removing a "
	"directory of a lower layer fails (\"rm: cannot remove 'DIR': Input/output error\"); with userxattr it "
	"keeps them as user.overlay.* (Linux 5.11 and later)";

static const char why_refused[] =
	"the kernel refuses metacopy=on and a redirect_dir other than nofollow to an overlay mounted in a user "
	"namespace (they trust trusted.* attributes; off is follow on most kernels): the mount fails (\"permission "
	"denied\"; with userxattr \"invalid argument\")";

/* A part the kernel refuses goes, named in dropped ("metacopy=on,
 * redirect_dir=off"): metacopy=on, and redirect_dir= but nofollow (off is
 * follow on the kernels built with OVERLAY_FS_REDIRECT_ALWAYS_FOLLOW, as
 * Debian's are; userxattr means nofollow). */
static bool refused_part(const char *p, size_t n, ocirl_buf *dropped, void *arg)
{
	static const char redirect[] = "redirect_dir=", nofollow[] = "redirect_dir=nofollow";
	bool refused = (n == 11 && memcmp(p, "metacopy=on", 11) == 0) ||
		       (n >= sizeof(redirect) - 1 && memcmp(p, redirect, sizeof(redirect) - 1) == 0 &&
			!(n == sizeof(nofollow) - 1 && memcmp(p, nofollow, n) == 0));
	if (refused)
		ocirl__buf_printf(dropped, "%s%.*s", dropped->len ? ", " : "", (int)n, p);
	return refused;
}

/* Removes the refused options and parts of one overlay mount's options. */
static int drop_refused(ocirl_rule_env *e, const ocirl_node *m, ocirl_node *opts)
{
	const char *dest = rule_get_str(m, "destination");
	for (size_t j = 0; j < ocirl__node_len(opts);) {
		const char *opt = ocirl__node_str(ocirl__node_at(opts, j));
		ocirl_buf kept = { 0 }, dropped = { 0 };
		int r = 0;
		if (!ocirl__rule_option_split(opt, refused_part, NULL, &kept, &dropped))
			j++;
		else if (kept.failed || dropped.failed)
			r = rule_nomem(e);
		else if (!kept.len) {
			r = ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, ocirl__node_at(opts, j), NULL, dest,
					       "removed option \"%s\" of this overlay mount: %s", opt, why_refused);
			if (r == 0)
				ocirl__node_remove_at(opts, j);
		} else {
			r = ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, ocirl__node_at(opts, j), NULL, dest,
					       "option \"%s\" of this overlay mount became \"%s\" (%s removed): %s", opt,
					       kept.data, dropped.data, why_refused);
			ocirl_node *v = r == 0 ? ocirl__node_new_string(e->tree, kept.data) : NULL;
			if (r == 0 && !v)
				r = rule_nomem(e);
			else if (r == 0)
				opts->arr.items[j++] = v;
		}
		free(kept.data);
		free(dropped.data);
		if (r < 0)
			return r;
	}
	return 0;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *mounts = rule_get(e->config, "mounts");
	bool old_kernel = false, asked = false;
	for (size_t i = 0, n = ocirl__node_len(mounts); i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		const char *type = rule_get_str(m, "type");
		ocirl_node *opts = rule_get(m, "options");
		if (!type || strcmp(type, "overlay") != 0 || !opts)
			continue;
		if (!asked) {
			old_kernel = ocirl__rule_kernel_at_least(e, 5, 11) == 0;
			asked = true;
		}
		if (old_kernel)
			return 0;
		int r = drop_refused(e, m, opts);
		if (r < 0)
			return r;
		if (ocirl__rule_options_have_part(opts, "userxattr"))
			continue;
		ocirl_node *v = ocirl__node_new_string(e->tree, "userxattr");
		if (!v || ocirl__node_append(e->tree, opts, v) < 0)
			return rule_nomem(e);
		if ((r = ocirl__rule_change(e, OCIRL_CHANGE_ADDED, v, NULL, rule_get_str(m, "destination"),
					    "added option \"userxattr\" to this overlay mount: %s", why_userxattr)) < 0)
			return r;
	}
	return 0;
}

const ocirl_rule ocirl__rule_overlay_mounts = {
	.name = "overlay-mounts",
	.summary = "an overlay mount gets the option userxattr (Linux 5.11), without which a directory of a lower "
		   "layer cannot be removed in a user namespace",
	.reads = reads,
	.apply = apply,
};
