/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule proc (lib/rules/proc.c): with the caller's pid
 * namespace, the proc mount at /proc becomes a recursive bind of the
 * host's /proc, in its place. */
#include <unistd.h>

#include "rule-test.h"

int main(void)
{
	char want[4096], in[4096];

	/* mode inherit, /sys out of the way; the caller's /dev/mqueue is an mqueue */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_ctx.mqueue_mounted = true;

	/* shared pid and ipc namespaces */
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "]},%s}", RT_PID_IPC_MOUNTS);
	rt_check(in,
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "]},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
		 RT_HOST_BIND("/proc") "," RT_HOST_BIND("/dev/mqueue") "," RT_HOST_BIND("/dev/shm") ",{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
		 "/proc: replaced the proc mount by a recursive bind of the host's /proc|/dev/mqueue: replaced the mqueue mount|"
		 "/dev/shm: replaced the tmpfs mount",
		 "proc: with the caller's pid and ipc namespaces, /proc, /dev/mqueue and /dev/shm become binds in place");
	rt_check_tag(in, "/proc: replaced the proc mount", "proc", "proc: the proc mount replaced");
	/* turned off (--skip proc): /proc stays, ipc-mounts still binds /dev/mqueue and /dev/shm */
	rt_check_skipped("proc", in,
			 "{\"linux\":{\"namespaces\":[" RT_NETNS "]},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
			 "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
			 RT_HOST_BIND("/dev/mqueue") "," RT_HOST_BIND("/dev/shm") ",{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
			 "/dev/mqueue: replaced the mqueue mount|/dev/shm: replaced the tmpfs mount",
			 "proc skipped: the proc mount stays");
	/* inherit, and the caller's user namespace owns its pid and ipc
	 * namespaces (unshare -Urm --pid --ipc): fresh mounts stay */
	rt_ctx.owns_pid = rt_ctx.owns_ipc = true;
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "]},%s}", RT_PID_IPC_MOUNTS);
	rt_check(in, in, "", "proc: inherit, the caller's pid and ipc namespaces owned by its user namespace: /proc, "
			     "/dev/mqueue and /dev/shm stay");
	rt_ctx.maps = &rt_userns;
#define USERNS_LINUX                                                                                               \
	"{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,"          \
	"\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000," \
	"\"size\":1}]}"
	snprintf(in, sizeof(in), USERNS_LINUX ",%s}", RT_PID_IPC_MOUNTS);
	rt_check(in,
		 USERNS_LINUX ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
		 RT_HOST_BIND("/proc") "," RT_HOST_BIND("/dev/mqueue") "," RT_HOST_BIND("/dev/shm") ",{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
		 "/proc: replaced the proc mount by a recursive bind of the host's /proc|/dev/mqueue: replaced the mqueue mount|"
		 "/dev/shm: replaced the tmpfs mount",
		 "proc: userns: the same caller, but the container's new user namespace owns neither: binds");
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_pid = rt_ctx.owns_ipc = false;
	/* a pid namespace of its own: nothing to do */
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]},%s}", RT_PID_IPC_MOUNTS);
	rt_check(in, in, "", "proc: new pid and ipc namespaces: the proc mount stays");

	/* a path naming the caller's own namespace counts as shared (own-namespaces,
	 * which would remove that entry first, is off here) */
	rt_skip("own-namespaces", false);
	char nsfile[] = "/tmp/ocirl-ns-XXXXXX";
	int nsfd = mkstemp(nsfile);
	if (nsfd < 0)
		abort();
	rt_ctx.ns_pid = ocirl__ns_id(nsfile);
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\",\"path\":\"%s\"},{\"type\":\"ipc\",\"path\":\"/\"}]},"
		 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\"}]}", nsfile);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\",\"path\":\"%s\"},{\"type\":\"ipc\",\"path\":\"/\"}]},"
		 "\"mounts\":[" RT_HOST_BIND("/proc") ",{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\"}]}", nsfile);
	rt_check(in, want, "/proc: replaced", "proc: a pid namespace path naming the caller's own is shared; another ipc one is not");
	rt_check_skipped("proc", in, in, "", "proc skipped: the caller's pid namespace by path: the proc mount stays");
	/* another pid namespace, by path */
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\",\"path\":\"/\"},{\"type\":\"ipc\"}]},"
		 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}]}");
	rt_check(in, in, "", "proc: a pid namespace path naming another one: the proc mount stays");
	rt_skip("own-namespaces", true);
	close(nsfd);
	unlink(nsfile);

	/* the namespaces and mounts are read by other rules too */
	rt_check_skipped("proc", "{\"mounts\":[{\"type\":\"proc\"}]}", "error 1: mounts[0].destination: expected a string", "",
			 "proc skipped: a mount without a destination is still refused");
	rt_check_skipped("proc", "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":7}]}}",
			 "error 1: linux.namespaces[0].path: expected a string", "",
			 "proc skipped: a namespace path of the wrong type is still refused");
	return done_testing();
}
