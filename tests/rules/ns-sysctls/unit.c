/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule ns-sysctls (lib/rules/ns-sysctls.c): the ipc and
 * uts keys of linux.sysctl go where the container may not set them. */
#include "rule-test.h"

#define SYSCTL "\"sysctl\":{\"kernel.shmmax\":\"1\",\"kernel.msgmax\":\"2\",\"kernel.sem\":\"3\",\"fs.mqueue.msg_max\":\"4\"," \
	       "\"kernel.hostname\":\"h\",\"kernel.pid_max\":\"5\",\"net.ipv4.ip_forward\":\"1\"}"
#define NSS(x) "{\"linux\":{\"namespaces\":[" x "]," SYSCTL "}}"

int main(void)
{
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_ctx.kernel_known = true;
	rt_ctx.kernel_major = 6;
	rt_ctx.kernel_minor = 18;

	rt_check(NSS("{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}"),
		 NSS("{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}"), "",
		 "ns-sysctls: ipc and uts namespaces of its own (Linux 6.18): every key stays");
	rt_check(NSS("{\"type\":\"uts\"},{\"type\":\"network\"}"),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"uts\"},{\"type\":\"network\"}],\"sysctl\":{\"kernel.hostname\":\"h\","
		 "\"kernel.pid_max\":\"5\",\"net.ipv4.ip_forward\":\"1\"}}}",
		 "linux.sysctl.kernel.shmmax: removed: the container has no ipc namespace of its own (runc: \"sysctl ... "
		 "is not allowed in the hosts ipc namespace\")|linux.sysctl.kernel.msgmax: removed|linux.sysctl.kernel.sem: "
		 "removed|linux.sysctl.fs.mqueue.msg_max: removed",
		 "ns-sysctls: the caller's ipc namespace: the ipc keys go, kernel.pid_max and the rest stay");
	rt_check(NSS("{\"type\":\"ipc\"},{\"type\":\"network\"}"),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"network\"}],\"sysctl\":{\"kernel.shmmax\":\"1\","
		 "\"kernel.msgmax\":\"2\",\"kernel.sem\":\"3\",\"fs.mqueue.msg_max\":\"4\",\"kernel.pid_max\":\"5\","
		 "\"net.ipv4.ip_forward\":\"1\"}}}",
		 "linux.sysctl.kernel.hostname: removed: the container has no uts namespace of its own",
		 "ns-sysctls: the caller's uts namespace: kernel.hostname goes");
	rt_check_tag(NSS("{\"type\":\"uts\"},{\"type\":\"network\"}"), "linux.sysctl.kernel.shmmax: removed", "ns-sysctls",
		     "ns-sysctls: tagged");
	rt_check_skipped("ns-sysctls", NSS("{\"type\":\"uts\"},{\"type\":\"network\"}"),
			 NSS("{\"type\":\"uts\"},{\"type\":\"network\"}"), "", "ns-sysctls skipped: every key stays");
	/* joined by path: in mode inherit, where the kernel cannot tell, they stay */
	rt_check(NSS("{\"type\":\"ipc\",\"path\":\"/nonexistent/ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}"),
		 NSS("{\"type\":\"ipc\",\"path\":\"/nonexistent/ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}"), "",
		 "ns-sysctls: inherit, an ipc namespace joined by a path the kernel cannot be asked about: they stay");

	/* Linux before 6.9: not even an owned ipc namespace */
	rt_ctx.kernel_minor = 1;
	rt_check(NSS("{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}"),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}],\"sysctl\":{"
		 "\"kernel.hostname\":\"h\",\"kernel.pid_max\":\"5\",\"net.ipv4.ip_forward\":\"1\"}}}",
		 "linux.sysctl.kernel.shmmax: removed: before Linux 6.9 a user namespace may not set the ipc sysctls even "
		 "of an ipc namespace it owns|linux.sysctl.kernel.msgmax: removed|linux.sysctl.kernel.sem: removed|"
		 "linux.sysctl.fs.mqueue.msg_max: removed",
		 "ns-sysctls: Linux 6.1, an ipc namespace of its own: the ipc keys go anyway");

	/* a new user namespace owns no ipc namespace joined by path */
	rt_ctx.kernel_minor = 18;
	rt_ctx.maps = &rt_userns;
	{
		char *ex = NULL, *out = rt_convert(NSS("{\"type\":\"ipc\",\"path\":\"/run/pod/ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}"),
						   &ex);
		ok(out && !strstr(out, "kernel.shmmax") && strstr(out, "kernel.hostname") && ex &&
			   strstr(ex, "linux.sysctl.kernel.shmmax: removed: the container joins a namespace its user namespace "
				      "does not own"),
		   "ns-sysctls: userns, an ipc namespace joined by path: the ipc keys go: %s", ex ? ex : "(null)");
		free(out);
		free(ex);
	}
	rt_ctx.maps = &rt_maps;
	rt_ctx.kernel_known = false;
	return done_testing();
}
