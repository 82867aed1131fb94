/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: parse + convert + write, in each mode's kind of mappings.
 * The first byte picks the mappings (userns as under RootlessKit, single,
 * subid with a narrow gid map, inherit), the output style and the caller's
 * facts (see context_for); the rest is the config. Properties checked
 * beyond "no crash, no leak": a converted config converts to the same bytes
 * with no change reported, the output parses again, and the public json-c
 * API (ocirl_config_parse/_convert/_serialize) accepts and refuses the same
 * inputs as the library's own tree (what ocirl_buffer_convert() and the
 * programs use) and gives the same JSON value; and the output never widens
 * its input (tests/lib/never-widens.c: masked and read-only paths,
 * namespaces, capabilities, seccomp, mount flags), but where a rule that
 * made a change documents why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "tree.h"
#include "../lib/never-widens.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static ocirl_id_mapping rkit[] = { { 0, 0, 1 }, { 1, 1, 65536 } };
static ocirl_id_mapping single_u[] = { { 0, 1000, 1 } };
static ocirl_id_mapping single_g[] = { { 0, 1000, 1 } };
static ocirl_id_mapping subid_u[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };

static ocirl_mappings all_maps[] = {
	{ OCIRL_MODE_USERNS, rkit, 2, rkit, 2 },
	{ OCIRL_MODE_SINGLE, single_u, 1, single_g, 1 },
	{ OCIRL_MODE_SUBID, subid_u, 2, single_g, 1 },
	{ OCIRL_MODE_INHERIT, rkit, 2, rkit, 2 },
};

/* Caller facts: known, so that every fix-up runs; cgroup v2, the caller's
 * parent delegated or not, a user manager, either driver. The namespace identities are left unknown. */
static void context_for(ocirl_context *ctx, unsigned char selector)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->maps = &all_maps[selector % 4];
	ctx->cgroups = (ocirl_cgroups)((selector / 8) % 3);
	ctx->oom_known = true;
	ctx->oom_score_adj = 100;
	for (int i = 0; i < OCIRL_N_RLIMITS; i++) {
		ctx->hard_known[i] = i % 3 != 0;
		ctx->hard[i] = i % 2 ? 20000 : UINT64_MAX;
	}
	ctx->mqueue_mounted = selector & 32;
	ctx->aa_known = true;
	ctx->aa_enabled = selector & 16;
	ctx->aa_profiles = (char *)"docker-default (enforce)\n";
	ctx->capbnd_known = true;
	ctx->capbnd = selector & 2 ? 0x1fffcffffffULL : ~0ULL;
	ctx->owns_net = ctx->owns_pid = ctx->owns_ipc = selector & 64;
	ctx->proc_self = (char *)"/nonexistent/self"; /* a namespace joined by path is never opened */
	ctx->cg_v2 = true;
	ctx->cg_delegated = selector & 128;
	ctx->cgroup_manager = selector & 4 ? OCIRL_CGROUP_MANAGER_SYSTEMD : OCIRL_CGROUP_MANAGER_CGROUPFS;
	ctx->container_id = (char *)"fuzz"; /* no random name: the two conversions compared must agree */
	ctx->cg_path = (char *)"/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope";
	ctx->cg_parent = (char *)"/user.slice/user-1000.slice/user@1000.service/app.slice";
	ctx->cg_controllers = (char *)" cpu memory pids ";
	ctx->cg_manager = (char *)"/user.slice/user-1000.slice/user@1000.service";
	ctx->cg_manager_controllers = (char *)" cpu memory pids ";
	ctx->source_root = (char *)"/nonexistent"; /* no file system lookups while fuzzing */
	ctx->loaded = OCIRL_FACT_ALL; /* the facts above, none read from /proc */
}

/* Converts text with the library's tree; returns the output (malloc'd) or
 * NULL on an error of the input. */
static char *convert_once(const char *text, size_t len, const ocirl_context *m, int style, size_t *n_changes,
			  size_t *out_len)
{
	ocirl_tree *t = NULL;
	ocirl_error *err = NULL;
	ocirl_changes *changes = NULL;
	char *out = NULL;
	if (ocirl__json_parse(&t, text, len, "fuzz", OCIRL__PARSE_SKIP, &err) < 0) {
		if (!err || !err->message)
			abort(); /* every error carries a message */
		ocirl_error_free(err);
		return NULL;
	}
	if (ocirl_changes_new(&changes) < 0)
		abort();
	if (ocirl__tree_convert(changes, t, ocirl__tree_root(t), m, &err) < 0) {
		if (!err || !err->message || (err->kind != OCIRL_ERROR_INPUT && err->kind != OCIRL_ERROR_UNSUPPORTED))
			abort();
		ocirl_error_free(err);
	} else if (ocirl__json_write(&out, out_len, ocirl__tree_root(t), style ? OCIRL_STYLE_COMPACT : OCIRL_STYLE_PRETTY,
				     NULL, 1, len, &err) < 0) {
		abort(); /* writing a tree cannot fail but for memory */
	}
	*n_changes = ocirl_changes_count(changes);
	for (size_t i = 0; i < *n_changes; i++)
		if (!ocirl_changes_where(changes, i) || !ocirl_changes_message(changes, i))
			abort();
	ocirl_changes_free(changes);
	ocirl__tree_free(t);
	return out;
}

/* Aborts when out, the conversion of text with those changes, is less
 * isolated than text but where a rule that made a change says why. */
static void check_never_widens(const char *text, size_t len, struct json_object *out, const ocirl_changes *changes)
{
	struct json_object *in = NULL;
	if (ocirl_config_parse(&in, text, len, "fuzz", NULL) < 0)
		abort(); /* it was parsed a moment ago */
	size_t n = ocirl_changes_count(changes);
	const char **rules = calloc(n + 1, sizeof(*rules));
	if (!rules)
		abort();
	for (size_t i = 0; i < n; i++)
		rules[i] = ocirl_changes_rule(changes, i);
	char why[4096];
	if (ocirl_never_widens(in, out, rules, n, why, sizeof(why)) != 0) {
		fprintf(stderr, "the conversion widens its input: %s\n", why);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %s: %s [%s]\n", ocirl_changes_where(changes, i), ocirl_changes_message(changes, i),
				rules[i]);
		abort();
	}
	free(rules);
	json_object_put(in);
}

/* The same through the public json-c API; *refused when the input or the
 * conversion was refused. A conversion that succeeds is checked never to
 * widen its input. */
static char *convert_jsonc(const char *text, size_t len, const ocirl_context *m, bool *refused)
{
	struct json_object *config = NULL;
	ocirl_error *err = NULL;
	ocirl_changes *changes = NULL;
	char *out = NULL;
	size_t out_len;
	*refused = true;
	if (ocirl_changes_new(&changes) < 0)
		abort();
	if (ocirl_config_parse(&config, text, len, "fuzz", &err) < 0 ||
	    ocirl_config_convert(changes, config, m, &err) < 0) {
		ocirl_error_free(err);
		ocirl_changes_free(changes);
		json_object_put(config);
		return NULL;
	}
	*refused = false;
	check_never_widens(text, len, config, changes);
	ocirl_changes_free(changes);
	if (ocirl_config_serialize(&out, &out_len, config, OCIRL_STYLE_COMPACT, NULL, 0, &err) < 0)
		abort();
	json_object_put(config);
	return out;
}

/* Whether two JSON texts hold the same value. */
static bool same_value(const char *a, size_t alen, const char *b, size_t blen)
{
	ocirl_tree *x = NULL, *y = NULL;
	if (ocirl__json_parse(&x, a, alen, "a", 0, NULL) < 0 || ocirl__json_parse(&y, b, blen, "b", 0, NULL) < 0)
		abort(); /* both were written by the library */
	bool same = ocirl__node_equal(ocirl__tree_root(x), ocirl__tree_root(y));
	ocirl__tree_free(x);
	ocirl__tree_free(y);
	return same;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	ocirl_context ctx;
	context_for(&ctx, data[0]);
	const ocirl_context *m = &ctx;
	int style = (data[0] / 4) % 2;
	size_t n1 = 0, n2 = 0, len1 = 0, len2 = 0;
	char *out1 = convert_once((const char *)data + 1, size - 1, m, style, &n1, &len1);
	bool refused;
	char *viajc = convert_jsonc((const char *)data + 1, size - 1, m, &refused);
	if (refused != !out1 || (out1 && !same_value(out1, len1, viajc, strlen(viajc)))) {
		fprintf(stderr, "the json-c API and the tree differ:\n%s\n---\n%s\n", out1 ? out1 : "(refused)",
			viajc ? viajc : "(refused)");
		abort();
	}
	free(viajc);
	if (!out1)
		return 0;
	char *out2 = convert_once(out1, len1, m, style, &n2, &len2);
	if (!out2 || n2 != 0 || len1 != len2 || memcmp(out1, out2, len1) != 0) {
		fprintf(stderr, "not idempotent (%zu changes the second time):\n%s\n---\n%s\n", n2, out1,
			out2 ? out2 : "(error)");
		abort();
	}
	free(out1);
	free(out2);
	return 0;
}
