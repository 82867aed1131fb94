/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: settings and the choice of the real runtime.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h" /* ocirl__rule_names_add() */

#include "settings.h"

/* Searched after $PATH: a normal user's PATH on Debian lacks the sbin
 * folders, where runc lives. */
static const char *const system_dirs[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL,
};

int rt_set_msg(char **msg, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(msg, fmt, ap) < 0)
		*msg = NULL;
	va_end(ap);
	return -1;
}

static const char *env_value(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static const char *mode_names = "auto, userns, single, subid or inherit";
static const char *cgroups_names = "auto, drop or keep";

/* Splits a copy of text into rule names; where and what name it in errors. */
static int parse_skip(rt_skip *out, const char *text, const char *where, const char *what, char **msg)
{
	rt_skip s = { 0 };
	if (!(s.text = strdup(text)))
		return rt_set_msg(msg, "out of memory");
	size_t n = 0;
	const char *unknown = NULL;
	if (!ocirl__rule_names_add(s.names, &n, s.text, ", \t", &unknown)) {
		int r = rt_set_msg(msg, "%s%s%s: unknown rule '%s' (oci-rootless --list-rules lists them)", where,
				   *where ? ": " : "", what, unknown);
		rt_skip_clear(&s);
		return r;
	}
	*out = s;
	return 0;
}

void rt_skip_clear(rt_skip *s)
{
	free(s->text);
	s->text = NULL;
	s->names[0] = NULL;
}

/* One "key = value" line; unknown keys are accepted and ignored, so that
 * a config written for a later version still works. */
static int config_set(rt_config *c, const char *key, const char *value, const char *where, char **msg)
{
	if (strcmp(key, "runtime") == 0) {
		if (!*value)
			return rt_set_msg(msg, "%s: runtime: empty value (a path, or a name on PATH)", where);
		char *v = strdup(value);
		if (!v)
			return rt_set_msg(msg, "out of memory");
		free(c->runtime);
		c->runtime = v;
	} else if (strcmp(key, "mode") == 0) {
		if (ocirl_mode_parse(&c->mode, value) < 0)
			return rt_set_msg(msg, "%s: mode: unknown mode '%s' (%s)", where, value, mode_names);
		c->has_mode = true;
	} else if (strcmp(key, "cgroups") == 0) {
		if (ocirl_cgroups_parse(&c->cgroups, value) < 0)
			return rt_set_msg(msg, "%s: cgroups: unknown value '%s' (%s)", where, value, cgroups_names);
		c->has_cgroups = true;
	} else if (strcmp(key, "skip") == 0) {
		rt_skip check;
		char *v = strdup(value);
		if (!v)
			return rt_set_msg(msg, "out of memory");
		free(c->skip);
		c->skip = v;
		/* checked now, so that a wrong name shows on every command */
		if (parse_skip(&check, v, where, "skip", msg) < 0)
			return -1;
		rt_skip_clear(&check);
	}
	return 0;
}

int rt_config_load(rt_config *out, char **msg)
{
	rt_config c = { 0 };
	const char *env = env_value("OCI_ROOTLESS_CONFIG");
	const char *path = env ? env : RT_DEFAULT_CONFIG;

	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !env) {
			*out = c;
			return 0;
		}
		return rt_set_msg(msg, "%s%s: %s", env ? "OCI_ROOTLESS_CONFIG=" : "", path, strerror(errno));
	}
	if (!(c.path = strdup(path))) {
		fclose(f);
		return rt_set_msg(msg, "out of memory");
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned n = 0;
	int r = 0;
	errno = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		n++;
		char where[4200];
		snprintf(where, sizeof(where), "%s:%u", path, n);
		if ((size_t)len != strlen(line)) {
			r = rt_set_msg(msg, "%s: a NUL byte", where);
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			r = rt_set_msg(msg, "%s: expected 'key = value', got '%s'", where, s);
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (!*key) {
			r = rt_set_msg(msg, "%s: a value without a key", where);
			break;
		}
		size_t vlen = strlen(value);
		if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
			value[vlen - 1] = '\0';
			value++;
		}
		if ((r = config_set(&c, key, value, where, msg)) < 0)
			break;
	}
	if (r == 0 && ferror(f))
		r = rt_set_msg(msg, "%s: %s", path, strerror(errno ? errno : EIO));
	free(line);
	fclose(f);
	if (r < 0) {
		rt_config_clear(&c);
		return r;
	}
	*out = c;
	return 0;
}

void rt_config_clear(rt_config *c)
{
	free(c->path);
	free(c->runtime);
	free(c->skip);
	c->path = c->runtime = c->skip = NULL;
}

int rt_mode_resolve(ocirl_mode *out, const char **source, const rt_config *c, char **msg)
{
	const char *env = env_value("OCI_ROOTLESS_MODE");
	if (env) {
		if (ocirl_mode_parse(out, env) < 0)
			return rt_set_msg(msg, "OCI_ROOTLESS_MODE: unknown mode '%s' (%s)", env, mode_names);
		*source = "OCI_ROOTLESS_MODE";
	} else if (c->has_mode) {
		*out = c->mode;
		*source = c->path;
	} else {
		*out = OCIRL_MODE_AUTO;
		*source = "default";
	}
	return 0;
}

int rt_skip_resolve(rt_skip *out, const char **source, const rt_config *c, char **msg)
{
	const char *env = env_value("OCI_ROOTLESS_SKIP");
	if (env) {
		*source = "OCI_ROOTLESS_SKIP";
		return parse_skip(out, env, "", "OCI_ROOTLESS_SKIP", msg);
	}
	*source = c->skip ? c->path : "default";
	return parse_skip(out, c->skip ? c->skip : "", "", c->path ? c->path : "", msg);
}

int rt_cgroups_resolve(ocirl_cgroups *out, const char **source, const rt_config *c, char **msg)
{
	const char *env = env_value("OCI_ROOTLESS_CGROUPS");
	if (env) {
		if (ocirl_cgroups_parse(out, env) < 0)
			return rt_set_msg(msg, "OCI_ROOTLESS_CGROUPS: unknown value '%s' (%s)", env, cgroups_names);
		*source = "OCI_ROOTLESS_CGROUPS";
	} else if (c->has_cgroups) {
		*out = c->cgroups;
		*source = c->path;
	} else {
		*out = OCIRL_CGROUPS_AUTO;
		*source = "default";
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Finding the runtime                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
	char *real; /* realpath of /proc/self/exe, or NULL */
	struct stat st;
	bool have_st;
} self_id;

static void self_init(self_id *self)
{
	self->real = realpath("/proc/self/exe", NULL);
	self->have_st = stat("/proc/self/exe", &self->st) == 0;
}

static bool is_self(const self_id *self, const char *path)
{
	struct stat st;
	if (self->have_st && stat(path, &st) == 0 && st.st_dev == self->st.st_dev && st.st_ino == self->st.st_ino)
		return true;
	if (!self->real)
		return false;
	char *real = realpath(path, NULL);
	bool same = real && strcmp(real, self->real) == 0;
	free(real);
	return same;
}

static bool is_executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name in folder dir, when it is an executable that is not this program;
 * *skipped_self is set when this program was found there. */
static char *try_dir(const char *dir, size_t dir_len, const char *name, const self_id *self,
		     bool *skipped_self)
{
	/* An empty entry means the working directory: never search it. */
	if (dir_len == 0 || dir[0] != '/')
		return NULL;
	char *p = NULL;
	if (asprintf(&p, "%.*s/%s", (int)dir_len, dir, name) < 0)
		return NULL;
	if (is_executable(p)) {
		if (!is_self(self, p))
			return p;
		*skipped_self = true;
	}
	free(p);
	return NULL;
}

static char *search_path(const char *name, const self_id *self, bool *skipped_self)
{
	const char *path = getenv("PATH");
	for (const char *s = path; s && *s;) {
		size_t len = strcspn(s, ":");
		char *p = try_dir(s, len, name, self, skipped_self);
		if (p)
			return p;
		s += len;
		if (*s == ':')
			s++;
	}
	return NULL;
}

static char *search_system(const char *name, const self_id *self, bool *skipped_self)
{
	for (size_t i = 0; system_dirs[i]; i++) {
		char *p = try_dir(system_dirs[i], strlen(system_dirs[i]), name, self, skipped_self);
		if (p)
			return p;
	}
	return NULL;
}

/* A runtime named by the environment or the config: a path, or a name. */
static int find_named(char **out, const char *value, const char *setting, const self_id *self, char **msg)
{
	if (strchr(value, '/')) {
		if (!is_executable(value))
			return rt_set_msg(msg, "%s: '%s' is not an executable file", setting, value);
		if (is_self(self, value))
			return rt_set_msg(msg, "%s: '%s' is this program itself; name the real runtime (crun or runc)",
				       setting, value);
		if (!(*out = strdup(value)))
			return rt_set_msg(msg, "out of memory");
		return 0;
	}
	bool skipped = false;
	char *p = search_path(value, self, &skipped);
	if (!p)
		p = search_system(value, self, &skipped);
	if (!p)
		return rt_set_msg(msg, "%s: no executable '%s' on PATH or in /usr/sbin, /usr/bin, /sbin, /bin%s", setting,
			       value, skipped ? " other than this program" : "");
	*out = p;
	return 0;
}

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

bool rt_cgroups_hybrid(void)
{
	const char *root = env_value("OCI_ROOTLESS_CGROUPFS");
	if (!root)
		root = "/sys/fs/cgroup";
	struct statfs st;
	if (statfs(root, &st) < 0 || st.f_type == CGROUP2_SUPER_MAGIC)
		return false; /* cgroup v2 alone, or no cgroups */
	char path[4096];
	snprintf(path, sizeof(path), "%s/unified", root);
	if (statfs(path, &st) < 0 || st.f_type != CGROUP2_SUPER_MAGIC)
		return false; /* cgroup v1 alone */
	snprintf(path, sizeof(path), "%s/unified/cgroup.controllers", root);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	int c;
	bool any = false;
	while (!any && (c = fgetc(f)) != EOF)
		any = c != ' ' && c != '\n';
	fclose(f);
	return any;
}

int rt_runtime_find(char **out, const char **source, const rt_config *c, char **msg)
{
	self_id self;
	self_init(&self);
	int r = 0;
	const char *env = env_value("OCI_ROOTLESS_RUNTIME");
	if (env) {
		*source = "OCI_ROOTLESS_RUNTIME";
		r = find_named(out, env, "OCI_ROOTLESS_RUNTIME", &self, msg);
	} else if (c->runtime) {
		char *setting = NULL;
		if (asprintf(&setting, "%s: runtime", c->path) < 0)
			r = rt_set_msg(msg, "out of memory");
		else
			r = find_named(out, c->runtime, setting, &self, msg);
		free(setting);
		*source = c->path;
	} else {
		/* crun first, but on a host whose cgroup v2 hierarchy holds
		 * controllers while v1 is mounted too, where crun refuses every
		 * container ("cgroups in hybrid mode not supported, drop all
		 * controllers from cgroupv2") and runc runs them */
		bool hybrid = rt_cgroups_hybrid();
		static const char *const crun_first[] = { "crun", "runc" }, *const runc_first[] = { "runc", "crun" };
		const char *const *names = hybrid ? runc_first : crun_first;
		bool skipped = false;
		char *p = NULL;
		for (size_t i = 0; i < 2 && !p; i++)
			p = search_path(names[i], &self, &skipped);
		for (size_t i = 0; i < 2 && !p; i++)
			p = search_system(names[i], &self, &skipped);
		if (p) {
			*out = p;
			*source = hybrid ? "PATH, runc before crun: crun refuses this host's hybrid cgroups" : "PATH";
		} else {
			r = rt_set_msg(msg,
				    "no OCI runtime found: neither crun nor runc is on PATH or in /usr/sbin, "
				    "/usr/bin, /sbin, /bin%s; set OCI_ROOTLESS_RUNTIME or 'runtime =' in %s",
				    skipped ? " (other than this program)" : "",
				    c->path ? c->path : RT_DEFAULT_CONFIG);
		}
	}
	free(self.real);
	return r;
}
