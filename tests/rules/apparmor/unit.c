/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule apparmor (lib/rules/apparmor.c): the profile goes
 * when the host has no AppArmor, or when it is not among the loaded ones. */
#include "rule-test.h"

#define P(name) "{\"process\":{\"args\":[\"sh\"],\"apparmorProfile\":\"" name "\"}}"
#define NONE "{\"process\":{\"args\":[\"sh\"]}}"

int main(void)
{
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;

	/* facts unknown: nothing */
	rt_check(P("docker-default"), P("docker-default"), "", "apparmor: AppArmor unknown: the profile stays");

	/* no AppArmor */
	rt_ctx.aa_known = true;
	rt_check(P("docker-default"), NONE,
		 "process.apparmorProfile: removed: the host has no AppArmor (the caller's attr/apparmor/current cannot "
		 "be read), so no profile can be applied (runc: \"unable to apply apparmor profile: apparmor failed to "
		 "apply profile: write /proc/self/attr/exec: invalid argument\"; crun: \"AppArmor is not initialized "
		 "correctly\")",
		 "apparmor: no AppArmor on the host: the profile goes");
	rt_check(P("unconfined"), NONE, "process.apparmorProfile: removed: the host has no AppArmor",
		 "apparmor: no AppArmor: even unconfined goes (runc writes it to attr/exec, which fails)");
	rt_check_tag(P("x"), "process.apparmorProfile: removed", "apparmor", "apparmor: the change is tagged");
	rt_check_skipped("apparmor", P("docker-default"), P("docker-default"), "", "apparmor skipped: the profile stays");
	rt_check(P(""), P(""), "", "apparmor: an empty profile (none asked) stays as written");
	rt_check(NONE, NONE, "", "apparmor: no profile: nothing to do");

	/* AppArmor, the loaded profiles unknown (not the real /proc/self) */
	rt_ctx.aa_enabled = true;
	rt_check(P("docker-default"), P("docker-default"), "", "apparmor: AppArmor, loaded profiles unknown: it stays");

	/* AppArmor and the loaded profiles */
	rt_ctx.aa_profiles = (char *)"docker-default (enforce)\nnerdctl-default (complain)\n/usr/bin/man (enforce)\n";
	rt_check(P("docker-default"), P("docker-default"), "", "apparmor: a loaded profile stays");
	rt_check(P("/usr/bin/man"), P("/usr/bin/man"), "", "apparmor: a loaded profile named by path stays");
	rt_check(P("unconfined"), P("unconfined"), "", "apparmor: unconfined is always there");
	rt_check(P("cri-containerd.apparmor.d"), NONE,
		 "process.apparmorProfile: removed: the profile is not loaded (the kernel knows no profile of that "
		 "name), and only root can load one (apparmor_parser): applying it fails",
		 "apparmor: a profile that is not loaded goes");
	rt_check(P("docker"), NONE, "process.apparmorProfile: removed: the profile is not loaded",
		 "apparmor: a prefix of a loaded profile's name is not that profile");
	rt_ctx.aa_profiles = NULL;
	rt_ctx.aa_known = rt_ctx.aa_enabled = false;

	rt_check_error("{\"process\":{\"apparmorProfile\":5}}", "error 1: process.apparmorProfile: expected a string",
		       "apparmor: a profile that is not a string is refused");
	return done_testing();
}
