/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The context of a conversion: the mode's mappings and the facts about the
 * caller that the fix-ups need, read from PROC_SELF (default /proc/self) and
 * the cgroup v2 mount, so that tests can give fake ones. A fact that cannot
 * be read stays unknown, and the fix-up that needs it then does the safe
 * thing (see lib/rules/).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "internal.h"

#define FACT_FILE_MAX (4 * 1024 * 1024)

static const char *const cgroups_names[] = {
	[OCIRL_CGROUPS_AUTO] = "auto",
	[OCIRL_CGROUPS_DROP] = "drop",
	[OCIRL_CGROUPS_KEEP] = "keep",
};

const char *ocirl__enum_name(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : "unknown";
}

int ocirl__enum_parse(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *ocirl_cgroups_name(ocirl_cgroups cgroups)
{
	return ocirl__enum_name(cgroups_names, OCIRL__N(cgroups_names), (unsigned)cgroups);
}

int ocirl_cgroups_parse(ocirl_cgroups *out, const char *name)
{
	int i = ocirl__enum_parse(cgroups_names, OCIRL__N(cgroups_names), name);
	if (i < 0)
		return -EINVAL;
	*out = (ocirl_cgroups)i;
	return 0;
}

static const char *const manager_names[] = {
	[OCIRL_CGROUP_MANAGER_CGROUPFS] = "cgroupfs",
	[OCIRL_CGROUP_MANAGER_SYSTEMD] = "systemd",
};

const char *ocirl_cgroup_manager_name(ocirl_cgroup_manager manager)
{
	return ocirl__enum_name(manager_names, OCIRL__N(manager_names), (unsigned)manager);
}

int ocirl_cgroup_manager_parse(ocirl_cgroup_manager *out, const char *name)
{
	int i = ocirl__enum_parse(manager_names, OCIRL__N(manager_names), name);
	if (i < 0)
		return -EINVAL;
	*out = (ocirl_cgroup_manager)i;
	return 0;
}

/* The kernel's names in /proc/self/limits and the OCI names, index for index. */
static const struct {
	const char *proc, *oci;
	int resource; /* for getrlimit() */
} rlimits[OCIRL_N_RLIMITS] = {
	{ "Max cpu time", "RLIMIT_CPU", RLIMIT_CPU },
	{ "Max file size", "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "Max data size", "RLIMIT_DATA", RLIMIT_DATA },
	{ "Max stack size", "RLIMIT_STACK", RLIMIT_STACK },
	{ "Max core file size", "RLIMIT_CORE", RLIMIT_CORE },
	{ "Max resident set", "RLIMIT_RSS", RLIMIT_RSS },
	{ "Max processes", "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "Max open files", "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "Max locked memory", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "Max address space", "RLIMIT_AS", RLIMIT_AS },
	{ "Max file locks", "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "Max pending signals", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "Max msgqueue size", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "Max nice priority", "RLIMIT_NICE", RLIMIT_NICE },
	{ "Max realtime priority", "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "Max realtime timeout", "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

int ocirl__rlimit_index(const char *type)
{
	for (int i = 0; i < OCIRL_N_RLIMITS; i++)
		if (strcmp(type, rlimits[i].oci) == 0)
			return i;
	return -1;
}

static bool parse_limit(const char **p, uint64_t *out)
{
	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, "unlimited", 9) == 0) {
		*p += 9;
		*out = UINT64_MAX;
		return true;
	}
	if (**p < '0' || **p > '9')
		return false;
	uint64_t v = 0;
	while (**p >= '0' && **p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	*out = v;
	return true;
}

void ocirl__limits_parse(const char *text, uint64_t *hard, bool *known)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		for (int i = 0; i < OCIRL_N_RLIMITS; i++) {
			size_t n = strlen(rlimits[i].proc);
			if (strncmp(line, rlimits[i].proc, n) != 0 || line[n] != ' ')
				continue;
			const char *p = line + n;
			uint64_t soft, h;
			if (parse_limit(&p, &soft) && parse_limit(&p, &h)) {
				hard[i] = h;
				known[i] = true;
			}
		}
	}
}

/* Unescapes mountinfo's octal escapes (\040) of a field into out. */
static void mountinfo_field(const char *s, size_t n, char *out, size_t outsz)
{
	size_t w = 0;
	for (size_t i = 0; i < n && w + 1 < outsz; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
		    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[w++] = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
			i += 3;
		} else
			out[w++] = s[i];
	}
	out[w] = '\0';
}

/* One mountinfo line: "id parent major:minor root mount_point options ... -
 * fstype source super". False when it is not one. */
static bool mountinfo_line(const char *line, size_t len, unsigned long *id, unsigned long *parent, char *mp,
			   size_t mpsz, char *type, size_t typesz)
{
	const char *f = line, *end = line + len;
	const char *fields[5];
	int k = 0;
	while (k < 5 && f < end) {
		fields[k++] = f;
		const char *sp = memchr(f, ' ', (size_t)(end - f));
		f = sp ? sp + 1 : end;
	}
	const char *sep = NULL;
	for (const char *q = line; q + 2 < end; q++)
		if (q[0] == ' ' && q[1] == '-' && q[2] == ' ') {
			sep = q + 3;
			break;
		}
	if (k < 5 || !sep)
		return false;
	*id = strtoul(fields[0], NULL, 10);
	*parent = strtoul(fields[1], NULL, 10);
	const char *mp_end = memchr(fields[4], ' ', (size_t)(end - fields[4]));
	mountinfo_field(fields[4], mp_end ? (size_t)(mp_end - fields[4]) : (size_t)(end - fields[4]), mp, mpsz);
	const char *t_end = memchr(sep, ' ', (size_t)(end - sep));
	mountinfo_field(sep, t_end ? (size_t)(t_end - sep) : (size_t)(end - sep), type, typesz);
	return true;
}

/* Calls each(arg, id, parent, mount_point, fstype) for every line of text. */
static void mountinfo_each(const char *text, void (*each)(void *, unsigned long, unsigned long, const char *, const char *),
			   void *arg)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		unsigned long id, parent;
		char mp[4096], type[256];
		if (mountinfo_line(line, len, &id, &parent, mp, sizeof(mp), type, sizeof(type)))
			each(arg, id, parent, mp, type);
		line = eol ? eol + 1 : NULL;
	}
}

struct mount_is_arg {
	const char *mount_point, *fstype;
	bool result;
};

static void mount_is_each(void *arg, unsigned long id, unsigned long parent, const char *mp, const char *type)
{
	struct mount_is_arg *a = arg;
	(void)id;
	(void)parent;
	if (strcmp(mp, a->mount_point) == 0)
		a->result = strcmp(type, a->fstype) == 0; /* the last mount on mount_point is the one seen */
}

bool ocirl__mountinfo_is(const char *text, const char *mount_point, const char *fstype)
{
	struct mount_is_arg a = { mount_point, fstype, false };
	mountinfo_each(text, mount_is_each, &a);
	return a.result;
}

struct masked_arg {
	const char *top, *fstype;
	const char *const *empty;
	unsigned long top_id;
	bool found;
	char *out;
	size_t size;
	bool masked;
};

static void top_each(void *arg, unsigned long id, unsigned long parent, const char *mp, const char *type)
{
	struct masked_arg *a = arg;
	(void)parent;
	if (strcmp(mp, a->top) == 0) {
		a->found = strcmp(type, a->fstype) == 0;
		a->top_id = id;
	}
}

static void child_each(void *arg, unsigned long id, unsigned long parent, const char *mp, const char *type)
{
	struct masked_arg *a = arg;
	(void)id;
	(void)type;
	if (a->masked || parent != a->top_id)
		return;
	for (const char *const *e = a->empty; *e; e++)
		if (strcmp(mp, *e) == 0)
			return;
	a->masked = true;
	snprintf(a->out, a->size, "%s", mp);
}

int ocirl__mountinfo_masked(const char *text, const char *top, const char *fstype, const char *const *empty, char *out,
			    size_t size)
{
	struct masked_arg a = { top, fstype, empty, 0, false, out, size, false };
	mountinfo_each(text, top_each, &a);
	if (!a.found)
		return -1;
	mountinfo_each(text, child_each, &a);
	return a.masked;
}

ocirl_ns_id ocirl__ns_id(const char *path)
{
	struct stat st;
	ocirl_ns_id id = { false, 0, 0 };
	if (stat(path, &st) == 0) {
		id.known = true;
		id.dev = (unsigned long long)st.st_dev;
		id.ino = (unsigned long long)st.st_ino;
	}
	return id;
}

static char *join(const char *dir, const char *name)
{
	char *p = NULL;
	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Reads DIR/NAME; NULL when it cannot be read (the fact stays unknown). */
static char *read_fact(const char *dir, const char *name)
{
	_cleanup_free_ char *path = join(dir, name);
	char *text = NULL;
	size_t len;
	if (!path || ocirl__file_read(&text, &len, path, FACT_FILE_MAX, NULL) < 0)
		return NULL;
	return text;
}

/* Whether AppArmor confines the caller, and which profiles are loaded. */
static void read_apparmor(ocirl_context *ctx)
{
	_cleanup_free_ char *path = join(ctx->proc_self, "attr/apparmor/current");
	if (!path)
		return;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[256];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (n >= 0) {
		ctx->aa_known = ctx->aa_enabled = true;
	} else if (errno == EINVAL) {
		ctx->aa_known = true; /* built in, not the active security module */
		return;
	} else {
		/* no attr/apparmor in a PROC_SELF that has attr/: a kernel without
		 * AppArmor (a made-up PROC_SELF without attr/ tells nothing) */
		struct stat st;
		_cleanup_free_ char *attr = join(ctx->proc_self, "attr");
		ctx->aa_known = errno == ENOENT && attr && stat(attr, &st) == 0 && S_ISDIR(st.st_mode);
		return;
	}
	if (ocirl__context_is_self(ctx))
		ctx->aa_profiles = read_fact("/sys/kernel/security/apparmor", "profiles");
}

/* User namespaces nest at most 32 deep (the kernel's limit). */
#define USERNS_DEPTH_MAX 33

int ocirl__ns_owner(const char *ns_path, const char *user_path)
{
	struct stat want, st;
	struct statfs fs;
	/* only a namespace file is opened: a path in a config could name a FIFO or a device */
	if (stat(user_path, &want) < 0 || statfs(ns_path, &fs) < 0 || fs.f_type != NSFS_MAGIC)
		return -1;
	_cleanup_close_ int fd = open(ns_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	_cleanup_close_ int owner = ioctl(fd, NS_GET_USERNS);
	if (owner < 0)
		return errno == EPERM ? 0 : -1; /* EPERM: owned above the caller's user namespace */
	/* up from the owner: EPERM once above the caller's own user namespace */
	for (int depth = 0; owner >= 0 && depth < USERNS_DEPTH_MAX; depth++) {
		if (fstat(owner, &st) < 0)
			return -1;
		if (st.st_dev == want.st_dev && st.st_ino == want.st_ino)
			return 1;
		int parent = ioctl(owner, NS_GET_PARENT);
		close(owner);
		owner = parent;
	}
	return 0;
}

bool ocirl__ns_owned_by(const char *ns_path, const char *user_path)
{
	return ocirl__ns_owner(ns_path, user_path) == 1;
}

/* Whether the caller's user namespace owns its own namespace PROC_SELF/NAME. */
static bool owns_own(const char *proc_self, const char *name)
{
	_cleanup_free_ char *ns = join(proc_self, name), *user = join(proc_self, "ns/user");
	return ns && user && ocirl__ns_owned_by(ns, user);
}

/* DIR/NAME's text with its newlines and tabs as spaces, between spaces
 * (" cpu memory pids "), so that a controller is found as " name "; NULL
 * when it cannot be read. */
static char *read_controllers(const char *dir, const char *name)
{
	_cleanup_free_ char *text = read_fact(dir, name);
	char *out = NULL;
	if (!text)
		return NULL;
	for (char *c = text; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	return asprintf(&out, " %s ", text) < 0 ? NULL : out;
}

/* The cgroup of the user's systemd manager that the caller's cgroup path
 * names: up to a component "user@N.service", or "user-N.slice" followed by
 * "user@N.service" (a login session's scope is a sibling of the manager).
 * NULL when it names none. */
static char *user_manager_path(const char *path)
{
	for (const char *p = path; (p = strchr(p, '/')); p++) {
		const char *c = p + 1, *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		char *out = NULL;
		if (n > 13 && strncmp(c, "user@", 5) == 0 && strncmp(c + n - 8, ".service", 8) == 0 &&
		    strspn(c + 5, "0123456789") == n - 13)
			return strndup(path, (size_t)(c + n - path));
		if (n > 11 && strncmp(c, "user-", 5) == 0 && strncmp(c + n - 6, ".slice", 6) == 0 &&
		    strspn(c + 5, "0123456789") == n - 11) {
			int id_len = (int)(n - 11);
			return asprintf(&out, "%.*s/user@%.*s.service", (int)(c + n - path), path, id_len, c + 5) < 0
				       ? NULL
				       : out;
		}
	}
	return NULL;
}

/* The caller's cgroup: whether it is a v2 one; with full, also what the
 * cgroup drivers need (its parent, delegation, controllers, the user manager). */
static void read_cgroup(ocirl_context *ctx, const char *cgroup_root, bool full)
{
	_cleanup_free_ char *text = read_fact(ctx->proc_self, "cgroup");
	if (!text)
		return;
	const char *line = NULL;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, "0::", 3) == 0) {
			line = p;
			break;
		}
	if (!line)
		return; /* no cgroup v2 line: v1 */
	const char *p = line + 3, *eol = strchr(p, '\n');
	_cleanup_free_ char *path = eol ? strndup(p, (size_t)(eol - p)) : strdup(p);
	_cleanup_free_ char *dir = NULL;
	if (!path || path[0] != '/' || asprintf(&dir, "%s%s", cgroup_root, path) < 0)
		return;
	_cleanup_free_ char *controllers_file = join(dir, "cgroup.controllers");
	if (!controllers_file || access(controllers_file, R_OK) < 0)
		return; /* cgroup v2 is not mounted there */
	ctx->cg_v2 = true;
	if (!full)
		return;

	/* cgroupfs: the runtime creates the container's cgroup beside the
	 * caller's, in its parent (the caller's own has processes, so no
	 * controller can be enabled for a child of it) */
	_cleanup_free_ char *parent = ocirl__path_clean(path);
	if (!parent)
		return;
	/* "/": the root of the caller's cgroup namespace, which has processes
	 * (no controller for a child); "/..": outside it. Neither delegates. */
	bool nowhere = strcmp(parent, "/") == 0 || strncmp(path, "/..", 3) == 0;
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	else
		parent[1] = '\0'; /* "/" or "/x": the root */
	_cleanup_free_ char *pdir = NULL, *procs = NULL, *subtree = NULL;
	if (asprintf(&pdir, "%s%s", cgroup_root, strcmp(parent, "/") == 0 ? "" : parent) < 0 ||
	    !(procs = join(pdir, "cgroup.procs")) || !(subtree = join(pdir, "cgroup.subtree_control")))
		return;
	if (!nowhere && access(pdir, W_OK) == 0 && access(procs, W_OK) == 0) {
		/* the controllers a child gets: what the parent may enable when
		 * it can write its subtree_control, else what it has enabled */
		ctx->cg_controllers = read_controllers(pdir, access(subtree, W_OK) == 0 ? "cgroup.controllers"
										     : "cgroup.subtree_control");
		ctx->cg_delegated = ctx->cg_controllers != NULL;
	}

	/* systemd: the user's manager, which gets the controllers it has */
	_cleanup_free_ char *manager = user_manager_path(path), *mdir = NULL;
	if (manager && asprintf(&mdir, "%s%s", cgroup_root, manager) >= 0 &&
	    (ctx->cg_manager_controllers = read_controllers(mdir, "cgroup.controllers"))) {
		ctx->cg_manager = manager;
		manager = NULL;
	}
	ctx->cg_path = path;
	ctx->cg_parent = parent;
	path = parent = NULL;
}

bool ocirl__cgroup_name_valid(const char *id)
{
	return id && *id && !strchr(id, '/') && strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

static bool write_oom(int fd, long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%ld\n", v);
	return lseek(fd, 0, SEEK_SET) == 0 && write(fd, buf, (size_t)n) == n;
}

bool ocirl__oom_lowest(const ocirl_context *ctx, int64_t v, int *out)
{
	if (!ocirl__context_is_self(ctx) || v > 1000)
		return false;
	if (v < -1000)
		v = -1000;
	_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	char buf[24] = "";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	char *end;
	long now = n > 0 ? strtol(buf, &end, 10) : 0;
	if (n <= 0 || end == buf)
		return false;
	if (v >= now) {
		*out = (int)v;
		return true;
	}
	/* Below the process's floor (oom_score_adj_min) the kernel says EACCES;
	 * from the floor up it is allowed: the lowest allowed in [v, now] by
	 * halves, now being allowed. */
	long lo = v, hi = now;
	if (write_oom(fd, lo))
		hi = lo;
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		if (write_oom(fd, mid))
			hi = mid;
		else
			lo = mid;
	}
	write_oom(fd, now); /* raising it back is always allowed */
	*out = (int)hi;
	return true;
}

/* Whether profiles (securityfs' "NAME (MODE)" lines) lists name. */
static bool aa_listed(const char *profiles, const char *name)
{
	size_t len = strlen(name);
	for (const char *l = profiles; *l;) {
		if (strncmp(l, name, len) == 0 && strncmp(l + len, " (", 2) == 0)
			return true;
		const char *nl = strchr(l, '\n');
		if (!nl)
			break;
		l = nl + 1;
	}
	return false;
}

int ocirl__aa_applies(const ocirl_context *ctx, const char *name)
{
	if (strcmp(name, "unconfined") == 0)
		return 1;
	if (ctx->aa_profiles)
		return aa_listed(ctx->aa_profiles, name);
	if (!ocirl__context_is_self(ctx))
		return -1;
	char cmd[512];
	int len = snprintf(cmd, sizeof(cmd), "exec %s", name);
	if (len < 0 || (size_t)len >= sizeof(cmd))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* only async-signal-safe calls here: the caller may have threads */
		int fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(3);
		if (write(fd, cmd, (size_t)len) == len)
			_exit(0);
		_exit(errno == ENOENT ? 1 : 3);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 0 ? 1 : WEXITSTATUS(status) == 1 ? 0 : -1;
}

bool ocirl__context_is_self(const ocirl_context *ctx)
{
	return ctx->proc_self && strcmp(ctx->proc_self, "/proc/self") == 0;
}

int ocirl__random(void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = getrandom((char *)buf + done, n - done, 0);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			done += (size_t)r;
	}
	return 0;
}

void ocirl_context_free(ocirl_context *ctx)
{
	if (!ctx)
		return;
	ocirl_mappings_free(ctx->maps);
	free(ctx->proc_self);
	free(ctx->aa_profiles);
	free(ctx->cg_path);
	free(ctx->cg_parent);
	free(ctx->cg_controllers);
	free(ctx->cg_manager);
	free(ctx->cg_manager_controllers);
	free(ctx->container_id);
	free(ctx->source_root);
	free(ctx->cgroup_root);
	free(ctx);
}

const ocirl_mappings *ocirl_context_mappings(const ocirl_context *ctx)
{
	return ctx ? ctx->maps : NULL;
}

void ocirl__context_load(ocirl_context *ctx, unsigned facts)
{
	facts &= ~ctx->loaded;
	ctx->loaded |= facts;
	if (facts & OCIRL_FACT_OOM) {
		_cleanup_free_ char *oom = read_fact(ctx->proc_self, "oom_score_adj");
		if (oom) {
			char *end;
			long v = strtol(oom, &end, 10);
			if (end != oom && (*end == '\n' || *end == '\0') && v >= -1000 && v <= 1000) {
				ctx->oom_known = true;
				ctx->oom_score_adj = (int)v;
			}
		}
	}
	if ((facts & OCIRL_FACT_LIMITS) && ocirl__context_is_self(ctx)) {
		/* our own: getrlimit() tells the same as /proc/self/limits, cheaper */
		for (int i = 0; i < OCIRL_N_RLIMITS; i++) {
			struct rlimit rl;
			if (getrlimit(rlimits[i].resource, &rl) < 0)
				continue;
			ctx->hard_known[i] = true;
			ctx->hard[i] = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_max;
		}
	} else if (facts & OCIRL_FACT_LIMITS) {
		_cleanup_free_ char *limits = read_fact(ctx->proc_self, "limits");
		if (limits)
			ocirl__limits_parse(limits, ctx->hard, ctx->hard_known);
	}
	if (facts & OCIRL_FACT_MQUEUE) {
		_cleanup_free_ char *mountinfo = read_fact(ctx->proc_self, "mountinfo");
		if (mountinfo)
			ctx->mqueue_mounted = ocirl__mountinfo_is(mountinfo, "/dev/mqueue", "mqueue");
	}
	if (facts & OCIRL_FACT_NS) {
		const char *names[] = { "ns/pid", "ns/ipc", "ns/net", "ns/uts", "ns/cgroup" };
		ocirl_ns_id *ids[] = { &ctx->ns_pid, &ctx->ns_ipc, &ctx->ns_net, &ctx->ns_uts, &ctx->ns_cgroup };
		for (int i = 0; i < 5; i++) {
			_cleanup_free_ char *p = join(ctx->proc_self, names[i]);
			if (p)
				*ids[i] = ocirl__ns_id(p);
		}
	}
	if (facts & OCIRL_FACT_NS_OWNER) {
		ctx->owns_net = owns_own(ctx->proc_self, "ns/net");
		ctx->owns_pid = owns_own(ctx->proc_self, "ns/pid");
		ctx->owns_ipc = owns_own(ctx->proc_self, "ns/ipc");
	}
	if (facts & OCIRL_FACT_APPARMOR)
		read_apparmor(ctx);
	if (facts & OCIRL_FACT_VISIBLE) {
		/* the mount points the kernel and systemd use, empty directories of procfs and sysfs */
		static const char *const proc_empty[] = { "/proc/sys/fs/binfmt_misc", NULL };
		static const char *const sys_empty[] = { "/sys/fs/cgroup", "/sys/kernel/security", "/sys/kernel/debug",
							 "/sys/kernel/tracing", "/sys/kernel/config", "/sys/fs/pstore",
							 "/sys/fs/bpf", "/sys/fs/fuse/connections", "/sys/fs/selinux",
							 "/sys/firmware/efi/efivars", "/sys/fs/smackfs", NULL };
		_cleanup_free_ char *mountinfo = read_fact(ctx->proc_self, "mountinfo");
		if (mountinfo) {
			int p = ocirl__mountinfo_masked(mountinfo, "/proc", "proc", proc_empty, ctx->proc_masked,
							sizeof(ctx->proc_masked));
			int s = ocirl__mountinfo_masked(mountinfo, "/sys", "sysfs", sys_empty, ctx->sys_masked,
							sizeof(ctx->sys_masked));
			ctx->visible_known = p >= 0 && s >= 0;
			if (p <= 0)
				ctx->proc_masked[0] = '\0';
			if (s <= 0)
				ctx->sys_masked[0] = '\0';
		}
	}
	if (facts & OCIRL_FACT_CAPBND) {
		_cleanup_free_ char *status = read_fact(ctx->proc_self, "status");
		const char *l = status ? strstr(status, "\nCapBnd:") : NULL;
		char *end;
		if (l) {
			unsigned long long v = strtoull(l + 8, &end, 16);
			if (end != l + 8 && (*end == '\n' || *end == '\0')) {
				ctx->capbnd_known = true;
				ctx->capbnd = v;
			}
		}
	}
	struct utsname u;
	if ((facts & OCIRL_FACT_KERNEL) && ocirl__context_is_self(ctx) && uname(&u) == 0 &&
	    sscanf(u.release, "%u.%u", &ctx->kernel_major, &ctx->kernel_minor) == 2)
		ctx->kernel_known = true;
	/* cg_v2 for every --cgroups (the sys rule asks it), the rest for auto */
	if (facts & OCIRL_FACT_CGROUP)
		read_cgroup(ctx, ctx->cgroup_root, ctx->cgroups == OCIRL_CGROUPS_AUTO);
}

int ocirl__context_new(ocirl_context **out, const ocirl_options *opts, unsigned facts, ocirl_error **err)
{
	ocirl_options defaults = OCIRL_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	ocirl_context *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ocirl__error_nomem(err);
	int r = ocirl_mappings_resolve(&ctx->maps, opts, err);
	if (r < 0) {
		ocirl_context_free(ctx);
		return r;
	}
	ctx->cgroups = opts->cgroups;
	if (opts->version >= 3) {
		ctx->cgroup_manager = opts->cgroup_manager;
		const char *id = opts->container_id;
		if (id && !ocirl__cgroup_name_valid(id)) {
			ocirl_context_free(ctx);
			return ocirl__error_set(err, OCIRL_ERROR_USAGE, EINVAL,
						"container id \"%s\" cannot name a cgroup (empty, \".\", \"..\" or with \"/\")", id);
		}
		if (id && !(ctx->container_id = strdup(id))) {
			ocirl_context_free(ctx);
			return ocirl__error_nomem(err);
		}
	}
	/* version 1 options end before skip_rules */
	for (const char *const *s = opts->version >= 2 ? opts->skip_rules : NULL; s && *s; s++) {
		size_t i;
		if (ocirl_rule_find(&i, *s) < 0) {
			ocirl_context_free(ctx);
			return ocirl__error_set(err, OCIRL_ERROR_USAGE, EINVAL,
						"unknown rule \"%s\" (oci-rootless --list-rules lists them)", *s);
		}
		ctx->skip |= (uint64_t)1 << i;
	}
	if (opts->source_root && strcmp(opts->source_root, "/") != 0 && !(ctx->source_root = strdup(opts->source_root))) {
		ocirl_context_free(ctx);
		return ocirl__error_nomem(err);
	}
	ctx->proc_self = strdup(opts->proc_self_path ? opts->proc_self_path : "/proc/self");
	ctx->cgroup_root = strdup(opts->cgroup_root ? opts->cgroup_root : "/sys/fs/cgroup");
	if (!ctx->proc_self || !ctx->cgroup_root) {
		ocirl_context_free(ctx);
		return ocirl__error_nomem(err);
	}
	ocirl__context_load(ctx, facts);
	*out = ctx;
	return 0;
}

int ocirl_context_new(ocirl_context **out, const ocirl_options *opts, ocirl_error **err)
{
	/* every fact now: the context is not changed afterwards, and may be
	 * shared by conversions in several threads */
	return ocirl__context_new(out, opts, OCIRL_FACT_ALL, err);
}
