/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups (--cgroups, --cgroup-manager): drop removes linux.resources and
 * linux.cgroupsPath; keep leaves them; auto keeps only what the runtime's
 * cgroup driver will enforce for a rootless container, measured on Debian 12
 * with systemd and cgroup v2 (tests/vm/), runc 1.1 and crun 1.8:
 *
 * - cgroupfs: the runtime creates the container's cgroup itself. It can
 *   only where the parent of the caller's cgroup is writable by the caller
 *   (a delegated subtree: a systemd-run --user --scope -p Delegate=yes
 *   scope's parent, or the scope when RootlessKit runs in a leaf of it); a
 *   child of the caller's own cgroup gets no controller (it has processes).
 *   Without a cgroupsPath runc uses PARENT/ID but crun 1.8 creates no
 *   cgroup at all, silently; a relative path is PARENT/PATH for runc and
 *   /PATH for crun. So auto writes an absolute path in PARENT, which both
 *   resolve alike, and keeps the resources of the controllers PARENT gives
 *   its children. Elsewhere (a login session's scope, cgroup v1) nothing
 *   can be enforced and both go.
 * - systemd: the runtime asks the user's systemd manager (user@UID.service)
 *   for a scope: the resources of the controllers delegated to it stay; a
 *   cgroupsPath must be "slice:prefix:name" (else both runtimes refuse it),
 *   and without one runc and crun name the scope themselves.
 *
 * Below linux.resources the rule takes every type as it comes: it only
 * removes members.
 */
#include <time.h>
#include <unistd.h>

#include "rule.h"

static const ocirl_field reads[] = {
	{ "linux", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.resources", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.resources.cpu", OCIRL_FIELD_ANY, 0 },
	{ "linux.resources.unified", OCIRL_FIELD_ANY, 0 },
	{ "linux.cgroupsPath", OCIRL_FIELD_STRING, 0 },
	{ NULL, 0, 0 },
};

static const char why_no_cgroup[] =
	"a rootless runtime cannot create or join a cgroup to apply limits without a delegated cgroup v2 "
	"subtree (runc: \"cannot set memory limit: container could not join or create cgroup\")";

static const char why_no_cgroup_path[] =
	"a rootless runtime cannot create a cgroup at a given path without a delegated cgroup v2 subtree (runc: "
	"\"mkdir /sys/fs/cgroup/...: permission denied\")";

/* Messages name cgroup paths, which may be long. */
#define WHY_MAX 8192

static bool controller_in(const char *controllers, const char *name, size_t n)
{
	char needle[64];
	if (n + 3 > sizeof(needle))
		return false;
	snprintf(needle, sizeof(needle), " %.*s ", (int)n, name);
	return controllers && strstr(controllers, needle);
}

/* linux.resources keys and the cgroup v2 controller each needs ("" for none). */
static const struct {
	const char *key, *controller;
} resource_controllers[] = {
	{ "memory", "memory" },		 { "cpu", "cpu" },   { "pids", "pids" },   { "blockIO", "io" },
	{ "hugepageLimits", "hugetlb" }, { "rdma", "rdma" }, { "network", "" }, { "devices", "" },
};

static bool unified_key_undelegated(const char *k, const void *controllers)
{
	const char *dot = strchr(k, '.');
	return !dot || strncmp(k, "cgroup.", 7) == 0 || !controller_in(controllers, k, (size_t)(dot - k));
}

/* Removes the resources whose controller is not in controllers; where says
 * whose controllers they are ("the caller's delegated cgroup /a/b"). */
static int filter_resources(ocirl_rule_env *e, ocirl_node *res, const char *controllers, const char *where_from)
{
	int r;
	char why[WHY_MAX];
	for (size_t i = 0; i < sizeof(resource_controllers) / sizeof(resource_controllers[0]); i++) {
		const char *key = resource_controllers[i].key, *ctl = resource_controllers[i].controller;
		if (ocirl__node_find(res, key) < 0)
			continue;
		if (*ctl && controller_in(controllers, ctl, strlen(ctl)))
			continue;
		char where[64];
		snprintf(where, sizeof(where), "linux.resources.%s", key);
		if (*ctl)
			snprintf(why, sizeof(why), "the controller \"%s\" is not delegated to %s", ctl, where_from);
		else
			snprintf(why, sizeof(why), "cgroup v2 has no %s controller a rootless runtime can use",
				 strcmp(key, "devices") == 0 ? "devices" : "network");
		if ((r = ocirl__rule_drop(e, res, key, where, why)) < 0)
			return r;
	}
	/* cpu.cpus and cpu.mems are the cpuset controller's */
	ocirl_node *cpu = rule_get(res, "cpu");
	if (ocirl__node_is(cpu, OCIRL_NODE_OBJECT) && !controller_in(controllers, "cpuset", 6)) {
		snprintf(why, sizeof(why), "the controller \"cpuset\" is not delegated to %s", where_from);
		if ((r = ocirl__rule_drop(e, cpu, "cpus", "linux.resources.cpu.cpus", why)) < 0 ||
		    (r = ocirl__rule_drop(e, cpu, "mems", "linux.resources.cpu.mems", why)) < 0)
			return r;
	}
	/* unified: "CONTROLLER.FILE" keys */
	ocirl_node *unified = rule_get(res, "unified");
	snprintf(why, sizeof(why), "its controller is not delegated to %s", where_from);
	if (ocirl__node_is(unified, OCIRL_NODE_OBJECT) &&
	    (r = ocirl__rule_drop_keys(e, unified, unified_key_undelegated, controllers, "linux.resources.unified",
				       why)) < 0)
		return r;
	return 0;
}

static int drop_all(ocirl_rule_env *e, const char *why_res, const char *why_path)
{
	int r;
	if ((r = ocirl__rule_drop(e, e->linux_, "resources", "linux.resources", why_res)) < 0 ||
	    (r = ocirl__rule_drop(e, e->linux_, "cgroupsPath", "linux.cgroupsPath", why_path)) < 0)
		return r;
	return 0;
}

/* "slice:prefix:name", the form the systemd driver takes: three parts, the
 * slice empty (the runtime's default) or a unit name ending in ".slice"
 * (runc refuses another: "invalid slice name"). */
static bool systemd_form(const char *path)
{
	const char *a = strchr(path, ':');
	if (!a || !strchr(a + 1, ':') || strchr(strchr(a + 1, ':') + 1, ':'))
		return false;
	size_t n = (size_t)(a - path);
	return n == 0 || (n > 6 && strncmp(a - 6, ".slice", 6) == 0 && !memchr(path, '/', n));
}

static int apply_systemd(ocirl_rule_env *e, const ocirl_context *ctx)
{
	char why[WHY_MAX];
	int r;
	if (!ctx->cg_manager) {
		snprintf(why, sizeof(why),
			 "the systemd driver of a rootless runtime puts the container in a scope of the user's systemd "
			 "manager (user@UID.service), and none with a readable cgroup.controllers is above the "
			 "caller's cgroup%s%s",
			 ctx->cg_path ? " " : "", ctx->cg_path ? ctx->cg_path : "");
		if ((r = ocirl__rule_drop(e, e->linux_, "resources", "linux.resources", why)) < 0)
			return r;
	} else {
		ocirl_node *res = rule_get(e->linux_, "resources");
		char from[WHY_MAX];
		snprintf(from, sizeof(from), "the user's systemd manager %s", ctx->cg_manager);
		if (res && (r = filter_resources(e, res, ctx->cg_manager_controllers, from)) < 0)
			return r;
	}
	const char *path = rule_get_str(e->linux_, "cgroupsPath");
	if (!path || systemd_form(path))
		return 0;
	snprintf(why, sizeof(why),
		 "the systemd driver takes only \"slice:prefix:name\", the slice empty or NAME.slice (runc: \"expected cgroupsPath to be of format "
		 "\\\"slice:prefix:name\\\" for systemd cgroups\"); without one, runc and crun put the container in "
		 "a scope of their own naming (runc-ID.scope, crun-ID.scope) under %s",
		 ctx->cg_manager ? ctx->cg_manager : "the user's manager");
	return ocirl__rule_drop(e, e->linux_, "cgroupsPath", "linux.cgroupsPath", why);
}

/* The name of the container's cgroup when the config gives none. */
static char *cgroup_name(const ocirl_context *ctx)
{
	if (ctx->container_id)
		return strdup(ctx->container_id);
	unsigned char rnd[8];
	char *out = NULL;
	if (ocirl__random(rnd, sizeof(rnd)) < 0) {
		/* no getrandom() (an old kernel, a seccomp filter): the pid and the time */
		uint64_t v = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
		for (int i = 0; i < 8; i++)
			rnd[i] = (unsigned char)(v >> (8 * i));
	}
	return asprintf(&out, "oci-rootless-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
			rnd[5], rnd[6], rnd[7]) < 0
		       ? NULL
		       : out;
}

/* PARENT/SUB, cleaned; NULL when out of memory. */
static char *under_parent(const char *parent, const char *sub)
{
	char *joined = NULL;
	if (asprintf(&joined, "%s/%s", strcmp(parent, "/") == 0 ? "" : parent, sub) < 0)
		return NULL;
	char *clean = ocirl__path_clean(joined);
	free(joined);
	return clean;
}

/* Why auto writes the cgroupsPath it writes (%s: the parent, the caller's cgroup). */
#define WHY_CGROUPFS                                                                                              \
	"the cgroupfs driver of a rootless runtime can create the container's cgroup only in the delegated cgroup " \
	"%s, the parent of the caller's %s; runc and crun both take an absolute path as it is (without one crun "  \
	"1.8 creates no cgroup and applies no limit; a relative one is PARENT/PATH for runc, /PATH for crun); "     \
	"meant for a runtime started from the caller's cgroup"

static int apply_cgroupfs(ocirl_rule_env *e, const ocirl_context *ctx)
{
	if (!ctx->cg_delegated)
		return drop_all(e, why_no_cgroup, why_no_cgroup_path);
	ocirl_node *linux_ = e->linux_;
	ocirl_node *res = rule_get(linux_, "resources");
	char from[WHY_MAX];
	snprintf(from, sizeof(from), "the cgroup %s, the parent of the caller's", ctx->cg_parent);
	int r;
	if (res && (r = filter_resources(e, res, ctx->cg_controllers, from)) < 0)
		return r;

	/* where the container's cgroup goes: an absolute path in the parent */
	const char *path = rule_get_str(linux_, "cgroupsPath");
	_cleanup_free_ char *clean = path ? ocirl__path_clean(path[0] == '/' ? path : "/") : NULL;
	if (path && !clean)
		return rule_nomem(e);
	if (path && path[0] == '/' && strcmp(clean, ctx->cg_parent) != 0 && ocirl__path_is_under(clean, ctx->cg_parent) &&
	    !ocirl__path_is_under(clean, ctx->cg_path))
		return 0; /* already there */
	_cleanup_free_ char *want = NULL, *name = NULL;
	if (path && path[0] == '/' && ocirl__path_is_under(clean, ctx->cg_parent)) {
		/* the parent itself, or in the caller's own cgroup: what lies
		 * below the caller's cgroup, moved beside it (else the id) */
		size_t c = strlen(ctx->cg_path);
		if (ocirl__path_is_under(clean, ctx->cg_path) && clean[c] == '/')
			want = under_parent(ctx->cg_parent, clean + c + 1);
	} else if (path && *path && strcmp(path, "/") != 0)
		want = under_parent(ctx->cg_parent, path);
	if (want && (strcmp(want, ctx->cg_parent) == 0 || !ocirl__path_is_under(want, ctx->cg_parent) ||
		     ocirl__path_is_under(want, ctx->cg_path))) {
		free(want);
		want = NULL; /* ".." out of the parent, or into the caller's own cgroup */
	}
	if (!want && (!(name = cgroup_name(ctx)) || !(want = under_parent(ctx->cg_parent, name))))
		return rule_nomem(e);
	if (path && strcmp(path, want) == 0)
		return 0;
	ocirl_node *v = ocirl__node_new_string(e->tree, want);
	if (!v || ocirl__node_set(e->tree, linux_, "cgroupsPath", v) < 0)
		return rule_nomem(e);
	if (path)
		return ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, linux_, "cgroupsPath", "linux.cgroupsPath",
					  "\"%s\" replaced by \"%s\": " WHY_CGROUPFS, path, want,
					  ctx->cg_parent, ctx->cg_path);
	return ocirl__rule_change(e, OCIRL_CHANGE_ADDED, linux_, "cgroupsPath", "linux.cgroupsPath", "added \"%s\": " WHY_CGROUPFS, want, ctx->cg_parent, ctx->cg_path);
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *linux_ = e->linux_;
	if (e->ctx->cgroups == OCIRL_CGROUPS_KEEP)
		return 0;
	if (!ocirl__node_get(linux_, "resources") && !ocirl__node_get(linux_, "cgroupsPath"))
		return 0; /* nothing to look at: the caller's cgroup is not read */
	if (e->ctx->cgroups == OCIRL_CGROUPS_DROP)
		return drop_all(e, why_no_cgroup, why_no_cgroup_path);
	const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_CGROUP);
	if (!ctx->cg_v2)
		return drop_all(e, why_no_cgroup, why_no_cgroup_path);
	if (ctx->cgroup_manager == OCIRL_CGROUP_MANAGER_SYSTEMD)
		return apply_systemd(e, ctx);
	return apply_cgroupfs(e, ctx);
}

const ocirl_rule ocirl__rule_cgroups = {
	.name = "cgroups",
	.summary = "linux.resources and linux.cgroupsPath: removed, kept, or (auto) kept as far as the runtime's "
		   "cgroup driver enforces them, with a cgroupsPath both runc and crun resolve in the delegated subtree",
	.reads = reads,
	.apply = apply,
};
