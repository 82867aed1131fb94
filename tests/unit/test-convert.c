/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: each conversion rule on small configs, with its explanation. */
#include <stdarg.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "internal.h"
#include "tap.h"

/* single-like mappings: uid 0 -> 1000 and 1..65536 -> 100000...; gid 0 -> 1000 only */
static ocirl_id_mapping uids[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
static ocirl_id_mapping gids[] = { { 0, 1000, 1 } };
static ocirl_mappings maps = { OCIRL_MODE_SUBID, uids, 2, gids, 1 };
/* A context whose caller facts are all unknown, and cgroups dropped. */
static ocirl_context ctx = { .maps = &maps, .cgroups = OCIRL_CGROUPS_DROP };

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
	if (ocirl_config_convert(ch, o, &ctx, &err) < 0) {
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
	check_error("{\"mounts\":[{\"destination\":\"/a\",\"source\":false}]}",
		    "error 1: mounts[0].source: expected a string", "a mount source that is a boolean");
	return done_testing();
}
