/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule ipc-mounts (lib/rules/ipc-mounts.c): with the
 * caller's ipc namespace, /dev/mqueue becomes a bind of the host's when the
 * caller has one (and goes otherwise), and /dev/shm a bind of the host's. */
#include <unistd.h>

#include "ns-child.h"
#include "rule-test.h"

int main(void)
{
	char want[4096], in[4096];

	/* mode inherit, /sys out of the way */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;

	/* shared pid and ipc namespaces, and no mqueue on the caller's /dev/mqueue */
	rt_ctx.mqueue_mounted = false;
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "]},%s}", RT_PID_IPC_MOUNTS);
	rt_check(in,
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "]},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
		 RT_HOST_BIND("/proc") "," RT_HOST_BIND("/dev/shm") ",{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
		 "/proc: replaced|/dev/mqueue: removed the mqueue mount|/dev/shm: replaced",
		 "ipc-mounts: without an mqueue on the caller's /dev/mqueue, the mount goes");
	rt_check_tag(in, "/dev/mqueue: removed the mqueue mount", "ipc-mounts", "ipc-mounts: the mqueue mount removed");
	rt_check_tag(in, "/dev/shm: replaced the tmpfs mount", "ipc-mounts", "ipc-mounts: the shm mount replaced");
	/* turned off (--skip ipc-mounts): /dev/mqueue and /dev/shm stay, proc still binds /proc */
	rt_check_skipped("ipc-mounts", in,
			 "{\"linux\":{\"namespaces\":[" RT_NETNS "]},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
			 RT_HOST_BIND("/proc") ",{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"},"
			 "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"size=1m\"]},"
			 "{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
			 "/proc: replaced", "ipc-mounts skipped: the mqueue and shm mounts stay");
	/* with an mqueue on the caller's /dev/mqueue, it is bound */
	rt_ctx.mqueue_mounted = true;
	rt_check_tag(in, "/dev/mqueue: replaced the mqueue mount", "ipc-mounts", "ipc-mounts: the mqueue mount replaced");
	rt_check_skipped("ipc-mounts", in,
			 "{\"linux\":{\"namespaces\":[" RT_NETNS "]},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
			 RT_HOST_BIND("/proc") ",{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"},"
			 "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"size=1m\"]},"
			 "{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
			 "/proc: replaced", "ipc-mounts skipped: with the caller's mqueue, the mounts stay too");

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]},%s}", RT_PID_IPC_MOUNTS);
	rt_check(in, in, "", "ipc-mounts: new pid and ipc namespaces: nothing changes");

	/* a path naming the caller's own ipc namespace counts as shared (own-namespaces off) */
	rt_skip("own-namespaces", false);
	char nsfile[] = "/tmp/ocirl-ns-XXXXXX";
	int nsfd = mkstemp(nsfile);
	if (nsfd < 0)
		abort();
	rt_ctx.ns_ipc = ocirl__ns_id(nsfile);
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\",\"path\":\"%s\"}]},"
		 "\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\"}]}", nsfile);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\",\"path\":\"%s\"}]},"
		 "\"mounts\":[" RT_HOST_BIND("/dev/shm") "]}", nsfile);
	rt_check(in, want, "/dev/shm: replaced the tmpfs mount", "ipc-mounts: an ipc namespace path naming the caller's own is shared");
	rt_skip("own-namespaces", true);
	close(nsfd);
	unlink(nsfile);

	/* an ipc namespace joined by path that the container's user namespace
	 * does not own: the mqueue mount goes (a bind would show the caller's
	 * queues), /dev/shm stays; asked of the kernel on real namespaces */
	pid_t c = ns_child_start(CLONE_NEWUSER);
	ok(c > 0, "ipc-mounts: a child with a user namespace of its own");
	char c_self[64];
	snprintf(c_self, sizeof(c_self), "/proc/%d", (int)c);
	static const char joined[] = "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\",\"path\":\"/proc/self/ns/ipc\"}]},"
				     "\"mounts\":[{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"},"
				     "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\"}]}";
	rt_ctx.maps = &rt_inherit;
	rt_ctx.ns_ipc.known = false; /* /proc/self/ns/ipc then counts as another namespace */
	rt_ctx.proc_self = c_self;
	rt_check(joined,
		 "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\",\"path\":\"/proc/self/ns/ipc\"}]},"
		 "\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\"}]}",
		 "/dev/mqueue: removed the mqueue mount: the container joins the ipc namespace at \"/proc/self/ns/ipc\", "
		 "which its user namespace does not own: no mqueue can be mounted for it",
		 "ipc-mounts: inherit, an ipc namespace joined by path that the caller's user namespace does not own (the "
		 "kernel says so): the mqueue mount goes, /dev/shm stays");
	rt_ctx.proc_self = (char *)"/proc/self";
	rt_check(joined, joined, "", "ipc-mounts: inherit, the same ipc namespace owned by the caller's user namespace: "
				     "the fresh mqueue stays");
	rt_ctx.proc_self = (char *)"/nonexistent";
	rt_check(joined, joined, "", "ipc-mounts: inherit, the kernel cannot tell: the mqueue stays");
	rt_ctx.proc_self = (char *)"/proc/self";
	ns_child_stop(c);

	/* the namespaces and mounts are read by other rules too */
	rt_check_skipped("ipc-mounts", "{\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":5}]}",
			 "error 1: mounts[0].type: expected a string", "",
			 "ipc-mounts skipped: a mount type of the wrong type is still refused");
	return done_testing();
}
