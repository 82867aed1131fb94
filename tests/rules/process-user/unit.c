/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule process-user (lib/rules/process-user.c): the uid
 * and gid of process.user must be mapped in the container, else the
 * conversion is refused. The rule only refuses: it changes nothing, so no
 * change ever carries its name. */
#include "rule-test.h"

/* The single mappings (0 -> 1000 both ways), already in place. */
#define SINGLE_LINUX                                                                                         \
	"\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000," \
	"\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}"

int main(void)
{
	/* mode single: only id 0 is mapped; no caller fact known */
	rt_ctx.maps = &rt_single;

	rt_check_error("{\"process\":{\"user\":{\"uid\":0,\"gid\":5}}}",
		       "error 2: process.user.gid: gid 5 is not mapped in the container (gid mappings container:host:size "
		       "0:1000:1, mode single); map more ids with --mode subid, or run the process as a mapped id",
		       "process-user: an unmapped process gid is refused, naming the id and the mappings");
	rt_check_error("{\"process\":{\"user\":{\"uid\":1}}}",
		       "error 2: process.user.uid: uid 1 is not mapped in the container (uid mappings container:host:size "
		       "0:1000:1, mode single); map more ids with --mode subid, or run the process as a mapped id",
		       "process-user: an unmapped process uid is refused");
	rt_check_error("{\"process\":{\"user\":{\"uid\":-1}}}",
		       "error 1: process.user.uid: expected an integer from 0 to 4294967295",
		       "process-user: a negative uid is invalid input");
	rt_check_error("{\"process\":{\"user\":{\"gid\":4294967296}}}",
		       "error 1: process.user.gid: expected an integer from 0 to 4294967295",
		       "process-user: a gid above 32 bits is invalid input");
	/* mapped ids, or none (the runtime runs the process as 0): accepted, nothing changes */
	rt_check("{\"process\":{\"user\":{\"uid\":0,\"gid\":0}}," SINGLE_LINUX "}",
		 "{\"process\":{\"user\":{\"uid\":0,\"gid\":0}}," SINGLE_LINUX "}", "",
		 "process-user: a mapped uid and gid are accepted as they are");
	rt_check("{\"process\":{\"user\":{}}," SINGLE_LINUX "}", "{\"process\":{\"user\":{}}," SINGLE_LINUX "}", "",
		 "process-user: an absent uid and gid count as 0, which is mapped");
	{
		char *ex = NULL, *out = rt_convert("{\"process\":{\"user\":{\"uid\":0,\"gid\":0}}}", &ex);
		ok(*ex && !rt_tagged(ex, "process-user"),
		   "process-user: a conversion with changes by others has none tagged [process-user]: %s", ex);
		free(out);
		free(ex);
	}

	/* turned off (--skip process-user): no refusal, and no check of the ids' types */
	rt_check_skipped("process-user", "{\"process\":{\"user\":{\"uid\":1}}," SINGLE_LINUX "}",
			 "{\"process\":{\"user\":{\"uid\":1}}," SINGLE_LINUX "}", "",
			 "process-user skipped: an unmapped uid is not refused, and stays");
	rt_check_skipped("process-user", "{\"process\":{\"user\":{\"uid\":0,\"gid\":5}}," SINGLE_LINUX "}",
			 "{\"process\":{\"user\":{\"uid\":0,\"gid\":5}}," SINGLE_LINUX "}", "",
			 "process-user skipped: an unmapped gid is not refused, and stays");
	rt_check_skipped("process-user", "{\"process\":{\"user\":{\"uid\":-1,\"gid\":\"x\"}}," SINGLE_LINUX "}",
			 "{\"process\":{\"user\":{\"uid\":-1,\"gid\":\"x\"}}," SINGLE_LINUX "}", "",
			 "process-user skipped: a uid and gid of the wrong type are accepted and left as they are");
	/* process.user is read by additional-gids too */
	rt_check_skipped("process-user", "{\"process\":{\"user\":5}}", "error 1: process.user: expected an object", "",
			 "process-user skipped: process.user of the wrong type is still refused (additional-gids reads it)");
	return done_testing();
}
