/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule sys (lib/rules/sys.c): without a network
 * namespace the container's user namespace owns, the mounts at /sys or
 * under it become one recursive bind of the host's /sys (read-only at its top), at the
 * end. */
#include <string.h>

#include "ns-child.h"
#include "rule-test.h"

#define JOINED_NET "{\"type\":\"network\",\"path\":\"/run/netns/x\"}"

static const char mounts[] = "\"mounts\":[{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
			     "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\"]},"
			     "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\"},"
			     "{\"destination\":\"//sys/\",\"type\":\"tmpfs\"},"
			     "{\"destination\":\"/x/../sys/kernel\",\"type\":\"tmpfs\"},"
			     "{\"destination\":\"sys/.\",\"type\":\"tmpfs\"},"
			     "{\"destination\":\"/sysroot\",\"type\":\"bind\",\"source\":\"/a\"},"
			     "{\"destination\":\"/sys-data\",\"type\":\"bind\",\"source\":\"/b\"}]";

int main(void)
{
	char want[4096], in[4096];

	/* mode subid (rt_maps), no caller fact known */
	rt_ctx.maps = &rt_maps;

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s},%s}", RT_MAPS_JSON, mounts);
	rt_check(in, in, "", "sys: with a network namespace of its own, /sys mounts stay");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" JOINED_NET "," RT_USERNS "],%s},%s}", RT_MAPS_JSON, mounts);
	snprintf(want, sizeof(want),
		 "{\"linux\":{\"namespaces\":[" JOINED_NET "," RT_USERNS "],%s},"
		 "\"mounts\":[{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
		 "{\"destination\":\"/sysroot\",\"type\":\"bind\",\"source\":\"/a\"},"
		 "{\"destination\":\"/sys-data\",\"type\":\"bind\",\"source\":\"/b\"}," RT_SYSBIND "]}",
		 RT_MAPS_JSON);
	rt_check(in, want,
		 "/sys: removed this sysfs mount: the container has no network namespace of its own|/sys/fs/cgroup: removed "
		 "this cgroup mount|//sys/: removed this tmpfs mount|/x/../sys/kernel: removed|sys/.: removed|/sys: added a "
		 "recursive bind of the host's /sys, read-only at its top (rbind, nosuid, noexec, nodev, ro; the host's mounts "
		 "under it keep their own flags: rro needs Linux 5.12, and this kernel is older or not known)",
		 "sys: a joined network namespace: /sys mounts, matched as paths, become one bind");
	/* Linux 5.12 and later: read-only throughout (rro) */
	rt_ctx.kernel_known = true;
	rt_ctx.kernel_major = 5;
	rt_ctx.kernel_minor = 12;
	{
		char *ex = NULL, *out = rt_convert(in, &ex);
		ok(out && strstr(out, "{\"destination\":\"/sys\",\"type\":\"bind\",\"source\":\"/sys\",\"options\":[\"rbind\","
				      "\"nosuid\",\"noexec\",\"nodev\",\"ro\",\"rro\"]}") &&
			   ex && strstr(ex, "/sys: added a recursive bind of the host's /sys, read-only throughout (rbind, nosuid, "
					    "noexec, nodev, ro, rro: its submounts too, Linux 5.12 and later)"),
		   "sys: Linux 5.12: the bind is read-only throughout, rro: %s", out ? out : "(null)");
		char *ex2 = NULL, *again = out ? rt_convert(out, &ex2) : NULL;
		ok(again && strcmp(again, out) == 0 && ex2 && !*ex2, "sys: Linux 5.12: a second conversion changes nothing");
		free(again);
		free(ex2);
		free(out);
		free(ex);
	}
	rt_ctx.kernel_minor = 11;
	{
		char *ex = NULL, *out = rt_convert(in, &ex);
		ok(out && !strstr(out, "\"rro\"") && ex && strstr(ex, "rro needs Linux 5.12, and this kernel is older"),
		   "sys: Linux 5.11: no rro, and the explanation says why: %s", ex ? ex : "(null)");
		free(out);
		free(ex);
	}
	rt_ctx.kernel_known = false;
	rt_check_tag(in, "/sys: removed this sysfs mount", "sys", "sys: a sysfs mount removed");
	{
		char *ex = NULL, *out = rt_convert(in, &ex);
		ok(strstr(ex, "/sys/fs/cgroup: removed this cgroup mount under /sys: the host's /sys is bound in place of "
			      "the container's, recursively, with the host's own mounts under it [sys]") != NULL &&
			   strstr(ex, "/x/../sys/kernel: removed this tmpfs mount under /sys: the host's /sys") != NULL &&
			   strstr(ex, "//sys/: removed this tmpfs mount: the container has no network namespace") != NULL,
		   "sys: a mount under /sys is explained as such, not with the sysfs reason: %s", ex);
		free(out);
		free(ex);
	}

	/* only in place of a mount that had to go */
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/tmp\","
		 "\"type\":\"tmpfs\"},{\"destination\":\"/sysroot\",\"type\":\"bind\",\"source\":\"/a\"}]}", RT_MAPS_JSON);
	rt_check(in, in, "", "sys: no mount at /sys, no network namespace: no bind of the host's /sys is added");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s}}", RT_MAPS_JSON);
	rt_check(in, in, "", "sys: no mounts at all: none is added");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/sys/fs/cgroup\","
		 "\"type\":\"cgroup\"}]}", RT_MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[" RT_SYSBIND "]}", RT_MAPS_JSON);
	rt_check(in, want, "/sys/fs/cgroup: removed this cgroup mount under /sys|/sys: added a recursive bind of the host's /sys, read-only at its top",
		 "sys: a mount under /sys alone goes too, and the bind takes its place");
	rt_check_tag(in, "/sys: added a recursive bind of the host's /sys, read-only at its top", "sys", "sys: the bind of /sys added");
	/* turned off (--skip sys): the mounts stay as written */
	rt_check_skipped("sys", in, in, "", "sys skipped: a joined network namespace: the /sys mounts stay");

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[" RT_SYSBIND
		 ",{\"destination\":\"/a\",\"type\":\"tmpfs\"}]}", RT_MAPS_JSON);
	rt_check(in, in, "", "sys: a bind of /sys already there stays where it is, mounts after it too (devices "
			   "appends its binds after it: a second conversion must not move it)");
	rt_check_skipped("sys", in, in, "", "sys skipped: the bind of /sys stays where it is");

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/a\"}," RT_SYSBIND
		 ",{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\"}]}", RT_MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/a\"},"
		 RT_SYSBIND "]}", RT_MAPS_JSON);
	rt_check(in, want, "/sys/fs/cgroup: removed this cgroup mount",
		 "sys: a bind of /sys already there: only the other mounts under /sys go");

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/sys\",\"type\":\"none\","
		 "\"source\":\"/sys\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\",\"rslave\"]}]}", RT_MAPS_JSON);
	rt_check(in, in, "", "sys: a bind of /sys with more options than ours (such as locked flags) is kept as it is");

	/* the check of types of the mounts: sys is the first rule of the table to read them */
	rt_check_error("{\"mounts\":{}}", "error 1: mounts: expected an array", "sys: mounts of the wrong type");
	rt_check_error("{\"mounts\":[{\"destination\":\"/a\"},3]}", "error 1: mounts[1]: expected an object",
		       "sys: a mount that is a number");
	rt_check_error("{\"mounts\":[{\"type\":\"tmpfs\"}]}", "error 1: mounts[0].destination: expected a string",
		       "sys: a mount without a destination");
	rt_check_error("{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},{\"destination\":\"/c\"},"
		       "{\"destination\":\"/d\",\"options\":[\"ro\",5]}]}",
		       "error 1: mounts[3].options[1]: expected a string", "sys: a mount option that is a number");
	rt_check_error("{\"mounts\":[{\"destination\":\"/a\",\"options\":\"ro\"}]}",
		       "error 1: mounts[0].options: expected an array", "sys: mount options that are a string");
	rt_check_error("{\"mounts\":[{\"destination\":\"/a\",\"options\":[\"bind\\u0000x\"]}]}",
		       "error 1: mounts[0].options[0]: a \\u0000 in this string is not allowed",
		       "sys: a \\u0000 in a mount option is refused (\"bind\\u0000x\" would pass for bind)");
	rt_check_error("{\"mounts\":[{\"destination\":\"/a\",\"source\":false}]}",
		       "error 1: mounts[0].source: expected a string", "sys: a mount source that is a boolean");
	/* the mounts are read by id-options, proc, ipc-mounts and locked-flags too */
	rt_check_skipped("sys", "{\"mounts\":{}}", "error 1: mounts: expected an array", "",
			 "sys skipped: mounts of the wrong type are still refused");
	rt_check_skipped("sys", "{\"mounts\":[{\"type\":\"tmpfs\"}]}", "error 1: mounts[0].destination: expected a string",
			 "", "sys skipped: a mount without a destination is still refused");

	/* mode inherit: the caller's user namespace may own its network namespace */
	rt_ctx.maps = &rt_inherit;
	const char *nonet = "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":[{\"destination\":\"/sys\","
			    "\"type\":\"sysfs\",\"source\":\"sysfs\"},{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=65536\","
			    "\"uid=65537\"]}]}";
	rt_ctx.owns_net = true;
	rt_check(nonet,
		 "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":[{\"destination\":\"/sys\",\"type\":\"sysfs\","
		 "\"source\":\"sysfs\"},{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=65536\"]}]}",
		 "/t: dropped option uid=65537",
		 "sys: inherit: /sys stays when the caller's user namespace owns its network namespace; ids are the caller's inside ids");
	rt_ctx.owns_net = false;
	rt_check(nonet,
		 "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\","
		 "\"options\":[\"uid=65536\"]}," RT_SYSBIND "]}",
		 "/sys: removed this sysfs mount|/sys: added a recursive bind of the host's /sys, read-only at its top|/t: dropped option uid=65537",
		 "sys: inherit: /sys is bound when the network namespace belongs to another user namespace");
	rt_check_tag(nonet, "/sys: added a recursive bind of the host's /sys, read-only at its top", "sys", "sys: inherit: the bind of /sys added");
	rt_check_skipped("sys", nonet,
			 "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":[{\"destination\":\"/sys\","
			 "\"type\":\"sysfs\",\"source\":\"sysfs\"},{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=65536\"]}]}",
			 "/t: dropped option uid=65537",
			 "sys skipped: inherit: the sysfs mount stays, whoever owns the network namespace");
	/* a network namespace of its own, but the caller's /sys not fully visible */
	rt_ctx.maps = &rt_maps;
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/sys\","
		 "\"type\":\"sysfs\",\"source\":\"sysfs\"}]}", RT_MAPS_JSON);
	rt_ctx.visible_known = true;
	rt_check(in, in, "", "sys: own network namespace, the caller's /sys fully visible: the sysfs stays");
	snprintf(rt_ctx.sys_masked, sizeof(rt_ctx.sys_masked), "/sys/firmware");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s},\"mounts\":[" RT_SYSBIND "]}",
		 RT_MAPS_JSON);
	rt_check(in, want,
		 "/sys: removed this sysfs mount: the caller's /sys is not fully visible (a mount on /sys/firmware covers "
		 "part of it), and the kernel then refuses a fresh sysfs in a user namespace (\"mount too revealing\"), even "
		 "with a network namespace of its own|/sys: added a recursive bind",
		 "sys: own network namespace, the caller's /sys not fully visible (nested in a container): the bind");
	rt_ctx.sys_masked[0] = '\0';
	rt_ctx.visible_known = false;
	rt_ctx.maps = &rt_inherit;

	/* the bind as oci-rootless 0.1.0 (and runc spec --rootless) wrote it,
	 * type "none": converted already, it stays as it is */
	rt_ctx.maps = &rt_maps;
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
		 "{\"destination\":\"/sys\",\"type\":\"none\",\"source\":\"/sys\",\"options\":[\"rbind\",\"nosuid\","
		 "\"noexec\",\"nodev\",\"ro\"]}]}",
		 RT_MAPS_JSON);
	rt_check(in, in, "", "sys: the bind of type none an older conversion wrote is recognised: nothing changes");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"mounts\":[{\"destination\":\"/sys\","
		 "\"type\":\"sysfs\",\"source\":\"sysfs\"}]}", RT_MAPS_JSON);
	{
		char *ex = NULL, *out = rt_convert(in, &ex);
		ok(out && strstr(out, "{\"destination\":\"/sys\",\"type\":\"bind\",\"source\":\"/sys\"") != NULL,
		   "sys: a new bind of /sys is of type bind, which validators accept (oci-runtime-tool: unsupported mount "
		   "type \"none\"): %s", out ? out : "(null)");
		free(out);
		free(ex);
	}
	rt_ctx.maps = &rt_inherit;

	/* a network namespace joined by path: the kernel is asked who owns it
	 * (Docker's --network container:X and host, a pod's sandbox) */
	pid_t c = ns_child_start(CLONE_NEWUSER | CLONE_NEWNET);
	ok(c > 0, "sys: a child with a user and a network namespace of its own");
	char joined[1024], c_self[64];
	snprintf(c_self, sizeof(c_self), "/proc/%d", (int)c);
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/%d/ns/net\"}]},\"mounts\":["
		 "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}]}",
		 (int)c);
	snprintf(joined, sizeof(joined),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/%d/ns/net\"}]},\"mounts\":["
		 RT_SYSBIND "]}",
		 (int)c);
	char *saved = rt_ctx.proc_self;
	rt_ctx.kernel_known = true; /* not this machine's: the bind without rro, as above */
	rt_ctx.kernel_major = 5;
	rt_ctx.kernel_minor = 11;
	rt_ctx.proc_self = (char *)"/proc/self";
	rt_check(in, in, "", "sys: inherit: a network namespace joined by path that the caller's user namespace owns (or is "
			     "above the owner of): a fresh sysfs stays");
	rt_ctx.maps = &rt_userns;
	snprintf(joined, sizeof(joined),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/%d/ns/net\"}," RT_USERNS "],"
		 "\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]},\"mounts\":[" RT_SYSBIND "]}",
		 (int)c);
	rt_check(in, joined, "linux.namespaces: added {\"type\": \"user\"}|linux.uidMappings: set to|linux.gidMappings: set to|"
			     "/sys: removed this sysfs mount|/sys: added a recursive bind of the host's /sys",
		 "sys: userns: the same namespace joined from a new user namespace, which owns nothing: the bind");
	rt_ctx.maps = &rt_inherit;
	rt_ctx.proc_self = c_self;
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"}]},\"mounts\":["
		 "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}]}");
	rt_check(in,
		 "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"}]},\"mounts\":["
		 RT_SYSBIND "]}",
		 "/sys: removed this sysfs mount|/sys: added a recursive bind of the host's /sys",
		 "sys: inherit: a caller (the child) joining a network namespace its user namespace does not own: the bind");
	rt_ctx.proc_self = saved;
	rt_ctx.kernel_known = false;
	ns_child_stop(c);
	rt_ctx.maps = &rt_maps;

	/* cgroup v2: a cgroup mount at /sys/fs/cgroup stays, after the bind */
#define CG_MOUNT(t) "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"" t "\",\"source\":\"cgroup\",\"options\":[\"nosuid\",\"ro\"]}"
#define SYSFS "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\"]}"
#define TMP "{\"destination\":\"/tmp\",\"type\":\"tmpfs\"}"
#define CG_CONFIG(m) "{\"linux\":{\"namespaces\":[{\"type\":\"cgroup\"}," RT_USERNS "]," RT_MAPS_JSON "},\"mounts\":[" m "]}"
#define SHIM "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=755\",\"ro\"]}"
#define SHIM_WHY "/sys/fs/cgroup: added a read-only tmpfs at /sys/fs/cgroup, under the cgroup mount kept: the bind of /sys brings the host's cgroup2 mount there, and the kernel refuses the same file system twice on one mount point"
#define CG_WHY "kept this cgroup mount, after the bind of /sys: on cgroup v2 it needs no network namespace of the container's own, unlike sysfs"
	rt_ctx.cg_v2 = true;
	rt_check(CG_CONFIG(SYSFS "," CG_MOUNT("cgroup") "," TMP), CG_CONFIG(TMP "," RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup")),
		 "/sys: removed this sysfs mount|/sys: added a recursive bind of the host's /sys|" SHIM_WHY "|/sys/fs/cgroup: " CG_WHY
		 "; with a cgroup namespace of its own the container sees its own cgroup there (pids.max, memory.max), "
		 "without one runc and crun bind the host's /sys/fs/cgroup [sys]",
		 "sys: cgroup v2, no network namespace: the cgroup mount stays, after the bind (and a mount after it)");
	rt_check(CG_CONFIG(CG_MOUNT("cgroup2") "," SYSFS), CG_CONFIG(RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup2")),
		 "/sys: removed this sysfs mount|/sys: added a recursive bind|" SHIM_WHY "|/sys/fs/cgroup: kept this cgroup2 mount, after the bind of /sys",
		 "sys: cgroup v2: a cgroup2 mount before the sysfs one goes after the bind");
	rt_check(CG_CONFIG(RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup")), CG_CONFIG(RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup")), "",
		 "sys: cgroup v2: converted already (the bind, the tmpfs, the cgroup mount): no change");
	rt_check(CG_CONFIG(RT_SYSBIND "," CG_MOUNT("cgroup")), CG_CONFIG(RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup")),
		 SHIM_WHY "|/sys/fs/cgroup: kept this cgroup mount, after the bind of /sys",
		 "sys: cgroup v2: the bind and the cgroup mount without the tmpfs between them (the kernel's EBUSY): it comes");
	rt_check(CG_CONFIG(CG_MOUNT("cgroup") "," RT_SYSBIND), CG_CONFIG(RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup")),
		 SHIM_WHY "|/sys/fs/cgroup: kept this cgroup mount, after the bind of /sys",
		 "sys: cgroup v2: a bind there already, the cgroup mount before it: moved after it, on the tmpfs");
	rt_check(CG_CONFIG(SHIM "," RT_SYSBIND), CG_CONFIG(RT_SYSBIND),
		 "/sys/fs/cgroup: removed this tmpfs mount under /sys",
		 "sys: cgroup v2: the tmpfs without a cgroup mount is no one's: it goes");
	rt_check(CG_CONFIG(SYSFS ",{\"destination\":\"/sys/fs/cgroup\",\"type\":\"tmpfs\"}"),
		 CG_CONFIG(RT_SYSBIND), "/sys: removed this sysfs mount|/sys/fs/cgroup: removed this tmpfs mount under /sys|/sys: added",
		 "sys: cgroup v2: a tmpfs at /sys/fs/cgroup goes (only cgroup and cgroup2 stay)");
	rt_check(CG_CONFIG(SYSFS "," CG_MOUNT("cgroup") ",{\"destination\":\"/sys/fs/cgroup/x\",\"type\":\"cgroup\"}"),
		 CG_CONFIG(RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup")),
		 "/sys: removed this sysfs mount|/sys/fs/cgroup/x: removed this cgroup mount under /sys|/sys: added|" SHIM_WHY "|/sys/fs/cgroup: kept",
		 "sys: cgroup v2: a cgroup mount below /sys/fs/cgroup goes");
	/* nested: a network namespace of its own, but /sys not fully visible */
	rt_ctx.visible_known = true;
	snprintf(rt_ctx.sys_masked, sizeof(rt_ctx.sys_masked), "/sys/firmware");
	rt_check("{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]," RT_MAPS_JSON "},\"mounts\":[" SYSFS "," CG_MOUNT("cgroup") "]}",
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]," RT_MAPS_JSON "},\"mounts\":[" RT_SYSBIND "," SHIM "," CG_MOUNT("cgroup") "]}",
		 "/sys: removed this sysfs mount: the caller's /sys is not fully visible|/sys: added|" SHIM_WHY "|/sys/fs/cgroup: kept this "
		 "cgroup mount, after the bind of /sys: on cgroup v2 it needs no fully visible /sys, unlike sysfs",
		 "sys: cgroup v2, /sys not fully visible: the cgroup mount stays, and says why");
	rt_ctx.sys_masked[0] = '\0';
	rt_ctx.visible_known = false;
	rt_check(CG_CONFIG(TMP "," CG_MOUNT("cgroup")), CG_CONFIG(TMP "," CG_MOUNT("cgroup")), "",
		 "sys: cgroup v2: a cgroup mount alone under /sys stays where it is, and no bind of /sys is added "
		 "(found by the fuzzer: the bind was a widening)");
	rt_ctx.cg_v2 = false;
	rt_check(CG_CONFIG(SYSFS "," CG_MOUNT("cgroup")), CG_CONFIG(RT_SYSBIND),
		 "/sys: removed this sysfs mount|/sys/fs/cgroup: removed this cgroup mount under /sys|/sys: added",
		 "sys: cgroup v1 (or not known): the cgroup mount goes with the rest");
	return done_testing();
}
