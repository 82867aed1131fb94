/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the conversion as a whole: what no single rule owns (each
 * rule's own tests are tests/rules/NAME/unit.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

/* The fast parser builds nodes only for the members the rules read
 * (ocirl__rules_read()): root members, and members of linux and process. */
static void test_rules_read(void)
{
	static const char *const root_read[] = { "linux", "mounts", "process", "hostname", "domainname" };
	static const char *const root_not[] = { "ociVersion", "root", "hooks", "annotations", "solaris", "windows", "vm",
						"zos" };
	static const char *const linux_read[] = { "namespaces", "uidMappings", "gidMappings", "sysctl", "devices",
						  "resources",  "cgroupsPath", "netDevices",  "intelRdt" };
	static const char *const linux_not[] = { "maskedPaths", "readonlyPaths", "seccomp", "rootfsPropagation",
						 "mountLabel", "personality", "timeOffsets" };
	static const char *const process_read[] = { "user", "rlimits", "oomScoreAdj", "apparmorProfile", "capabilities",
						    "scheduler", "ioPriority" };
	static const char *const process_not[] = { "args", "env", "cwd", "consoleSize", "terminal",
						   "noNewPrivileges", "selinuxLabel", "execCPUAffinity" };
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
	for (size_t i = 0; i < N_OF(root_read); i++)
		ok(ocirl__rules_read(NULL, root_read[i]), "rules read: the root's \"%s\"", root_read[i]);
	for (size_t i = 0; i < N_OF(root_not); i++)
		ok(!ocirl__rules_read(NULL, root_not[i]), "rules read: not the root's \"%s\"", root_not[i]);
	for (size_t i = 0; i < N_OF(linux_read); i++)
		ok(ocirl__rules_read("linux", linux_read[i]), "rules read: linux.%s", linux_read[i]);
	for (size_t i = 0; i < N_OF(linux_not); i++)
		ok(!ocirl__rules_read("linux", linux_not[i]), "rules read: not linux.%s", linux_not[i]);
	for (size_t i = 0; i < N_OF(process_read); i++)
		ok(ocirl__rules_read("process", process_read[i]), "rules read: process.%s", process_read[i]);
	for (size_t i = 0; i < N_OF(process_not); i++)
		ok(!ocirl__rules_read("process", process_not[i]), "rules read: not process.%s", process_not[i]);
#undef N_OF
	/* a member no rule looks into is read whole: everything under it counts as read */
	ok(ocirl__rules_read("root", "path"), "rules read: under root (not looked into), any key");
	ok(ocirl__rules_read("hooks", "prestart"), "rules read: under hooks (not looked into), any key");
	ok(ocirl__rules_read("annotations", "x"), "rules read: under annotations (not looked into), any key");
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
	test_rules_read();
	test_lazy_facts();
	test_in_place();
	return done_testing();
}
