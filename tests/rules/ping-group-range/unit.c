/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule ping-group-range (lib/rules/ping-group-range.c):
 * in a network namespace of the container's own, the sysctl
 * net.ipv4.ping_group_range is narrowed to the gids mapped in it, and goes
 * when none is. */
#include "rule-test.h"

/* The userns mappings (RootlessKit's uids, gid 0 -> 1000), already in place. */
#define USERNS_MAPS                                                                                            \
	"\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}]," \
	"\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"
#define LINUX(sysctl) "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]," USERNS_MAPS ",\"sysctl\":{" sysctl "}}}"

int main(void)
{
	/* mode userns (gids: 0 only), no caller fact known */
	rt_ctx.maps = &rt_userns;

	rt_check(LINUX("\"net.ipv4.ping_group_range\":\"0 2147483647\""), LINUX("\"net.ipv4.ping_group_range\":\"0 0\""),
		 "linux.sysctl.net.ipv4.ping_group_range: narrowed from \"0 2147483647\" to \"0 0\"",
		 "ping-group-range: ping_group_range narrowed to the mapped gids");
	rt_check_tag(LINUX("\"net.ipv4.ping_group_range\":\"0 2147483647\""), "linux.sysctl.net.ipv4.ping_group_range: narrowed",
		     "ping-group-range", "ping-group-range: the range narrowed");
	rt_check(LINUX("\"net.ipv4.ping_group_range\":\"1 5\""), LINUX(""),
		 "linux.sysctl.net.ipv4.ping_group_range: removed: no gid in the range is mapped",
		 "ping-group-range: ping_group_range removed when no gid in it is mapped");
	rt_check_tag(LINUX("\"net.ipv4.ping_group_range\":\"1 5\""), "linux.sysctl.net.ipv4.ping_group_range: removed",
		     "ping-group-range", "ping-group-range: the range removed");
	rt_check(LINUX("\"net.ipv4.ping_group_range\":\"0 0\""), LINUX("\"net.ipv4.ping_group_range\":\"0 0\""), "",
		 "ping-group-range: a range of mapped gids stays");

	/* the value is read by ping-group-range alone */
	rt_check_error(LINUX("\"net.ipv4.ping_group_range\":5"),
		       "error 1: linux.sysctl.net.ipv4.ping_group_range: expected a string",
		       "ping-group-range: a ping_group_range that is not a string is invalid input");

	/* turned off (--skip ping-group-range) */
	rt_check_skipped("ping-group-range", LINUX("\"net.ipv4.ping_group_range\":\"0 2147483647\""),
			 LINUX("\"net.ipv4.ping_group_range\":\"0 2147483647\""), "",
			 "ping-group-range skipped: a range of unmapped gids stays");
	rt_check_skipped("ping-group-range", LINUX("\"net.ipv4.ping_group_range\":\"1 5\""),
			 LINUX("\"net.ipv4.ping_group_range\":\"1 5\""), "",
			 "ping-group-range skipped: a range without a mapped gid stays");
	rt_check_skipped("ping-group-range", LINUX("\"net.ipv4.ping_group_range\":5"),
			 LINUX("\"net.ipv4.ping_group_range\":5"), "",
			 "ping-group-range skipped: a ping_group_range that is not a string is accepted and left as it is");

	/* with the caller's network namespace the range is net-sysctls' to remove, not narrowed here */
#define SHARED(sysctl) "{\"linux\":{\"namespaces\":[" RT_USERNS "]," USERNS_MAPS ",\"sysctl\":{" sysctl "}}"
	rt_check(SHARED("\"net.ipv4.ping_group_range\":\"0 2147483647\"") "}",
		 SHARED("") "}",
		 "linux.sysctl.net.ipv4.ping_group_range: removed: the container shares the caller's network "
		 "namespace",
		 "ping-group-range: with the caller's network namespace, the range goes with the net.* sysctls");
	rt_check_tag(SHARED("\"net.ipv4.ping_group_range\":\"0 2147483647\"") "}",
		     "linux.sysctl.net.ipv4.ping_group_range: removed", "net-sysctls",
		     "ping-group-range: with the caller's network namespace, the removal is net-sysctls'");
	rt_check_skipped("net-sysctls", SHARED("\"net.ipv4.ping_group_range\":\"0 2147483647\"") "}",
			 SHARED("\"net.ipv4.ping_group_range\":\"0 2147483647\"") "}", "",
			 "ping-group-range: net-sysctls skipped, the caller's network namespace: the range stays as written");
#undef SHARED
	return done_testing();
}
