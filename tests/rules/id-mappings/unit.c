/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule id-mappings (lib/rules/id-mappings.c):
 * linux.uidMappings and linux.gidMappings are the mode's mappings, removed
 * in mode inherit. */
#include "rule-test.h"

int main(void)
{
	char want[4096], in[4096];

	/* mode subid (rt_maps), no caller fact known */
	rt_ctx.maps = &rt_maps;

	/* mappings replaced in their place */
	snprintf(want, sizeof(want),
		 "{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},{\"containerID\":1,"
		 "\"hostID\":100000,\"size\":65536}],\"namespaces\":[" RT_NETNS "," RT_USERNS "],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"z\":true}}");
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}],\"namespaces\":[" RT_NETNS "],"
		 "\"gidMappings\":[],\"z\":true}}");
	rt_check(in, want,
		 "linux.namespaces: added|linux.uidMappings: set to 0:1000:1,1:100000:65536 (container:host:size): "
		 "container root is the caller's uid, then its subordinate uids (mode subid)|linux.gidMappings: set to "
		 "0:1000:1",
		 "id-mappings: mappings are replaced in their place");
	rt_check_tag(in, "linux.uidMappings: set to", "id-mappings", "id-mappings: the uid mappings set");
	rt_check_tag(in, "linux.gidMappings: set to", "id-mappings", "id-mappings: the gid mappings set");
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"hostID\":1000,\"containerID\":0,"
		 "\"size\":1},{\"containerID\":1,\"hostID\":100000,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,"
		 "\"hostID\":1000,\"size\":1}]}}");
	rt_check(in, in, "", "id-mappings: equal mappings are left as written (key order too)");
	/* the mappings are read as a whole: of any type, they are replaced */
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],%s}}", RT_MAPS_JSON);
	rt_check("{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":5,\"gidMappings\":\"x\"}}", want,
		 "linux.uidMappings: set to 0:1000:1,1:100000:65536|linux.gidMappings: set to 0:1000:1",
		 "id-mappings: mappings that are not arrays are replaced, not refused");

	/* mode single: container root only */
	rt_ctx.maps = &rt_single;
	rt_check("{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]}}",
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,"
		 "\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}",
		 "linux.uidMappings: set to 0:1000:1 (container:host:size): container root is the caller's uid (mode "
		 "single)|linux.gidMappings: set to 0:1000:1 (container:host:size): container root is the caller's gid "
		 "(mode single)",
		 "id-mappings: single maps container root to the caller's ids");

	/* mode inherit: no user namespace, nothing to map */
	rt_ctx.maps = &rt_inherit;
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_NETNS "],%s,\"z\":1}}", RT_MAPS_JSON);
	rt_check(in, "{\"linux\":{\"namespaces\":[" RT_NETNS "],\"z\":1}}",
		 "linux.uidMappings: removed: in mode inherit no user namespace is created|linux.gidMappings: removed",
		 "id-mappings: inherit removes the mappings");
	rt_check_tag(in, "linux.uidMappings: removed", "id-mappings", "id-mappings: inherit: the uid mappings removed");
	rt_check_skipped("id-mappings", in, in, "", "id-mappings skipped: inherit: the mappings stay");
	rt_ctx.maps = &rt_maps;

	/* turned off (--skip id-mappings) */
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,"
		 "\"size\":1}],\"gidMappings\":[]}}");
	rt_check_skipped("id-mappings", in, in, "", "id-mappings skipped: other mappings stay as written");
	rt_check_skipped("id-mappings", "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":5}}",
			 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":5}}", "",
			 "id-mappings skipped: mappings of any type are kept, none is added");
	rt_check_skipped("id-mappings", "{\"linux\":{\"namespaces\":[" RT_NETNS "]}}",
			 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]}}", "linux.namespaces: added",
			 "id-mappings skipped: the user namespace is still added, without mappings");

	/* with user-namespace off, id-mappings creates linux itself */
	snprintf(want, sizeof(want), "{\"linux\":{%s}}", RT_MAPS_JSON);
	rt_check_skipped("user-namespace", "{}", want, "linux: created (it was missing)|linux.uidMappings|linux.gidMappings",
			 "id-mappings: with user-namespace skipped, linux is created for the mappings");
	rt_skip("user-namespace", false);
	rt_check_tag("{}", "linux: created (it was missing)", "id-mappings",
		     "id-mappings: with user-namespace skipped, linux created");
	rt_skip("user-namespace", true);
	return done_testing();
}
