/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule proc (lib/rules/proc.c): with the caller's pid
 * namespace, the proc mount at /proc becomes a recursive bind of the
 * host's /proc, in its place. */
#include <string.h>
#include <unistd.h>

#include "ns-child.h"
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
	/* a pid namespace of its own where the caller's /proc is not fully visible: refused */
	rt_ctx.visible_known = true;
	snprintf(rt_ctx.proc_masked, sizeof(rt_ctx.proc_masked), "/proc/kcore");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]},%s}", RT_PID_IPC_MOUNTS);
	rt_check_error(in,
		       "error 2: mounts: the proc mount at /proc: the caller's /proc is not fully visible (a mount on "
		       "/proc/kcore covers part of it, as in a container or a CI job), and the kernel then refuses a fresh "
		       "procfs in a user namespace (\"mount too revealing\"; runc: \"error mounting \\\"proc\\\" to rootfs at "
		       "\\\"/proc\\\": operation not permitted\"); unmask the caller's /proc where it runs (Docker --security-opt "
		       "systempaths=unconfined, Podman --security-opt unmask=ALL, Kubernetes procMount: Unmasked), or remove "
		       "the pid namespace to share the caller's",
		       "proc: a fresh procfs where the caller's /proc is masked: refused, naming the outer fixes");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "]},%s}", RT_PID_IPC_MOUNTS);
	{
		char *ex = NULL, *out = rt_convert(in, &ex);
		ok(out && strstr(out, RT_HOST_BIND("/proc")), "proc: the caller's pid namespace, /proc masked: the bind, no "
							       "refusal: %s", out ? out : "(null)");
		free(out);
		free(ex);
	}
	rt_ctx.proc_masked[0] = '\0';
	rt_ctx.visible_known = false;
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
	/* a pid namespace joined by path that the container's user namespace does
	 * not own, with a proc mount: refused (a bind would show the caller's
	 * processes); asked of the kernel on real namespaces */
	pid_t c = ns_child_start(CLONE_NEWUSER);
	ok(c > 0, "proc: a child with a user namespace of its own");
	char c_self[64], joined_c[512];
	snprintf(c_self, sizeof(c_self), "/proc/%d", (int)c);
	static const char joined_ours[] = "{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}],"
					  "\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"pid\",\"path\":\"/proc/self/ns/pid\"}]}}";
	rt_ctx.maps = &rt_inherit;
	rt_ctx.ns_pid.known = false; /* /proc/self/ns/pid then counts as another namespace */
	rt_ctx.proc_self = c_self; /* the child as the caller: our pid namespace is not its own user namespace's */
	rt_check_error(joined_ours,
		       "error 2: linux.namespaces[1]: joins the pid namespace at \"/proc/self/ns/pid\", which the container's "
		       "user namespace does not own: no fresh /proc can be mounted for it (runc: \"error mounting \\\"proc\\\" "
		       "to rootfs at \\\"/proc\\\": operation not permitted\"), and a bind of the caller's /proc would show the "
		       "caller's processes, not that namespace's; run the runtime as root in the user namespace that owns it, "
		       "with --mode inherit (the default there), or remove the entry",
		       "proc: inherit, a pid namespace joined by path its user namespace does not own (the kernel says so), "
		       "with a proc mount: refused, naming the way");
	rt_check_skipped("proc", joined_ours, joined_ours, "", "proc skipped: no refusal");
	rt_ctx.proc_self = (char *)"/proc/self";
	rt_check(joined_ours, joined_ours, "",
		 "proc: inherit, the same pid namespace owned by the caller's user namespace: the fresh /proc stays");
	snprintf(joined_c, sizeof(joined_c),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"pid\",\"path\":\"/nonexistent/pid\"}]},"
		 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}]}");
	rt_check(joined_c, joined_c, "", "proc: inherit, a pid namespace path the kernel cannot be asked about: it stays");
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"pid\",\"path\":\"/proc/self/ns/pid\"}]}}",
		 "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"pid\",\"path\":\"/proc/self/ns/pid\"}]}}", "",
		 "proc: no proc mount, nothing to refuse");
	rt_ctx.maps = &rt_single;
	{
		char *ex = NULL, *out = rt_convert("{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}],\"linux\":"
						   "{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/nonexistent/pid\"}]}}",
						   &ex);
		ok(out && strstr(out, "error 2: linux.namespaces[0]: joins the pid namespace at \"/nonexistent/pid\""),
		   "proc: single, any pid namespace joined by path (a new user namespace owns none): refused: %s",
		   out ? out : "(null)");
		free(out);
		free(ex);
	}
	rt_ctx.maps = &rt_inherit;
	ns_child_stop(c);

	rt_check_skipped("proc", "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":7}]}}",
			 "error 1: linux.namespaces[0].path: expected a string", "",
			 "proc skipped: a namespace path of the wrong type is still refused");
	return done_testing();
}
