/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule rlimits (lib/rules/rlimits.c): process.rlimits
 * above the caller's hard limits are lowered to them. */
#include "rule-test.h"

static const char in[] =
	"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,\"soft\":1024,\"x\":1},"
	"{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615},"
	"{\"type\":\"RLIMIT_NOFILE\",\"soft\":30000},"
	"{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615},"
	"{\"type\":\"RLIMIT_STACK\",\"hard\":99999999999},{\"type\":\"RLIMIT_BOGUS\",\"hard\":1}]}}";

int main(void)
{
	/* mode inherit, /sys out of the way; the caller's hard limits: NOFILE
	 * 20000, CORE unlimited, the others unknown */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	int nofile = ocirl__rlimit_index("RLIMIT_NOFILE"), core = ocirl__rlimit_index("RLIMIT_CORE");
	if (nofile < 0 || core < 0)
		abort();
	rt_ctx.hard_known[nofile] = true;
	rt_ctx.hard[nofile] = 20000;
	rt_ctx.hard_known[core] = true;
	rt_ctx.hard[core] = UINT64_MAX;

	rt_check(in,
		 "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":1024,\"x\":1},"
		 "{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":20000},"
		 "{\"type\":\"RLIMIT_NOFILE\",\"soft\":20000},"
		 "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615},"
		 "{\"type\":\"RLIMIT_STACK\",\"hard\":99999999999},{\"type\":\"RLIMIT_BOGUS\",\"hard\":1}]}}",
		 "process.rlimits[0]: RLIMIT_NOFILE lowered to hard 20000, soft 1024 (was 1048576, 1024)|"
		 "process.rlimits[1]: RLIMIT_NOFILE lowered to hard 20000, soft 20000 (was unlimited, unlimited)|"
		 "process.rlimits[2]: RLIMIT_NOFILE lowered to soft 20000 (was 30000)",
		 "rlimits: rlimits lowered to the caller's hard limit, unlimited understood, unknown left alone");
	rt_check_tag(in, "process.rlimits[0]: RLIMIT_NOFILE lowered", "rlimits", "rlimits: a hard limit lowered");
	rt_check_tag(in, "process.rlimits[2]: RLIMIT_NOFILE lowered to soft 20000", "rlimits",
		     "rlimits: a soft limit lowered");
	rt_check("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":5000,\"soft\":9000}]}}",
		 "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":5000,\"soft\":5000}]}}",
		 "process.rlimits[0]: RLIMIT_NOFILE lowered to hard 5000, soft 5000 (was 5000, 9000)",
		 "rlimits: a soft limit above its own hard limit is lowered to it");

	/* process.rlimits is read by rlimits alone */
	rt_check_error("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1}]}}",
		       "error 1: process.rlimits[0].hard: expected an integer from 0 to 18446744073709551615",
		       "rlimits: a negative rlimit is invalid input");
	rt_check_error("{\"process\":{\"rlimits\":[{\"hard\":1}]}}", "error 1: process.rlimits[0].type: expected a string",
		       "rlimits: an rlimit without a type is invalid input");

	/* turned off (--skip rlimits) */
	rt_check_skipped("rlimits", in, in, "", "rlimits skipped: limits above the caller's stay");
	rt_check_skipped("rlimits", "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1}]}}",
			 "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1}]}}", "",
			 "rlimits skipped: a negative rlimit is accepted and left as it is");
	rt_check_skipped("rlimits", "{\"process\":{\"rlimits\":[{\"hard\":1}]}}", "{\"process\":{\"rlimits\":[{\"hard\":1}]}}",
			 "", "rlimits skipped: an rlimit without a type is accepted and left as it is");
	return done_testing();
}
