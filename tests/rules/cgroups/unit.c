/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule cgroups (lib/rules/cgroups.c, --cgroups): drop
 * removes linux.resources and linux.cgroupsPath, keep leaves them, auto
 * keeps what a delegated cgroup v2 subtree enforces. */
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
	rt_ctx.net_owned_by_own_userns = true;

	/* linux.resources and linux.cgroupsPath are read by cgroups alone */
	rt_check_error("{\"linux\":{\"resources\":5}}", "error 1: linux.resources: expected an object",
		       "cgroups: resources of the wrong type");
	rt_check_error("{\"linux\":{\"cgroupsPath\":7}}", "error 1: linux.cgroupsPath: expected a string",
		       "cgroups: a cgroupsPath of the wrong type");
	rt_check_skipped("cgroups", "{\"linux\":{\"resources\":5,\"cgroupsPath\":7}}",
			 "{\"linux\":{\"resources\":5,\"cgroupsPath\":7}}", "",
			 "cgroups skipped: resources and cgroupsPath of any type are accepted and left as they are");

	/* auto, with a delegated cgroup v2 subtree */
	rt_ctx.cgroups = OCIRL_CGROUPS_AUTO;
	rt_ctx.cg_delegated = true;
	rt_ctx.cg_path = (char *)"/user.slice/u";
	rt_ctx.cg_controllers = (char *)" cpu memory pids ";
	snprintf(in, sizeof(in), "{\"linux\":{%s,\"cgroupsPath\":\"/user.slice/u/../u/c1\"}}", res);
	rt_check(in, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"cpu\":{\"shares\":2},\"pids\":{\"limit\":3},"
		     "\"unified\":{\"memory.high\":\"5\"},\"x-new\":7},\"cgroupsPath\":\"/user.slice/u/../u/c1\"}}",
		 "linux.resources.blockIO: removed: the controller \"io\" is not in the caller's delegated|linux.resources.hugepageLimits|"
		 "linux.resources.network|linux.resources.devices|linux.resources.cpu.cpus|linux.resources.cpu.mems|"
		 "linux.resources.unified.io.max|linux.resources.unified.cgroup.freeze",
		 "cgroups: auto: delegated controllers stay, others and devices go, cgroupsPath under the caller's cgroup stays");
	rt_check_tag(in, "linux.resources.unified.io.max: removed", "cgroups", "cgroups: auto: a unified key removed");
	rt_check_skipped("cgroups", in, in, "", "cgroups skipped: auto: undelegated resources stay");
	rt_check("{\"linux\":{\"cgroupsPath\":\"/other/c1\"}}", "{\"linux\":{}}",
		 "linux.cgroupsPath: removed: it does not lie under the caller's delegated cgroup /user.slice/u",
		 "cgroups: auto: a cgroupsPath elsewhere goes");
	rt_check_tag("{\"linux\":{\"cgroupsPath\":\"/other/c1\"}}", "linux.cgroupsPath: removed: it does not lie under",
		     "cgroups", "cgroups: auto: a cgroupsPath elsewhere removed");

	/* keep */
	rt_ctx.cgroups = OCIRL_CGROUPS_KEEP;
	snprintf(in, sizeof(in), "{\"linux\":{%s,\"cgroupsPath\":\"/x\"}}", res);
	rt_check(in, in, "", "cgroups: keep: resources and cgroupsPath stay as they are");

	/* auto without delegation (cgroup v1) */
	rt_ctx.cgroups = OCIRL_CGROUPS_AUTO;
	rt_ctx.cg_delegated = false;
	rt_check(in, "{\"linux\":{}}", "linux.resources: removed|linux.cgroupsPath: removed",
		 "cgroups: auto without delegation (cgroup v1): everything goes");
	rt_check_skipped("cgroups", in, in, "", "cgroups skipped: auto without delegation: everything stays");
	return done_testing();
}
