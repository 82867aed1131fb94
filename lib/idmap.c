/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Id mappings: parsing the caller's kernel maps and /etc/subuid, and working
 * out, for each mode, the mappings the container gets. The rules of the
 * modes live here, in ocirl_mappings_resolve() and the functions it calls.
 */
#include <ctype.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include <stddef.h>

#include "internal.h"

/* The caller's map files and subordinate-id files are small; refuse big ones. */
#define MAP_FILE_MAX (1024 * 1024)

static const char *const mode_names[] = {
	[OCIRL_MODE_AUTO] = "auto",
	[OCIRL_MODE_USERNS] = "userns",
	[OCIRL_MODE_SINGLE] = "single",
	[OCIRL_MODE_SUBID] = "subid",
	[OCIRL_MODE_INHERIT] = "inherit",
};

bool ocirl__passwd_lookup(const char *path, uint32_t uid, char *name, size_t size, uint32_t *gid)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		/* NAME:PASSWORD:UID:GID:... */
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *end = NULL;
		if (!c1 || !c2 || c1 == line || (name && (size_t)(c1 - line) >= size) || c2[1] < '0' || c2[1] > '9')
			continue;
		errno = 0;
		unsigned long long v = strtoull(c2 + 1, &end, 10);
		if (errno || *end != ':' || v != uid)
			continue;
		unsigned long long g = 0;
		if (gid) {
			char *gend = NULL;
			if (end[1] < '0' || end[1] > '9')
				continue;
			g = strtoull(end + 1, &gend, 10);
			if (errno || (*gend != ':' && *gend != '\0') || g >= UINT32_MAX)
				continue;
		}
		if (name) {
			memcpy(name, line, (size_t)(c1 - line));
			name[c1 - line] = '\0';
		}
		if (gid)
			*gid = (uint32_t)g;
		found = true;
	}
	free(line);
	fclose(f);
	return found;
}

bool ocirl__passwd_name(char *buf, size_t size, const char *path, uint32_t uid)
{
	return ocirl__passwd_lookup(path, uid, buf, size, NULL);
}

const char *ocirl_mode_name(ocirl_mode mode)
{
	return ocirl__enum_name(mode_names, OCIRL__N(mode_names), (unsigned)mode);
}

int ocirl_mode_parse(ocirl_mode *out, const char *name)
{
	int i = ocirl__enum_parse(mode_names, OCIRL__N(mode_names), name);
	if (i < 0)
		return -EINVAL;
	*out = (ocirl_mode)i;
	return 0;
}

int ocirl_options_init(ocirl_options *opts, unsigned int version)
{
	if (version < 1 || version > OCIRL_OPTIONS_VERSION)
		return -EINVAL;
	static const ocirl_options d = OCIRL_OPTIONS_INIT; /* static: its padding is zero too */
	/* a caller built against version 1 has the struct without skip_rules,
	 * one built against version 2 without cgroup_manager */
	size_t size = version == 1 ? offsetof(ocirl_options, skip_rules)
		      : version == 2 ? offsetof(ocirl_options, cgroup_manager)
				     : sizeof(d);
	memcpy(opts, &d, size);
	opts->version = version;
	return 0;
}

void ocirl_mappings_free(ocirl_mappings *m)
{
	if (!m)
		return;
	free(m->uid);
	free(m->gid);
	free(m);
}

bool ocirl__mappings_cover(const ocirl_id_mapping *m, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return true;
	return false;
}

void ocirl__mappings_format(ocirl_buf *b, const ocirl_id_mapping *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ocirl__buf_printf(b, "%s%" PRIu32 ":%" PRIu32 ":%" PRIu32, i ? "," : "", m[i].container_id,
				  m[i].host_id, m[i].size);
	if (n == 0)
		ocirl__buf_adds(b, "(none)");
}

/* Reads an unsigned decimal number that fits in 32 bits from *p, moving *p past it. */
static bool parse_u32(const char **p, const char *end, uint32_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	if (s >= end || !isdigit((unsigned char)*s))
		return false;
	while (s < end && isdigit((unsigned char)*s)) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
		s++;
	}
	*p = s;
	*out = (uint32_t)v;
	return true;
}

/* Appends v to the array *m of *n entries; -ENOMEM on failure (*m kept). */
static int mappings_push(ocirl_id_mapping **m, size_t *n, ocirl_id_mapping v)
{
	ocirl_id_mapping *nm = realloc(*m, (*n + 1) * sizeof(**m));
	if (!nm)
		return -ENOMEM;
	nm[(*n)++] = v;
	*m = nm;
	return 0;
}

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

int ocirl_idmap_parse(ocirl_id_mapping **out, size_t *out_n, const char *text, size_t len,
		      const char *name, ocirl_error **err)
{
	_cleanup_free_ ocirl_id_mapping *m = NULL;
	size_t n = 0;
	const char *p = text, *end = text + len;
	unsigned line = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line++;
		const char *q = p;
		skip_blanks(&q, eol);
		if (q == eol) { /* empty line */
			p = eol + 1;
			continue;
		}
		uint32_t v[3];
		for (int k = 0; k < 3; k++) {
			skip_blanks(&q, eol);
			if (!parse_u32(&q, eol, &v[k]))
				return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
							"%s:%u: expected three numbers \"INSIDE OUTSIDE COUNT\"",
							name, line);
		}
		skip_blanks(&q, eol);
		if (q != eol)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
						"%s:%u: trailing text after \"INSIDE OUTSIDE COUNT\"", name, line);
		if (v[2] == 0)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s:%u: a count of 0", name, line);
		if ((uint64_t)v[0] + v[2] - 1 > UINT32_MAX || (uint64_t)v[1] + v[2] - 1 > UINT32_MAX)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, ERANGE,
						"%s:%u: the range goes past id 4294967295", name, line);
		if (n == OCIRL_MAX_MAPPINGS)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, E2BIG, "%s: more than %d lines", name,
						OCIRL_MAX_MAPPINGS);
		if (mappings_push(&m, &n, (ocirl_id_mapping){ .container_id = v[0], .host_id = v[1], .size = v[2] }) < 0)
			return ocirl__error_nomem(err);
		p = eol + 1;
	}
	*out = m;
	m = NULL;
	*out_n = n;
	return 0;
}

static int cmp_host_id(const void *a, const void *b)
{
	const ocirl_id_mapping *x = a, *y = b;
	return x->host_id < y->host_id ? -1 : x->host_id > y->host_id;
}

static int cmp_container_id(const void *a, const void *b)
{
	const ocirl_id_mapping *x = a, *y = b;
	return x->container_id < y->container_id ? -1 : x->container_id > y->container_id;
}

/* Sorts ranges by host_id and merges those that overlap or touch; false when
 * a merged range would hold 2^32 ids or more. */
static bool ranges_normalize(ocirl_id_mapping *m, size_t *n)
{
	if (*n == 0)
		return true;
	qsort(m, *n, sizeof(*m), cmp_host_id);
	size_t k = 0;
	for (size_t i = 1; i < *n; i++) {
		uint64_t end_k = (uint64_t)m[k].host_id + m[k].size;
		if (m[i].host_id <= end_k) {
			uint64_t end_i = (uint64_t)m[i].host_id + m[i].size;
			if (end_i > end_k) {
				if (end_i - m[k].host_id > UINT32_MAX)
					return false;
				m[k].size = (uint32_t)(end_i - m[k].host_id);
			}
		} else {
			m[++k] = m[i];
		}
	}
	*n = k + 1;
	return true;
}

int ocirl_subid_parse(ocirl_id_mapping **out, size_t *out_n, const char *text, size_t len,
		      const char *user_name, uint32_t user_id, const char *name, ocirl_error **err)
{
	_cleanup_free_ ocirl_id_mapping *m = NULL;
	size_t n = 0;
	const char *p = text, *end = text + len;
	unsigned line = 0;
	char idbuf[16];
	snprintf(idbuf, sizeof(idbuf), "%" PRIu32, user_id);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line++;
		const char *q = p;
		p = eol + 1;
		skip_blanks(&q, eol);
		if (q == eol || *q == '#')
			continue;
		const char *colon = memchr(q, ':', (size_t)(eol - q));
		if (!colon)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
						"%s:%u: expected \"NAME:START:COUNT\"", name, line);
		size_t klen = (size_t)(colon - q);
		bool mine = (user_name && strlen(user_name) == klen && memcmp(q, user_name, klen) == 0) ||
			    (strlen(idbuf) == klen && memcmp(q, idbuf, klen) == 0);
		const char *r = colon + 1;
		uint32_t start, count;
		if (!parse_u32(&r, eol, &start) || r >= eol || *r != ':' || (r++, !parse_u32(&r, eol, &count)))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
						"%s:%u: expected \"NAME:START:COUNT\"", name, line);
		skip_blanks(&r, eol);
		if (r != eol)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
						"%s:%u: trailing text after \"NAME:START:COUNT\"", name, line);
		if (!mine || count == 0)
			continue;
		if ((uint64_t)start + count - 1 > UINT32_MAX)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, ERANGE,
						"%s:%u: the range goes past id 4294967295", name, line);
		if (n == OCIRL_MAX_MAPPINGS)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, E2BIG, "%s: more than %d ranges for %s",
						name, OCIRL_MAX_MAPPINGS, user_name ? user_name : idbuf);
		if (mappings_push(&m, &n, (ocirl_id_mapping){ .container_id = 0, .host_id = start, .size = count }) < 0)
			return ocirl__error_nomem(err);
	}
	if (!ranges_normalize(m, &n))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, ERANGE, "%s: the ranges of %s add up to 2^32 ids or more",
					name, user_name ? user_name : idbuf);
	*out_n = n;
	*out = m;
	m = NULL;
	return 0;
}

/* ---- the modes ---- */

static const char *opt_path(const char *p, const char *def)
{
	return p ? p : def;
}

static int read_kernel_map(ocirl_id_mapping **out, size_t *out_n, const char *path, ocirl_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = ocirl__file_read(&text, &len, path, MAP_FILE_MAX, err);
	if (r < 0)
		return r;
	return ocirl_idmap_parse(out, out_n, text, len, path, err);
}

/* Outside any user namespace the map is the identity over all ids. */
static bool map_is_initial(const ocirl_id_mapping *m, size_t n)
{
	return n == 1 && m[0].container_id == 0 && m[0].host_id == 0 && m[0].size == UINT32_MAX;
}

/* userns: each line of the caller's map, sorted by its first column (the id
 * inside the caller's namespace, which is what the new namespace sees as
 * host id), numbered from 0 in the container. */
static int mappings_from_caller(ocirl_id_mapping **out, size_t *out_n, ocirl_id_mapping *m, size_t n,
				const char *path, ocirl_error **err)
{
	qsort(m, n, sizeof(*m), cmp_container_id);
	uint64_t next = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t inside = m[i].container_id;
		if (next > UINT32_MAX || next + m[i].size - 1 > UINT32_MAX)
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, ERANGE,
						"%s: the ranges add up to more than 2^32 ids", path);
		m[i].host_id = inside;
		m[i].container_id = (uint32_t)next;
		next += m[i].size;
	}
	*out = m;
	*out_n = n;
	return 0;
}

/* single and subid: 0 -> id; then the subordinate ranges from 1. */
static int mappings_for_id(ocirl_id_mapping **out, size_t *out_n, uint32_t id, bool with_subids,
			   const char *subid_path, const char *user_name, uint32_t owner_uid,
			   const char *what, ocirl_error **err)
{
	_cleanup_free_ ocirl_id_mapping *sub = NULL;
	size_t nsub = 0;
	if (with_subids) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		ocirl_error *read_err = NULL;
		int r = ocirl__file_read(&text, &len, subid_path, MAP_FILE_MAX, &read_err);
		if (r < 0 && read_err && read_err->errnum == ENOENT) {
			ocirl_error_free(read_err);
			return ocirl__error_set(err, OCIRL_ERROR_UNSUPPORTED, ENOENT,
						"%s does not exist, so there are no subordinate %ss to map: create it "
						"(usermod --add-sub%ss), name another with --sub%s, or use --mode single",
						subid_path, what, what, what);
		}
		if (r < 0) {
			if (err)
				*err = read_err;
			else
				ocirl_error_free(read_err);
			return r;
		}
		r = ocirl_subid_parse(&sub, &nsub, text, len, user_name, owner_uid, subid_path, err);
		if (r < 0)
			return r;
		if (nsub == 0)
			return ocirl__error_set(err, OCIRL_ERROR_UNSUPPORTED, ENOENT,
						"%s: no subordinate %ss for %s (uid %" PRIu32
						"): add a range (usermod --add-sub%ss) or use --mode single",
						subid_path, what, user_name ? user_name : "the user", owner_uid,
						what);
	}
	ocirl_id_mapping *m = NULL;
	size_t n = 0;
	if (mappings_push(&m, &n, (ocirl_id_mapping){ .container_id = 0, .host_id = id, .size = 1 }) < 0)
		return ocirl__error_nomem(err);
	uint64_t next = 1;
	for (size_t i = 0; i < nsub; i++) {
		/* The caller's own id is mapped to 0 already: leave it out of its range. */
		uint64_t start = sub[i].host_id, end = start + sub[i].size;
		uint64_t parts[2][2] = { { start, end }, { 0, 0 } };
		if (id >= start && id < end) {
			parts[0][1] = id;
			parts[1][0] = (uint64_t)id + 1;
			parts[1][1] = end;
		}
		for (int k = 0; k < 2; k++) {
			uint64_t size = parts[k][1] - parts[k][0];
			if (size == 0)
				continue;
			if (next + size - 1 > UINT32_MAX) {
				free(m);
				return ocirl__error_set(err, OCIRL_ERROR_INPUT, ERANGE,
							"%s: the ranges add up to more than 2^32 ids", subid_path);
			}
			if (n == OCIRL_MAX_MAPPINGS) {
				free(m);
				return ocirl__error_set(err, OCIRL_ERROR_INPUT, E2BIG, "%s: more than %d ranges",
							subid_path, OCIRL_MAX_MAPPINGS - 1);
			}
			if (mappings_push(&m, &n, (ocirl_id_mapping){ .container_id = (uint32_t)next,
								   .host_id = (uint32_t)parts[k][0],
								   .size = (uint32_t)size }) < 0) {
				free(m);
				return ocirl__error_nomem(err);
			}
			next += size;
		}
	}
	*out = m;
	*out_n = n;
	return 0;
}

static int64_t id_or(int64_t v, uint32_t def)
{
	return v >= 0 ? v : (int64_t)def;
}

int ocirl_mappings_resolve(ocirl_mappings **out, const ocirl_options *opts, ocirl_error **err)
{
	ocirl_options defaults = OCIRL_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version < 1 || opts->version > OCIRL_OPTIONS_VERSION) /* 1: without skip_rules, 2: without cgroup_manager */
		return ocirl__error_set(err, OCIRL_ERROR_USAGE, EINVAL, "options version %u is not supported",
					opts->version);
	const char *proc_self = opt_path(opts->proc_self_path, "/proc/self");
	_cleanup_free_ char *def_uid_map = NULL, *def_gid_map = NULL;
	if (asprintf(&def_uid_map, "%s/uid_map", proc_self) < 0 || asprintf(&def_gid_map, "%s/gid_map", proc_self) < 0)
		return ocirl__error_nomem(err);
	const char *uid_map_path = opt_path(opts->uid_map_path, def_uid_map);
	const char *gid_map_path = opt_path(opts->gid_map_path, def_gid_map);
	int64_t uid = id_or(opts->uid, (uint32_t)geteuid());
	int64_t gid = id_or(opts->gid, (uint32_t)getegid());
	if (uid > UINT32_MAX - 1 || gid > UINT32_MAX - 1)
		return ocirl__error_set(err, OCIRL_ERROR_USAGE, ERANGE, "uid and gid must be below 4294967295");

	ocirl_mappings *res = calloc(1, sizeof(*res));
	if (!res)
		return ocirl__error_nomem(err);
	int r = 0;
	ocirl_mode mode = opts->mode;

	/* Which namespace is the caller in? Needed by auto and userns. */
	_cleanup_free_ ocirl_id_mapping *umap = NULL;
	size_t n_umap = 0;
	bool in_userns = false;
	if (mode == OCIRL_MODE_AUTO || mode == OCIRL_MODE_USERNS || mode == OCIRL_MODE_INHERIT) {
		r = read_kernel_map(&umap, &n_umap, uid_map_path, err);
		if (r < 0)
			goto fail;
		in_userns = !map_is_initial(umap, n_umap);
	}
	if (mode == OCIRL_MODE_AUTO) {
		/* Root of a user namespace (RootlessKit, unshare -r, Podman's
		 * pause namespace, a daemon inside them) runs the runtime as
		 * rootful there: the container stays in that namespace, which
		 * owns what the daemon made (a pod's ipc and network
		 * namespaces). Another user in it needs a namespace of its own. */
		if (in_userns)
			mode = uid == 0 ? OCIRL_MODE_INHERIT : OCIRL_MODE_USERNS;
		else if (uid == 0) {
			r = ocirl__error_set(err, OCIRL_ERROR_UNSUPPORTED, EPERM,
					     "running as root outside any user namespace (%s is \"0 0 4294967295\"): "
					     "there is nothing to map from; to prepare a config for another user pass "
					     "--mode single or --mode subid with --uid and --gid, or run inside the user "
					     "namespace (rootlesskit, unshare -r)",
					     uid_map_path);
			goto fail;
		} else
			mode = OCIRL_MODE_SINGLE;
	}
	res->mode = mode;

	switch (mode) {
	case OCIRL_MODE_USERNS:
	case OCIRL_MODE_INHERIT: {
		if (!in_userns) {
			r = ocirl__error_set(err, OCIRL_ERROR_UNSUPPORTED, EPERM,
					     "--mode %s: not inside a user namespace (%s is \"0 0 4294967295\"); "
					     "use --mode single or --mode subid",
					     ocirl_mode_name(mode), uid_map_path);
			goto fail;
		}
		_cleanup_free_ ocirl_id_mapping *gmap = NULL;
		size_t n_gmap = 0;
		r = read_kernel_map(&gmap, &n_gmap, gid_map_path, err);
		if (r < 0)
			goto fail;
		if (n_umap == 0 || n_gmap == 0) {
			r = ocirl__error_set(err, OCIRL_ERROR_UNSUPPORTED, EINVAL,
					     "%s: the caller's user namespace has no %s map yet",
					     n_umap == 0 ? uid_map_path : gid_map_path, n_umap == 0 ? "uid" : "gid");
			goto fail;
		}
		if (mode == OCIRL_MODE_INHERIT) {
			/* No new namespace: the ids that count are the caller's own,
			 * inside (container_id) and outside (host_id) as in its maps. */
			qsort(umap, n_umap, sizeof(*umap), cmp_container_id);
			qsort(gmap, n_gmap, sizeof(*gmap), cmp_container_id);
			res->uid = umap, res->n_uid = n_umap, umap = NULL;
			res->gid = gmap, res->n_gid = n_gmap, gmap = NULL;
			break;
		}
		r = mappings_from_caller(&res->uid, &res->n_uid, umap, n_umap, uid_map_path, err);
		if (r < 0)
			goto fail;
		umap = NULL;
		r = mappings_from_caller(&res->gid, &res->n_gid, gmap, n_gmap, gid_map_path, err);
		if (r < 0)
			goto fail;
		gmap = NULL;
		break;
	}
	case OCIRL_MODE_SINGLE:
	case OCIRL_MODE_SUBID: {
		bool sub = mode == OCIRL_MODE_SUBID;
		const char *user_name = opts->user_name;
		char name[OCIRL_USER_NAME_MAX + 1];
		/* version 1 options end before passwd_path */
		const char *passwd = opt_path(opts->version >= 2 ? opts->passwd_path : NULL, "/etc/passwd");
		if (opts->uid >= 0 && opts->gid < 0) {
			/* a uid given alone: container root's gid is that user's, not the caller's */
			uint32_t g;
			if (!ocirl__passwd_lookup(passwd, (uint32_t)uid, NULL, 0, &g)) {
				r = ocirl__error_set(err, OCIRL_ERROR_USAGE, ENOENT,
						     "uid %" PRId64 " was given without a gid, and %s has no entry for it to "
						     "take its group from; give the gid too (--gid)",
						     uid, passwd);
				goto fail;
			}
			gid = g;
		}
		if (sub && !user_name) {
			if (ocirl__passwd_name(name, sizeof(name), passwd, (uint32_t)uid))
				user_name = name;
#ifndef OCIRL_NO_NSS
			/* The shared library also asks NSS (LDAP, sssd); the static
			 * programs cannot load NSS modules safely, and use the file. */
			else {
				struct passwd *pw = getpwuid((uid_t)uid);
				if (pw)
					user_name = pw->pw_name;
			}
#endif
		}
		r = mappings_for_id(&res->uid, &res->n_uid, (uint32_t)uid, sub,
				    opt_path(opts->subuid_path, "/etc/subuid"), user_name, (uint32_t)uid, "uid",
				    err);
		if (r < 0)
			goto fail;
		r = mappings_for_id(&res->gid, &res->n_gid, (uint32_t)gid, sub,
				    opt_path(opts->subgid_path, "/etc/subgid"), user_name, (uint32_t)uid, "gid",
				    err);
		if (r < 0)
			goto fail;
		break;
	}
	default:
		r = ocirl__error_set(err, OCIRL_ERROR_USAGE, EINVAL, "unknown mode %d", (int)mode);
		goto fail;
	}
	*out = res;
	return 0;
fail:
	ocirl_mappings_free(res);
	return r;
}
