/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless --check-host: what on this host will stop a rootless
 * container, each finding with its fix. Everything is read under a root
 * folder (--host-root, default /) so that tests give a made-up host: its
 * proc/sys, etc/passwd, etc/subuid and etc/subgid, the programs on PATH;
 * the caller's own facts come from --proc-self and --cgroup-root as for a
 * conversion.
 *
 * A finding is "ok", "warning" (some ways of running fail: a mode, a
 * runtime option, limits) or "problem" (no rootless container starts); the
 * exit status is 1 when there is a problem, else 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check-host.h"
#include "internal.h"

#define SMALL_FILE_MAX (1024 * 1024)

typedef enum { FINDING_OK, FINDING_WARNING, FINDING_PROBLEM } finding_level;

typedef struct {
	const check_host_options *o;
	int problems, warnings;
} checker;

static void finding(checker *c, finding_level level, const char *area, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void finding(checker *c, finding_level level, const char *area, const char *fix, const char *fmt, ...)
{
	static const char *const names[] = { "ok", "warning", "problem" };
	va_list ap;
	printf("%-8s %s: ", names[level], area);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (fix)
		printf("         fix: %s\n", fix);
	if (level == FINDING_PROBLEM)
		c->problems++;
	else if (level == FINDING_WARNING)
		c->warnings++;
}

/* ROOT/PATH (path absolute), malloc'd. */
static char *under_root(const checker *c, const char *path)
{
	char *p = NULL;
	const char *root = c->o->host_root;
	if (!root || strcmp(root, "/") == 0)
		return strdup(path);
	return asprintf(&p, "%s%s", root, path) < 0 ? NULL : p;
}

/* The first line of ROOT/PATH, or NULL when it cannot be read. */
static char *read_line(const checker *c, const char *path)
{
	_cleanup_free_ char *full = under_root(c, path);
	char *text = NULL;
	size_t len;
	if (!full || ocirl__file_read(&text, &len, full, SMALL_FILE_MAX, NULL) < 0)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* The program name on PATH (as seen under the root): its full path, or NULL. */
static char *find_program(const checker *c, const char *name)
{
	const char *path = c->o->path ? c->o->path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *dir = strndup(p, n), *rel = NULL;
		if (dir && dir[0] == '/' && asprintf(&rel, "%s/%s", dir, name) >= 0) {
			char *full = under_root(c, rel);
			if (full && access(full, X_OK) == 0) {
				free(dir);
				free(rel);
				return full;
			}
			free(full);
		}
		free(dir);
		free(rel);
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/* ---- user namespaces ---- */
static void check_userns(checker *c)
{
	_cleanup_free_ char *max = read_line(c, "/proc/sys/user/max_user_namespaces");
	_cleanup_free_ char *clone = read_line(c, "/proc/sys/kernel/unprivileged_userns_clone");
	_cleanup_free_ char *aa = read_line(c, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	bool bad = false;
	if (max && strcmp(max, "0") == 0) {
		finding(c, FINDING_PROBLEM, "user namespaces", "sysctl -w user.max_user_namespaces=15000 (and in /etc/sysctl.d/)",
			"user.max_user_namespaces is 0: no user namespace can be created");
		bad = true;
	}
	if (clone && strcmp(clone, "0") == 0) {
		finding(c, FINDING_PROBLEM, "user namespaces", "sysctl -w kernel.unprivileged_userns_clone=1",
			"kernel.unprivileged_userns_clone is 0: only root may create user namespaces");
		bad = true;
	}
	if (aa && strcmp(aa, "1") == 0) {
		finding(c, FINDING_PROBLEM, "user namespaces",
			"sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile that allows "
			"userns for runc and crun",
			"kernel.apparmor_restrict_unprivileged_userns is 1: AppArmor refuses user namespaces to unconfined "
			"programs");
		bad = true;
	}
	if (!bad && max)
		finding(c, FINDING_OK, "user namespaces", NULL, "allowed (user.max_user_namespaces %s%s%s)", max,
			clone ? ", kernel.unprivileged_userns_clone " : "", clone ? clone : "");
	else if (!bad)
		finding(c, FINDING_WARNING, "user namespaces", NULL,
			"cannot read /proc/sys/user/max_user_namespaces: whether they are allowed is unknown");
}

/* ---- newuidmap, newgidmap ---- */
static void check_idmap_tool(checker *c, const char *name)
{
	_cleanup_free_ char *p = find_program(c, name);
	char fix[160];
	if (!p) {
		snprintf(fix, sizeof(fix), "apt-get install uidmap");
		finding(c, FINDING_WARNING, name, fix,
			"not found on PATH: --mode subid and RootlessKit (mapping subordinate ids) cannot work");
		return;
	}
	struct stat st;
	bool setuid_root = stat(p, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID);
	bool caps = getxattr(p, "security.capability", NULL, 0) > 0;
	if (setuid_root || caps) {
		finding(c, FINDING_OK, name, NULL, "%s, %s", p, setuid_root ? "setuid root" : "with file capabilities");
		return;
	}
	snprintf(fix, sizeof(fix), "chmod u+s %s (as the uidmap package installs it), or setcap cap_set%sid+ep %s", p,
		 strcmp(name, "newuidmap") == 0 ? "u" : "g", p);
	finding(c, FINDING_WARNING, name, fix,
		"%s is neither setuid root nor has file capabilities: it cannot write the maps of --mode subid and "
		"RootlessKit",
		p);
}

/* ---- subordinate ids ---- */
static void check_subids(checker *c, const char *user, uint32_t uid, const char *file, const char *what)
{
	_cleanup_free_ char *path = under_root(c, file);
	char *text = NULL;
	size_t len = 0, n = 0;
	ocirl_id_mapping *m = NULL;
	ocirl_error *err = NULL;
	char fix[300];
	snprintf(fix, sizeof(fix), "usermod --add-sub%ss 100000-165535 %s", what, user);
	if (!path || ocirl__file_read(&text, &len, path, SMALL_FILE_MAX, NULL) < 0) {
		finding(c, FINDING_WARNING, file, fix, "cannot be read: %s has no subordinate %ss (--mode subid, RootlessKit)",
			user, what);
		return;
	}
	int r = ocirl_subid_parse(&m, &n, text, len, user, uid, file, &err);
	uint64_t total = 0;
	for (size_t i = 0; r >= 0 && i < n; i++)
		total += m[i].size;
	if (r < 0)
		finding(c, FINDING_WARNING, file, NULL, "%s", err && err->message ? err->message : "cannot be parsed");
	else if (n == 0)
		finding(c, FINDING_WARNING, file, fix, "no range for %s (uid %u): --mode subid and RootlessKit need one",
			user, uid);
	else if (total < 65536)
		finding(c, FINDING_WARNING, file, fix,
			"%s has %llu subordinate %ss: fewer than 65536, images with ids above that fail to unpack", user,
			(unsigned long long)total, what);
	else
		finding(c, FINDING_OK, file, NULL, "%s has %llu subordinate %ss in %zu range%s", user,
			(unsigned long long)total, what, n, n == 1 ? "" : "s");
	free(m);
	free(text);
	ocirl_error_free(err);
}

/* ---- cgroups ---- */
/* " cpu memory pids  " -> "cpu memory pids", in buf. */
static const char *trimmed(char *buf, size_t size, const char *s)
{
	s += strspn(s, " ");
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	snprintf(buf, size, "%.*s", (int)n, s);
	return buf;
}

static void check_cgroups(checker *c, const ocirl_context *ctx)
{
	/* hybrid: cgroup v1 with controllers in the cgroup2 hierarchy */
	_cleanup_free_ char *unified = read_line(c, "/sys/fs/cgroup/unified/cgroup.controllers");
	if (unified && *unified)
		finding(c, FINDING_WARNING, "cgroups",
			"use runc, or hide /sys/fs/cgroup/unified in the caller's mount namespace (mount -t tmpfs -o ro "
			"none /sys/fs/cgroup/unified)",
			"hybrid cgroups (the cgroup2 hierarchy holds %s): crun refuses every container (cgroups in hybrid "
			"mode not supported)",
			unified);
	if (!ctx->cg_v2) {
		finding(c, FINDING_WARNING, "cgroups",
			"boot with systemd.unified_cgroup_hierarchy=1 (cgroup v2), with systemd delegating to users",
			"not cgroup v2 (cgroup v1 or hybrid): --cgroups auto drops every limit, a rootless runtime cannot "
			"apply them");
		return;
	}
	char list[256];
	if (ctx->cg_delegated)
		finding(c, FINDING_OK, "cgroups", NULL,
			"cgroup v2; the cgroupfs driver can make the container's cgroup in %s (controllers: %s)",
			ctx->cg_parent, trimmed(list, sizeof(list), ctx->cg_controllers));
	if (ctx->cg_manager)
		finding(c, FINDING_OK, "cgroups", NULL,
			"cgroup v2; the systemd driver gets a scope of the user manager %s (controllers: %s)",
			ctx->cg_manager, trimmed(list, sizeof(list), ctx->cg_manager_controllers));
	if (!ctx->cg_delegated && !ctx->cg_manager)
		finding(c, FINDING_WARNING, "cgroups",
			"run from a delegated scope (systemd-run --user --scope -p Delegate=yes), or log in (a user "
			"manager) and use the systemd driver",
			"cgroup v2, but nothing is delegated to the caller's cgroup %s: --cgroups auto drops every limit",
			ctx->cg_path ? ctx->cg_path : "?");
	else if (!ctx->cg_delegated)
		finding(c, FINDING_WARNING, "cgroups",
			"use the systemd driver (runc --systemd-cgroup, crun --cgroup-manager=systemd), or run from a "
			"delegated scope (systemd-run --user --scope -p Delegate=yes)",
			"the parent of the caller's cgroup %s is not writable: with the cgroupfs driver (the runtimes' "
			"default) --cgroups auto drops every limit",
			ctx->cg_path);
}

/* ---- /proc and /sys fully visible (the kernel's mount_too_revealing) ---- */
static bool standard_submount(const char *point)
{
	static const char *const ok[] = {
		"/proc/sys/fs/binfmt_misc", "/sys/fs/cgroup", "/sys/kernel/debug", "/sys/kernel/tracing",
		"/sys/kernel/security",	    "/sys/kernel/config", "/sys/fs/bpf", "/sys/fs/fuse/connections",
		"/sys/fs/pstore",	    "/sys/firmware/efi/efivars", "/sys/fs/selinux", "/proc/fs/nfsd",
	};
	for (size_t i = 0; i < OCIRL__N(ok); i++)
		if (ocirl__path_is_under(point, ok[i]))
			return true;
	return false;
}

static void check_visible(checker *c, const char *proc_self, const char *top, const char *fix)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	size_t len;
	if (asprintf(&path, "%s/mountinfo", proc_self) < 0 || ocirl__file_read(&text, &len, path, 16 * SMALL_FILE_MAX, NULL) < 0) {
		finding(c, FINDING_WARNING, top, NULL, "cannot read %s: whether %s is fully visible is unknown",
			path ? path : "mountinfo", top);
		return;
	}
	char over[512] = "";
	int n = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* ID PARENT MAJ:MIN ROOT POINT ... */
		char point[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		if (strcmp(point, top) == 0 || !ocirl__path_is_under(point, top) || standard_submount(point))
			continue;
		if (n++ < 4 && strlen(over) + strlen(point) + 3 < sizeof(over)) {
			if (n > 1)
				strcat(over, ", ");
			strcat(over, point);
		}
	}
	if (n == 0)
		finding(c, FINDING_OK, top, NULL, "fully visible: a fresh %s can be mounted in a user namespace",
			strcmp(top, "/proc") == 0 ? "procfs" : "sysfs");
	else
		finding(c, FINDING_WARNING, top, fix,
			"%d mount%s over parts of it (%s%s): the kernel refuses a fresh %s in a new user namespace (mount "
			"too revealing)",
			n, n == 1 ? "" : "s", over, n > 4 ? ", ..." : "", strcmp(top, "/proc") == 0 ? "procfs" : "sysfs");
}

/* ---- the runtimes ---- */
static char *program_version(const char *path)
{
	int fds[2];
	if (pipe(fds) < 0)
		return NULL;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		/* its stdout to us, nothing in, its errors nowhere, 5 s at most */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
		}
		close(fds[0]);
		close(fds[1]);
		alarm(5);
		execl(path, path, "--version", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	char buf[256], sink[512];
	size_t len = 0;
	ssize_t r;
	/* to the end (a runtime killed by SIGPIPE would look broken), keeping the start */
	for (;;) {
		char *to = len < sizeof(buf) - 1 ? buf + len : sink;
		size_t room = len < sizeof(buf) - 1 ? sizeof(buf) - 1 - len : sizeof(sink);
		r = read(fds[0], to, room);
		if (r == 0 || (r < 0 && errno != EINTR))
			break;
		if (r > 0 && to == buf + len)
			len += (size_t)r;
	}
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && *buf ? strdup(buf) : NULL;
}

static void check_runtimes(checker *c)
{
	static const char *const names[] = { "crun", "runc" };
	int found = 0;
	for (size_t i = 0; i < OCIRL__N(names); i++) {
		_cleanup_free_ char *p = find_program(c, names[i]);
		if (!p)
			continue;
		found++;
		_cleanup_free_ char *v = program_version(p);
		if (v)
			finding(c, FINDING_OK, "runtime", NULL, "%s: %s", p, v);
		else
			finding(c, FINDING_WARNING, "runtime", NULL, "%s: '--version' failed", p);
	}
	if (!found)
		finding(c, FINDING_PROBLEM, "runtime", "apt-get install runc (or crun)", "neither runc nor crun is on PATH");
}

/* ---- XDG_RUNTIME_DIR ---- */
static void check_runtime_dir(checker *c, uint32_t uid)
{
	const char *dir = c->o->xdg_runtime_dir;
	static const char fix[] = "log in with a session (pam_systemd sets it), or pass --root DIR to runc and crun";
	if (!dir || !*dir) {
		finding(c, FINDING_WARNING, "XDG_RUNTIME_DIR", fix,
			"not set: a rootless runc or crun keeps its state in /run/runc or /run/crun (mkdir: permission "
			"denied)");
		return;
	}
	if (dir[0] != '/') {
		finding(c, FINDING_WARNING, "XDG_RUNTIME_DIR", fix, "%s is not an absolute path", dir);
		return;
	}
	_cleanup_free_ char *full = under_root(c, dir);
	struct stat st;
	if (!full || stat(full, &st) < 0 || !S_ISDIR(st.st_mode))
		finding(c, FINDING_WARNING, "XDG_RUNTIME_DIR", fix, "%s is not a folder", dir);
	else if (st.st_uid != uid)
		finding(c, FINDING_WARNING, "XDG_RUNTIME_DIR", fix, "%s belongs to uid %u, not to uid %u", dir,
			(unsigned)st.st_uid, uid);
	else
		finding(c, FINDING_OK, "XDG_RUNTIME_DIR", NULL, "%s, the user's", dir);
}

int check_host(const check_host_options *o)
{
	checker c = { .o = o };
	uint32_t uid = o->uid >= 0 ? (uint32_t)o->uid : (uint32_t)geteuid();
	char user[OCIRL_USER_NAME_MAX + 1];
	_cleanup_free_ char *passwd = under_root(&c, "/etc/passwd");
	if (!passwd)
		return 5;
	if (o->user_name)
		snprintf(user, sizeof(user), "%s", o->user_name);
	else if (!ocirl__passwd_name(user, sizeof(user), passwd, uid))
		snprintf(user, sizeof(user), "%u", uid);

	printf("oci-rootless --check-host: what on this host will stop a rootless container of %s (uid %u)\n", user, uid);
	check_userns(&c);
	check_idmap_tool(&c, "newuidmap");
	check_idmap_tool(&c, "newgidmap");
	check_subids(&c, user, uid, "/etc/subuid", "uid");
	check_subids(&c, user, uid, "/etc/subgid", "gid");

	/* the caller's cgroup, as a conversion reads it */
	ocirl_options opts = OCIRL_OPTIONS_INIT;
	opts.mode = OCIRL_MODE_SINGLE;
	opts.uid = uid;
	opts.gid = 0;
	opts.proc_self_path = o->proc_self;
	opts.cgroup_root = o->cgroup_root;
	ocirl_context *ctx = NULL;
	ocirl_error *err = NULL;
	if (ocirl__context_new(&ctx, &opts, OCIRL_FACT_CGROUP, &err) == 0)
		check_cgroups(&c, ctx);
	else
		finding(&c, FINDING_WARNING, "cgroups", NULL, "%s", err && err->message ? err->message : "unknown");
	ocirl_context_free(ctx);
	ocirl_error_free(err);

	const char *proc_self = o->proc_self ? o->proc_self : "/proc/self";
	check_visible(&c, proc_self, "/proc",
		      "run the caller with an unmasked /proc (Docker --security-opt systempaths=unconfined, Podman "
		      "--security-opt unmask=ALL, Kubernetes procMount: Unmasked), or share its pid namespace");
	check_visible(&c, proc_self, "/sys",
		      "unmask /sys for the caller (Docker --security-opt systempaths=unconfined, Podman --security-opt "
		      "unmask=ALL); the /sys bind of the sys rule still works");
	check_runtimes(&c);
	check_runtime_dir(&c, uid);
	printf("%d problem%s, %d warning%s\n", c.problems, c.problems == 1 ? "" : "s", c.warnings,
	       c.warnings == 1 ? "" : "s");
	return c.problems ? 1 : 0;
}
