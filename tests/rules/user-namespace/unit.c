/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule user-namespace (lib/rules/user-namespace.c): one
 * plain user namespace at the end of linux.namespaces (linux created for
 * it), none in mode inherit; one joined by path is refused. */
#include "rule-test.h"

#define JOINED "{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}"

int main(void)
{
	char want[4096], in[4096];

	/* mode subid (rt_maps), no caller fact known */
	rt_ctx.maps = &rt_maps;

	/* linux exists; exactly one plain user namespace, at the end */
	snprintf(want, sizeof(want),
		 "{\"ociVersion\":\"1.0.2\",\"linux\":{\"namespaces\":[" RT_USERNS "],%s}}", RT_MAPS_JSON);
	rt_check("{\"ociVersion\":\"1.0.2\"}", want,
		 "linux: created (it was missing)|linux.namespaces: added {\"type\": \"user\"}|linux.uidMappings: set to "
		 "0:1000:1,1:100000:65536|linux.gidMappings: set to 0:1000:1",
		 "user-namespace: a missing linux is created, keys added at the end");
	rt_check_tag("{\"ociVersion\":\"1.0.2\"}", "linux: created (it was missing)", "user-namespace",
		     "user-namespace: linux created for the user namespace");
	rt_check_tag("{\"ociVersion\":\"1.0.2\"}", "linux.namespaces: added {\"type\": \"user\"}", "user-namespace",
		     "user-namespace: the user namespace added");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_USERNS "],%s},\"x\":1}", RT_MAPS_JSON);
	rt_check("{\"linux\":null,\"x\":1}", want,
		 "linux: created (it was null)|linux.namespaces: added|linux.uidMappings|linux.gidMappings",
		 "user-namespace: a null linux is replaced in its place");
	rt_check_tag("{\"linux\":null,\"x\":1}", "linux: created (it was null)", "user-namespace",
		     "user-namespace: a null linux replaced");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\"}," RT_USERNS "],%s}}",
		 RT_MAPS_JSON);
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"namespaces\":[" RT_USERNS "," RT_NETNS ",{\"type\":\"user\",\"path\":\"\"},{\"type\":\"pid\"}]}}");
	rt_check(in, want,
		 "linux.namespaces: kept the first of 2 user namespace entries, at the end, and removed the others|"
		 "linux.uidMappings|linux.gidMappings",
		 "user-namespace: plain user entries become one, at the end; others keep their order");
	rt_check_tag(in, "linux.namespaces: kept the first of 2 user namespace entries", "user-namespace",
		     "user-namespace: several user entries made one");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"user\",\"x\":[1]}],%s}}",
		 RT_MAPS_JSON);
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"x\":[1]}," RT_NETNS "]}}", want,
		 "linux.namespaces: moved the user namespace to the end|linux.uidMappings|linux.gidMappings",
		 "user-namespace: a user entry keeps its other fields when it moves to the end");
	rt_check_tag("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"x\":[1]}," RT_NETNS "]}}",
		     "linux.namespaces: moved the user namespace to the end", "user-namespace",
		     "user-namespace: the user entry moved");
	rt_check_error("{\"linux\":{\"namespaces\":[" RT_NETNS "," JOINED "]}}",
		       "error 2: linux.namespaces[1]: joins the user namespace at \"/proc/1/ns/user\": its mappings are "
		       "fixed by its owner and cannot be made rootless here; remove the entry or run the runtime inside "
		       "that namespace",
		       "user-namespace: a user namespace joined by path is refused");

	/* the check of types, before anything changes: user-namespace is the
	 * first rule of the table to read linux and its namespaces */
	rt_check_error("{\"linux\":[]}", "error 1: linux: expected an object", "user-namespace: linux of the wrong type");
	rt_check_error("{\"linux\":{\"namespaces\":{}}}", "error 1: linux.namespaces: expected an array",
		       "user-namespace: namespaces of the wrong type");
	rt_check_error("{\"linux\":{\"namespaces\":[" RT_NETNS ",{}]}}",
		       "error 1: linux.namespaces[1].type: expected a string", "user-namespace: a namespace without a type");
	rt_check_error("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":7}]}}",
		       "error 1: linux.namespaces[0].path: expected a string",
		       "user-namespace: a namespace path of the wrong type");
	rt_check_error("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"\\u0000/proc/1/ns/user\"}]}}",
		       "error 1: linux.namespaces[0].path: a \\u0000 in this string is not allowed",
		       "user-namespace: a \\u0000 in a string a rule reads is refused (a path that would pass for none)");

	/* mode inherit: the caller's user namespace */
	rt_ctx.maps = &rt_inherit;
	rt_check("{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[],\"gidMappings\":[]}}",
		 "{\"linux\":{\"namespaces\":[" RT_NETNS "]}}",
		 "linux.namespaces: removed the user namespace: in mode inherit|linux.uidMappings: removed|"
		 "linux.gidMappings: removed",
		 "user-namespace: inherit: no user namespace and no mappings");
	rt_check_tag("{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]}}", "linux.namespaces: removed the user namespace",
		     "user-namespace", "user-namespace: inherit: the user namespace removed");
	rt_check("{\"linux\":{\"namespaces\":[" RT_NETNS "]}}", "{\"linux\":{\"namespaces\":[" RT_NETNS "]}}", "",
		 "user-namespace: inherit: no user namespace is added, and linux is not created for it");
	rt_ctx.maps = &rt_maps;

	/* turned off (--skip user-namespace) */
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS "],%s}}", RT_MAPS_JSON);
	rt_check_skipped("user-namespace", "{\"linux\":{\"namespaces\":[" RT_NETNS "]}}", want,
			 "linux.uidMappings: set to|linux.gidMappings: set to",
			 "user-namespace skipped: no user namespace is added, the mappings still are");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" RT_USERNS "," RT_NETNS "," RT_USERNS "],%s}}", RT_MAPS_JSON);
	rt_check_skipped("user-namespace", in, in, "",
			 "user-namespace skipped: user entries are neither merged nor moved to the end");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" RT_NETNS "," JOINED "],%s}}", RT_MAPS_JSON);
	rt_check_skipped("user-namespace", "{\"linux\":{\"namespaces\":[" RT_NETNS "," JOINED "]}}", want,
			 "linux.uidMappings: set to|linux.gidMappings: set to",
			 "user-namespace skipped: a user namespace joined by path is not refused, and stays");
	rt_check_skipped("user-namespace", "{\"linux\":{\"namespaces\":[" RT_NETNS ",{}]}}",
			 "error 1: linux.namespaces[1].type: expected a string", "",
			 "user-namespace skipped: a namespace without a type is still refused (sys, proc and others read it)");
	rt_check_skipped("user-namespace", "{\"linux\":[]}", "error 1: linux: expected an object", "",
			 "user-namespace skipped: linux of the wrong type is still refused");
	rt_ctx.maps = &rt_inherit;
	rt_check_skipped("user-namespace",
			 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[],\"gidMappings\":[]}}",
			 "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]}}",
			 "linux.uidMappings: removed|linux.gidMappings: removed",
			 "user-namespace skipped: inherit: the user namespace stays (its mappings still go)");
	rt_ctx.maps = &rt_maps;
	return done_testing();
}
