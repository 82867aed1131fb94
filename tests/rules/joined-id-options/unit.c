/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule joined-id-options (lib/rules/joined-id-options.c). */
#include "rule-test.h"

#define HEAD "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]," RT_MAPS_JSON "},\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":["
#define TAIL "]}]}"

int main(void)
{
	/* rt_maps: uids 0..65536 and gids 0 mapped */
	rt_check(HEAD "\"uid=0,gid=5\",\"mode=755\"" TAIL, HEAD "\"uid=0\",\"mode=755\"" TAIL,
		 "/t: option \"uid=0,gid=5\" became \"uid=0\": gid 5 is not mapped in the container, and a runtime hands "
		 "the kernel each comma-separated part as an option [joined-id-options]",
		 "joined-id-options: the unmapped part goes, the mapped one stays, in the option's place");
	rt_check(HEAD "\"gid=7,uid=65537\",\"size=1m\"" TAIL, HEAD "\"size=1m\"" TAIL,
		 "/t: removed option \"gid=7,uid=65537\": gid 7, uid 65537 are not mapped in the container",
		 "joined-id-options: an option with no part left goes");
	rt_check(HEAD "\"size=1m,,gid=0,mode=1777,gid=9\"" TAIL, HEAD "\"size=1m,,gid=0,mode=1777\"" TAIL,
		 "/t: option \"size=1m,,gid=0,mode=1777,gid=9\" became \"size=1m,,gid=0,mode=1777\": gid 9 is not mapped",
		 "joined-id-options: the other parts stay as written, empty ones and their order too");
	rt_check(HEAD "\",gid=9\"" TAIL, HEAD TAIL, "/t: removed option \",gid=9\": gid 9 is not mapped",
		 "joined-id-options: an option left with only an empty part goes");
	const char *mapped = HEAD "\"uid=65536,gid=0\",\"uid=abc,gid=\",\"xgid=5,ygid=6\",\"gid=5\"" TAIL;
	char *ex = NULL, *out = rt_convert(mapped, &ex);
	ok(strstr(out, "\"uid=65536,gid=0\",\"uid=abc,gid=\",\"xgid=5,ygid=6\"") != NULL,
	   "joined-id-options: mapped ids, and parts that are no plain uid=N or gid=N, are left alone: %s", out);
	ok(strstr(ex, "[joined-id-options]") == NULL && strstr(ex, "/t: dropped option gid=5: gid 5 is not mapped in the "
								   "container [id-options]") != NULL,
	   "joined-id-options: an option without a comma is id-options' to judge: %s", ex);
	free(out);
	free(ex);

	rt_skip("joined-id-options", false);
	const char *in = HEAD "\"uid=0,gid=5\"" TAIL;
	rt_check(in, in, "", "joined-id-options skipped: the joined option stays as written");
	rt_skip("joined-id-options", true);

	/* mode userns with RootlessKit's maps: gid 5 is mapped there */
	static ocirl_mappings rk = { OCIRL_MODE_USERNS, rt_rk, 2, rt_rk, 2 };
	rt_ctx.maps = &rk;
	in = "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,"
	     "\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":0,"
	     "\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}]},\"mounts\":[{\"destination\":\"/dev/pts\","
	     "\"type\":\"devpts\",\"options\":[\"newinstance,ptmxmode=0666,mode=0620,gid=5\"]}]}";
	rt_check(in, in, "", "joined-id-options: devpts's joined gid=5 stays where gid 5 is mapped (RootlessKit)");
	return done_testing();
}
