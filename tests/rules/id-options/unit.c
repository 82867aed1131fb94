/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule id-options (lib/rules/id-options.c): the mount
 * options uid=N and gid=N stay when N is mapped in the container, and go
 * otherwise. */
#include "rule-test.h"

int main(void)
{
	char want[4096], in[4096];

	/* mode subid (rt_maps: uids 0..65536, gid 0), no caller fact known */
	rt_ctx.maps = &rt_maps;

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s},\"mounts\":[{\"destination\":"
		 "\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=1000\",\"gid=5\",\"mode=755\",\"uid=65536\",\"gid=0\","
		 "\"uid=65537\",\"uid=abc\",\"gid=\",\"xuid=7\"]},{\"destination\":\"/dev/pts\",\"options\":[\"gid=5\"]}]}",
		 RT_MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s},\"mounts\":[{\"destination\":"
		 "\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=1000\",\"mode=755\",\"uid=65536\",\"gid=0\",\"uid=abc\","
		 "\"gid=\",\"xuid=7\"]},{\"destination\":\"/dev/pts\",\"options\":[]}]}",
		 RT_MAPS_JSON);
	rt_check(in, want,
		 "/t: dropped option gid=5: gid 5 is not mapped in the container|/t: dropped option uid=65537: uid 65537 is "
		 "not mapped in the container|/dev/pts: dropped option gid=5: gid 5 is not mapped in the container",
		 "id-options: uid= and gid= stay when mapped, go when not");
	rt_check_tag(in, "/t: dropped option gid=5", "id-options", "id-options: an unmapped gid= dropped");
	rt_check_tag(in, "/t: dropped option uid=65537", "id-options", "id-options: an unmapped uid= dropped");

	/* turned off (--skip id-options): the options stay as written */
	rt_check_skipped("id-options", in, in, "", "id-options skipped: unmapped uid= and gid= stay");
	/* mounts[].options are read by sys, proc, ipc-mounts and locked-flags too */
	rt_check_skipped("id-options", "{\"mounts\":[{\"destination\":\"/a\",\"options\":\"ro\"}]}",
			 "error 1: mounts[0].options: expected an array", "",
			 "id-options skipped: mount options that are a string are still refused");
	rt_check_skipped("id-options", "{\"mounts\":[{\"destination\":\"/a\",\"options\":[\"uid=1\",5]}]}",
			 "error 1: mounts[0].options[1]: expected a string", "",
			 "id-options skipped: a mount option that is a number is still refused");

	/* mode inherit: the caller's ids, where gid 5 is mapped (devpts gid=5 stays under RootlessKit) */
	rt_ctx.maps = &rt_inherit;
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "]},\"mounts\":[{\"destination\":\"/dev/pts\","
		 "\"type\":\"devpts\",\"options\":[\"gid=5\",\"uid=65536\",\"uid=65537\",\"gid=65537\"]}]}");
	rt_check(in,
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "]},\"mounts\":[{\"destination\":\"/dev/pts\",\"type\":\"devpts\","
		 "\"options\":[\"gid=5\",\"uid=65536\"]}]}",
		 "/dev/pts: dropped option uid=65537: uid 65537 is not mapped|/dev/pts: dropped option gid=65537: gid 65537 "
		 "is not mapped",
		 "id-options: inherit: gid=5 stays (mapped), ids above the caller's maps go");
	rt_ctx.maps = &rt_maps;
	return done_testing();
}
