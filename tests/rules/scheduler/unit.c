/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule scheduler (lib/rules/scheduler.c): scheduler and
 * ioPriority go when they need privilege the caller lacks. */
#include "rule-test.h"

#define PROC(x) "{\"process\":{\"args\":[\"sh\"]" x "}}"

int main(void)
{
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	int rtprio = ocirl__rlimit_index("RLIMIT_RTPRIO"), nice = ocirl__rlimit_index("RLIMIT_NICE");
	ok(rtprio >= 0 && nice >= 0, "scheduler: RLIMIT_RTPRIO and RLIMIT_NICE are known resources");

	/* limits unknown */
	rt_check(PROC(",\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":50}"),
		 PROC(",\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":50}"), "",
		 "scheduler: RLIMIT_RTPRIO unknown: a real-time policy stays");
	rt_check(PROC(",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"runtime\":1000}"), PROC(""),
		 "process.scheduler: removed: SCHED_DEADLINE needs CAP_SYS_NICE outside any user namespace",
		 "scheduler: SCHED_DEADLINE always goes");
	rt_check(PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":0}"), PROC(""),
		 "process.ioPriority: removed: IOPRIO_CLASS_RT needs CAP_SYS_ADMIN (or CAP_SYS_NICE) outside any user "
		 "namespace",
		 "scheduler: IOPRIO_CLASS_RT goes");
	rt_check(PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":4}"),
		 PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":4}"), "", "scheduler: IOPRIO_CLASS_BE stays");

	/* the limits of a normal user: RLIMIT_RTPRIO 0, RLIMIT_NICE 0 */
	rt_ctx.hard_known[rtprio] = rt_ctx.hard_known[nice] = true;
	rt_ctx.hard[rtprio] = 0;
	rt_ctx.hard[nice] = 0;
	rt_check(PROC(",\"scheduler\":{\"policy\":\"SCHED_RR\",\"priority\":10}"), PROC(""),
		 "process.scheduler: removed: SCHED_RR priority 10 is above the caller's RLIMIT_RTPRIO hard limit 0: a "
		 "higher one needs CAP_SYS_NICE outside any user namespace",
		 "scheduler: SCHED_RR above RLIMIT_RTPRIO goes");
	rt_check(PROC(",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":-5}"), PROC(""),
		 "process.scheduler: removed: nice -5 is below 20, the lowest the caller's RLIMIT_NICE hard limit 0 allows",
		 "scheduler: a negative nice RLIMIT_NICE does not allow goes");
	rt_check(PROC(",\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":5}"),
		 PROC(",\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":5}"), "", "scheduler: a positive nice stays");
	rt_check_tag(PROC(",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\"}"), "process.scheduler: removed", "scheduler",
		     "scheduler: tagged");
	rt_check_skipped("scheduler", PROC(",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\"}"),
			 PROC(",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\"}"), "", "scheduler skipped: it stays");

	/* limits that allow them */
	rt_ctx.hard[rtprio] = 99;
	rt_ctx.hard[nice] = 40;
	rt_check(PROC(",\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":50,\"nice\":-20}"),
		 PROC(",\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":50,\"nice\":-20}"), "",
		 "scheduler: RLIMIT_RTPRIO 99 and RLIMIT_NICE 40: priority 50 and nice -20 stay");
	rt_ctx.hard_known[rtprio] = rt_ctx.hard_known[nice] = false;

	rt_check_error(PROC(",\"scheduler\":{\"policy\":7}"), "error 1: process.scheduler.policy: expected a string",
		       "scheduler: a policy that is not a string is refused");
	return done_testing();
}
