/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the unit tests of the rules share (tests/rules/NAME/unit.c): TAP,
 * a context with every caller fact known (nothing is read from /proc), and
 * conversions through the public json-c API with their explanations.
 */
#ifndef OCIRL_RULE_TEST_H
#define OCIRL_RULE_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "internal.h"
#include "tree.h"
#include "tap.h"

/* Each unit.c uses only some of what follows. */
#define RT_UNUSED __attribute__((unused))

/* The mappings most tests use: uid 0 -> 1000 and 1..65536 -> 100000...;
 * gid 0 -> 1000 only (mode subid). */
RT_UNUSED static ocirl_id_mapping rt_uids[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
RT_UNUSED static ocirl_id_mapping rt_gids[] = { { 0, 1000, 1 } };
RT_UNUSED static ocirl_mappings rt_maps = { OCIRL_MODE_SUBID, rt_uids, 2, rt_gids, 1 };
/* RootlessKit's maps (0 -> 0, 1..65536 -> 1...), for userns and inherit. */
RT_UNUSED static ocirl_id_mapping rt_rk[] = { { 0, 0, 1 }, { 1, 1, 65536 } };
/* The other modes over these ids: inherit (RootlessKit's maps both ways),
 * userns (RootlessKit's uids, gid 0 -> 1000 only) and single (0 -> 1000). */
RT_UNUSED static ocirl_mappings rt_inherit = { OCIRL_MODE_INHERIT, rt_rk, 2, rt_rk, 2 };
RT_UNUSED static ocirl_mappings rt_userns = { OCIRL_MODE_USERNS, rt_rk, 2, rt_gids, 1 };
RT_UNUSED static ocirl_mappings rt_single = { OCIRL_MODE_SINGLE, rt_uids, 1, rt_gids, 1 };

/* The context of the next conversions: every caller fact "known" as set
 * here (zero: unknown), cgroups dropped. Tests change its fields. */
RT_UNUSED static ocirl_context rt_ctx = { .maps = &rt_maps, .cgroups = OCIRL_CGROUPS_DROP, .loaded = OCIRL_FACT_ALL };

/* Pieces of configs. */
#define RT_MAPS_JSON                                                                                   \
	"\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},"                             \
	"{\"containerID\":1,\"hostID\":100000,\"size\":65536}],"                                       \
	"\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"
#define RT_SYSBIND                                                                                     \
	"{\"destination\":\"/sys\",\"type\":\"bind\",\"source\":\"/sys\",\"options\":[\"rbind\",\"nosuid\"," \
	"\"noexec\",\"nodev\",\"ro\"]}"
#define RT_NETNS "{\"type\":\"network\"}"
#define RT_USERNS "{\"type\":\"user\"}"
/* A recursive bind of the host's path d, as proc and ipc-mounts make it. */
#define RT_HOST_BIND(d)                                                                               \
	"{\"destination\":\"" d "\",\"type\":\"bind\",\"source\":\"" d "\",\"options\":[\"rbind\",\"nosuid\"," \
	"\"noexec\",\"nodev\"]}"
/* mounts with /proc, /dev/mqueue and /dev/shm between two others */
#define RT_PID_IPC_MOUNTS                                                                              \
	"\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},{\"destination\":\"/proc\",\"type\":\"proc\","   \
	"\"source\":\"proc\"},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"},"     \
	"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"size=1m\"]},"      \
	"{\"destination\":\"/z\",\"type\":\"tmpfs\"}]"

/* The rule mount-namespace adds a mount namespace to every config that has
 * none, as the small configs of these tests do: it is off unless a test
 * turns this on (its own does). */
RT_UNUSED static bool rt_with_mount_namespace = false;

/* Converts in (JSON text) with rt_ctx; returns the compact result or
 * "error KIND: MESSAGE", and the changes as "WHERE: MESSAGE [RULE]|..." in
 * *explained (both malloc'd). */
RT_UNUSED static char *rt_convert(const char *in, char **explained)
{
	size_t mount_ns;
	if (!rt_with_mount_namespace && ocirl_rule_find(&mount_ns, "mount-namespace") == 0)
		rt_ctx.skip |= (uint64_t)1 << mount_ns;
	struct json_object *o = NULL;
	ocirl_error *err = NULL;
	ocirl_changes *ch = NULL;
	char *out = NULL;
	size_t len;
	ocirl_buf b = { 0 };
	if (ocirl_changes_new(&ch) < 0 || ocirl_config_parse(&o, in, strlen(in), "t", &err) < 0)
		abort();
	if (ocirl_config_convert(ch, o, &rt_ctx, &err) < 0) {
		if (asprintf(&out, "error %d: %s", (int)err->kind, err->message) < 0)
			abort();
	} else if (ocirl_config_serialize(&out, &len, o, OCIRL_STYLE_COMPACT, NULL, 0, &err) < 0)
		abort();
	for (size_t i = 0; i < ocirl_changes_count(ch); i++)
		ocirl__buf_printf(&b, "%s%s: %s [%s]", i ? "|" : "", ocirl_changes_where(ch, i),
				  ocirl_changes_message(ch, i), ocirl_changes_rule(ch, i));
	*explained = b.data ? b.data : strdup("");
	ocirl_error_free(err);
	ocirl_changes_free(ch);
	json_object_put(o);
	return out;
}

/* Checks the result; that the explanation holds each of the "|"-separated
 * parts of want_explained, in order, and as many changes as parts; and
 * that converting the result again changes nothing. */
RT_UNUSED static void rt_check(const char *in, const char *want, const char *want_explained, const char *what)
{
	char *ex = NULL;
	char *out = rt_convert(in, &ex);
	is_str(out, want, "%s", what);
	const char *p = ex;
	char parts[4096];
	snprintf(parts, sizeof(parts), "%s", want_explained);
	int nparts = 0, nfound = 0;
	for (char *tok = strtok(parts, "|"); tok; tok = strtok(NULL, "|")) {
		nparts++;
		const char *f = strstr(p, tok);
		if (f) {
			nfound++;
			p = f + strlen(tok);
		}
	}
	size_t nchanges = *ex ? 1 : 0;
	for (const char *q = ex; *q; q++)
		nchanges += *q == '|';
	if (!ok(nfound == nparts && (size_t)nparts == nchanges, "%s: explained", what))
		printf("#   got:  %s\n#   want: %s\n", ex, want_explained);
	free(ex);
	if (strncmp(out, "error", 5) != 0) {
		char *out2 = rt_convert(out, &ex);
		is_str(out2, out, "%s: a second conversion gives the same output", what);
		is_str(ex, "", "%s: a second conversion changes nothing", what);
		free(out2);
		free(ex);
	}
	free(out);
}

/* Checks that in is refused with want ("error KIND: MESSAGE"), with no change. */
RT_UNUSED static void rt_check_error(const char *in, const char *want, const char *what)
{
	char *ex = NULL;
	char *out = rt_convert(in, &ex);
	is_str(out, want, "%s", what);
	is_str(ex, "", "%s: no change reported", what);
	free(out);
	free(ex);
}

/* Turns the rule named name off in rt_ctx (on again with on = true). */
RT_UNUSED static void rt_skip(const char *name, bool on)
{
	size_t i;
	if (ocirl_rule_find(&i, name) < 0)
		abort();
	if (on)
		rt_ctx.skip &= ~((uint64_t)1 << i);
	else
		rt_ctx.skip |= (uint64_t)1 << i;
}

/* Whether the explanation ex (rt_convert's) holds a change of the rule name. */
RT_UNUSED static bool rt_tagged(const char *ex, const char *name)
{
	char tag[96];
	snprintf(tag, sizeof(tag), " [%s]", name);
	size_t n = strlen(tag);
	for (const char *p = ex; (p = strstr(p, tag)) != NULL; p += n)
		if (p[n] == '|' || p[n] == '\0')
			return true;
	return false;
}

/* Checks that converting in makes a change whose explanation starts with
 * change ("WHERE: MESSAGE..."), and that the change carries the rule name. */
RT_UNUSED static void rt_check_tag(const char *in, const char *change, const char *name, const char *what)
{
	char *ex = NULL;
	free(rt_convert(in, &ex));
	char tag[96];
	snprintf(tag, sizeof(tag), " [%s]", name);
	size_t tlen = strlen(tag), clen = strlen(change);
	bool found = false, tagged = false;
	for (const char *p = ex; *p && !found;) {
		size_t len = strcspn(p, "|");
		if (len >= clen && strncmp(p, change, clen) == 0) {
			found = true;
			tagged = len >= tlen && strncmp(p + len - tlen, tag, tlen) == 0;
		}
		p += len + (p[len] == '|');
	}
	if (!ok(found && tagged, "%s: the change is tagged [%s]", what, name))
		printf("#   got:  %s\n#   want: %s... [%s]\n", ex, change, name);
	free(ex);
}

/* rt_check() with the rule name turned off, and that no change carries its
 * name; the rule is on again after. */
RT_UNUSED static void rt_check_skipped(const char *name, const char *in, const char *want, const char *want_explained,
				       const char *what)
{
	rt_skip(name, false);
	rt_check(in, want, want_explained, what);
	char *ex = NULL;
	free(rt_convert(in, &ex));
	if (!ok(!rt_tagged(ex, name), "%s: no change tagged [%s]", what, name))
		printf("#   got:  %s\n", ex);
	free(ex);
	rt_skip(name, true);
}

#endif
