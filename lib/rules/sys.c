/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sys: without a network namespace the container's user namespace owns
 * (ocirl__rule_ns_owned: a new one; in mode inherit also the caller's own or
 * one joined by path, when the kernel says the caller's user namespace owns
 * it), every mount at /sys or under it (destinations cleaned as paths) is
 * replaced by one recursive bind of the host's /sys, at the end, read-only
 * throughout on Linux 5.12 and later ("rro", mount_setattr), else at its
 * top ("ro"; the host's mounts under /sys keep their own flags).
 * The same where the caller's /sys is not fully visible (its mountinfo: a
 * mount on it elsewhere than the empty directories the kernel and systemd
 * mount on), as nested in a container or a CI job: the kernel then refuses
 * a fresh sysfs in a user namespace even with its own network namespace.
 * A config that mounts nothing there gets no bind: the host's /sys is shown
 * only in place of a mount that had to go.
 * On cgroup v2 (the caller's cgroup found in the cgroup v2 mount, by its
 * cgroup.controllers) a mount of type cgroup or cgroup2 at /sys/fs/cgroup
 * stays, right after the bind and an empty read-only tmpfs under it (alone,
 * without either, when nothing else is mounted under /sys), as Moby keeps it: cgroup2, unlike sysfs, needs no
 * network namespace of the container's own. With a cgroup namespace of its
 * own the runtime mounts the container's cgroup there (its own pids.max and
 * memory.max); without one, runc and crun bind the host's /sys/fs/cgroup
 * with the mount's own flags, as the bind of /sys would show it anyway.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

/* The bind's options; with rro (Linux 5.12, mount_setattr) read-only
 * throughout, its submounts too, which runc 1.1 and crun 1.4 apply. The
 * first five make a bind this rule recognises as its own. */
static const char *const bind_options[] = { "rbind", "nosuid", "noexec", "nodev", "ro", "rro" };
#define N_BIND_OPTIONS 5

/* The tmpfs under a cgroup mount kept after the bind: empty, read-only. */
static const char *const shim_options[] = { "nosuid", "noexec", "nodev", "mode=755", "ro" };
#define N_SHIM_OPTIONS 5

/* 1 when the mount's cleaned destination is /sys or under it, 0 when not, -1
 * out of memory. An absolute destination that is already clean (no empty, "."
 * or ".." part, no trailing slash) is tested as it is, without allocating. */
static int mount_under_sys(const ocirl_node *mount)
{
	const char *d = rule_get_str(mount, "destination");
	if (!d)
		return -1;
	bool clean = d[0] == '/';
	for (const char *p = d; clean && *p; p++) {
		if (*p != '/')
			continue;
		if (p[1] == '/' || (p[1] == '\0' && p != d) ||
		    (p[1] == '.' && (p[2] == '/' || p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '\0')))))
			clean = false;
	}
	if (clean)
		return ocirl__path_is_under(d, "/sys");
	_cleanup_free_ char *dest = ocirl__rule_mount_destination(mount);
	if (!dest)
		return -1;
	return ocirl__path_is_under(dest, "/sys");
}

/* Whether m is a bind of the host's /sys at /sys with at least our options
 * (locked-flags may have added some): of type "bind", or "none" as
 * oci-rootless 0.1.0 wrote it and "runc spec --rootless" does (a config
 * converted that way is converted already). "bind" is what validators accept
 * (oci-runtime-tool validate --host-specific: unsupported mount type "none"). */
static bool is_sys_bind(const ocirl_node *m)
{
	const char *d = rule_get_str(m, "destination"), *src = rule_get_str(m, "source"), *t = rule_get_str(m, "type");
	if (!d || !src || !t || strcmp(d, "/sys") != 0 || strcmp(src, "/sys") != 0 ||
	    (strcmp(t, "bind") != 0 && strcmp(t, "none") != 0))
		return false;
	ocirl_node *have = rule_get(m, "options");
	for (size_t i = 0; i < N_BIND_OPTIONS; i++)
		if (!ocirl__rule_options_have(have, bind_options[i]))
			return false;
	return true;
}

/* 1 when m is a cgroup mount at /sys/fs/cgroup that stays on cgroup v2, 0
 * when not, -1 out of memory. */
static int is_kept_cgroup(ocirl_rule_env *e, const ocirl_node *m)
{
	const char *t = rule_get_str(m, "type");
	if (!t || (strcmp(t, "cgroup") != 0 && strcmp(t, "cgroup2") != 0))
		return 0;
	_cleanup_free_ char *dest = ocirl__rule_mount_destination(m);
	if (!dest)
		return -1;
	return strcmp(dest, "/sys/fs/cgroup") == 0 && rule_facts(e, OCIRL_FACT_CGROUP)->cg_v2;
}

static int apply(ocirl_rule_env *e)
{
	char masked[512] = "";
	if (ocirl__rule_ns_owned(e, "network")) {
		/* the caller's mountinfo is read only for a config that mounts at /sys */
		ocirl_node *ms = rule_get(e->config, "mounts");
		int any = 0;
		for (size_t i = 0, n = ocirl__node_len(ms); i < n && any == 0; i++)
			any = mount_under_sys(ocirl__node_at(ms, i));
		if (any < 0)
			return rule_nomem(e);
		if (!any)
			return 0;
		const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_VISIBLE);
		if (!ctx->visible_known || !ctx->sys_masked[0])
			return 0; /* a fresh sysfs mounts fine in a network namespace the container's user namespace owns */
		/* but not where the caller's /sys is not fully visible (nested in a container) */
		snprintf(masked, sizeof(masked),
			 "the caller's /sys is not fully visible (a mount on %s covers part of it), and the kernel then "
			 "refuses a fresh sysfs in a user namespace (\"mount too revealing\"), even with a network "
			 "namespace of its own",
			 ctx->sys_masked);
	}

	const char *reason = masked[0] ? masked
				       : "the container has no network namespace of its own, and a fresh "
					 "sysfs can only be mounted by the user namespace that owns the network "
					 "namespace";
	ocirl_tree *t = e->tree;
	ocirl_node *old = rule_get(e->config, "mounts");
	size_t n = ocirl__node_len(old);
	ocirl_node *mounts = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!mounts)
		return rule_nomem(e);
	/* A bind of /sys already there (from an earlier conversion, perhaps with
	 * the locked flags locked-flags added) is kept as it is, where it is:
	 * later rules (devices) append mounts after it. A new one goes at the
	 * end. The cgroup mount kept goes right after the bind. */
	ocirl_node *bind = NULL;
	for (size_t i = 0; i < n && !bind; i++)
		if (is_sys_bind(ocirl__node_at(old, i)))
			bind = ocirl__node_at(old, i);
	bool made = !bind;
	bool rro = made && ocirl__rule_kernel_at_least(e, 5, 12) == 1;
	size_t n_opts = N_BIND_OPTIONS + rro;
	if (made && !(bind = ocirl__rule_bind_mount(t, "/sys", "bind", bind_options, n_opts)))
		return rule_nomem(e);
	/* The cgroup mount that stays (the first), and under it a read-only
	 * tmpfs: the bind brings the host's cgroup2 mount to /sys/fs/cgroup, and
	 * the kernel refuses the same file system twice on one mount point
	 * (EBUSY; runc then hides /sys/fs/cgroup under an empty tmpfs, crun puts
	 * a tmpfs between itself). One there already, right before it, is ours. */
	ocirl_node *kept_cgroup = NULL, *shim = NULL, *own_shim = NULL;
	for (size_t i = 0; i < n && !kept_cgroup; i++) {
		ocirl_node *m = ocirl__node_at(old, i);
		int kept = m == bind ? 0 : is_kept_cgroup(e, m);
		if (kept < 0)
			return rule_nomem(e);
		if (kept) {
			kept_cgroup = m;
			if (!(shim = ocirl__rule_bind_mount(t, "/sys/fs/cgroup", "tmpfs", shim_options, N_SHIM_OPTIONS)) ||
			    ocirl__node_set(t, shim, "source", ocirl__node_new_string(t, "tmpfs")) < 0)
				return rule_nomem(e);
			if (i > 0 && ocirl__node_equal(ocirl__node_at(old, i - 1), shim))
				own_shim = shim = ocirl__node_at(old, i - 1);
		}
	}
	size_t under_sys = 0; /* the mounts under /sys that go */
	for (size_t i = 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(old, i);
		int under = mount_under_sys(m);
		if (under < 0)
			return rule_nomem(e);
		if (under != 1 || m == bind || m == kept_cgroup || m == own_shim)
			continue;
		under_sys++;
		if (!made)
			continue;
		/* a new bind keeps the restrictive flags of the mounts exactly at /sys */
		_cleanup_free_ char *dest = ocirl__rule_mount_destination(m);
		if (!dest || (strcmp(dest, "/sys") == 0 &&
			      ocirl__rule_keep_restrictive(t, rule_get(bind, "options"), rule_get(m, "options")) < 0))
			return rule_nomem(e);
	}
	if (!under_sys && made)
		return 0; /* nothing at /sys to replace (a cgroup mount that stays needs no bind) */
	/* whether the kept cgroup mount and its tmpfs were not right after the bind */
	bool cgroup_moved = false;
	for (size_t i = 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(old, i);
		int under = mount_under_sys(m);
		if ((!under || m == bind) && ocirl__node_append(t, mounts, m) < 0)
			return rule_nomem(e);
		if (m == bind && kept_cgroup) {
			if (ocirl__node_append(t, mounts, shim) < 0 || ocirl__node_append(t, mounts, kept_cgroup) < 0)
				return rule_nomem(e);
			cgroup_moved = !own_shim || i + 2 >= n || ocirl__node_at(old, i + 1) != own_shim ||
				       ocirl__node_at(old, i + 2) != kept_cgroup;
		}
	}
	if (made && (ocirl__node_append(t, mounts, bind) < 0 ||
		     (kept_cgroup && (ocirl__node_append(t, mounts, shim) < 0 ||
				      ocirl__node_append(t, mounts, kept_cgroup) < 0))))
		return rule_nomem(e);
	if (old && ocirl__node_equal(old, mounts))
		return 0;
	/* Explain before replacing: the old mounts go with the old array. */
	for (size_t i = 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(old, i);
		if (m == bind || m == kept_cgroup || m == own_shim || mount_under_sys(m) != 1)
			continue;
		const char *type = rule_get_str(m, "type");
		_cleanup_free_ char *dest = ocirl__rule_mount_destination(m);
		if (!dest)
			return rule_nomem(e);
		int r = strcmp(dest, "/sys") == 0
				? ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, m, NULL, rule_get_str(m, "destination"),
						     "removed this %s mount: %s",
						     type ? type : "untyped", reason)
				: ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, m, NULL, rule_get_str(m, "destination"),
						     "removed this %s mount under /sys: the host's /sys is bound in place of "
						     "the container's, recursively, with the host's own mounts under it",
						     type ? type : "untyped");
		if (r < 0)
			return r;
	}
	int r = 0;
	if (made) {
		/* the flags kept from the mounts at /sys, after ours */
		ocirl_buf kept = { 0 };
		ocirl_node *o = rule_get(bind, "options");
		for (size_t k = n_opts; k < ocirl__node_len(o); k++)
			ocirl__buf_printf(&kept, "%s%s", kept.len ? ", " : "; keeping ", ocirl__node_str(ocirl__node_at(o, k)));
		if (kept.len)
			ocirl__buf_adds(&kept, " of the mount at /sys");
		r = kept.failed ? rule_nomem(e)
		    : rro	? ocirl__rule_change(e, OCIRL_CHANGE_ADDED, bind, NULL, "/sys",
						     "added a recursive bind of the host's /sys, read-only throughout (rbind, "
						     "nosuid, noexec, nodev, ro, rro%s: its submounts too, Linux 5.12 and "
						     "later): %s",
						     kept.len ? kept.data : "", reason)
				: ocirl__rule_change(e, OCIRL_CHANGE_ADDED, bind, NULL, "/sys",
						     "added a recursive bind of the host's /sys, read-only at its top (rbind, "
						     "nosuid, noexec, nodev, ro%s; the host's mounts under it keep their own "
						     "flags: rro needs Linux 5.12, and this kernel is older or not known): %s",
						     kept.len ? kept.data : "", reason);
		free(kept.data);
	}
	if (r == 0 && kept_cgroup && !own_shim)
		r = ocirl__rule_change(e, OCIRL_CHANGE_ADDED, shim, NULL, "/sys/fs/cgroup",
				       "added a read-only tmpfs at /sys/fs/cgroup, under the cgroup mount kept: the bind of "
				       "/sys brings the host's cgroup2 mount there, and the kernel refuses the same file "
				       "system twice on one mount point (runc: EBUSY, after which it hides /sys/fs/cgroup "
				       "under an empty tmpfs)");
	if (r == 0 && kept_cgroup && (made || cgroup_moved))
		r = ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, kept_cgroup, NULL, rule_get_str(kept_cgroup, "destination"),
				       "kept this %s mount, after the bind of /sys: on cgroup v2 it needs %s, unlike sysfs; "
				       "with a cgroup namespace of its own the container sees its own cgroup there "
				       "(pids.max, memory.max), without one runc and crun bind the host's /sys/fs/cgroup",
				       rule_get_str(kept_cgroup, "type"),
				       masked[0] ? "no fully visible /sys" : "no network namespace of the container's own");
	if (r < 0)
		return r;
	if (ocirl__node_set(t, e->config, "mounts", mounts) < 0)
		return rule_nomem(e);
	return 0;
}

const ocirl_rule ocirl__rule_sys = {
	.name = "sys",
	.summary = "without a network namespace of its own, the mounts at /sys become a bind of the host's /sys, "
		   "read-only (none is added where nothing was mounted); a cgroup mount at /sys/fs/cgroup stays after "
		   "it on cgroup v2",
	.reads = reads,
	.apply = apply,
};
