/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule oom-score-adj (lib/rules/oom-score-adj.c):
 * process.oomScoreAdj below the caller's own is raised to it. */
#include "rule-test.h"

int main(void)
{
	/* mode inherit, /sys out of the way (the caller's user namespace owns its
	 * network namespace); the caller's oom_score_adj is 100 */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_ctx.oom_known = true;
	rt_ctx.oom_score_adj = 100;

	rt_check("{\"process\":{\"oomScoreAdj\":-999}}", "{\"process\":{\"oomScoreAdj\":100}}",
		 "process.oomScoreAdj: raised from -999 to 100, the caller's own",
		 "oom-score-adj: oomScoreAdj raised to the caller's");
	rt_check_tag("{\"process\":{\"oomScoreAdj\":-999}}", "process.oomScoreAdj: raised from -999 to 100", "oom-score-adj",
		     "oom-score-adj: oomScoreAdj raised");
	rt_check("{\"process\":{\"oomScoreAdj\":500}}", "{\"process\":{\"oomScoreAdj\":500}}", "",
		 "oom-score-adj: an oomScoreAdj above the caller's stays");
	rt_check("{\"process\":{\"oomScoreAdj\":100}}", "{\"process\":{\"oomScoreAdj\":100}}", "",
		 "oom-score-adj: an oomScoreAdj equal to the caller's stays");
	rt_check("{\"process\":{\"oomScoreAdj\":18446744073709551615}}",
		 "{\"process\":{\"oomScoreAdj\":18446744073709551615}}", "",
		 "oom-score-adj: an oomScoreAdj above INT64_MAX counts as high, and stays");

	/* process.oomScoreAdj is read by oom-score-adj alone */
	rt_check_error("{\"process\":{\"oomScoreAdj\":\"-999\"}}", "error 1: process.oomScoreAdj: expected an integer",
		       "oom-score-adj: an oomScoreAdj that is a string is invalid input");

	/* turned off (--skip oom-score-adj) */
	rt_check_skipped("oom-score-adj", "{\"process\":{\"oomScoreAdj\":-999}}", "{\"process\":{\"oomScoreAdj\":-999}}", "",
			 "oom-score-adj skipped: an oomScoreAdj below the caller's stays");
	rt_check_skipped("oom-score-adj", "{\"process\":{\"oomScoreAdj\":\"-999\"}}",
			 "{\"process\":{\"oomScoreAdj\":\"-999\"}}", "",
			 "oom-score-adj skipped: an oomScoreAdj that is a string is accepted and left as it is");
	rt_check_skipped("oom-score-adj", "{\"process\":[]}", "error 1: process: expected an object", "",
			 "oom-score-adj skipped: process of the wrong type is still refused (other rules read it)");

	rt_ctx.oom_known = false;
	rt_check("{\"process\":{\"oomScoreAdj\":-999}}", "{\"process\":{\"oomScoreAdj\":-999}}", "",
		 "oom-score-adj: an unknown caller oom_score_adj changes nothing");
	return done_testing();
}
