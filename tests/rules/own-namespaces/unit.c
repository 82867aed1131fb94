/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule own-namespaces (lib/rules/own-namespaces.c): an
 * entry whose path names the caller's own namespace of its type is removed;
 * the others stay. The caller's namespaces are this process's own. */
#include "rule-test.h"

int main(void)
{
	/* mode inherit, no mounts: the config is this rule's alone */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_ctx.ns_uts = ocirl__ns_id("/proc/self/ns/uts");
	rt_ctx.ns_net = ocirl__ns_id("/proc/self/ns/net");
	rt_ctx.ns_ipc = ocirl__ns_id("/proc/self/ns/ipc");
	rt_ctx.ns_pid = ocirl__ns_id("/proc/self/ns/pid");
	rt_ctx.ns_cgroup = ocirl__ns_id("/proc/self/ns/cgroup");
	if (!rt_ctx.ns_uts.known || !rt_ctx.ns_net.known)
		return printf("Bail out! this machine has no /proc/self/ns\n"), 1;

	/* a hostNetwork pod's entries, as containerd writes them */
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"},"
		 "{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"},{\"type\":\"mount\"}]}}",
		 "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}",
		 "linux.namespaces: removed {\"type\": \"uts\", \"path\": \"/proc/self/ns/uts\"}: it is the caller's own uts "
		 "namespace|linux.namespaces: removed {\"type\": \"network\", \"path\": \"/proc/self/ns/net\"}: it is the "
		 "caller's own network namespace, which the container shares without the entry; joining it needs "
		 "CAP_SYS_ADMIN over the user namespace that owns it (runc: \"failed to setns into net namespace",
		 "own-namespaces: uts and network joined by the caller's own paths are removed");
	/* with the uts entry gone, hostname and domainname go: no uts namespace of its own */
	rt_check("{\"hostname\":\"h\",\"domainname\":\"d\",\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":"
		 "\"/proc/self/ns/uts\"}]}}",
		 "{\"linux\":{\"namespaces\":[]}}",
		 "linux.namespaces: removed {\"type\": \"uts\"|hostname: removed: the container has no uts namespace of its "
		 "own|domainname: removed",
		 "own-namespaces: the uts entry removed, hostname and domainname go with it");
	rt_check("{\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"},"
		 "{\"type\":\"uts\"}]}}",
		 "{\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}}", "linux.namespaces: removed",
		 "own-namespaces: a new uts namespace keeps the hostname");
	rt_check_tag("{\"linux\":{\"namespaces\":[{\"type\":\"ipc\",\"path\":\"/proc/self/ns/ipc\"}]}}",
		     "linux.namespaces: removed", "own-namespaces", "own-namespaces: the change is tagged");
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"ipc\",\"path\":\"/proc/self/ns/ipc\"},{\"type\":\"pid\",\"path\":"
		 "\"/proc/self/ns/pid\"},{\"type\":\"cgroup\",\"path\":\"/proc/self/ns/cgroup\"}]}}",
		 "{\"linux\":{\"namespaces\":[]}}",
		 "linux.namespaces: removed {\"type\": \"ipc\"|linux.namespaces: removed {\"type\": \"pid\"|"
		 "linux.namespaces: removed {\"type\": \"cgroup\"",
		 "own-namespaces: ipc, pid and cgroup too");

	/* what stays: another namespace, a path that is not one, a new one, a mount namespace */
	static const char keep[] =
		"{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/net\"},{\"type\":\"network\","
		"\"path\":\"/nonexistent/ns/net\"},{\"type\":\"ipc\"},{\"type\":\"mount\",\"path\":\"/proc/self/ns/mnt\"},"
		"{\"type\":\"ipc\",\"path\":\"\"}]}}";
	rt_check(keep, keep, "",
		 "own-namespaces: a path naming another namespace, a missing one, a new namespace, a mount namespace and "
		 "an empty path stay");
	/* the caller's namespace unknown: nothing is removed */
	rt_ctx.ns_uts.known = false;
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]}}",
		 "{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]}}", "",
		 "own-namespaces: the caller's uts namespace unknown: the entry stays");
	rt_ctx.ns_uts = ocirl__ns_id("/proc/self/ns/uts");

	/* turned off: the entries stay */
	rt_check_skipped("own-namespaces", "{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]}}",
			 "{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]}}", "",
			 "own-namespaces skipped: the entry stays");
	return done_testing();
}
