/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule hostname (lib/rules/hostname.c): hostname and
 * domainname go when the container joins by path a uts namespace its user
 * namespace does not own. Who owns it is asked of the kernel, on real
 * namespaces: a child process with a user and a uts namespace of its own. */
#include <string.h>

#include "ns-child.h"
#include "rule-test.h"

#define JOINED(path) "{\"hostname\":\"h\",\"domainname\":\"d\",\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"" path "\"}]}}"

int main(void)
{
	char in[1024], want[1024];
	pid_t c = ns_child_start(CLONE_NEWUSER | CLONE_NEWUTS);
	ok(c > 0, "hostname: a child with a user and a uts namespace of its own");
	char c_self[64];
	snprintf(c_self, sizeof(c_self), "/proc/%d", (int)c);

	/* mode inherit: the container is in the caller's user namespace */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_ctx.proc_self = (char *)"/proc/self";
	snprintf(in, sizeof(in), "{\"hostname\":\"h\",\"domainname\":\"d\",\"linux\":{\"namespaces\":[{\"type\":\"uts\","
		 "\"path\":\"/proc/%d/ns/uts\"}]}}", (int)c);
	rt_check(in, in, "", "hostname: inherit, a uts namespace joined by path that the caller's user namespace owns "
			     "(is above the owner of): hostname and domainname stay");

	rt_ctx.proc_self = c_self; /* the child as the caller: it does not own ours */
	rt_check(JOINED("/proc/self/ns/uts"), "{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]}}",
		 "hostname: removed: the container joins the uts namespace at \"/proc/self/ns/uts\", which its user "
		 "namespace does not own, and only its owner may set a name there (runc: \"sethostname: operation not "
		 "permitted\"); the container has that namespace's name|domainname: removed: the container joins",
		 "hostname: inherit, a uts namespace the caller's user namespace does not own (the kernel says so): "
		 "hostname and domainname go");
	rt_check_tag(JOINED("/proc/self/ns/uts"), "hostname: removed", "hostname", "hostname: the change is tagged");
	rt_check_skipped("hostname", JOINED("/proc/self/ns/uts"), JOINED("/proc/self/ns/uts"), "",
			 "hostname skipped: hostname and domainname stay");
	rt_check(JOINED("/nonexistent/uts"), JOINED("/nonexistent/uts"), "",
		 "hostname: inherit, a path the kernel cannot be asked about (not there yet): they stay");
	rt_check("{\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}}",
		 "{\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}}", "",
		 "hostname: a new uts namespace keeps its hostname");
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]}}",
		 "{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]}}", "",
		 "hostname: no hostname, nothing to do");

	/* a new user namespace (userns, single, subid) owns no namespace joined by path */
	rt_ctx.maps = &rt_userns;
	rt_ctx.proc_self = (char *)"/proc/self";
	{
		snprintf(in, sizeof(in), "{\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/%d/ns/uts\"}]}}",
			 (int)c);
		char *ex = NULL, *out = rt_convert(in, &ex);
		snprintf(want, sizeof(want), "hostname: removed: the container joins the uts namespace at \"/proc/%d/ns/uts\"",
			 (int)c);
		ok(out && !strstr(out, "\"hostname\"") && ex && strstr(ex, want),
		   "hostname: userns, even a uts namespace the caller owns: the container's new user namespace does not: "
		   "hostname goes: %s", ex ? ex : "(null)");
		free(out);
		free(ex);
	}
	rt_ctx.maps = &rt_maps;
	ns_child_stop(c);
	return done_testing();
}
