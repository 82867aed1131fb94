/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule net-sysctls (lib/rules/net-sysctls.c): the net.*
 * keys of linux.sysctl go when the container shares the caller's network
 * namespace. */
#include "rule-test.h"

static const char in[] =
	"{\"linux\":{\"sysctl\":{\"kernel.pid_max\":\"1\",\"net.ipv4.ip_forward\":\"1\",\"net.core.somaxconn\":\"1\"}}}";

int main(void)
{
	/* mode inherit, /sys out of the way (the caller's user namespace owns its
	 * network namespace, which the container shares) */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;

	rt_check(in, "{\"linux\":{\"sysctl\":{\"kernel.pid_max\":\"1\"}}}",
		 "linux.sysctl.net.ipv4.ip_forward: removed: the container shares the caller's network namespace|linux.sysctl.net.core.somaxconn: removed",
		 "net-sysctls: net.* sysctls go with the caller's network namespace");
	rt_check_tag(in, "linux.sysctl.net.ipv4.ip_forward: removed", "net-sysctls", "net-sysctls: a net.* sysctl removed");
	rt_check("{\"linux\":{\"namespaces\":[" RT_NETNS "],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.pid_max\":\"1\"}}}",
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.pid_max\":\"1\"}}}", "",
		 "net-sysctls: with a network namespace of its own, net.* sysctls stay");

	/* turned off (--skip net-sysctls) */
	rt_check_skipped("net-sysctls", in, in, "", "net-sysctls skipped: net.* sysctls stay with the caller's network namespace");
	/* linux.sysctl is read by ping-group-range too: still checked while it is on */
	rt_check_error("{\"linux\":{\"sysctl\":[]}}", "error 1: linux.sysctl: expected an object",
		       "net-sysctls: a sysctl that is not an object is invalid input");
	rt_check_skipped("net-sysctls", "{\"linux\":{\"sysctl\":[]}}", "error 1: linux.sysctl: expected an object", "",
			 "net-sysctls skipped: a sysctl that is not an object is still refused (ping-group-range reads it)");
	rt_skip("ping-group-range", false);
	rt_skip("ns-sysctls", false);
	rt_check_skipped("net-sysctls", "{\"linux\":{\"sysctl\":[]}}", "{\"linux\":{\"sysctl\":[]}}", "",
			 "net-sysctls, ns-sysctls and ping-group-range skipped: a sysctl that is not an object is accepted and left as it is");
	rt_skip("ns-sysctls", true);
	rt_skip("ping-group-range", true);
	return done_testing();
}
