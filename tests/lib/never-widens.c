/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "never widens" checker (never-widens.h). What out must keep of in:
 *
 * | place | property | exception, only when its rule made a change |
 * | --- | --- | --- |
 * | linux.maskedPaths, linux.readonlyPaths | every entry stays | none |
 * | linux.namespaces | every entry stays as written (type, path, the rest) | an entry of type user may go: user-namespace (keeps one, or none in mode inherit); a pid, network, ipc, uts or cgroup entry with a path may go: own-namespaces (the path named the caller's own, which the container then shares) |
 * | process.capabilities | no set gains a capability; a set that was there stays an array | none |
 * | process.noNewPrivileges | true stays true | none |
 * | process.apparmorProfile | the same JSON value | it may go: apparmor (no AppArmor, or the profile not loaded) |
 * | process.selinuxLabel, linux.seccomp | the same JSON value | none |
 * | mounts | every mount stays, found by its cleaned destination, type and source, and keeps its restrictive flags and its other options | below |
 *
 * A namespace with a path naming the caller's own is removed by own-namespaces
 * only (proc, ipc-mounts, sys and net-sysctls read it, or its absence, as
 * shared): this checker cannot compare namespaces, so it lets that rule
 * remove an entry that has a path and a type it handles, nothing else.
 *
 * The restrictive flags of a mount are what its options leave set, read in
 * order as runc does (a later "rw" undoes "ro"; each comma-separated part
 * counts, as the kernel gets them): ro, nosuid, nodev, noexec, nosymfollow,
 * their recursive forms (rro, rnosuid, ...), and the atime ones, noatime and
 * nodiratime (and rnoatime, rnodiratime; strictatime cancels noatime).
 * The exceptions for mounts:
 *
 *  - sys: the mounts at /sys and under it (any type) go, and one bind of the
 *    host's /sys is added (type bind, or none as 0.1.0 wrote it, source /sys, at least rbind, nosuid,
 *    noexec, nodev, ro). The bind must keep the restrictive flags of the
 *    mounts that were exactly at /sys but the atime ones; those under /sys
 *    are not compared (the host's own mounts show through the bind). A cgroup
 *    mount at /sys/fs/cgroup may stay (cgroup v2), and a read-only tmpfs may
 *    come right before it (under it: the kernel refuses cgroup2 on the
 *    cgroup2 mount the bind brings there).
 *  - proc: the proc mount at /proc becomes, in its place, a bind of the
 *    host's /proc (type bind, source /proc, at least rbind, nosuid, noexec,
 *    nodev); ipc-mounts: the same for the mqueue mount at /dev/mqueue and the
 *    tmpfs at /dev/shm, and the mqueue mount may also just go. Each bind
 *    must keep the restrictive flags of the mount it replaces, but the atime
 *    ones: a bind shows the host's mount with the atime mode it has, which a
 *    user namespace cannot change.
 *  - devices: a bind (nosuid) at the path of an entry of linux.devices may
 *    come, the host's node in place of one a user namespace cannot make.
 *  - locked-flags: on a bind mount, noatime and nodiratime may go (the atime
 *    mode becomes the source mount's: relatime or strictatime where the
 *    config asked noatime). This is counted as a loosening, and allowed here
 *    only: the kernel locks the atime flags of a mount a user namespace
 *    binds, and refuses a remount that changes them.
 *  - id-options: an option uid=N or gid=N may go; joined-id-options: the
 *    same for such a part of a comma-joined option ("mode=0700,uid=1000").
 *    These are not flags: every other option (or part) must stay.
 *  - overlay-mounts: on an overlay mount, metacopy=on and redirect_dir= but
 *    nofollow may go (whole or as parts), which the kernel refuses in a user
 *    namespace; userxattr comes (options that come are no loss).
 *
 * No other mount may be added or removed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "never-widens.h"

typedef struct json_object jo;

typedef struct {
	jo *in, *out;
	const char *const *rules;
	size_t n_rules;
	char *why;
	size_t size;
} checker;

static bool made(const checker *w, const char *rule)
{
	for (size_t i = 0; i < w->n_rules; i++)
		if (w->rules[i] && strcmp(w->rules[i], rule) == 0)
			return true;
	return false;
}

__attribute__((format(printf, 2, 3))) static int violation(checker *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->why, w->size, fmt, ap);
	va_end(ap);
	return 1;
}

static int nomem(checker *w)
{
	snprintf(w->why, w->size, "out of memory");
	return -1;
}

/* The value at a dotted path of objects; NULL when absent, JSON null, or
 * when a parent on the way is not an object. */
static jo *get(jo *o, const char *path)
{
	char key[64];
	while (o && *path) {
		size_t len = strcspn(path, ".");
		if (len >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += len + (path[len] == '.');
	}
	return o;
}

/* The C string of a JSON string; NULL for any other value. */
static const char *str(jo *v)
{
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A value as a message shows it: a string as it is, the rest as JSON. */
static const char *text(jo *v)
{
	return str(v) ? str(v) : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static bool is_array(jo *v)
{
	return json_object_is_type(v, json_type_array);
}

static size_t len(jo *arr)
{
	return is_array(arr) ? json_object_array_length(arr) : 0;
}

static jo *at(jo *arr, size_t i)
{
	return json_object_array_get_idx(arr, i);
}

/* The first item of arr equal to v and not taken (taken may be NULL);
 * len(arr) when there is none. */
static size_t find(jo *arr, jo *v, const bool *taken)
{
	size_t n = len(arr);
	for (size_t i = 0; i < n; i++)
		if (!(taken && taken[i]) && json_object_equal(at(arr, i), v))
			return i;
	return n;
}

/* ---- the simple places ---- */

/* Every entry stays. */
static int keep_entries(checker *w, const char *place)
{
	jo *a = get(w->in, place), *b = get(w->out, place);
	if (json_object_equal(a, b) || !a)
		return 0;
	if (!is_array(a))
		return violation(w, "%s: %s became %s", place, text(a), b ? text(b) : "absent");
	for (size_t i = 0, n = len(a); i < n; i++)
		if (find(b, at(a, i), NULL) == len(b))
			return violation(w, "%s: %s was removed", place, text(at(a, i)));
	return 0;
}

/* The same value (absent stays absent). */
static int same(checker *w, const char *place)
{
	jo *a = get(w->in, place), *b = get(w->out, place);
	if (json_object_equal(a, b))
		return 0;
	return violation(w, "%s: %s became %s", place, a ? text(a) : "absent", b ? text(b) : "absent");
}

/* The same, or gone when the rule apparmor removed it (no AppArmor on the
 * host, or the profile not loaded: it could not be applied). */
static int same_or_apparmor(checker *w, const char *place)
{
	if (made(w, "apparmor") && !get(w->out, place))
		return 0;
	return same(w, place);
}

/* true stays true. */
static int stays_true(checker *w, const char *place)
{
	jo *a = get(w->in, place), *b = get(w->out, place);
	if (!json_object_is_type(a, json_type_boolean) || !json_object_get_boolean(a) ||
	    (json_object_is_type(b, json_type_boolean) && json_object_get_boolean(b)))
		return 0;
	return violation(w, "%s: true became %s", place, b ? text(b) : "absent");
}

/* Every entry stays as written, one for one; an entry of type user may go
 * when user-namespace made a change. */
static int namespaces(checker *w, const char *place)
{
	jo *a = get(w->in, place), *b = get(w->out, place);
	if (json_object_equal(a, b) || !a)
		return 0;
	if (!is_array(a))
		return violation(w, "%s: %s became %s", place, text(a), b ? text(b) : "absent");
	bool *taken = calloc(len(b) + 1, sizeof(bool));
	if (!taken)
		return nomem(w);
	int r = 0;
	for (size_t i = 0, n = len(a); i < n && !r; i++) {
		jo *ns = at(a, i);
		size_t j = find(b, ns, taken);
		if (j < len(b)) {
			taken[j] = true;
			continue;
		}
		const char *type = str(get(ns, "type")), *path = str(get(ns, "path"));
		static const char *const own_types[] = { "pid", "network", "ipc", "uts", "cgroup" };
		bool own = false;
		for (size_t k = 0; type && path && *path && k < sizeof(own_types) / sizeof(own_types[0]); k++)
			own = own || strcmp(type, own_types[k]) == 0;
		if (own && made(w, "own-namespaces"))
			continue;
		if (!(type && strcmp(type, "user") == 0 && made(w, "user-namespace")))
			r = violation(w, "%s: %s was removed", place, text(ns));
	}
	free(taken);
	return r;
}

/* No set gains a capability; a set that was an array stays one. */
static int capabilities(checker *w, const char *place)
{
	static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
	jo *a = get(w->in, place), *b = get(w->out, place);
	if (json_object_equal(a, b))
		return 0;
	if (!json_object_is_type(a, json_type_object) || !json_object_is_type(b, json_type_object))
		return violation(w, "%s: %s became %s", place, a ? text(a) : "absent", b ? text(b) : "absent");
	for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
		jo *x = get(a, sets[k]), *y = get(b, sets[k]);
		if (json_object_equal(x, y))
			continue;
		if (!is_array(y) || (x && !is_array(x)))
			return violation(w, "%s.%s: %s became %s", place, sets[k], x ? text(x) : "absent",
					 y ? text(y) : "absent");
		for (size_t i = 0, n = len(y); i < n; i++)
			if (find(x, at(y, i), NULL) == len(x))
				return violation(w, "%s.%s: %s was added", place, sets[k], text(at(y, i)));
	}
	return 0;
}

/* ---- mounts ---- */

/* The flags: the low byte for the mount itself, the next for runc's
 * recursive form of each ("rro", "rnosuid", ...: mount_setattr on the tree). */
enum {
	RO = 1 << 0,
	NOSUID = 1 << 1,
	NODEV = 1 << 2,
	NOEXEC = 1 << 3,
	NOSYMFOLLOW = 1 << 4,
	NOATIME = 1 << 5,
	NODIRATIME = 1 << 6,
	STRICTATIME = 1 << 7, /* not restrictive: it cancels noatime */
	RECURSIVE = 8,        /* the shift to a flag's recursive form */
	ISOLATION = (RO | NOSUID | NODEV | NOEXEC | NOSYMFOLLOW) * (1 | 1 << RECURSIVE),
	ATIME = (NOATIME | NODIRATIME) * (1 | 1 << RECURSIVE),
};

/* The options that set and clear each flag, as runc reads them; each also
 * has a recursive form, "r" + the name. relatime sets nothing restrictive. */
static const struct {
	const char *set, *clear;
	unsigned flag;
} flags[] = {
	{ "ro", "rw", RO },
	{ "nosuid", "suid", NOSUID },
	{ "nodev", "dev", NODEV },
	{ "noexec", "exec", NOEXEC },
	{ "nosymfollow", "symfollow", NOSYMFOLLOW },
	{ "noatime", "atime", NOATIME },
	{ "nodiratime", "diratime", NODIRATIME },
	{ "strictatime", "nostrictatime", STRICTATIME },
	{ "relatime", "norelatime", 0 },
};
#define N_FLAGS (sizeof(flags) / sizeof(flags[0]))

/* Whether the n bytes at p are a flag option; it sets or clears its bit in
 * *flags. */
static bool flag_option(const char *p, size_t n, unsigned *flags_set)
{
	for (int rec = 0; rec <= 1; rec++) {
		if (rec && (n < 2 || p[0] != 'r'))
			break;
		const char *q = p + rec;
		size_t m = n - (size_t)rec;
		for (size_t k = 0; k < N_FLAGS; k++) {
			unsigned bit = flags[k].flag << (rec ? RECURSIVE : 0);
			if (strlen(flags[k].set) == m && memcmp(flags[k].set, q, m) == 0) {
				*flags_set |= bit;
				return true;
			}
			if (strlen(flags[k].clear) == m && memcmp(flags[k].clear, q, m) == 0) {
				*flags_set &= ~bit;
				return true;
			}
		}
	}
	return false;
}

/* The name of a restrictive flag bit. */
static const char *flag_name(unsigned bit)
{
	static const char *const names[] = { "ro", "nosuid", "nodev", "noexec", "nosymfollow", "noatime", "nodiratime" };
	static const char *const rnames[] = { "rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow", "rnoatime", "rnodiratime" };
	for (unsigned i = 0; i < 7; i++) {
		if (bit == 1u << i)
			return names[i];
		if (bit == 1u << (i + RECURSIVE))
			return rnames[i];
	}
	return "?";
}

/* Calls part(p, n, joined, arg) on every comma-separated part of every string
 * option of a mount (joined: the option has several), in order; stops when
 * it returns true, and returns that. */
static bool each_part(jo *m, bool (*part)(const char *p, size_t n, bool joined, void *arg), void *arg)
{
	jo *opts = get(m, "options");
	for (size_t i = 0, k = len(opts); i < k; i++) {
		const char *o = str(at(opts, i));
		if (!o)
			continue;
		bool joined = strchr(o, ',') != NULL;
		for (const char *p = o;;) {
			size_t n = strcspn(p, ",");
			if (part(p, n, joined, arg))
				return true;
			if (!p[n])
				break;
			p += n + 1;
		}
	}
	return false;
}

static bool add_flag(const char *p, size_t n, bool joined, void *arg)
{
	(void)joined;
	flag_option(p, n, arg);
	return false;
}

/* The restrictive flags a mount's options leave set. */
static unsigned mount_flags(jo *m)
{
	unsigned f = 0;
	each_part(m, add_flag, &f);
	f |= (f >> RECURSIVE) & 0xff; /* a recursive flag holds on the mount itself too */
	if (f & STRICTATIME)
		f &= ~(unsigned)NOATIME;
	if (f & (STRICTATIME << RECURSIVE))
		f &= ~(unsigned)(NOATIME << RECURSIVE);
	return f & (ISOLATION | ATIME);
}

/* The lowest bit of f. */
static unsigned first_bit(unsigned f)
{
	return f & -f;
}

struct part_search {
	const char *p;
	size_t n;
};

static bool part_is(const char *p, size_t n, bool joined, void *arg)
{
	const struct part_search *s = arg;
	(void)joined;
	return n == s->n && memcmp(p, s->p, n) == 0;
}

/* Whether the len bytes at p are "uid=N" or "gid=N", N decimal. */
static bool id_part(const char *p, size_t n)
{
	if (n < 5 || (p[0] != 'u' && p[0] != 'g') || memcmp(p + 1, "id=", 3) != 0)
		return false;
	for (size_t i = 4; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

struct lost_part {
	const checker *w;
	jo *out;
	const char *type; /* the mount's */
	const char *p;    /* the first part of the input's options missing from out's */
	size_t n;
};

/* The options of an overlay mount overlay-mounts removes: the kernel refuses
 * them in a user namespace (metacopy=on, redirect_dir= but nofollow). */
static bool overlay_refused(const char *p, size_t n)
{
	return (n == 11 && memcmp(p, "metacopy=on", 11) == 0) ||
	       (n >= 13 && memcmp(p, "redirect_dir=", 13) == 0 && !(n == 21 && memcmp(p, "redirect_dir=nofollow", 21) == 0));
}

static bool part_lost(const char *p, size_t n, bool joined, void *arg)
{
	struct lost_part *s = arg;
	unsigned ignored = 0;
	if (n == 0 || flag_option(p, n, &ignored))
		return false; /* flags are compared as flags; an empty part is nothing */
	struct part_search q = { p, n };
	if (each_part(s->out, part_is, &q))
		return false;
	if (id_part(p, n) && made(s->w, joined ? "joined-id-options" : "id-options"))
		return false;
	if (overlay_refused(p, n) && s->type && strcmp(s->type, "overlay") == 0 && made(s->w, "overlay-mounts"))
		return false;
	s->p = p;
	s->n = n;
	return true;
}

typedef struct {
	jo *m;
	const char *dest; /* as written */
	char *clean;      /* cleaned; NULL without a string destination */
	const char *type, *source;
	unsigned flags;
	bool taken;
} mount;

/* A destination cleaned as a path, relative ones taken from "/" (as runc
 * and the rules read them); NULL when out of memory. Written here again on
 * purpose, like the id-option and flag parsing below: the checker is an
 * oracle for the rules, and must not share their helpers' mistakes. */
static char *clean_path(const char *d)
{
	char *c = malloc(strlen(d) + 2);
	if (!c)
		return NULL;
	size_t n = 0;
	for (const char *p = d; *p;) {
		size_t k = strcspn(p, "/");
		if (k == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && c[--n] != '/')
				;
		} else if (k > 0 && !(k == 1 && p[0] == '.')) {
			c[n++] = '/';
			memcpy(c + n, p, k);
			n += k;
		}
		p += k + (p[k] == '/');
	}
	if (n == 0)
		c[n++] = '/';
	c[n] = '\0';
	return c;
}

static bool same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static bool under(const char *clean, const char *dir)
{
	size_t n = strlen(dir);
	return clean && strncmp(clean, dir, n) == 0 && (clean[n] == '\0' || clean[n] == '/');
}

/* The mounts of an array, or NULL (*n = 0) when out of memory. */
static mount *load_mounts(jo *arr, size_t *n)
{
	*n = len(arr);
	mount *ms = calloc(*n + 1, sizeof(mount));
	if (!ms)
		return NULL;
	for (size_t i = 0; i < *n; i++) {
		mount *m = &ms[i];
		m->m = at(arr, i);
		m->dest = str(get(m->m, "destination"));
		m->type = str(get(m->m, "type"));
		m->source = str(get(m->m, "source"));
		m->flags = mount_flags(m->m);
		if (m->dest && !(m->clean = clean_path(m->dest))) {
			for (size_t j = 0; j < i; j++)
				free(ms[j].clean);
			free(ms);
			*n = 0;
			return NULL;
		}
	}
	return ms;
}

static void free_mounts(mount *ms, size_t n)
{
	for (size_t i = 0; ms && i < n; i++)
		free(ms[i].clean);
	free(ms);
}

static bool same_key(const mount *a, const mount *b)
{
	return same_str(a->clean, b->clean) && same_str(a->type, b->type) && same_str(a->source, b->source);
}

static bool is_bind(const mount *m)
{
	struct part_search b = { "bind", 4 }, rb = { "rbind", 5 };
	return same_str(m->type, "bind") || each_part(m->m, part_is, &b) || each_part(m->m, part_is, &rb);
}

/* The mounts a rule puts in place of others: binds of the host's path. */
static const char *const bind_opts[] = { "rbind", "nosuid", "noexec", "nodev", NULL };
static const char *const sys_opts[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
static const struct {
	const char *rule;
	const char *dest; /* the mounts replaced: at dest (cleaned) ... */
	const char *type; /* ... of this type; NULL: of any, at dest or under it, all by one bind */
	const char *bind_type; /* the bind: at dest, of this type, source dest, with at least these options */
	const char *old_type;  /* or of this type, as an older version (and runc spec --rootless) wrote it */
	const char *const *opts;
	bool may_go; /* a replaced mount may also go with no bind in its place */
} replacements[] = {
	{ "sys", "/sys", NULL, "bind", "none", sys_opts, false },
	{ "proc", "/proc", "proc", "bind", NULL, bind_opts, false },
	{ "ipc-mounts", "/dev/mqueue", "mqueue", "bind", NULL, bind_opts, true },
	{ "ipc-mounts", "/dev/shm", "tmpfs", "bind", NULL, bind_opts, false },
};

static bool has_options(jo *m, const char *const *opts)
{
	jo *have = get(m, "options");
	for (; *opts; opts++) {
		bool found = false;
		for (size_t i = 0, n = len(have); i < n && !found; i++)
			found = same_str(str(at(have, i)), *opts);
		if (!found)
			return false;
	}
	return true;
}

static bool is_replacement_bind(const mount *m, size_t r)
{
	return same_str(m->dest, replacements[r].dest) &&
	       (same_str(m->type, replacements[r].bind_type) ||
		(replacements[r].old_type && same_str(m->type, replacements[r].old_type))) &&
	       same_str(m->source, replacements[r].dest) && has_options(m->m, replacements[r].opts);
}

static bool is_replaced(const mount *m, size_t r)
{
	return replacements[r].type ? same_str(m->clean, replacements[r].dest) && same_str(m->type, replacements[r].type)
				    : under(m->clean, replacements[r].dest);
}

/* The restrictive flags of a replaced mount (but the atime ones) stay on
 * the bind in its place. */
static int bind_keeps_flags(checker *w, const mount *old, const mount *bind, const char *rule)
{
	unsigned lost = old->flags & ~bind->flags & ISOLATION;
	if (!lost)
		return 0;
	return violation(w, "mounts: %s (%s): the bind of the host's %s in its place (%s) lost option %s", old->dest,
			 old->type ? old->type : "untyped", bind->dest, rule, flag_name(first_bit(lost)));
}

/* The mounts rule r replaces, among those not taken, and their binds. */
static int replace(checker *w, size_t r, mount *a, size_t na, mount *b, size_t nb)
{
	if (!made(w, replacements[r].rule))
		return 0;
	if (!replacements[r].type) { /* sys: all by one bind */
		mount *bind = NULL;
		for (size_t j = 0; j < nb && !bind; j++)
			if (is_replacement_bind(&b[j], r))
				bind = &b[j];
		size_t replaced = 0;
		for (size_t i = 0; bind && i < na; i++) {
			if (a[i].taken || !is_replaced(&a[i], r))
				continue;
			a[i].taken = true;
			replaced++;
			if (same_str(a[i].clean, replacements[r].dest) && bind_keeps_flags(w, &a[i], bind, replacements[r].rule))
				return 1;
		}
		if (replaced)
			bind->taken = true; /* added for them (when not kept from the input) */
		/* and under a cgroup mount kept after it, an empty read-only tmpfs (the
		 * kernel refuses cgroup2 on the bind's own cgroup2 mount) */
		for (size_t j = 0; bind && j + 1 < nb; j++)
			if (!b[j].taken && same_str(b[j].clean, "/sys/fs/cgroup") && same_str(b[j].type, "tmpfs") &&
			    (b[j].flags & RO) && same_str(b[j + 1].clean, "/sys/fs/cgroup") && b[j + 1].type &&
			    (same_str(b[j + 1].type, "cgroup") || same_str(b[j + 1].type, "cgroup2")))
				b[j].taken = true;
		return 0;
	}
	size_t j = 0;
	for (size_t i = 0; i < na; i++) {
		if (a[i].taken || !is_replaced(&a[i], r))
			continue;
		while (j < nb && (b[j].taken || !is_replacement_bind(&b[j], r)))
			j++;
		if (j < nb) {
			a[i].taken = b[j].taken = true;
			if (bind_keeps_flags(w, &a[i], &b[j], replacements[r].rule))
				return 1;
		} else if (replacements[r].may_go) {
			a[i].taken = true;
		}
	}
	return 0;
}

/* A mount that stays keeps its restrictive flags and its other options. */
static int mount_kept(checker *w, const mount *old, const mount *now)
{
	unsigned lost = old->flags & ~now->flags;
	if (is_bind(old) && made(w, "locked-flags"))
		lost &= ~(unsigned)ATIME; /* the atime mode of the bind's source, which the kernel locks */
	if (lost)
		return violation(w, "mounts: %s (%s): option %s was dropped", old->dest, old->type ? old->type : "untyped",
				 flag_name(first_bit(lost)));
	struct lost_part s = { w, now->m, old->type, NULL, 0 };
	if (each_part(old->m, part_lost, &s))
		return violation(w, "mounts: %s (%s): option %.*s was removed", old->dest, old->type ? old->type : "untyped",
				 (int)s.n, s.p);
	return 0;
}

static int mounts(checker *w, const char *place)
{
	jo *x = get(w->in, place), *y = get(w->out, place);
	if (json_object_equal(x, y))
		return 0;
	if ((x && !is_array(x)) || (y && !is_array(y)))
		return violation(w, "%s: %s became %s", place, x ? text(x) : "absent", y ? text(y) : "absent");
	size_t na, nb;
	mount *a = load_mounts(x, &na), *b = load_mounts(y, &nb);
	int r = 0;
	if (!a || !b) {
		r = nomem(w);
		goto out;
	}
	/* Each mount of out is one of in: first the unchanged ones (so that a
	 * bind a rule added does not take the place of an equal one already
	 * there), then the binds rules put in place of others, then the rest by
	 * destination, type and source, in order. */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t k = 0; pass == 1 && k < sizeof(replacements) / sizeof(replacements[0]); k++)
			if ((r = replace(w, k, a, na, b, nb)))
				goto out;
		for (size_t j = 0; pass != 1 && j < nb; j++)
			for (size_t i = 0; i < na && !b[j].taken; i++)
				if (!a[i].taken && same_key(&a[i], &b[j]) && (pass || json_object_equal(a[i].m, b[j].m))) {
					a[i].taken = b[j].taken = true;
					if ((r = mount_kept(w, &a[i], &b[j])))
						goto out;
				}
	}
	for (size_t i = 0; i < na; i++)
		if (!a[i].taken) {
			r = violation(w, "mounts: %s (%s) was removed", a[i].dest ? a[i].dest : text(a[i].m),
				      a[i].type ? a[i].type : "untyped");
			goto out;
		}
	/* devices: a bind at the path of an entry of the input's linux.devices,
	 * nosuid (a device node bound in place of one it may not make) */
	for (size_t j = 0; made(w, "devices") && j < nb; j++) {
		jo *devs = get(w->in, "linux.devices");
		bool nosuid = false;
		jo *opts = get(b[j].m, "options");
		for (size_t k = 0, n = len(opts); k < n && !nosuid; k++)
			nosuid = same_str(str(at(opts, k)), "nosuid");
		for (size_t i = 0, n = len(devs); !b[j].taken && nosuid && same_str(b[j].type, "bind") && i < n; i++)
			b[j].taken = same_str(str(get(at(devs, i), "path")), b[j].dest);
	}
	for (size_t j = 0; j < nb; j++)
		if (!b[j].taken) {
			r = violation(w, "mounts: %s (%s) was added", b[j].dest ? b[j].dest : text(b[j].m),
				      b[j].type ? b[j].type : "untyped");
			goto out;
		}
out:
	free_mounts(a, na);
	free_mounts(b, nb);
	return r;
}

/* ---- the table ---- */

static const struct {
	const char *place;
	int (*check)(checker *w, const char *place);
} checks[] = {
	{ "linux.maskedPaths", keep_entries },
	{ "linux.readonlyPaths", keep_entries },
	{ "linux.namespaces", namespaces },         /* user entries: user-namespace */
	{ "process.capabilities", capabilities },
	{ "process.noNewPrivileges", stays_true },
	{ "process.apparmorProfile", same_or_apparmor }, /* apparmor */
	{ "process.selinuxLabel", same },
	{ "linux.seccomp", same },
	{ "mounts", mounts },                       /* sys, proc, ipc-mounts, locked-flags, id-options, joined-id-options, overlay-mounts */
};

int ocirl_never_widens(jo *in, jo *out, const char *const *rules, size_t n_rules, char *why, size_t size)
{
	checker w = { in, out, rules, n_rules, why, size };
	if (size)
		why[0] = '\0';
	for (size_t k = 0; k < sizeof(checks) / sizeof(checks[0]); k++) {
		int r = checks[k].check(&w, checks[k].place);
		if (r)
			return r;
	}
	return 0;
}
