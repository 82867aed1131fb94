/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups (--cgroups): drop removes linux.resources and linux.cgroupsPath;
 * keep leaves them; auto keeps what a delegated cgroup v2 subtree can
 * enforce (the resources of the controllers in the caller's
 * cgroup.controllers, a cgroupsPath under the caller's cgroup) and drops
 * everything on cgroup v1 or without delegation. Below linux.resources the
 * rule takes every type as it comes: it only removes members.
 */
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

static bool controller_delegated(const ocirl_context *ctx, const char *name, size_t n)
{
	char needle[64];
	if (n + 3 > sizeof(needle))
		return false;
	snprintf(needle, sizeof(needle), " %.*s ", (int)n, name);
	return ctx->cg_controllers && strstr(ctx->cg_controllers, needle);
}

/* linux.resources keys and the cgroup v2 controller each needs ("" for none). */
static const struct {
	const char *key, *controller;
} resource_controllers[] = {
	{ "memory", "memory" },		 { "cpu", "cpu" },   { "pids", "pids" },   { "blockIO", "io" },
	{ "hugepageLimits", "hugetlb" }, { "rdma", "rdma" }, { "network", "" }, { "devices", "" },
};

static bool unified_key_undelegated(const char *k, const void *ctx)
{
	const char *dot = strchr(k, '.');
	return !dot || strncmp(k, "cgroup.", 7) == 0 || !controller_delegated(ctx, k, (size_t)(dot - k));
}

static int filter_resources(ocirl_rule_env *e, ocirl_node *res)
{
	const ocirl_context *ctx = e->ctx;
	int r;
	for (size_t i = 0; i < sizeof(resource_controllers) / sizeof(resource_controllers[0]); i++) {
		const char *key = resource_controllers[i].key, *ctl = resource_controllers[i].controller;
		if (ocirl__node_find(res, key) < 0)
			continue;
		if (*ctl && controller_delegated(ctx, ctl, strlen(ctl)))
			continue;
		char where[64], why[160];
		snprintf(where, sizeof(where), "linux.resources.%s", key);
		if (*ctl)
			snprintf(why, sizeof(why), "the controller \"%s\" is not in the caller's delegated cgroup.controllers",
				 ctl);
		else
			snprintf(why, sizeof(why), "cgroup v2 has no %s controller a rootless runtime can use",
				 strcmp(key, "devices") == 0 ? "devices" : "network");
		if ((r = ocirl__rule_drop(e, res, key, where, why)) < 0)
			return r;
	}
	/* cpu.cpus and cpu.mems are the cpuset controller's */
	ocirl_node *cpu = rule_get(res, "cpu");
	if (ocirl__node_is(cpu, OCIRL_NODE_OBJECT) && !controller_delegated(ctx, "cpuset", 6)) {
		static const char why[] = "the controller \"cpuset\" is not in the caller's delegated cgroup.controllers";
		if ((r = ocirl__rule_drop(e, cpu, "cpus", "linux.resources.cpu.cpus", why)) < 0 ||
		    (r = ocirl__rule_drop(e, cpu, "mems", "linux.resources.cpu.mems", why)) < 0)
			return r;
	}
	/* unified: "CONTROLLER.FILE" keys */
	ocirl_node *unified = rule_get(res, "unified");
	if (ocirl__node_is(unified, OCIRL_NODE_OBJECT) &&
	    (r = ocirl__rule_drop_keys(e, unified, unified_key_undelegated, ctx, "linux.resources.unified",
				       "its controller is not in the caller's delegated cgroup.controllers")) < 0)
		return r;
	return 0;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *linux_ = e->linux_;
	if (e->ctx->cgroups == OCIRL_CGROUPS_KEEP)
		return 0;
	if (!ocirl__node_get(linux_, "resources") && !ocirl__node_get(linux_, "cgroupsPath"))
		return 0; /* nothing to look at: the caller's cgroup is not read */
	int r;
	if (e->ctx->cgroups == OCIRL_CGROUPS_DROP || !rule_facts(e, OCIRL_FACT_CGROUP)->cg_delegated) {
		if ((r = ocirl__rule_drop(e, linux_, "resources", "linux.resources", why_no_cgroup)) < 0 ||
		    (r = ocirl__rule_drop(e, linux_, "cgroupsPath", "linux.cgroupsPath", why_no_cgroup_path)) < 0)
			return r;
		return 0;
	}
	/* auto with a delegated cgroup v2 subtree: keep what it can enforce */
	ocirl_node *res = rule_get(linux_, "resources");
	if (res && (r = filter_resources(e, res)) < 0)
		return r;
	const char *path = rule_get_str(linux_, "cgroupsPath");
	if (!path)
		return 0;
	_cleanup_free_ char *clean = ocirl__path_clean(path);
	if (!clean)
		return rule_nomem(e);
	if (ocirl__path_is_under(clean, e->ctx->cg_path))
		return 0;
	char why[512];
	snprintf(why, sizeof(why), "it does not lie under the caller's delegated cgroup %s", e->ctx->cg_path);
	return ocirl__rule_drop(e, linux_, "cgroupsPath", "linux.cgroupsPath", why);
}

const ocirl_rule ocirl__rule_cgroups = {
	.name = "cgroups",
	.summary = "linux.resources and linux.cgroupsPath: removed, kept, or (auto) kept as far as a delegated cgroup "
		   "v2 subtree enforces them",
	.reads = reads,
	.apply = apply,
};
