/* SPDX-License-Identifier: Apache-2.0 */
/*
 * apparmor: process.apparmorProfile goes when it cannot be applied: the
 * host has no AppArmor (PROC_SELF/attr/apparmor/current cannot be read: the
 * kernel has no AppArmor, or it is not the active security module), or the
 * profile is not loaded (ocirl__aa_applies: securityfs' list where it can
 * be read, else, for the real /proc/self, a child process asks for it). Docker, containerd and nerdctl write
 * docker-default or cri-containerd.apparmor.d, which a rootless daemon does
 * not load. runc: "unable to apply apparmor profile: apparmor failed to
 * apply profile: write /proc/self/attr/exec: invalid argument" without
 * AppArmor, "no such file or directory" for a profile not loaded; crun:
 * "AppArmor is not initialized correctly". A loaded profile can be applied
 * without root and stays; so does any profile where the facts are unknown.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "process", OCIRL_FIELD_OBJECT, 0 },
	{ "process.apparmorProfile", OCIRL_FIELD_STRING, 0 },
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	ocirl_node *process = rule_get(e->config, "process");
	const char *profile = rule_get_str(process, "apparmorProfile");
	if (!profile || !*profile)
		return 0;
	const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_APPARMOR);
	if (!ctx->aa_known)
		return 0;
	if (!ctx->aa_enabled)
		return ocirl__rule_drop(e, process, "apparmorProfile", "process.apparmorProfile",
					"the host has no AppArmor (the caller's attr/apparmor/current cannot be read), so "
					"no profile can be applied (runc: \"unable to apply apparmor profile: apparmor failed "
					"to apply profile: write /proc/self/attr/exec: invalid argument\"; crun: \"AppArmor is "
					"not initialized correctly\")");
	if (ocirl__aa_applies(ctx, profile) != 0)
		return 0;
	return ocirl__rule_drop(e, process, "apparmorProfile", "process.apparmorProfile",
				"the profile is not loaded (the kernel knows no profile of that name), and only root can "
				"load one (apparmor_parser): applying it fails (runc: \"apparmor failed to apply profile: "
				"... no such file or directory\"); the container keeps the caller's confinement");
}

const ocirl_rule ocirl__rule_apparmor = {
	.name = "apparmor",
	.summary = "process.apparmorProfile goes when the host has no AppArmor or the profile is not loaded",
	.reads = reads,
	.apply = apply,
};
