/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule locked-flags (lib/rules/locked-flags.c): bind
 * mounts get the flags their source's mount has locked, and its atime mode.
 * The flags of /proc's mount differ between machines, so the expectations
 * are built from statvfs(); the e2e suite checks every flag on a tmpfs it
 * mounts with all of them. */
#include <sys/statvfs.h>

#include "rule-test.h"

#define NAMESPACES "\"linux\":{\"namespaces\":[" RT_NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]}"

int main(void)
{
	char want[4096], in[4096];

	/* mode inherit, /sys out of the way; new pid and ipc namespaces keep
	 * proc and ipc-mounts out of the way too */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;

	struct statvfs sv;
	if (statvfs("/proc", &sv) != 0) {
		ok(0, "locked-flags: statvfs(\"/proc\")");
		return done_testing();
	}
	const char *atime = (sv.f_flag & ST_NOATIME) ? "noatime" : (sv.f_flag & ST_RELATIME) ? "relatime" : "strictatime";
	const char *other = strcmp(atime, "strictatime") == 0 ? "noatime" : "strictatime";
	char p_opts[256] = "\"rbind\"", q_opts[256] = "\"bind\",\"nosuid\"", ex[1024] = "";
	bool p_exec = true;
	if (sv.f_flag & ST_NOSUID) {
		strcat(p_opts, ",\"nosuid\"");
		strcat(ex, "/p: added option nosuid|");
	}
	if (sv.f_flag & ST_NODEV) {
		strcat(p_opts, ",\"nodev\"");
		strcat(q_opts, ",\"nodev\"");
		strcat(ex, "/p: added option nodev|");
	}
	if (sv.f_flag & ST_NOEXEC) {
		strcat(p_opts, ",\"noexec\"");
		strcat(q_opts, ",\"noexec\"");
		strcat(ex, "/p: added option noexec in place of exec|");
		p_exec = false;
	}
	char p_final[300];
	snprintf(p_final, sizeof(p_final), "%s%s,\"%s\"", p_exec ? "\"rbind\",\"exec\"" : p_opts, p_exec ? p_opts + 7 : "",
		 atime);
	snprintf(ex + strlen(ex), sizeof(ex) - strlen(ex), "/p: set the atime mode to %s", atime);
	if (sv.f_flag & ST_NODEV)
		strcat(ex, "|/q: added option nodev");
	if (sv.f_flag & ST_NOEXEC)
		strcat(ex, "|/q: added option noexec");
	snprintf(in, sizeof(in), "{" NAMESPACES ",\"mounts\":["
		 "{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/proc/self\",\"options\":[\"rbind\",\"exec\",\"%s\"]},"
		 "{\"destination\":\"/q\",\"type\":\"none\",\"source\":\"/proc\",\"options\":[\"bind\",\"nosuid\"]},"
		 "{\"destination\":\"/r\",\"type\":\"bind\",\"source\":\"/nonexistent/x\",\"options\":[\"rbind\"]},"
		 "{\"destination\":\"/s\",\"type\":\"tmpfs\",\"source\":\"/proc\"}]}", other);
	snprintf(want, sizeof(want), "{" NAMESPACES ",\"mounts\":["
		 "{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/proc/self\",\"options\":[%s]},"
		 "{\"destination\":\"/q\",\"type\":\"none\",\"source\":\"/proc\",\"options\":[%s]},"
		 "{\"destination\":\"/r\",\"type\":\"bind\",\"source\":\"/nonexistent/x\",\"options\":[\"rbind\"]},"
		 "{\"destination\":\"/s\",\"type\":\"tmpfs\",\"source\":\"/proc\"}]}", p_final, q_opts);
	rt_check(in, want, ex,
		 "locked-flags: bind mounts get their source mount's locked flags and atime mode; others and missing sources stay");
	/* the atime mode asked for (other) is never the source's: always set */
	rt_check_tag(in, "/p: set the atime mode to", "locked-flags", "locked-flags: the atime mode set");
	/* turned off (--skip locked-flags): the options stay as written */
	rt_check_skipped("locked-flags", in, in, "", "locked-flags skipped: the bind mounts' options stay as written");

	if (!(sv.f_flag & ST_NODIRATIME)) {
		snprintf(in, sizeof(in), "{" NAMESPACES ",\"mounts\":[{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/proc\","
			 "\"options\":[\"nodiratime\"]}]}");
		char *ex2 = NULL, *out2 = rt_convert(in, &ex2);
		ok(strstr(out2, "nodiratime") == NULL &&
			   strstr(ex2, "/p: removed option nodiratime: the source /proc lies on a mount without it"),
		   "locked-flags: nodiratime goes when the source's mount does not have it (locked with the atime mode)");
		free(out2);
		free(ex2);
		rt_check_tag(in, "/p: removed option nodiratime", "locked-flags", "locked-flags: nodiratime removed");
		rt_check_skipped("locked-flags", in, in, "", "locked-flags skipped: nodiratime stays");
	}

	/* the mounts are read by other rules too */
	rt_check_skipped("locked-flags", "{\"mounts\":[{\"destination\":\"/p\",\"type\":\"bind\",\"source\":7}]}",
			 "error 1: mounts[0].source: expected a string", "",
			 "locked-flags skipped: a mount source of the wrong type is still refused");
	return done_testing();
}
