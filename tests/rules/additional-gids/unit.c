/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule additional-gids (lib/rules/additional-gids.c):
 * process.user.additionalGids all go in modes single and subid, the
 * unmapped ones in userns and inherit. */
#include "rule-test.h"

/* The userns mappings (RootlessKit's uids, gid 0 -> 1000), already in place. */
#define USERNS_LINUX                                                                                              \
	"\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,"        \
	"\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000," \
	"\"size\":1}]}"

int main(void)
{
	char want[4096], in[4096];

	/* mode single (rt_single: 0 -> 1000 only), no caller fact known */
	rt_ctx.maps = &rt_single;
	snprintf(want, sizeof(want), "{\"process\":{\"user\":{\"uid\":0,\"gid\":0}},\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS
		 "],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"gidMappings\":[{\"containerID\":0,"
		 "\"hostID\":1000,\"size\":1}]}}");
	snprintf(in, sizeof(in), "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,5]}},\"linux\":{\"namespaces\":["
		 RT_NETNS "]}}");
	rt_check(in, want,
		 "linux.namespaces|linux.uidMappings|linux.gidMappings|process.user.additionalGids: removed: a runtime run by a normal user",
		 "additional-gids: single removes every additional gid");
	rt_check_tag(in, "process.user.additionalGids: removed", "additional-gids", "additional-gids: single: the gids removed");
	/* turned off (--skip additional-gids) */
	snprintf(want, sizeof(want), "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,5]}},\"linux\":{\"namespaces\":["
		 RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"gidMappings\":[{"
		 "\"containerID\":0,\"hostID\":1000,\"size\":1}]}}");
	rt_check_skipped("additional-gids", in, want, "linux.namespaces|linux.uidMappings|linux.gidMappings",
			 "additional-gids skipped: single: the additional gids stay");

	/* mode subid: all go as well (rt_maps maps gid 0 only) */
	rt_ctx.maps = &rt_maps;
	snprintf(in, sizeof(in), "{\"process\":{\"user\":{\"additionalGids\":[0]}},\"linux\":{\"namespaces\":[" RT_NETNS ","
		 RT_USERNS "],%s}}", RT_MAPS_JSON);
	snprintf(want, sizeof(want), "{\"process\":{\"user\":{}},\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s}}",
		 RT_MAPS_JSON);
	rt_check(in, want, "process.user.additionalGids: removed: a runtime run by a normal user",
		 "additional-gids: subid removes every additional gid, mapped ones too");

	/* mode userns: the mapped ones stay */
	rt_ctx.maps = &rt_userns;
	snprintf(in, sizeof(in), "{\"process\":{\"user\":{\"additionalGids\":[0,5,0]}}," USERNS_LINUX "}");
	snprintf(want, sizeof(want), "{\"process\":{\"user\":{\"additionalGids\":[0,0]}}," USERNS_LINUX "}");
	rt_check(in, want, "process.user.additionalGids: dropped gid 5: it is not mapped",
		 "additional-gids: userns keeps the mapped additional gids");
	rt_check_tag(in, "process.user.additionalGids: dropped gid 5", "additional-gids",
		     "additional-gids: userns: an unmapped gid dropped");
	rt_check_skipped("additional-gids", in, in, "", "additional-gids skipped: userns: an unmapped gid stays");

	/* process.user.additionalGids and its items are read by additional-gids alone */
	rt_check_error("{\"process\":{\"user\":{\"additionalGids\":[0,-1]}}," USERNS_LINUX "}",
		       "error 1: process.user.additionalGids[1]: expected an integer from 0 to 4294967295",
		       "additional-gids: a negative additional gid is invalid input");
	rt_check_error("{\"process\":{\"user\":{\"additionalGids\":\"5\"}}," USERNS_LINUX "}",
		       "error 1: process.user.additionalGids: expected an array",
		       "additional-gids: additionalGids that are a string");
	rt_check_skipped("additional-gids", "{\"process\":{\"user\":{\"additionalGids\":[0,-1]}}," USERNS_LINUX "}",
			 "{\"process\":{\"user\":{\"additionalGids\":[0,-1]}}," USERNS_LINUX "}", "",
			 "additional-gids skipped: a negative additional gid is accepted and left as it is");
	rt_check_skipped("additional-gids", "{\"process\":{\"user\":{\"additionalGids\":\"5\"}}," USERNS_LINUX "}",
			 "{\"process\":{\"user\":{\"additionalGids\":\"5\"}}," USERNS_LINUX "}", "",
			 "additional-gids skipped: additionalGids that are a string are accepted and left as they are");
	rt_ctx.maps = &rt_maps;
	return done_testing();
}
