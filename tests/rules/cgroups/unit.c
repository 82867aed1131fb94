/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule cgroups (lib/rules/cgroups.c, --cgroups): drop
 * removes linux.resources and linux.cgroupsPath, keep leaves them, auto
 * keeps what the runtime's cgroup driver enforces (cgroupfs: in the
 * delegated parent of the caller's cgroup; systemd: the user manager's
 * controllers). */
#include "rule-test.h"

static const char res[] =
	"\"resources\":{\"devices\":[{\"allow\":false}],\"memory\":{\"limit\":1},\"cpu\":{\"shares\":2,\"cpus\":\"0\","
	"\"mems\":\"0\"},\"pids\":{\"limit\":3},\"blockIO\":{\"weight\":4},\"hugepageLimits\":[],\"network\":{},"
	"\"unified\":{\"memory.high\":\"5\",\"io.max\":\"6\",\"cgroup.freeze\":\"0\"},\"x-new\":7}";

int main(void)
{
	char want[4096], in[4096];

	/* mode subid (rt_maps), --cgroups drop, no caller fact known */
	rt_ctx.maps = &rt_maps;
	rt_ctx.cgroups = OCIRL_CGROUPS_DROP;

	snprintf(in, sizeof(in), "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1}},\"namespaces\":[" RT_NETNS "," RT_USERNS
		 "],%s,\"cgroupsPath\":\"/x\",\"z\":1}}", RT_MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s,\"z\":1}}", RT_MAPS_JSON);
	rt_check(in, want, "linux.resources: removed: a rootless runtime cannot|linux.cgroupsPath: removed",
		 "cgroups: resources and cgroupsPath are removed");
	rt_check_tag(in, "linux.resources: removed", "cgroups", "cgroups: resources removed");
	rt_check_tag(in, "linux.cgroupsPath: removed", "cgroups", "cgroups: cgroupsPath removed");
	/* turned off (--skip cgroups): both stay */
	rt_check_skipped("cgroups", in, in, "", "cgroups skipped: resources and cgroupsPath stay");
	snprintf(in, sizeof(in), "{\"linux\":{\"resources\":null,\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s}}", RT_MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s}}", RT_MAPS_JSON);
	rt_check(in, want, "linux.resources: removed", "cgroups: a null resources is removed too");

	/* mode inherit, /sys out of the way: the config is the rule's alone */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;

	/* linux.resources and linux.cgroupsPath are read by cgroups alone */
	rt_check_error("{\"linux\":{\"resources\":5}}", "error 1: linux.resources: expected an object",
		       "cgroups: resources of the wrong type");
	rt_check_error("{\"linux\":{\"cgroupsPath\":7}}", "error 1: linux.cgroupsPath: expected a string",
		       "cgroups: a cgroupsPath of the wrong type");
	rt_check_skipped("cgroups", "{\"linux\":{\"resources\":5,\"cgroupsPath\":7}}",
			 "{\"linux\":{\"resources\":5,\"cgroupsPath\":7}}", "",
			 "cgroups skipped: resources and cgroupsPath of any type are accepted and left as they are");

	/* auto, cgroupfs, the caller in a delegated scope: its parent /a/s is writable */
	rt_ctx.cgroups = OCIRL_CGROUPS_AUTO;
	rt_ctx.cg_v2 = true;
	rt_ctx.cg_delegated = true;
	rt_ctx.cg_path = (char *)"/a/s/run.scope";
	rt_ctx.cg_parent = (char *)"/a/s";
	rt_ctx.cg_controllers = (char *)" cpu memory pids ";
	rt_ctx.container_id = (char *)"c9";
	snprintf(in, sizeof(in), "{\"linux\":{%s,\"cgroupsPath\":\"/a/s/../s/c1\"}}", res);
	rt_check(in, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"cpu\":{\"shares\":2},\"pids\":{\"limit\":3},"
		     "\"unified\":{\"memory.high\":\"5\"},\"x-new\":7},\"cgroupsPath\":\"/a/s/../s/c1\"}}",
		 "linux.resources.blockIO: removed: the controller \"io\" is not delegated to the cgroup /a/s, the parent of "
		 "the caller's|linux.resources.hugepageLimits|linux.resources.network|linux.resources.devices|"
		 "linux.resources.cpu.cpus|linux.resources.cpu.mems|linux.resources.unified.io.max|"
		 "linux.resources.unified.cgroup.freeze",
		 "cgroups: auto: delegated controllers stay, others and devices go, an absolute cgroupsPath in the parent "
		 "stays as written");
	rt_check_tag(in, "linux.resources.unified.io.max: removed", "cgroups", "cgroups: auto: a unified key removed");
	rt_check_skipped("cgroups", in, in, "", "cgroups skipped: auto: undelegated resources stay");
	/* where the container's cgroup goes: always an absolute path in the parent */
	static const struct {
		const char *in, *want, *desc;
	} paths[] = {
		{ "\"cgroupsPath\":\"/other/c1\"", "\"cgroupsPath\":\"/a/s/other/c1\"", "an absolute path elsewhere is moved into the parent" },
		{ "\"cgroupsPath\":\"k/c1\"", "\"cgroupsPath\":\"/a/s/k/c1\"", "a relative path is made absolute in the parent, as runc resolves it" },
		{ "\"cgroupsPath\":\"../../x\"", "\"cgroupsPath\":\"/a/s/c9\"", "a relative path out of the parent: the container's id" },
		{ "\"cgroupsPath\":\"/a/s/run.scope/c1\"", "\"cgroupsPath\":\"/a/s/c1\"", "under the caller's own cgroup (no controller there): moved beside it" },
		{ "\"cgroupsPath\":\"/a/s/run.scope\"", "\"cgroupsPath\":\"/a/s/c9\"", "the caller's own cgroup: the container's id beside it" },
		{ "\"cgroupsPath\":\"/a/s\"", "\"cgroupsPath\":\"/a/s/c9\"", "the parent itself: the container's id in it" },
		{ "\"cgroupsPath\":\"/\"", "\"cgroupsPath\":\"/a/s/c9\"", "the root: the container's id in the parent" },
		{ "\"cgroupsPath\":\"a/../../b\"", "\"cgroupsPath\":\"/a/s/c9\"", "a relative path that leaves the parent once cleaned: the container's id" },
		{ "\"cgroupsPath\":\"\"", "\"cgroupsPath\":\"/a/s/c9\"", "an empty path: the container's id" },
		{ "\"resources\":{}", "\"resources\":{},\"cgroupsPath\":\"/a/s/c9\"", "no path: the container's id in the parent (crun 1.8 creates none)" },
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char desc[256];
		snprintf(in, sizeof(in), "{\"linux\":{%s}}", paths[i].in);
		snprintf(want, sizeof(want), "{\"linux\":{%s}}", paths[i].want);
		snprintf(desc, sizeof(desc), "cgroups: auto, cgroupfs: %s", paths[i].desc);
		rt_check(in, want, "linux.cgroupsPath: ", desc);
	}
	rt_check("{\"linux\":{\"cgroupsPath\":\"k\"}}", "{\"linux\":{\"cgroupsPath\":\"/a/s/k\"}}",
		 "linux.cgroupsPath: \"k\" replaced by \"/a/s/k\": the cgroupfs driver of a rootless runtime can create the "
		 "container's cgroup only in the delegated cgroup /a/s, the parent of the caller's /a/s/run.scope;",
		 "cgroups: auto, cgroupfs: the replacement is explained, naming where the container's cgroup goes");
	rt_ctx.container_id = NULL;
	{
		char *ex = NULL, *got = rt_convert("{\"linux\":{\"resources\":{}}}", &ex);
		static const char prefix[] = "{\"linux\":{\"resources\":{},\"cgroupsPath\":\"/a/s/oci-rootless-";
		size_t n = sizeof(prefix) - 1;
		ok(got && strncmp(got, prefix, n) == 0 && strlen(got) == n + 16 + 3 &&
			   strspn(got + n, "0123456789abcdef") == 16,
		   "cgroups: auto, cgroupfs: no path and no id: oci-rootless- and 16 hex digits");
		free(got);
		free(ex);
	}
	/* the caller's parent is not writable (a login session's scope) */
	rt_ctx.cg_delegated = false;
	rt_check("{\"linux\":{\"resources\":{},\"cgroupsPath\":\"/x\"}}", "{\"linux\":{}}",
		 "linux.resources: removed: a rootless runtime cannot|linux.cgroupsPath: removed",
		 "cgroups: auto, cgroupfs, no delegated parent: everything goes");

	/* auto, systemd: the user manager's controllers count, the path must be slice:prefix:name */
	rt_ctx.cgroup_manager = OCIRL_CGROUP_MANAGER_SYSTEMD;
	rt_ctx.cg_manager = (char *)"/user.slice/user-7.slice/user@7.service";
	rt_ctx.cg_manager_controllers = (char *)" memory pids ";
	snprintf(in, sizeof(in), "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"cpu\":{\"shares\":2}},"
		 "\"cgroupsPath\":\"user.slice:p:n\"}}");
	rt_check(in, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1}},\"cgroupsPath\":\"user.slice:p:n\"}}",
		 "linux.resources.cpu: removed: the controller \"cpu\" is not delegated to the user's systemd manager "
		 "/user.slice/user-7.slice/user@7.service",
		 "cgroups: auto, systemd: the manager's controllers stay, a slice:prefix:name path stays");
	rt_check("{\"linux\":{\"resources\":{},\"cgroupsPath\":\"/a/s/c1\"}}", "{\"linux\":{\"resources\":{}}}",
		 "linux.cgroupsPath: removed: the systemd driver takes only \"slice:prefix:name\"",
		 "cgroups: auto, systemd: a cgroupfs path goes (both runtimes refuse it)");
	rt_check("{\"linux\":{\"resources\":{}}}", "{\"linux\":{\"resources\":{}}}", "",
		 "cgroups: auto, systemd: no path: none is added (the runtimes name the scope)");
	rt_check("{\"linux\":{\"cgroupsPath\":\"a:b\"}}", "{\"linux\":{}}", "linux.cgroupsPath: removed",
		 "cgroups: auto, systemd: two parts are not slice:prefix:name");
	rt_check("{\"linux\":{\"cgroupsPath\":\"a:b:c\"}}", "{\"linux\":{}}", "linux.cgroupsPath: removed",
		 "cgroups: auto, systemd: a slice not named NAME.slice is not slice:prefix:name");
	rt_check("{\"linux\":{\"cgroupsPath\":\"x/y.slice:p:n\"}}", "{\"linux\":{}}", "linux.cgroupsPath: removed",
		 "cgroups: auto, systemd: a slice with / is not slice:prefix:name");
	rt_check("{\"linux\":{\"cgroupsPath\":\":p:n\"}}", "{\"linux\":{\"cgroupsPath\":\":p:n\"}}", "",
		 "cgroups: auto, systemd: an empty slice (the runtime's default) is slice:prefix:name");
	rt_ctx.cg_manager = NULL;
	rt_check("{\"linux\":{\"resources\":{\"memory\":{}},\"cgroupsPath\":\"user.slice:p:n\"}}",
		 "{\"linux\":{\"cgroupsPath\":\"user.slice:p:n\"}}",
		 "linux.resources: removed: the systemd driver of a rootless runtime puts the container in a scope of the user's "
		 "systemd manager",
		 "cgroups: auto, systemd, no user manager above the caller: resources go");
	rt_check("{\"linux\":{\"cgroupsPath\":\"/x\"}}", "{\"linux\":{}}",
		 "linux.cgroupsPath: removed: the systemd driver takes only",
		 "cgroups: auto, systemd, no user manager: a cgroupfs path goes too");
	rt_ctx.cgroup_manager = OCIRL_CGROUP_MANAGER_CGROUPFS;

	/* keep */
	rt_ctx.cgroups = OCIRL_CGROUPS_KEEP;
	snprintf(in, sizeof(in), "{\"linux\":{%s,\"cgroupsPath\":\"/x\"}}", res);
	rt_check(in, in, "", "cgroups: keep: resources and cgroupsPath stay as they are");

	/* auto on cgroup v1 */
	rt_ctx.cgroups = OCIRL_CGROUPS_AUTO;
	rt_ctx.cg_v2 = false;
	rt_ctx.cg_delegated = false;
	rt_check(in, "{\"linux\":{}}", "linux.resources: removed|linux.cgroupsPath: removed",
		 "cgroups: auto without delegation (cgroup v1): everything goes");
	rt_check_skipped("cgroups", in, in, "", "cgroups skipped: auto without delegation: everything stays");
	return done_testing();
}
