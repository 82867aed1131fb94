/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: reading the caller's facts from a fake /proc/self and a fake
 * cgroup v2 tree (lib/caller.c). */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fcntl.h>

#include "internal.h"
#include "ns-child.h"
#include "tap.h"

static char tmp[] = "/tmp/ocirl-caller-XXXXXX";

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	FILE *f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	mkdir(p, 0755);
}

static const char limits[] =
	"Limit                     Soft Limit           Hard Limit           Units     \n"
	"Max cpu time              unlimited            unlimited            seconds   \n"
	"Max file size             unlimited            unlimited            bytes     \n"
	"Max open files            1024                 20000                files     \n"
	"Max processes             63844                63844                processes \n"
	"Max locked memory         8388608              8388608              bytes     \n"
	"Max realtime timeout      unlimited            unlimited            us        \n";

static const char mountinfo[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"23 22 0:21 / /dev rw,nosuid - tmpfs tmpfs rw,mode=755\n"
	"24 23 0:22 / /dev/mqueue rw,nosuid,nodev,noexec,relatime shared:14 - mqueue mqueue rw\n"
	"25 22 0:23 / /with\\040space rw - tmpfs tmpfs rw\n";

int main(void)
{
	if (!mkdtemp(tmp))
		return 99;

	uint64_t hard[OCIRL_N_RLIMITS] = { 0 };
	bool known[OCIRL_N_RLIMITS] = { 0 };
	ocirl__limits_parse(limits, hard, known);
	int nofile = ocirl__rlimit_index("RLIMIT_NOFILE"), cpu = ocirl__rlimit_index("RLIMIT_CPU");
	ok(nofile >= 0 && known[nofile] && hard[nofile] == 20000, "limits: the hard limit of open files is 20000");
	ok(cpu >= 0 && known[cpu] && hard[cpu] == UINT64_MAX, "limits: unlimited reads as UINT64_MAX");
	ok(!known[ocirl__rlimit_index("RLIMIT_STACK")], "limits: a line that is not there stays unknown");
	ok(known[ocirl__rlimit_index("RLIMIT_RTTIME")], "limits: the last line is read");
	ok(ocirl__rlimit_index("RLIMIT_BOGUS") == -1, "an unknown rlimit type has no index");

	ok(ocirl__mountinfo_is(mountinfo, "/dev/mqueue", "mqueue"), "mountinfo: /dev/mqueue is an mqueue mount");
	ok(!ocirl__mountinfo_is(mountinfo, "/dev/shm", "tmpfs"), "mountinfo: /dev/shm is not mounted");
	ok(ocirl__mountinfo_is(mountinfo, "/with space", "tmpfs"), "mountinfo: octal escapes in mount points");
	ok(!ocirl__mountinfo_is("22 1 8:1 / /\\1! rw - ext4 /dev/sda1 rw\n", "/dev/mqueue", "mqueue"),
	   "mountinfo: a malformed escape is taken as it is");
	ok(!ocirl__mountinfo_is("24 23 0:22 / /dev/mqueue rw - mqueue mqueue rw\n25 24 0:5 / /dev/mqueue rw - tmpfs x rw\n",
				"/dev/mqueue", "mqueue"),
	   "mountinfo: the last mount on a point is the one that counts");

	/* A fake /proc/self and cgroup v2 tree. */
	dir("proc");
	dir("proc/ns");
	put("proc/uid_map", "0 1000 1\n1 100000 65536\n");
	put("proc/gid_map", "0 1000 1\n1 100000 65536\n");
	put("proc/oom_score_adj", "200\n");
	put("proc/limits", limits);
	put("proc/mountinfo", mountinfo);
	put("proc/cgroup", "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope\n");
	put("proc/ns/pid", "");
	dir("cg");
	dir("cg/user.slice");
	dir("cg/user.slice/user-1000.slice");
	dir("cg/user.slice/user-1000.slice/user@1000.service");
	put("cg/user.slice/user-1000.slice/user@1000.service/cgroup.controllers", "cpu memory pids\n");
	dir("cg/user.slice/user-1000.slice/user@1000.service/app.slice");
	put("cg/user.slice/user-1000.slice/user@1000.service/app.slice/cgroup.controllers", "cpu\tmemory pids\n");
	put("cg/user.slice/user-1000.slice/user@1000.service/app.slice/cgroup.subtree_control", "memory\n");
	put("cg/user.slice/user-1000.slice/user@1000.service/app.slice/cgroup.procs", "");
	dir("cg/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope");
	put("cg/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope/cgroup.controllers", "memory\n");
	dir("cg/user.slice/user-1000.slice/session-3.scope");
	put("cg/user.slice/user-1000.slice/session-3.scope/cgroup.controllers", "memory\n");

	char proc[300], cg[300];
	snprintf(proc, sizeof(proc), "%s/proc", tmp);
	snprintf(cg, sizeof(cg), "%s/cg", tmp);
	ocirl_options o = OCIRL_OPTIONS_INIT;
	o.mode = OCIRL_MODE_INHERIT;
	o.proc_self_path = proc;
	o.cgroup_root = cg;
	ocirl_context *ctx = NULL;
	ocirl_error *err = NULL;
	if (!ok(ocirl_context_new(&ctx, &o, &err) == 0, "context from a fake /proc/self")) {
		printf("# %s\n", err ? err->message : "?");
		return done_testing();
	}
	ok(ctx->maps->mode == OCIRL_MODE_INHERIT && ctx->maps->n_uid == 2 && ctx->maps->uid[1].container_id == 1 &&
		   ctx->maps->uid[1].host_id == 100000,
	   "inherit: the caller's own maps, inside ids as container ids (maps read from PROC_SELF)");
	ok(ctx->oom_known && ctx->oom_score_adj == 200, "oom_score_adj read");
	ok(ctx->hard_known[nofile] && ctx->hard[nofile] == 20000, "limits read");
	ok(ctx->mqueue_mounted, "the caller's /dev/mqueue is an mqueue mount");
	ok(ctx->ns_pid.known && !ctx->ns_ipc.known, "namespace files: known when present, unknown when missing");
	ok(!ctx->owns_net && !ctx->owns_pid && !ctx->owns_ipc,
	   "fake ns/net, ns/pid, ns/ipc are not taken as owned by the caller's user namespace");
	ok(ctx->cg_v2 && ctx->cg_delegated &&
		   strcmp(ctx->cg_path, "/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope") == 0 &&
		   strcmp(ctx->cg_parent, "/user.slice/user-1000.slice/user@1000.service/app.slice") == 0 &&
		   strcmp(ctx->cg_controllers, " cpu memory pids  ") == 0,
	   "cgroup v2: the caller's cgroup, its writable parent and the controllers the parent may enable (%s)",
	   ctx->cg_controllers ? ctx->cg_controllers : "none");
	ok(ctx->cg_manager && strcmp(ctx->cg_manager, "/user.slice/user-1000.slice/user@1000.service") == 0 &&
		   strcmp(ctx->cg_manager_controllers, " cpu memory pids  ") == 0,
	   "cgroup v2: the user manager above the caller (user@N.service) and its controllers");
	ocirl_context_free(ctx);

	/* a login session's scope: the manager is its sibling under user-N.slice */
	put("proc/cgroup", "0::/user.slice/user-1000.slice/session-3.scope\n");
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && ctx->cg_manager &&
		   strcmp(ctx->cg_manager, "/user.slice/user-1000.slice/user@1000.service") == 0 &&
		   strcmp(ctx->cg_parent, "/user.slice/user-1000.slice") == 0,
	   "a login session: the user manager from user-N.slice, the parent is the user's slice");
	ocirl_context_free(ctx);
	/* no user manager in the tree; the parent has no cgroup.procs */
	dir("cg/system.slice");
	dir("cg/system.slice/x.service");
	put("cg/system.slice/x.service/cgroup.controllers", "memory\n");
	put("proc/cgroup", "0::/system.slice/x.service\n");
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && !ctx->cg_manager && !ctx->cg_delegated && ctx->cg_v2,
	   "a system service: no user manager, and its parent (without cgroup.procs here) is not delegated");
	ocirl_context_free(ctx);
	/* the root of a cgroup namespace: it has processes, so nothing is delegated below it */
	put("cg/cgroup.controllers", "memory\n");
	put("cg/cgroup.procs", "");
	put("proc/cgroup", "0::/\n");
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && ctx->cg_v2 && !ctx->cg_delegated && !ctx->cg_manager,
	   "the root of a cgroup namespace (0::/): cgroup v2, not delegated");
	ocirl_context_free(ctx);
	/* user-N.slice without a number names no manager */
	dir("cg/user.slice/user-x.slice");
	dir("cg/user.slice/user-x.slice/s.scope");
	put("cg/user.slice/user-x.slice/s.scope/cgroup.controllers", "memory\n");
	put("proc/cgroup", "0::/user.slice/user-x.slice/s.scope\n");
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && ctx->cg_v2 && !ctx->cg_manager,
	   "user-x.slice (no uid): no user manager");
	ocirl_context_free(ctx);
	/* a container id that cannot name a cgroup is refused */
	static const char *const bad_ids[] = { "", ".", "..", "a/b", "../x" };
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		o.container_id = bad_ids[i];
		ctx = NULL;
		ocirl_error_free(err);
		err = NULL;
		ok(ocirl_context_new(&ctx, &o, &err) < 0 && err && err->kind == OCIRL_ERROR_USAGE && !ctx,
		   "container id \"%s\": a usage error", bad_ids[i]);
	}
	o.container_id = NULL;
	ocirl_error_free(err);
	err = NULL;
	put("proc/cgroup", "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope\n");

	o.cgroups = OCIRL_CGROUPS_DROP;
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && !ctx->cg_delegated && ctx->cg_v2, "--cgroups drop reads no more of the cgroup than its version");
	ocirl_context_free(ctx);

	/* cgroup v1: no 0:: line */
	put("proc/cgroup", "12:memory:/user.slice\n1:name=systemd:/user.slice\n");
	o.cgroups = OCIRL_CGROUPS_AUTO;
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && !ctx->cg_delegated, "cgroup v1: not delegated");
	ocirl_context_free(ctx);

	/* hybrid: "0::" inside another line first, then the v2 line */
	put("proc/cgroup", "12:name=x0::y:/a\n0::/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope\n");
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && ctx->cg_delegated, "the 0:: line is found at the start of a line");
	ocirl_context_free(ctx);

	/* hybrid: a 0:: line but no cgroup2 at the cgroup root */
	put("proc/cgroup", "12:memory:/x\n0::/elsewhere\n");
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &o, &err) == 0 && !ctx->cg_delegated, "no cgroup.controllers there: not delegated");
	ocirl_context_free(ctx);

	/* real /proc: the facts of this process */
	ocirl_options real = OCIRL_OPTIONS_INIT;
	real.mode = OCIRL_MODE_SINGLE;
	real.uid = 1000;
	real.gid = 1000;
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &real, &err) == 0 && ctx->oom_known && ctx->hard_known[nofile] && ctx->ns_pid.known &&
		   ctx->ns_net.known,
	   "the real /proc/self gives oom_score_adj, limits and namespaces");
	/* For the real /proc/self the limits come from getrlimit(): the same
	 * as /proc/self/limits says. */
	char *text = NULL;
	size_t tlen;
	uint64_t proc_hard[OCIRL_N_RLIMITS] = { 0 };
	bool proc_known[OCIRL_N_RLIMITS] = { 0 };
	if (ocirl__file_read(&text, &tlen, "/proc/self/limits", 65536, NULL) == 0)
		ocirl__limits_parse(text, proc_hard, proc_known);
	free(text);
	int same = ctx != NULL;
	for (int i = 0; same && i < OCIRL_N_RLIMITS; i++)
		same = proc_known[i] && ctx->hard_known[i] && proc_hard[i] == ctx->hard[i];
	ok(same, "the real /proc/self: getrlimit() gives the hard limits /proc/self/limits shows, all 16");
	ocirl_context_free(ctx);

	/* /proc and /sys fully visible, or not (the kernel's "mount too revealing") */
	{
		static const char *const empty[] = { "/proc/sys/fs/binfmt_misc", NULL };
		static const char host[] = "22 27 0:21 / /proc rw,nosuid - proc proc rw\n"
					   "40 22 0:40 / /proc/sys/fs/binfmt_misc rw - autofs systemd-1 rw\n"
					   "23 27 0:22 / /sys rw - sysfs sysfs rw\n";
		static const char docker[] = "22 27 0:21 / /proc rw,nosuid - proc proc rw\n"
					     "50 22 0:5 /null /proc/kcore rw - devtmpfs udev rw\n"
					     "51 22 0:60 / /proc/acpi ro - tmpfs tmpfs ro\n";
		static const char nested[] = "22 27 0:21 / /proc rw - proc proc rw\n"
					     "60 22 0:21 / /proc rw - proc proc rw\n"
					     "61 60 0:40 / /proc/sys/fs/binfmt_misc rw - autofs a rw\n"
					     "62 22 0:5 /null /proc/cmdline rw - devtmpfs udev rw\n";
		char where[256] = "";
		ok(ocirl__mountinfo_masked(host, "/proc", "proc", empty, where, sizeof(where)) == 0,
		   "a host's /proc with binfmt_misc on its empty folder: fully visible");
		ok(ocirl__mountinfo_masked(docker, "/proc", "proc", empty, where, sizeof(where)) == 1 &&
			   strcmp(where, "/proc/kcore") == 0,
		   "Docker's masked /proc: not fully visible, the first mount over it named: %s", where);
		ok(ocirl__mountinfo_masked(nested, "/proc", "proc", empty, where, sizeof(where)) == 0,
		   "only the mounts on the last /proc count: a mount on the one it hides does not");
		ok(ocirl__mountinfo_masked(host, "/sys", "proc", empty, where, sizeof(where)) == -1 &&
			   ocirl__mountinfo_masked("", "/proc", "proc", empty, where, sizeof(where)) == -1,
		   "no such mount at top: -1");
	}

	/* AppArmor: read from attr/apparmor/current; attr/ without apparmor/ is a
	 * kernel without it; no attr/ at all (a made-up folder) tells nothing */
	{
		const char *const dirs[] = { "aa-on", "aa-on/attr", "aa-on/attr/apparmor", "aa-off", "aa-off/attr", "aa-none" };
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
			dir(dirs[i]);
		put("aa-on/attr/apparmor/current", "unconfined\n");
		const char *const which[] = { "aa-on", "aa-off", "aa-none" };
		bool aa_known[3], aa_on[3];
		for (int i = 0; i < 3; i++) {
			char p[512];
			snprintf(p, sizeof(p), "%s/%s", tmp, which[i]);
			ocirl_options aa = OCIRL_OPTIONS_INIT;
			aa.mode = OCIRL_MODE_SINGLE;
			aa.uid = aa.gid = 1000;
			aa.proc_self_path = p;
			ctx = NULL;
			aa_known[i] = aa_on[i] = false;
			if (ocirl_context_new(&ctx, &aa, &err) == 0) {
				aa_known[i] = ctx->aa_known;
				aa_on[i] = ctx->aa_enabled;
				ok(!ctx->aa_profiles, "AppArmor (%s): loaded profiles unknown for a PROC_SELF that is not the real one", which[i]);
			}
			ocirl_context_free(ctx);
		}
		ok(aa_known[0] && aa_on[0] && aa_known[1] && !aa_on[1] && !aa_known[2],
		   "AppArmor: attr/apparmor/current read: enabled; attr/ without apparmor/: known, not enabled; no attr/: unknown");
	}

	/* Who owns a namespace: the kernel's answer, on real namespaces. C has a
	 * user and a network namespace of its own; its user namespace is a
	 * child of ours. */
	pid_t c = ns_child_start(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC);
	ok(c > 0, "a child with a user, network and ipc namespace of its own");
	char c_net[64], c_user[64], c_self[64];
	snprintf(c_net, sizeof(c_net), "/proc/%d/ns/net", (int)c);
	snprintf(c_user, sizeof(c_user), "/proc/%d/ns/user", (int)c);
	snprintf(c_self, sizeof(c_self), "/proc/%d", (int)c);
	ok(ocirl__ns_owned_by("/proc/self/ns/net", "/proc/self/ns/user"), "owned: our network namespace by our user namespace");
	ok(ocirl__ns_owned_by(c_net, c_user), "owned: the child's network namespace by the child's user namespace");
	ok(ocirl__ns_owned_by(c_net, "/proc/self/ns/user"),
	   "owned: the child's network namespace by our user namespace, its owner's parent (root here has every "
	   "capability over it)");
	ok(ocirl__ns_owner("/proc/self/ns/net", c_user) == 0,
	   "not owned: our network namespace by the child's user namespace (below its owner): the kernel says so");
	ok(ocirl__ns_owner("/nonexistent", "/proc/self/ns/user") == -1 && ocirl__ns_owner(c_net, "/nonexistent") == -1,
	   "cannot tell: a missing namespace or user namespace");
	ok(!ocirl__ns_owned_by(c_net, "/proc/self/ns/net"), "not owned: by a file that is no user namespace");
	put("ns-regular", "x");
	char reg[512], fifo[512];
	snprintf(reg, sizeof(reg), "%s/ns-regular", tmp);
	snprintf(fifo, sizeof(fifo), "%s/ns-fifo", tmp);
	ok(!ocirl__ns_owned_by(reg, "/proc/self/ns/user") && !ocirl__ns_owned_by("/nonexistent", "/proc/self/ns/user") &&
		   !ocirl__ns_owned_by("/proc/self/ns/net", "/nonexistent"),
	   "not owned: a regular file, a missing namespace or user namespace");
	ok(mkfifo(fifo, 0600) == 0 && !ocirl__ns_owned_by(fifo, "/proc/self/ns/user"),
	   "not owned, and not opened: a FIFO named as a namespace (opening it would block)");
	/* the facts of a caller: the child, through its /proc/PID */
	ocirl_options child = OCIRL_OPTIONS_INIT;
	child.mode = OCIRL_MODE_SINGLE;
	child.uid = 1000;
	child.gid = 1000;
	child.proc_self_path = c_self;
	ctx = NULL;
	ok(ocirl_context_new(&ctx, &child, &err) == 0 && ctx->owns_net && ctx->owns_ipc && !ctx->owns_pid,
	   "a caller (the child) owns its own network and ipc namespaces, not the pid namespace it shares with us");
	ocirl_context_free(ctx);
	ns_child_stop(c);

	/* The lowest oom_score_adj the kernel allows, tried on a child raised to
	 * 300: the answer is allowed, one below it is not (or it is -1000),
	 * and the child's own 300 is back. */
	{
		int p[2];
		if (pipe(p) < 0)
			abort();
		pid_t k = fork();
		if (k == 0) {
			char r = 'n';
			FILE *f = fopen("/proc/self/oom_score_adj", "w");
			if (f && fputs("300\n", f) >= 0 && fclose(f) == 0) {
				ocirl_context self = { .proc_self = (char *)"/proc/self" };
				int low = 99999, again = 99999;
				bool tried = ocirl__oom_lowest(&self, -1000, &low);
				char buf[16] = "";
				FILE *g = fopen("/proc/self/oom_score_adj", "r");
				bool back = g && fgets(buf, sizeof(buf), g) && strcmp(buf, "300\n") == 0;
				if (g)
					fclose(g);
				bool below = low == -1000;
				if (!below) {
					FILE *h = fopen("/proc/self/oom_score_adj", "w");
					below = h && fprintf(h, "%d\n", low - 1) > 0 && fclose(h) != 0; /* refused on write */
					h = fopen("/proc/self/oom_score_adj", "w");
					if (h) {
						fputs("300\n", h);
						fclose(h);
					}
				}
				bool itself = ocirl__oom_lowest(&self, low + 5, &again) && again == low + 5;
				ocirl_context other = { .proc_self = (char *)"/tmp/other" };
				bool unknown = !ocirl__oom_lowest(&other, -1000, &again);
				r = tried && low <= 300 && back && below && itself && unknown ? 'y' : 'n';
			}
			(void)!write(p[1], &r, 1);
			_exit(0);
		}
		char r = 'n';
		close(p[1]);
		(void)!read(p[0], &r, 1);
		close(p[0]);
		waitpid(k, NULL, 0);
		ok(r == 'y', "the lowest oom_score_adj from -1000 up: allowed, the one below refused, the caller's own "
			     "restored; a value above the floor is its own answer; another proc_self: unknown");
	}

	ocirl_cgroups cgv;
	ok(ocirl_cgroups_parse(&cgv, "keep") == 0 && cgv == OCIRL_CGROUPS_KEEP && ocirl_cgroups_parse(&cgv, "x") < 0,
	   "cgroups choices parse");

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	(void)!system(cmd);
	return done_testing();
}
