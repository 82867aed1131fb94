/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: kernel id maps, /etc/subuid, and the mappings of each mode. */
#include <stdarg.h>
#include <stdlib.h>

#include "internal.h"
#include "tap.h"

static char tmpdir[] = "/tmp/ocirl-unit-XXXXXX";

/* Writes text to a file in the test's folder; returns its path (static). */
static const char *file(const char *name, const char *text)
{
	static char paths[16][256];
	static int k;
	char *p = paths[k++ % 16];
	snprintf(p, 256, "%s/%s", tmpdir, name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static char *fmt(const ocirl_id_mapping *m, size_t n)
{
	ocirl_buf b = { 0 };
	ocirl__mappings_format(&b, m, n);
	return b.data;
}

static void parse_ok(const char *text, const char *want, const char *what)
{
	ocirl_id_mapping *m = NULL;
	size_t n = 0;
	ocirl_error *err = NULL;
	int r = ocirl_idmap_parse(&m, &n, text, strlen(text), "map", &err);
	if (!ok(r == 0, "idmap parse: %s", what)) {
		printf("#   %s\n", err ? err->message : "?");
		ocirl_error_free(err);
		return;
	}
	char *got = fmt(m, n);
	is_str(got, want, "idmap parse: %s: lines", what);
	free(got);
	free(m);
}

static void parse_bad(const char *text, const char *want_msg, const char *what)
{
	ocirl_id_mapping *m = NULL;
	size_t n = 0;
	ocirl_error *err = NULL;
	int r = ocirl_idmap_parse(&m, &n, text, strlen(text), "map", &err);
	ok(r < 0 && err && err->kind == OCIRL_ERROR_INPUT, "idmap parse refuses %s", what);
	is_str(err ? err->message : NULL, want_msg, "idmap parse: %s: message", what);
	ocirl_error_free(err);
}

static void subid(const char *text, const char *user, uint32_t uid, const char *want, const char *what)
{
	ocirl_id_mapping *m = NULL;
	size_t n = 0;
	ocirl_error *err = NULL;
	int r = ocirl_subid_parse(&m, &n, text, strlen(text), user, uid, "subuid", &err);
	if (!ok(r == 0, "subid parse: %s", what)) {
		ocirl_error_free(err);
		return;
	}
	char *got = fmt(m, n);
	is_str(got, want, "subid parse: %s: ranges", what);
	free(got);
	free(m);
}

/* Resolves mappings; want is "UIDS / GIDS" or "error KIND: message". */
static void resolve(ocirl_options *o, const char *want, const char *what)
{
	ocirl_mappings *m = NULL;
	ocirl_error *err = NULL;
	char *got = NULL;
	if (ocirl_mappings_resolve(&m, o, &err) == 0) {
		char *u = fmt(m->uid, m->n_uid), *g = fmt(m->gid, m->n_gid);
		if (asprintf(&got, "%s %s / %s", ocirl_mode_name(m->mode), u, g) < 0)
			got = NULL;
		free(u);
		free(g);
	} else if (asprintf(&got, "error %d: %s", err ? (int)err->kind : -1, err ? err->message : "?") < 0)
		got = NULL;
	is_str(got, want, "resolve: %s", what);
	free(got);
	ocirl_mappings_free(m);
	ocirl_error_free(err);
}

static void resolve_err(ocirl_options *o, ocirl_error_kind kind, const char *part, const char *what)
{
	ocirl_mappings *m = NULL;
	ocirl_error *err = NULL;
	int r = ocirl_mappings_resolve(&m, o, &err);
	bool good = r < 0 && err && err->kind == kind && strstr(err->message, part);
	if (!ok(good, "resolve fails: %s", what))
		printf("#   got: %d %s\n#   want kind %d with: %s\n", err ? (int)err->kind : -1,
		       err ? err->message : "(no error)", (int)kind, part);
	ocirl_mappings_free(m);
	ocirl_error_free(err);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 99;

	parse_ok("         0       1000          1\n", "0:1000:1", "unshare -r map");
	parse_ok("0 1000 1\n1 100000 65536\n", "0:1000:1,1:100000:65536", "rootlesskit map");
	parse_ok("         0          0 4294967295\n", "0:0:4294967295", "initial map");
	parse_ok("", "(none)", "empty map");
	parse_ok("\n0 1 2", "0:1:2", "blank line, no final newline");
	parse_bad("0 1000\n", "map:1: expected three numbers \"INSIDE OUTSIDE COUNT\"", "two columns");
	parse_bad("0 1 1\n0 1 0\n", "map:2: a count of 0", "a count of 0");
	parse_bad("0 1 1 x\n", "map:1: trailing text after \"INSIDE OUTSIDE COUNT\"", "trailing text");
	parse_bad("4294967295 0 2\n", "map:1: the range goes past id 4294967295", "overflowing range");
	parse_bad("0 4294967296 1\n", "map:1: expected three numbers \"INSIDE OUTSIDE COUNT\"", "id above 32 bits");
	parse_bad("-1 0 1\n", "map:1: expected three numbers \"INSIDE OUTSIDE COUNT\"", "negative id");
	{
		char big[341 * 12 + 1] = "";
		for (int i = 0; i < 341; i++)
			snprintf(big + strlen(big), sizeof(big) - strlen(big), "%d %d 1\n", i, i);
		parse_bad(big, "map: more than 340 lines", "more than 340 lines");
	}

	const char *subs = "# comment\nalice:200000:65536\nbob:100000:65536\n1000:300000:10\n"
			   "alice:100000:10\nalice:100005:10\n\n";
	subid(subs, "alice", 1000, "0:100000:15,0:200000:65536,0:300000:10", "by name and number, sorted, merged");
	subid(subs, "bob", 1001, "0:100000:65536", "by name");
	subid(subs, NULL, 1000, "0:300000:10", "by number only");
	subid(subs, "carol", 1002, "(none)", "no range");
	subid("alice:1:0\n", "alice", 1, "(none)", "a count of 0 is no range");
	{
		ocirl_id_mapping *m = NULL;
		size_t n = 0;
		ocirl_error *err = NULL;
		const char *big = "u:0:2147483648\nu:2147483648:2147483648\n";
		ok(ocirl_subid_parse(&m, &n, big, strlen(big), "u", 1, "subuid", &err) < 0 && err &&
			   strstr(err->message, "add up to 2^32 ids or more"),
		   "subid parse refuses ranges that merge into 2^32 ids");
		ocirl_error_free(err);
	}
	{
		ocirl_id_mapping *m = NULL;
		size_t n = 0;
		ocirl_error *err = NULL;
		ok(ocirl_subid_parse(&m, &n, "alice:x:1\n", 10, "alice", 1, "subuid", &err) < 0 && err &&
			   strcmp(err->message, "subuid:1: expected \"NAME:START:COUNT\"") == 0,
		   "subid parse refuses a bad line, naming it");
		ocirl_error_free(err);
	}

	/* The modes. */
	const char *initial = file("initial", "0 0 4294967295\n");
	const char *unshare = file("unshare", "0 1000 1\n");
	const char *rkit_u = file("rkit_u", "0 1000 1\n1 100000 65536\n");
	const char *unsorted = file("unsorted", "1 100000 65536\n0 1000 1\n");
	const char *narrow_g = file("narrow_g", "0 1000 1\n");
	const char *gaps = file("gaps", "5 100 10\n0 1000 1\n");
	const char *subuid = file("subuid", "alice:100000:65536\n");
	const char *subgid = file("subgid", "alice:200000:1000\n");
	const char *subown = file("subown", "alice:900:200\n");
	const char *empty = file("empty", "");

	ocirl_options o = OCIRL_OPTIONS_INIT;
	o.mode = OCIRL_MODE_USERNS;
	o.uid_map_path = unshare;
	o.gid_map_path = unshare;
	resolve(&o, "userns 0:0:1 / 0:0:1", "userns under unshare -r: host id is the first column");
	o.uid_map_path = rkit_u;
	o.gid_map_path = rkit_u;
	resolve(&o, "userns 0:0:1,1:1:65536 / 0:0:1,1:1:65536", "userns under rootlesskit");
	o.uid_map_path = unsorted;
	o.gid_map_path = narrow_g;
	resolve(&o, "userns 0:0:1,1:1:65536 / 0:0:1", "userns: sorted, gid mappings from the gid map");
	o.uid_map_path = gaps;
	o.gid_map_path = gaps;
	resolve(&o, "userns 0:0:1,1:5:10 / 0:0:1,1:5:10", "userns: container ids numbered without gaps");
	o.uid_map_path = initial;
	resolve_err(&o, OCIRL_ERROR_UNSUPPORTED, "--mode userns: not inside a user namespace", "userns outside a user namespace");
	o.uid_map_path = empty;
	resolve_err(&o, OCIRL_ERROR_UNSUPPORTED, "has no uid map yet", "userns with an empty uid map");
	o.uid_map_path = file("bad", "0 0\n");
	resolve_err(&o, OCIRL_ERROR_INPUT, "expected three numbers", "userns with a bad uid map");
	o.uid_map_path = "/nonexistent/uid_map";
	resolve_err(&o, OCIRL_ERROR_IO, "/nonexistent/uid_map: No such file or directory", "userns with a missing map");

	o.mode = OCIRL_MODE_AUTO;
	o.uid_map_path = rkit_u;
	o.gid_map_path = rkit_u;
	o.uid = 0;
	resolve(&o, "inherit 0:1000:1,1:100000:65536 / 0:1000:1,1:100000:65536", "auto inside a user namespace as uid 0 is inherit");
	o.uid = 1000;
	resolve(&o, "userns 0:0:1,1:1:65536 / 0:0:1,1:1:65536", "auto inside a user namespace as another uid is userns");
	o.uid = -1;
	o.uid_map_path = initial;
	o.uid = 1000;
	o.gid = 1001;
	resolve(&o, "single 0:1000:1 / 0:1001:1", "auto outside a user namespace, not root, is single");
	o.uid = 0;
	o.gid = 0;
	resolve_err(&o, OCIRL_ERROR_UNSUPPORTED, "running as root outside any user namespace", "auto as root outside a user namespace");

	o.mode = OCIRL_MODE_SINGLE;
	o.uid = 1000;
	o.gid = 1001;
	o.uid_map_path = "/nonexistent"; /* single reads no map */
	resolve(&o, "single 0:1000:1 / 0:1001:1", "single: the given uid and gid");

	o.mode = OCIRL_MODE_SUBID;
	o.user_name = "alice";
	o.subuid_path = subuid;
	o.subgid_path = subgid;
	resolve(&o, "subid 0:1000:1,1:100000:65536 / 0:1001:1,1:200000:1000", "subid: own id, then the ranges from 1");
	o.subuid_path = subown;
	o.subgid_path = subown;
	o.uid = 1000;
	o.gid = 950;
	resolve(&o, "subid 0:1000:1,1:900:100,101:1001:99 / 0:950:1,1:900:50,51:951:149",
		"subid: the caller's own id is cut out of its range");
	o.subuid_path = empty;
	resolve_err(&o, OCIRL_ERROR_UNSUPPORTED, "no subordinate uids for alice", "subid without a range");
	o.subuid_path = "/nonexistent/subuid";
	resolve_err(&o, OCIRL_ERROR_UNSUPPORTED, "/nonexistent/subuid", "subid without /etc/subuid");
	o.subuid_path = subuid;
	o.uid = 1000;
	o.user_name = NULL; /* looked up by number only when uid has no name */
	o.uid = 4000000000;
	resolve_err(&o, OCIRL_ERROR_UNSUPPORTED, "no subordinate uids", "subid for an id without a name or range");

	o.version = 99;
	resolve_err(&o, OCIRL_ERROR_USAGE, "options version 99", "an unknown options version");

	ocirl_mode mode;
	ok(ocirl_mode_parse(&mode, "subid") == 0 && mode == OCIRL_MODE_SUBID, "mode names parse");
	ok(ocirl_mode_parse(&mode, "root") == -EINVAL, "an unknown mode name is refused");
	ocirl_id_mapping cover[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
	ok(ocirl__mappings_cover(cover, 2, 5) && ocirl__mappings_cover(cover, 2, 65536), "ids 5 and 65536 are mapped");
	ok(!ocirl__mappings_cover(cover, 2, 65537), "id 65537 is not mapped");
	ok(!ocirl__mappings_cover(cover, 1, 5), "id 5 is not mapped by 0:1000:1");

	/* The user's name for mode subid, from a passwd file (the static programs ask no NSS). */
	char longname[1600];
	memset(longname, 'y', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	char passwd[4096];
	snprintf(passwd, sizeof(passwd),
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "# a comment\n"
		 "broken line without colons\n"
		 "%s:x:1001:1001::/:/bin/sh\n" /* a long line: read whole, the lines after it too */
		 "nouid:x::1002::/:/bin/sh\n"
		 "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
		 "alice2:x:1000:1000::/:/bin/sh\n"
		 "bob:x:10000:10000::/:/bin/sh",
		 longname);
	const char *pw = file("passwd", passwd);
	char name[OCIRL_USER_NAME_MAX + 1];
	ok(ocirl__passwd_name(name, sizeof(name), pw, 1000) && strcmp(name, "alice") == 0,
	   "passwd: uid 1000 is alice (the first line with it)");
	ok(ocirl__passwd_name(name, sizeof(name), pw, 10000) && strcmp(name, "bob") == 0,
	   "passwd: the last line needs no newline");
	ok(ocirl__passwd_name(name, sizeof(name), pw, 0) && strcmp(name, "root") == 0, "passwd: uid 0 is root");
	ok(!ocirl__passwd_name(name, sizeof(name), pw, 1001), "passwd: a name too long for the buffer is not found (and the lines after it are read)");
	ok(!ocirl__passwd_name(name, sizeof(name), pw, 1002), "passwd: a line without a uid matches nothing");
	ok(!ocirl__passwd_name(name, sizeof(name), pw, 100), "passwd: an unknown uid is not found");
	ok(!ocirl__passwd_name(name, 4, pw, 1000), "passwd: a name that does not fit in size is not found");
	ok(!ocirl__passwd_name(name, sizeof(name), "/nonexistent/passwd", 0), "passwd: no file, no name");
	uint32_t g = 7;
	ok(ocirl__passwd_lookup(pw, 10000, NULL, 0, &g) && g == 10000, "passwd: the group of uid 10000 is 10000");
	g = 7;
	ok(ocirl__passwd_lookup(pw, 1000, name, sizeof(name), &g) && g == 1000 && strcmp(name, "alice") == 0,
	   "passwd: name and group of uid 1000 at once");
	ok(ocirl__passwd_lookup(pw, 1001, NULL, 0, &g) && g == 1001,
	   "passwd: without a name buffer, a long name does not hide the entry");
	const char *pw2 = file("passwd2", "nogid:x:5::/:/bin/sh\nbiggid:x:6:4294967295::/:/bin/sh\nok:x:7:70\n");
	g = 7;
	ok(!ocirl__passwd_lookup(pw2, 5, NULL, 0, &g) && g == 7, "passwd: a blank gid is no group (and *gid is left alone)");
	ok(!ocirl__passwd_lookup(pw2, 6, NULL, 0, &g), "passwd: gid 4294967295 is no group");
	ok(ocirl__passwd_lookup(pw2, 7, NULL, 0, &g) && g == 70, "passwd: a line that ends after the gid");

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	(void)!system(cmd);
	return done_testing();
}
