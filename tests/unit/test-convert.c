/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: each conversion rule on small configs, with its explanation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/statvfs.h>

#include <json-c/json.h>

#include "internal.h"
#include "tree.h"
#include "tap.h"

/* single-like mappings: uid 0 -> 1000 and 1..65536 -> 100000...; gid 0 -> 1000 only */
static ocirl_id_mapping uids[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
static ocirl_id_mapping gids[] = { { 0, 1000, 1 } };
static ocirl_mappings maps = { OCIRL_MODE_SUBID, uids, 2, gids, 1 };
/* A context whose caller facts are all unknown, and cgroups dropped. */
static ocirl_context ctx = { .maps = &maps, .cgroups = OCIRL_CGROUPS_DROP, .loaded = OCIRL_FACT_ALL };
/* The context the next conversions use. */
static const ocirl_context *cur = &ctx;

static const char *MAPS_JSON = "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},"
			       "{\"containerID\":1,\"hostID\":100000,\"size\":65536}],"
			       "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]";

/* Converts in (JSON text); returns the compact result or "error: MSG", and the changes as
 * "WHERE: MESSAGE|..." in *explained (both malloc'd). */
static char *convert(const char *in, char **explained)
{
	struct json_object *o = NULL;
	ocirl_error *err = NULL;
	ocirl_changes *ch = NULL;
	char *out = NULL;
	size_t len;
	ocirl_buf b = { 0 };
	if (ocirl_changes_new(&ch) < 0 || ocirl_config_parse(&o, in, strlen(in), "t", &err) < 0)
		abort();
	if (ocirl_config_convert(ch, o, cur, &err) < 0) {
		if (asprintf(&out, "error %d: %s", (int)err->kind, err->message) < 0)
			abort();
	} else if (ocirl_config_serialize(&out, &len, o, OCIRL_STYLE_COMPACT, NULL, 0, &err) < 0)
		abort();
	for (size_t i = 0; i < ocirl_changes_count(ch); i++)
		ocirl__buf_printf(&b, "%s%s: %s", i ? "|" : "", ocirl_changes_where(ch, i), ocirl_changes_message(ch, i));
	*explained = b.data ? b.data : strdup("");
	ocirl_error_free(err);
	ocirl_changes_free(ch);
	json_object_put(o);
	return out;
}

/* Checks the result, that the explanation contains each of the "|"-separated parts in
 * want_explained (in order), and that converting the result again changes nothing. */
static void check(const char *in, const char *want, const char *want_explained, const char *what)
{
	char *ex = NULL;
	char *out = convert(in, &ex);
	is_str(out, want, "%s", what);
	const char *p = ex;
	char parts[2048];
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
		char *out2 = convert(out, &ex);
		is_str(out2, out, "%s: a second conversion gives the same output", what);
		is_str(ex, "", "%s: a second conversion changes nothing", what);
		free(out2);
		free(ex);
	}
	free(out);
}

#define SYSBIND                                                                                   \
	"{\"destination\":\"/sys\",\"type\":\"none\",\"source\":\"/sys\",\"options\":[\"rbind\",\"nosuid\","  \
	"\"noexec\",\"nodev\",\"ro\"]}"
#define NETNS "{\"type\":\"network\"}"
#define USERNS "{\"type\":\"user\"}"

static void check_error(const char *in, const char *want, const char *what)
{
	char *ex = NULL;
	char *out = convert(in, &ex);
	is_str(out, want, "%s", what);
	is_str(ex, "", "%s: no change reported", what);
	free(out);
	free(ex);
}


/* Converts in with a context that reads the caller's facts from proc_self
 * only as the rules need them (as ocirl_buffer_convert() makes it); returns
 * the compact result and, in *loaded, the facts that were read. */
static char *convert_lazily(const char *in, const char *proc_self, unsigned *loaded)
{
	ocirl_options opts = OCIRL_OPTIONS_INIT;
	opts.mode = OCIRL_MODE_SINGLE;
	opts.uid = 1000;
	opts.gid = 1000;
	opts.proc_self_path = proc_self;
	opts.cgroups = OCIRL_CGROUPS_AUTO;
	opts.cgroup_root = "/nonexistent";
	ocirl_context *c = NULL;
	ocirl_tree *t = NULL;
	ocirl_error *err = NULL;
	char *out = NULL;
	size_t len;
	if (ocirl__context_new(&c, &opts, 0, &err) < 0 || ocirl__json_parse(&t, in, strlen(in), "t", OCIRL__PARSE_SKIP, &err) < 0 ||
	    ocirl__tree_convert(NULL, t, ocirl__tree_root(t), c, &err) < 0 ||
	    ocirl__json_write(&out, &len, ocirl__tree_root(t), OCIRL_STYLE_COMPACT, NULL, 0, 0, &err) < 0)
		abort();
	*loaded = c->loaded;
	ocirl__tree_free(t);
	ocirl_context_free(c);
	return out;
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

/* The caller's facts are read only when a rule needs them: the first reads
 * of /proc/self cost more than converting a small config. */
static void test_lazy_facts(void)
{
	char dir[] = "/tmp/ocirl-lazy-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	put_file(dir, "oom_score_adj", "100\n");
	put_file(dir, "limits", "Limit                     Soft Limit           Hard Limit           Units     \n"
				"Max open files            1024                 4096                 files     \n");
	put_file(dir, "mountinfo", "30 1 0:25 / /dev/mqueue rw,relatime shared:14 - mqueue mqueue rw\n");
	unsigned loaded;
	char *out = convert_lazily("{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
				   dir, &loaded);
	is_int(loaded, 0, "lazy facts: a config no fact-reading rule applies to reads none of /proc/self");
	free(out);
	out = convert_lazily("{\"process\":{\"oomScoreAdj\":-5},\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}", dir,
			     &loaded);
	is_int(loaded, OCIRL_FACT_OOM, "lazy facts: oomScoreAdj reads oom_score_adj only");
	ok(out && strstr(out, "\"oomScoreAdj\":100") != NULL, "lazy facts: and raises it to the fact read: %s", out);
	free(out);
	out = convert_lazily("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":9999,\"soft\":9999}]},"
			     "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
			     dir, &loaded);
	is_int(loaded, OCIRL_FACT_LIMITS, "lazy facts: rlimits read limits only");
	ok(out && strstr(out, "\"hard\":4096,\"soft\":4096") != NULL, "lazy facts: and lower them to the fact read: %s", out);
	free(out);
	out = convert_lazily("{\"mounts\":[{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\"}],"
			     "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
			     dir, &loaded);
	is_int(loaded, OCIRL_FACT_MQUEUE, "lazy facts: an mqueue mount with the caller's ipc namespace reads mountinfo only");
	ok(out && strstr(out, "\"type\":\"bind\",\"source\":\"/dev/mqueue\"") != NULL,
	   "lazy facts: and binds the caller's mqueue: %s", out);
	free(out);
	out = convert_lazily("{\"linux\":{\"resources\":{\"memory\":{\"limit\":1}},\"namespaces\":[{\"type\":\"network\"}]}}",
			     dir, &loaded);
	is_int(loaded, OCIRL_FACT_CGROUP, "lazy facts: resources with --cgroups auto read the caller's cgroup only");
	free(out);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		abort();
}

/* ocirl_config_convert() changes the caller's json-c tree in place: what
 * stays keeps its identity, so pointers taken before stay valid. */
static void test_in_place(void)
{
	const char *in = "{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],\"oomScoreAdj\":5},"
			 "\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=99999\",\"mode=755\"]}],"
			 "\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"namespaces\":[{\"type\":\"network\"}]}}";
	struct json_object *o = NULL, *root = NULL, *args = NULL, *mounts = NULL, *m0 = NULL, *opts = NULL, *lin = NULL,
			   *masked = NULL, *net = NULL;
	ocirl_error *err = NULL;
	if (ocirl_config_parse(&o, in, strlen(in), "t", &err) < 0)
		abort();
	json_object_object_get_ex(o, "root", &root);
	json_object_object_get_ex(json_object_object_get(o, "process"), "args", &args);
	json_object_object_get_ex(o, "mounts", &mounts);
	m0 = json_object_array_get_idx(mounts, 0);
	json_object_object_get_ex(m0, "options", &opts);
	json_object_object_get_ex(o, "linux", &lin);
	json_object_object_get_ex(lin, "maskedPaths", &masked);
	net = json_object_array_get_idx(json_object_object_get(lin, "namespaces"), 0);
	ok(ocirl_config_convert(NULL, o, &ctx, &err) == 0, "in place: converts");
	ok(json_object_object_get(o, "root") == root && strcmp(json_object_get_string(json_object_object_get(root, "path")), "rootfs") == 0,
	   "in place: an untouched member is the same object, still readable");
	ok(json_object_object_get(json_object_object_get(o, "process"), "args") == args, "in place: process.args is the same array");
	ok(json_object_object_get(o, "linux") == lin && json_object_object_get(lin, "maskedPaths") == masked,
	   "in place: linux, which the rules changed, is the same object, and its untouched members too");
	ok(json_object_array_get_idx(json_object_object_get(lin, "namespaces"), 0) == net,
	   "in place: a namespace entry moved into the rebuilt list is the same object");
	ok(json_object_object_get(o, "mounts") == mounts && json_object_array_get_idx(mounts, 0) == m0 &&
		   json_object_object_get(m0, "options") == opts && json_object_array_length(opts) == 1 &&
		   strcmp(json_object_get_string(json_object_array_get_idx(opts, 0)), "mode=755") == 0,
	   "in place: a mount whose options lost uid=99999 is the same object, its options the same array");
	ok(json_object_object_get(lin, "uidMappings") != NULL, "in place: the mappings were added");
	json_object_put(o);
	ocirl_error_free(err);
}

int main(void)
{
	char want[4096], in[4096];

	/* rule 1: linux exists; exactly one plain user namespace, at the end */
	snprintf(want, sizeof(want),
		 "{\"ociVersion\":\"1.0.2\",\"linux\":{\"namespaces\":[" USERNS "],%s},\"mounts\":[" SYSBIND "]}",
		 MAPS_JSON);
	check("{\"ociVersion\":\"1.0.2\"}", want,
	      "linux: created (it was missing)|linux.namespaces: added {\"type\": \"user\"}|linux.uidMappings: set to "
	      "0:1000:1,1:100000:65536|linux.gidMappings: set to 0:1000:1|/sys: added a read-only recursive bind",
	      "rule 1: a missing linux is created, keys added at the end");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" USERNS "],%s},\"x\":1,\"mounts\":[" SYSBIND "]}",
		 MAPS_JSON);
	check("{\"linux\":null,\"x\":1}", want,
	      "linux: created (it was null)|linux.namespaces: added|linux.uidMappings|linux.gidMappings|/sys: added",
	      "rule 1: a null linux is replaced in its place");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"pid\"}," USERNS "],%s}}", MAPS_JSON);
	check("{\"linux\":{\"namespaces\":[" USERNS "," NETNS ",{\"type\":\"user\",\"path\":\"\"},{\"type\":\"pid\"}]}}", want,
	      "linux.namespaces: kept the first of 2 user namespace entries, at the end, and removed the others|"
	      "linux.uidMappings|linux.gidMappings",
	      "rule 1: plain user entries become one, at the end; others keep their order");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"user\",\"x\":[1]}],%s}}", MAPS_JSON);
	check("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"x\":[1]}," NETNS "]}}", want,
	      "linux.namespaces: moved the user namespace to the end|linux.uidMappings|linux.gidMappings",
	      "rule 1: a user entry keeps its other fields when it moves to the end");
	check_error("{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]}}",
		    "error 2: linux.namespaces[1]: joins the user namespace at \"/proc/1/ns/user\": its mappings are "
		    "fixed by its owner and cannot be made rootless here; remove the entry or run the runtime inside "
		    "that namespace",
		    "rule 1: a user namespace joined by path is refused");

	/* rule 2: mappings replaced in their place */
	snprintf(want, sizeof(want),
		 "{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},{\"containerID\":1,"
		 "\"hostID\":100000,\"size\":65536}],\"namespaces\":[" NETNS "," USERNS "],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"z\":true}}");
	check("{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}],\"namespaces\":[" NETNS "],"
	      "\"gidMappings\":[],\"z\":true}}",
	      want,
	      "linux.namespaces: added|linux.uidMappings: set to 0:1000:1,1:100000:65536 (container:host:size): "
	      "container root is the caller's uid, then its subordinate uids (mode subid)|linux.gidMappings: set to "
	      "0:1000:1",
	      "rule 2: mappings are replaced in their place");
	snprintf(in, sizeof(in),
		 "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],\"uidMappings\":[{\"hostID\":1000,\"containerID\":0,"
		 "\"size\":1},{\"containerID\":1,\"hostID\":100000,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,"
		 "\"hostID\":1000,\"size\":1}]}}");
	check(in, in, "", "rule 2: equal mappings are left as written (key order too)");

	/* rule 3: /sys */
	const char *mounts = "\"mounts\":[{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
			     "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\"]},"
			     "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\"},"
			     "{\"destination\":\"//sys/\",\"type\":\"tmpfs\"},"
			     "{\"destination\":\"/x/../sys/kernel\",\"type\":\"tmpfs\"},"
			     "{\"destination\":\"sys/.\",\"type\":\"tmpfs\"},"
			     "{\"destination\":\"/sysroot\",\"type\":\"bind\",\"source\":\"/a\"},"
			     "{\"destination\":\"/sys-data\",\"type\":\"bind\",\"source\":\"/b\"}]";
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s},%s}", MAPS_JSON, mounts);
	check(in, in, "", "rule 3: with a network namespace of its own, /sys mounts stay");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/run/netns/x\"}," USERNS
		 "],%s},%s}", MAPS_JSON, mounts);
	snprintf(want, sizeof(want),
		 "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/run/netns/x\"}," USERNS "],%s},"
		 "\"mounts\":[{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
		 "{\"destination\":\"/sysroot\",\"type\":\"bind\",\"source\":\"/a\"},"
		 "{\"destination\":\"/sys-data\",\"type\":\"bind\",\"source\":\"/b\"}," SYSBIND "]}",
		 MAPS_JSON);
	check(in, want,
	      "/sys: removed this sysfs mount: the container has no network namespace of its own|/sys/fs/cgroup: removed "
	      "this cgroup mount|//sys/: removed this tmpfs mount|/x/../sys/kernel: removed|sys/.: removed|/sys: added a "
	      "read-only recursive bind of the host's /sys (rbind, nosuid, noexec, nodev, ro)",
	      "rule 3: a joined network namespace: /sys mounts, matched as paths, become one bind");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" USERNS "],%s},\"mounts\":[" SYSBIND
		 ",{\"destination\":\"/a\",\"type\":\"tmpfs\"}]}", MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" USERNS "],%s},\"mounts\":["
		 "{\"destination\":\"/a\",\"type\":\"tmpfs\"}," SYSBIND "]}", MAPS_JSON);
	check(in, want, "/sys: moved the read-only bind of the host's /sys to the end of mounts",
	      "rule 3: the bind of /sys goes last");

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" USERNS "],%s},\"mounts\":[{\"destination\":\"/a\"}," SYSBIND
		 ",{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\"}]}", MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" USERNS "],%s},\"mounts\":[{\"destination\":\"/a\"},"
		 SYSBIND "]}", MAPS_JSON);
	check(in, want, "/sys/fs/cgroup: removed this cgroup mount",
	      "rule 3: a bind of /sys that ends up last anyway is not reported as moved");

	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" USERNS "],%s},\"mounts\":[{\"destination\":\"/sys\",\"type\":\"none\","
		 "\"source\":\"/sys\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\",\"rslave\"]}]}", MAPS_JSON);
	check(in, in, "", "rule 3: a bind of /sys with more options than ours (such as locked flags) is kept as it is");

	/* rule 4: uid= and gid= options */
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s},\"mounts\":[{\"destination\":"
		 "\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=1000\",\"gid=5\",\"mode=755\",\"uid=65536\",\"gid=0\","
		 "\"uid=65537\",\"uid=abc\",\"gid=\",\"xuid=7\"]},{\"destination\":\"/dev/pts\",\"options\":[\"gid=5\"]}]}",
		 MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s},\"mounts\":[{\"destination\":"
		 "\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=1000\",\"mode=755\",\"uid=65536\",\"gid=0\",\"uid=abc\","
		 "\"gid=\",\"xuid=7\"]},{\"destination\":\"/dev/pts\",\"options\":[]}]}",
		 MAPS_JSON);
	check(in, want,
	      "/t: dropped option gid=5: gid 5 is not mapped in the container|/t: dropped option uid=65537: uid 65537 is "
	      "not mapped in the container|/dev/pts: dropped option gid=5: gid 5 is not mapped in the container",
	      "rule 4: uid= and gid= stay when mapped, go when not");

	/* rule 5: cgroups */
	snprintf(in, sizeof(in), "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1}},\"namespaces\":[" NETNS "," USERNS
		 "],%s,\"cgroupsPath\":\"/x\",\"z\":1}}", MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s,\"z\":1}}", MAPS_JSON);
	check(in, want, "linux.resources: removed: a rootless runtime cannot|linux.cgroupsPath: removed",
	      "rule 5: resources and cgroupsPath are removed");
	snprintf(in, sizeof(in), "{\"linux\":{\"resources\":null,\"namespaces\":[" NETNS "," USERNS "],%s}}", MAPS_JSON);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s}}", MAPS_JSON);
	check(in, want, "linux.resources: removed", "rule 5: a null resources is removed too");

	/* the check of types, before anything changes */
	check_error("{\"linux\":[]}", "error 1: linux: expected an object", "linux of the wrong type");
	check_error("{\"linux\":{\"namespaces\":{}}}", "error 1: linux.namespaces: expected an array",
		    "namespaces of the wrong type");
	check_error("{\"linux\":{\"namespaces\":[" NETNS ",{}]}}", "error 1: linux.namespaces[1].type: expected a string",
		    "a namespace without a type");
	check_error("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":7}]}}",
		    "error 1: linux.namespaces[0].path: expected a string", "a namespace path of the wrong type");
	check_error("{\"mounts\":{}}", "error 1: mounts: expected an array", "mounts of the wrong type");
	check_error("{\"mounts\":[{\"destination\":\"/a\"},3]}", "error 1: mounts[1]: expected an object", "a mount that is a number");
	check_error("{\"mounts\":[{\"type\":\"tmpfs\"}]}", "error 1: mounts[0].destination: expected a string",
		    "a mount without a destination");
	check_error("{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},{\"destination\":\"/c\"},"
		    "{\"destination\":\"/d\",\"options\":[\"ro\",5]}]}",
		    "error 1: mounts[3].options[1]: expected a string", "a mount option that is a number");
	check_error("{\"mounts\":[{\"destination\":\"/a\",\"options\":\"ro\"}]}",
		    "error 1: mounts[0].options: expected an array", "mount options that are a string");
	check_error("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"\\u0000/proc/1/ns/user\"}]}}",
		    "error 1: linux.namespaces[0].path: a \\u0000 in this string is not allowed",
		    "a \\u0000 in a string a rule reads is refused (a path that would pass for none)");
	check_error("{\"mounts\":[{\"destination\":\"/a\",\"options\":[\"bind\\u0000x\"]}]}",
		    "error 1: mounts[0].options[0]: a \\u0000 in this string is not allowed",
		    "a \\u0000 in a mount option is refused (\"bind\\u0000x\" would pass for bind)");
	check_error("{\"mounts\":[{\"destination\":\"/a\",\"source\":false}]}",
		    "error 1: mounts[0].source: expected a string", "a mount source that is a boolean");

	/* ---------------- issue 6: the caller's facts ---------------- */
	static ocirl_id_mapping rk[] = { { 0, 0, 1 }, { 1, 1, 65536 } };
	static ocirl_mappings inh = { OCIRL_MODE_INHERIT, rk, 2, rk, 2 };
	static ocirl_mappings sgl_u = { OCIRL_MODE_SINGLE, uids, 1, gids, 1 };
	static ocirl_mappings uns = { OCIRL_MODE_USERNS, rk, 2, gids, 1 };
	ocirl_context fx = { .maps = &inh, .cgroups = OCIRL_CGROUPS_DROP, .loaded = OCIRL_FACT_ALL };
	cur = &fx;

	/* mode inherit */
	check("{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],\"uidMappings\":[],\"gidMappings\":[]}}",
	      "{\"linux\":{\"namespaces\":[" NETNS "]}}",
	      "linux.namespaces: removed the user namespace: in mode inherit|linux.uidMappings: removed|linux.gidMappings: removed",
	      "inherit: no user namespace and no mappings");
	const char *nonet = "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":[{\"destination\":\"/sys\","
			    "\"type\":\"sysfs\",\"source\":\"sysfs\"},{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=65536\","
			    "\"uid=65537\"]}]}";
	fx.net_owned_by_own_userns = true;
	check(nonet,
	      "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":[{\"destination\":\"/sys\",\"type\":\"sysfs\","
	      "\"source\":\"sysfs\"},{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=65536\"]}]}",
	      "/t: dropped option uid=65537",
	      "inherit: /sys stays when the caller's user namespace owns its network namespace; ids are the caller's inside ids");
	fx.net_owned_by_own_userns = false;
	check(nonet,
	      "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\","
	      "\"options\":[\"uid=65536\"]}," SYSBIND "]}",
	      "/sys: removed this sysfs mount|/sys: added a read-only recursive bind|/t: dropped option uid=65537",
	      "inherit: /sys is bound when the network namespace belongs to another user namespace");

	/* rule 6: the process user */
	fx.maps = &sgl_u;
	check_error("{\"process\":{\"user\":{\"uid\":0,\"gid\":5}}}",
		    "error 2: process.user.gid: gid 5 is not mapped in the container (gid mappings container:host:size "
		    "0:1000:1, mode single); map more ids with --mode subid, or run the process as a mapped id",
		    "rule 6: an unmapped process gid is refused, naming the id and the mappings");
	check_error("{\"process\":{\"user\":{\"uid\":1}}}",
		    "error 2: process.user.uid: uid 1 is not mapped in the container (uid mappings container:host:size "
		    "0:1000:1, mode single); map more ids with --mode subid, or run the process as a mapped id",
		    "rule 6: an unmapped process uid is refused");
	check_error("{\"process\":{\"user\":{\"uid\":-1}}}", "error 1: process.user.uid: expected an integer from 0 to 4294967295",
		    "a negative uid is invalid input");
	snprintf(want, sizeof(want), "{\"process\":{\"user\":{\"uid\":0,\"gid\":0}},\"linux\":{\"namespaces\":[" NETNS "," USERNS
		 "],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"gidMappings\":[{\"containerID\":0,"
		 "\"hostID\":1000,\"size\":1}]}}");
	snprintf(in, sizeof(in), "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,5]}},\"linux\":{\"namespaces\":["
		 NETNS "]}}");
	check(in, want, "linux.namespaces|linux.uidMappings|linux.gidMappings|process.user.additionalGids: removed: a runtime run by a normal user",
	      "rule 6: single removes every additional gid");
	fx.maps = &uns;
	snprintf(in, sizeof(in), "{\"process\":{\"user\":{\"additionalGids\":[0,5,0]}},\"linux\":{\"namespaces\":[" NETNS "," USERNS
		 "],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}");
	char in2[4096];
	snprintf(in2, sizeof(in2), "%s", in);
	char *p5 = strstr(in2, "[0,5,0]");
	memcpy(p5, "[0,0]  ", 7);
	/* (the want is the input with 5 dropped) */
	snprintf(want, sizeof(want), "{\"process\":{\"user\":{\"additionalGids\":[0,0]}},\"linux\":{\"namespaces\":[" NETNS "," USERNS
		 "],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}");
	check(in, want, "process.user.additionalGids: dropped gid 5: it is not mapped", "rule 6: userns keeps the mapped additional gids");

	/* rule 7: oomScoreAdj and rlimits */
	fx.maps = &inh;
	fx.net_owned_by_own_userns = true; /* keep /sys out of the way */
	fx.oom_known = true;
	fx.oom_score_adj = 100;
	check("{\"process\":{\"oomScoreAdj\":-999}}", "{\"process\":{\"oomScoreAdj\":100}}",
	      "process.oomScoreAdj: raised from -999 to 100, the caller's own", "rule 7: oomScoreAdj raised to the caller's");
	check("{\"process\":{\"oomScoreAdj\":500}}", "{\"process\":{\"oomScoreAdj\":500}}", "",
	      "rule 7: an oomScoreAdj above the caller's stays");
	fx.oom_known = false;
	check("{\"process\":{\"oomScoreAdj\":-999}}", "{\"process\":{\"oomScoreAdj\":-999}}", "",
	      "rule 7: an unknown caller oom_score_adj changes nothing");
	int nofile = ocirl__rlimit_index("RLIMIT_NOFILE"), core = ocirl__rlimit_index("RLIMIT_CORE");
	fx.hard_known[nofile] = true;
	fx.hard[nofile] = 20000;
	fx.hard_known[core] = true;
	fx.hard[core] = UINT64_MAX;
	check("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,\"soft\":1024,\"x\":1},"
	      "{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615},"
	      "{\"type\":\"RLIMIT_NOFILE\",\"soft\":30000},"
	      "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615},"
	      "{\"type\":\"RLIMIT_STACK\",\"hard\":99999999999},{\"type\":\"RLIMIT_BOGUS\",\"hard\":1}]}}",
	      "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":1024,\"x\":1},"
	      "{\"type\":\"RLIMIT_NOFILE\",\"hard\":20000,\"soft\":20000},"
	      "{\"type\":\"RLIMIT_NOFILE\",\"soft\":20000},"
	      "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615},"
	      "{\"type\":\"RLIMIT_STACK\",\"hard\":99999999999},{\"type\":\"RLIMIT_BOGUS\",\"hard\":1}]}}",
	      "process.rlimits[0]: RLIMIT_NOFILE lowered to hard 20000, soft 1024 (was 1048576, 1024)|"
	      "process.rlimits[1]: RLIMIT_NOFILE lowered to hard 20000, soft 20000 (was unlimited, unlimited)|"
	      "process.rlimits[2]: RLIMIT_NOFILE lowered to soft 20000 (was 30000)",
	      "rule 7: rlimits lowered to the caller's hard limit, unlimited understood, unknown left alone");
	check_error("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1}]}}",
		    "error 1: process.rlimits[0].hard: expected an integer from 0 to 18446744073709551615",
		    "a negative rlimit is invalid input");

	/* rule 8: shared pid and ipc namespaces */
	const char *pm = "\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},{\"destination\":\"/proc\",\"type\":\"proc\","
			 "\"source\":\"proc\"},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"},"
			 "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"size=1m\"]},"
			 "{\"destination\":\"/z\",\"type\":\"tmpfs\"}]";
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS "]},%s}", pm);
	fx.mqueue_mounted = true;
	check(in,
	      "{\"linux\":{\"namespaces\":[" NETNS "]},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
	      "{\"destination\":\"/proc\",\"type\":\"bind\",\"source\":\"/proc\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\"]},"
	      "{\"destination\":\"/dev/mqueue\",\"type\":\"bind\",\"source\":\"/dev/mqueue\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\"]},"
	      "{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"/dev/shm\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\"]},"
	      "{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
	      "/proc: replaced the proc mount by a recursive bind of the host's /proc|/dev/mqueue: replaced the mqueue mount|"
	      "/dev/shm: replaced the tmpfs mount",
	      "rule 8: with the caller's pid and ipc namespaces, /proc, /dev/mqueue and /dev/shm become binds in place");
	fx.mqueue_mounted = false;
	check(in,
	      "{\"linux\":{\"namespaces\":[" NETNS "]},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
	      "{\"destination\":\"/proc\",\"type\":\"bind\",\"source\":\"/proc\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\"]},"
	      "{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"/dev/shm\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\"]},"
	      "{\"destination\":\"/z\",\"type\":\"tmpfs\"}]}",
	      "/proc: replaced|/dev/mqueue: removed the mqueue mount|/dev/shm: replaced",
	      "rule 8: without an mqueue on the caller's /dev/mqueue, the mount goes");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]},%s}", pm);
	check(in, in, "", "rule 8: new pid and ipc namespaces: nothing changes");
	/* a path naming the caller's own namespace counts as shared */
	char nsfile[] = "/tmp/ocirl-ns-XXXXXX";
	int nsfd = mkstemp(nsfile);
	fx.ns_pid = ocirl__ns_id(nsfile);
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"pid\",\"path\":\"%s\"},{\"type\":\"ipc\",\"path\":\"/\"}]},"
		 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\"}]}", nsfile);
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"pid\",\"path\":\"%s\"},{\"type\":\"ipc\",\"path\":\"/\"}]},"
		 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"bind\",\"source\":\"/proc\",\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\"]},"
		 "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\"}]}", nsfile);
	check(in, want, "/proc: replaced", "rule 8: a pid namespace path naming the caller's own is shared; another ipc one is not");
	close(nsfd);
	unlink(nsfile);

	/* rule 9: sysctls */
	check("{\"linux\":{\"sysctl\":{\"kernel.shmmax\":\"1\",\"net.ipv4.ip_forward\":\"1\",\"net.core.somaxconn\":\"1\"}}}",
	      "{\"linux\":{\"sysctl\":{\"kernel.shmmax\":\"1\"}}}",
	      "linux.sysctl.net.ipv4.ip_forward: removed: the container shares the caller's network namespace|linux.sysctl.net.core.somaxconn: removed",
	      "rule 9: net.* sysctls go with the caller's network namespace");
	fx.maps = &uns; /* gids: 0 only */
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s,\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 2147483647\"}}}",
		 "\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]");
	snprintf(want, sizeof(want), "%s", in);
	memcpy(strstr(want, "0 2147483647"), "0 0\"}}}", 8);
	check(in, want, "linux.sysctl.net.ipv4.ping_group_range: narrowed from \"0 2147483647\" to \"0 0\"",
	      "rule 9: ping_group_range narrowed to the mapped gids");
	snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s,\"sysctl\":{\"net.ipv4.ping_group_range\":\"1 5\"}}}",
		 "\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]");
	snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS "," USERNS "],%s,\"sysctl\":{}}}",
		 "\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1},{\"containerID\":1,\"hostID\":1,\"size\":65536}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]");
	check(in, want, "linux.sysctl.net.ipv4.ping_group_range: removed: no gid in the range is mapped",
	      "rule 9: ping_group_range removed when no gid in it is mapped");

	/* rule 10: locked flags of bind sources. The flags of /proc's mount differ
	 * between machines, so the expectation is built from statvfs(); the e2e
	 * suite checks every flag on a tmpfs it mounts with all of them. */
	fx.maps = &inh;
	fx.net_owned_by_own_userns = true;
	struct statvfs sv;
	if (statvfs("/proc", &sv) == 0) {
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
		snprintf(p_final, sizeof(p_final), "%s%s,\"%s\"", p_exec ? "\"rbind\",\"exec\"" : p_opts,
			 p_exec ? p_opts + 7 : "", atime);
		snprintf(ex + strlen(ex), sizeof(ex) - strlen(ex), "/p: set the atime mode to %s", atime);
		if (sv.f_flag & ST_NODEV)
			strcat(ex, "|/q: added option nodev");
		if (sv.f_flag & ST_NOEXEC)
			strcat(ex, "|/q: added option noexec");
		snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":["
			 "{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/proc/self\",\"options\":[\"rbind\",\"exec\",\"%s\"]},"
			 "{\"destination\":\"/q\",\"type\":\"none\",\"source\":\"/proc\",\"options\":[\"bind\",\"nosuid\"]},"
			 "{\"destination\":\"/r\",\"type\":\"bind\",\"source\":\"/nonexistent/x\",\"options\":[\"rbind\"]},"
			 "{\"destination\":\"/s\",\"type\":\"tmpfs\",\"source\":\"/proc\"}]}", other);
		snprintf(want, sizeof(want), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]},\"mounts\":["
			 "{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/proc/self\",\"options\":[%s]},"
			 "{\"destination\":\"/q\",\"type\":\"none\",\"source\":\"/proc\",\"options\":[%s]},"
			 "{\"destination\":\"/r\",\"type\":\"bind\",\"source\":\"/nonexistent/x\",\"options\":[\"rbind\"]},"
			 "{\"destination\":\"/s\",\"type\":\"tmpfs\",\"source\":\"/proc\"}]}", p_final, q_opts);
		check(in, want, ex, "rule 10: bind mounts get their source mount's locked flags and atime mode; others and missing sources stay");
		if (!(sv.f_flag & ST_NODIRATIME)) {
			snprintf(in, sizeof(in), "{\"linux\":{\"namespaces\":[" NETNS ",{\"type\":\"pid\"},{\"type\":\"ipc\"}]},"
				 "\"mounts\":[{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/proc\",\"options\":[%s\"nodiratime\"]}]}",
				 (sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) ? "" : "");
			char *ex2 = NULL, *out2 = convert(in, &ex2);
			ok(strstr(out2, "nodiratime") == NULL && strstr(ex2, "/p: removed option nodiratime: the source /proc lies on a mount without it"),
			   "rule 10: nodiratime goes when the source's mount does not have it (locked with the atime mode)");
			free(out2);
			free(ex2);
		}
	}

	/* rule 11 */
	check("{\"linux\":{\"netDevices\":{\"eth1\":{}},\"intelRdt\":{\"closID\":\"x\"},\"z\":1}}", "{\"linux\":{\"z\":1}}",
	      "linux.netDevices: removed|linux.intelRdt: removed", "rule 11: netDevices and intelRdt are removed");

	/* rule 5 with a delegated cgroup v2 subtree */
	fx.cgroups = OCIRL_CGROUPS_AUTO;
	fx.cg_delegated = true;
	fx.cg_path = (char *)"/user.slice/u";
	fx.cg_controllers = (char *)" cpu memory pids ";
	const char *res = "\"resources\":{\"devices\":[{\"allow\":false}],\"memory\":{\"limit\":1},\"cpu\":{\"shares\":2,\"cpus\":\"0\","
			  "\"mems\":\"0\"},\"pids\":{\"limit\":3},\"blockIO\":{\"weight\":4},\"hugepageLimits\":[],\"network\":{},"
			  "\"unified\":{\"memory.high\":\"5\",\"io.max\":\"6\",\"cgroup.freeze\":\"0\"},\"x-new\":7}";
	snprintf(in, sizeof(in), "{\"linux\":{%s,\"cgroupsPath\":\"/user.slice/u/../u/c1\"}}", res);
	check(in, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":1},\"cpu\":{\"shares\":2},\"pids\":{\"limit\":3},"
		  "\"unified\":{\"memory.high\":\"5\"},\"x-new\":7},\"cgroupsPath\":\"/user.slice/u/../u/c1\"}}",
	      "linux.resources.blockIO: removed: the controller \"io\" is not in the caller's delegated|linux.resources.hugepageLimits|"
	      "linux.resources.network|linux.resources.devices|linux.resources.cpu.cpus|linux.resources.cpu.mems|"
	      "linux.resources.unified.io.max|linux.resources.unified.cgroup.freeze",
	      "rule 5 auto: delegated controllers stay, others and devices go, cgroupsPath under the caller's cgroup stays");
	check("{\"linux\":{\"cgroupsPath\":\"/other/c1\"}}", "{\"linux\":{}}",
	      "linux.cgroupsPath: removed: it does not lie under the caller's delegated cgroup /user.slice/u",
	      "rule 5 auto: a cgroupsPath elsewhere goes");
	fx.cgroups = OCIRL_CGROUPS_KEEP;
	snprintf(in, sizeof(in), "{\"linux\":{%s,\"cgroupsPath\":\"/x\"}}", res);
	check(in, in, "", "rule 5 keep: resources and cgroupsPath stay as they are");
	fx.cgroups = OCIRL_CGROUPS_AUTO;
	fx.cg_delegated = false;
	check(in, "{\"linux\":{}}", "linux.resources: removed|linux.cgroupsPath: removed",
	      "rule 5 auto without delegation (cgroup v1): everything goes");
	cur = &ctx;
	test_lazy_facts();
	test_in_place();
	return done_testing();
}
