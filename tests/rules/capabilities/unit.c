/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule capabilities (lib/rules/capabilities.c): every
 * capability set loses what is not in the caller's bounding set. */
#include "rule-test.h"

#define CAPS(b, e) "{\"process\":{\"capabilities\":{\"bounding\":[" b "],\"effective\":[" e "]}}}"
#define K "\"CAP_KILL\""
#define T "\"CAP_SYS_TIME\""
#define R "\"CAP_SYS_RESOURCE\""

int main(void)
{
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_check(CAPS(K "," T, K "," T), CAPS(K "," T, K "," T), "", "capabilities: the bounding set unknown: nothing changes");

	rt_ctx.capbnd_known = true;
	rt_ctx.capbnd = 0x1fffeffffffULL & ~(1ULL << 25); /* this machine's, without CAP_SYS_RESOURCE (24), and CAP_SYS_TIME (25) dropped */
	rt_check(CAPS(K "," T "," R, T "," K), CAPS(K, K),
		 "process.capabilities: dropped CAP_SYS_TIME from the bounding set: it is not in the caller's bounding set "
		 "(CapBnd 000001fffcffffff), and no process can give more than it has (runc: \"unable to apply caps: "
		 "operation not permitted\"; crun: \"capset: Operation not permitted\")|process.capabilities: dropped "
		 "CAP_SYS_RESOURCE from the bounding set|process.capabilities: dropped CAP_SYS_TIME from the effective set",
		 "capabilities: what the caller's bounding set lacks goes from every set");
	rt_check("{\"process\":{\"capabilities\":{\"inheritable\":[" T "],\"permitted\":[" T "," K "],\"ambient\":[" T "]}}}",
		 "{\"process\":{\"capabilities\":{\"inheritable\":[],\"permitted\":[" K "],\"ambient\":[]}}}",
		 "process.capabilities: dropped CAP_SYS_TIME from the inheritable set|process.capabilities: dropped "
		 "CAP_SYS_TIME from the permitted set|process.capabilities: dropped CAP_SYS_TIME from the ambient set",
		 "capabilities: inheritable, permitted and ambient too; an emptied set stays, empty");
	rt_check(CAPS(K ",\"CAP_FUTURE_THING\"", K), CAPS(K ",\"CAP_FUTURE_THING\"", K), "",
		 "capabilities: a name the table does not know stays");
	rt_check_tag(CAPS(T, K), "process.capabilities: dropped CAP_SYS_TIME", "capabilities", "capabilities: tagged");
	rt_check_skipped("capabilities", CAPS(T, K), CAPS(T, K), "", "capabilities skipped: nothing changes");
	rt_ctx.capbnd = ~0ULL;
	rt_check(CAPS(K "," T "," R ",\"CAP_CHECKPOINT_RESTORE\"", K), CAPS(K "," T "," R ",\"CAP_CHECKPOINT_RESTORE\"", K),
		 "", "capabilities: a full bounding set: nothing changes");
	rt_check_error("{\"process\":{\"capabilities\":{\"bounding\":[5]}}}",
		       "error 1: process.capabilities.bounding[0]: expected a string",
		       "capabilities: a capability that is not a string is refused");
	rt_ctx.capbnd_known = false;
	return done_testing();
}
