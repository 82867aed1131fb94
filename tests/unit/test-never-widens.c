/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the "never widens" checker (tests/lib/never-widens.c): each
 * property is reported when broken, with its place, and each exception holds
 * only with the rule that makes it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "oci-rootless.h"
#include "tap.h"
#include "../lib/never-widens.h"

static struct json_object *parse(const char *text)
{
	struct json_object *o = NULL;
	ocirl_error *err = NULL;
	if (ocirl_config_parse(&o, text, strlen(text), "test.json", &err) < 0) {
		printf("# cannot parse %s: %s\n", text, err ? err->message : "?");
		ocirl_error_free(err);
		return NULL;
	}
	return o;
}

/* Checks out against in with the comma-separated rule names (NULL: none);
 * want is the violation expected, NULL when the property holds. */
static void check(const char *in, const char *out, const char *rules, const char *want, const char *what)
{
	struct json_object *a = parse(in), *b = parse(out);
	char names[256] = "";
	const char *list[16];
	size_t n = 0;
	if (rules) {
		snprintf(names, sizeof(names), "%s", rules);
		for (char *save = NULL, *r = strtok_r(names, ",", &save); r && n < 16; r = strtok_r(NULL, ",", &save))
			list[n++] = r;
	}
	char why[1024];
	int r = a && b ? ocirl_never_widens(a, b, list, n, why, sizeof(why)) : -1;
	if (want) {
		ok(r == 1, "%s: reported", what);
		is_str(r == 1 ? why : NULL, want, "%s: message", what);
	} else if (!ok(r == 0, "%s: holds", what)) {
		printf("#   %s\n", r ? why : "");
	}
	json_object_put(a);
	json_object_put(b);
}

#define ALL_RULES                                                                                             \
	"user-namespace,id-mappings,sys,id-options,joined-id-options,cgroups,process-user,additional-gids,"   \
	"oom-score-adj,rlimits,proc,ipc-mounts,net-sysctls,ping-group-range,locked-flags,net-devices,intel-rdt"

static void test_paths(void)
{
	check("{\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"/proc/keys\"]}}",
	      "{\"linux\":{\"maskedPaths\":[\"/proc/keys\"]}}", ALL_RULES, "linux.maskedPaths: /proc/kcore was removed",
	      "a masked path dropped");
	check("{\"linux\":{\"maskedPaths\":[\"/proc/kcore\"]}}", "{\"linux\":{}}", ALL_RULES,
	      "linux.maskedPaths: /proc/kcore was removed", "maskedPaths removed");
	check("{\"linux\":{\"readonlyPaths\":[\"/proc/sys\",\"/proc/bus\"]}}",
	      "{\"linux\":{\"readonlyPaths\":[\"/proc/sys\"]}}", ALL_RULES, "linux.readonlyPaths: /proc/bus was removed",
	      "a read-only path dropped");
	check("{\"linux\":{\"maskedPaths\":[\"/proc/kcore\"]}}",
	      "{\"linux\":{\"maskedPaths\":[\"/proc/keys\",\"/proc/kcore\"]}}", NULL, NULL,
	      "masked paths added and reordered");
}

static void test_process(void)
{
	check("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"]}}}",
	      "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_KILL\"]}}}",
	      ALL_RULES, "process.capabilities.bounding: CAP_SYS_ADMIN was added", "a capability added");
	check("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}}",
	      "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]}}}", ALL_RULES,
	      "process.capabilities.ambient: CAP_KILL was added", "a capability added to a set that was not there");
	check("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}}", "{\"process\":{}}", ALL_RULES,
	      "process.capabilities: {\"bounding\":[\"CAP_KILL\"]} became absent", "capabilities removed");
	check("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"]}}}",
	      "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}}}", NULL, NULL, "a capability removed");
	check("{\"process\":{\"noNewPrivileges\":true}}", "{\"process\":{\"noNewPrivileges\":false}}", ALL_RULES,
	      "process.noNewPrivileges: true became false", "noNewPrivileges turned off");
	check("{\"process\":{\"noNewPrivileges\":true}}", "{\"process\":{}}", ALL_RULES,
	      "process.noNewPrivileges: true became absent", "noNewPrivileges removed");
	check("{\"process\":{\"noNewPrivileges\":false}}", "{\"process\":{\"noNewPrivileges\":true}}", NULL, NULL,
	      "noNewPrivileges turned on");
	check("{\"process\":{\"apparmorProfile\":\"docker-default\"}}", "{\"process\":{\"apparmorProfile\":\"unconfined\"}}",
	      ALL_RULES, "process.apparmorProfile: docker-default became unconfined", "apparmorProfile changed");
	check("{\"process\":{\"apparmorProfile\":\"docker-default\"}}", "{\"process\":{}}", "apparmor", NULL,
	      "apparmorProfile removed by apparmor (it could not be applied)");
	check("{\"process\":{\"apparmorProfile\":\"docker-default\"}}", "{\"process\":{\"apparmorProfile\":\"x\"}}",
	      "apparmor", "process.apparmorProfile: docker-default became x", "apparmorProfile changed, even by apparmor");
	check("{\"process\":{\"apparmorProfile\":\"docker-default\"}}", "{\"process\":{}}", "user-namespace",
	      "process.apparmorProfile: docker-default became absent", "apparmorProfile removed without the rule");
	check("{\"process\":{\"selinuxLabel\":\"system_u:system_r:container_t:s0\"}}", "{\"process\":{}}", ALL_RULES,
	      "process.selinuxLabel: system_u:system_r:container_t:s0 became absent", "selinuxLabel removed");
}

static void test_seccomp(void)
{
	check("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}}}",
	      "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}}}", ALL_RULES,
	      "linux.seccomp: {\"defaultAction\":\"SCMP_ACT_ERRNO\"} became {\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
	      "seccomp changed");
	check("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}}}", "{\"linux\":{}}", ALL_RULES,
	      "linux.seccomp: {\"defaultAction\":\"SCMP_ACT_ERRNO\"} became absent", "seccomp removed");
	check("{}", "{\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}", ALL_RULES, NULL, "linux created, no seccomp");
}

static void test_namespaces(void)
{
	check("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"}]}}",
	      "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"user\"}]}}", ALL_RULES,
	      "linux.namespaces: {\"type\":\"network\"} was removed", "a network namespace removed");
	check("{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}]}}",
	      "{\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"user\"}]}}", ALL_RULES,
	      "linux.namespaces: {\"type\":\"network\",\"path\":\"/proc/1/ns/net\"} was removed",
	      "a namespace's path changed");
	check("{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"ipc\"}]}}",
	      "{\"linux\":{\"namespaces\":[{\"type\":\"ipc\"}]}}", ALL_RULES,
	      "linux.namespaces: {\"type\":\"ipc\"} was removed", "one of two equal entries removed");
	check("{\"linux\":{\"namespaces\":[{\"type\":\"user\"},{\"type\":\"pid\"}]}}",
	      "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", "id-mappings,sys",
	      "linux.namespaces: {\"type\":\"user\"} was removed", "a user namespace removed without the rule");
	check("{\"linux\":{\"namespaces\":[{\"type\":\"user\"},{\"type\":\"pid\"}]}}",
	      "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", "user-namespace", NULL,
	      "user-namespace: the user namespace removed (inherit)");
	check("{\"linux\":{\"namespaces\":[{\"type\":\"user\"},{\"type\":\"pid\"},{\"type\":\"user\",\"path\":\"\"}]}}",
	      "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"user\"}]}}", "user-namespace", NULL,
	      "user-namespace: one user namespace kept, at the end");
	check("{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/self/ns/pid\"}]}}",
	      "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/self/ns/pid\"},{\"type\":\"user\"}]}}",
	      "user-namespace,proc", NULL, "the caller's own pid namespace kept, a user namespace added");
}

#define M(d, t, s, o) "{\"destination\":\"" d "\",\"type\":\"" t "\",\"source\":\"" s "\",\"options\":[" o "]}"
/* {"mounts": [A, B, C]} of one to three mounts */
#define JOIN_(a, b, c, n, ...) JOIN##n(a, b, c)
#define JOIN1(a, b, c) a
#define JOIN2(a, b, c) a "," b
#define JOIN3(a, b, c) a "," b "," c
#define MOUNTS(...) "{\"mounts\":[" JOIN_(__VA_ARGS__, 3, 2, 1, 0) "]}"
#define PTS M("/dev/pts", "devpts", "devpts", "\"nosuid\",\"noexec\",\"newinstance\",\"mode=0620\",\"gid=5\"")
#define SYS M("/sys", "sysfs", "sysfs", "\"nosuid\",\"noexec\",\"nodev\",\"ro\"")
#define CGROUP M("/sys/fs/cgroup", "cgroup", "cgroup", "\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"")
#define SYS_BIND M("/sys", "bind", "/sys", "\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\"")
#define OLD_SYS_BIND M("/sys", "none", "/sys", "\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\"")
#define HOST_BIND(d) M(d, "bind", d, "\"rbind\",\"nosuid\",\"noexec\",\"nodev\"")
#define PROC "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}"
#define SHM M("/dev/shm", "tmpfs", "shm", "\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"")
#define MQUEUE M("/dev/mqueue", "mqueue", "mqueue", "\"nosuid\",\"noexec\",\"nodev\"")
#define DATA(o) M("/data", "bind", "/srv/data", o)

static void test_mount_flags(void)
{
	check(MOUNTS(PTS),
	      MOUNTS(M("/dev/pts", "devpts", "devpts", "\"noexec\",\"newinstance\",\"mode=0620\",\"gid=5\"")), ALL_RULES,
	      "mounts: /dev/pts (devpts): option nosuid was dropped", "nosuid dropped");
	check(MOUNTS(DATA("\"rbind\",\"ro\"")), MOUNTS(DATA("\"rbind\",\"rw\"")), ALL_RULES,
	      "mounts: /data (bind): option ro was dropped", "rw in place of ro");
	check(MOUNTS(DATA("\"rbind\",\"ro\"")), MOUNTS(DATA("\"rbind\",\"ro\",\"rw\"")), ALL_RULES,
	      "mounts: /data (bind): option ro was dropped", "rw added after ro");
	check(MOUNTS(DATA("\"rbind\",\"rro\"")), MOUNTS(DATA("\"rbind\",\"ro\"")), ALL_RULES,
	      "mounts: /data (bind): option rro was dropped", "rro made ro");
	check(MOUNTS(DATA("\"rbind\",\"ro,uid=5\"")), MOUNTS(DATA("\"rbind\",\"uid=5\"")), ALL_RULES,
	      "mounts: /data (bind): option ro was dropped", "ro dropped from a joined option");
	check(MOUNTS(DATA("\"rbind\",\"noexec\"")), MOUNTS(DATA("\"rbind\",\"exec\"")), "locked-flags",
	      "mounts: /data (bind): option noexec was dropped", "noexec dropped, even with locked-flags");
	check(MOUNTS(DATA("\"rbind\",\"nosymfollow\"")), MOUNTS(DATA("\"rbind\"")), ALL_RULES,
	      "mounts: /data (bind): option nosymfollow was dropped", "nosymfollow dropped");
	check(MOUNTS(DATA("\"rbind\",\"noatime\"")), MOUNTS(DATA("\"rbind\",\"relatime\"")), "sys",
	      "mounts: /data (bind): option noatime was dropped", "noatime swapped without locked-flags");
	check(MOUNTS(M("/tmp", "tmpfs", "tmpfs", "\"noatime\"")), MOUNTS(M("/tmp", "tmpfs", "tmpfs", "")),
	      "locked-flags", "mounts: /tmp (tmpfs): option noatime was dropped", "noatime dropped from a tmpfs");
	check(MOUNTS(DATA("\"rbind\",\"rw\",\"ro\"")), MOUNTS(DATA("\"rbind\",\"rro\",\"nosuid\"")), NULL, NULL,
	      "flags only added (rro holds ro)");
	check(MOUNTS(DATA("\"rbind\",\"ro\",\"rw\"")), MOUNTS(DATA("\"rw\",\"rbind\"")), NULL, NULL,
	      "rw after ro was never read-only");
}

static void test_mount_options(void)
{
	check(MOUNTS(SHM), MOUNTS(M("/dev/shm", "tmpfs", "shm", "\"nosuid\",\"noexec\",\"nodev\",\"size=65536k\"")),
	      ALL_RULES, "mounts: /dev/shm (tmpfs): option mode=1777 was removed", "mode= removed");
	check(MOUNTS(PTS), MOUNTS(M("/dev/pts", "devpts", "devpts", "\"nosuid\",\"noexec\",\"newinstance\",\"mode=0620\"")),
	      "joined-id-options", "mounts: /dev/pts (devpts): option gid=5 was removed", "gid=5 dropped without id-options");
	check(MOUNTS(PTS), MOUNTS(M("/dev/pts", "devpts", "devpts", "\"nosuid\",\"noexec\",\"newinstance\",\"mode=0620\"")),
	      "id-options", NULL, "id-options: gid=5 dropped");
	check(MOUNTS(M("/run", "tmpfs", "tmpfs", "\"mode=0700,uid=1000,gid=1000\"")),
	      MOUNTS(M("/run", "tmpfs", "tmpfs", "\"mode=0700\"")), "id-options",
	      "mounts: /run (tmpfs): option uid=1000 was removed", "a joined uid= part dropped without joined-id-options");
	check(MOUNTS(M("/run", "tmpfs", "tmpfs", "\"mode=0700,uid=1000,gid=1000\"")),
	      MOUNTS(M("/run", "tmpfs", "tmpfs", "\"mode=0700\"")), "joined-id-options", NULL,
	      "joined-id-options: the uid= and gid= parts dropped");
	check(MOUNTS(M("/run", "tmpfs", "tmpfs", "\"mode=0700,uid=1000\"")), MOUNTS(M("/run", "tmpfs", "tmpfs", "\"uid=1000\"")),
	      "joined-id-options", "mounts: /run (tmpfs): option mode=0700 was removed",
	      "another part of a joined option dropped");
	check(MOUNTS(DATA("\"rbind\",\"rprivate\"")), MOUNTS(DATA("\"rbind\"")), ALL_RULES,
	      "mounts: /data (bind): option rprivate was removed", "propagation removed");
	check(MOUNTS(DATA("\"rbind\",\"nosuid\"")), MOUNTS(DATA("\"nosuid\",\"rbind\"")), NULL, NULL, "options reordered");
}

static void test_mounts(void)
{
	check(MOUNTS(PTS, M("/tmp", "tmpfs", "tmpfs", "")), MOUNTS(PTS), ALL_RULES, "mounts: /tmp (tmpfs) was removed",
	      "a mount removed");
	check(MOUNTS(PTS), MOUNTS(PTS, HOST_BIND("/home")), ALL_RULES, "mounts: /home (bind) was added", "a mount added");
	check(MOUNTS(DATA("\"rbind\"")), MOUNTS(M("/data", "bind", "/", "\"rbind\"")), ALL_RULES,
	      "mounts: /data (bind) was removed", "a mount's source changed");
	/* sys */
	check(MOUNTS(PTS, SYS, CGROUP), MOUNTS(PTS, SYS_BIND), "user-namespace,locked-flags",
	      "mounts: /sys (sysfs) was removed", "/sys replaced without the rule");
	check(MOUNTS(PTS, SYS, CGROUP), MOUNTS(PTS, SYS_BIND), "sys", NULL, "sys: /sys and under it replaced by the bind");
	check(MOUNTS(M("sys/", "sysfs", "sysfs", "\"ro\""), M("/sys/kernel/../fs/cgroup", "cgroup", "cgroup", "")),
	      MOUNTS(SYS_BIND), "sys", NULL, "sys: destinations cleaned");
	check(MOUNTS(PTS, SYS, CGROUP), MOUNTS(PTS, OLD_SYS_BIND), "sys", NULL,
	      "sys: the bind of type none (oci-rootless 0.1.0, runc spec --rootless) counts as the bind");
	check(MOUNTS(PTS), MOUNTS(PTS, SYS_BIND), "sys", "mounts: /sys (bind) was added",
	      "sys: a bind with nothing it replaces");
	check(MOUNTS(M("/sys", "sysfs", "sysfs", "\"ro\",\"nosymfollow\"")), MOUNTS(SYS_BIND), "sys",
	      "mounts: /sys (sysfs): the bind of the host's /sys in its place (sys) lost option nosymfollow",
	      "sys: the bind drops a flag of the /sys mount");
	check(MOUNTS(SYS_BIND, PTS), MOUNTS(PTS, SYS_BIND), "sys", NULL, "sys: its bind moved to the end");
#define CG_SHIM M("/sys/fs/cgroup", "tmpfs", "tmpfs", "\"nosuid\",\"noexec\",\"nodev\",\"mode=755\",\"ro\"")
	check(MOUNTS(SYS, CGROUP), MOUNTS(SYS_BIND, CG_SHIM, CGROUP), "sys", NULL,
	      "sys: cgroup v2: the cgroup mount kept after the bind, a read-only tmpfs under it");
	check(MOUNTS(SYS, CGROUP), MOUNTS(SYS_BIND, M("/sys/fs/cgroup", "tmpfs", "tmpfs", "\"mode=755\""), CGROUP),
	      "sys", "mounts: /sys/fs/cgroup (tmpfs) was added", "sys: a writable tmpfs under the cgroup mount is a widening");
	check(MOUNTS(PTS, SYS, CGROUP), MOUNTS(PTS, SYS_BIND, CG_SHIM), "sys", "mounts: /sys/fs/cgroup (tmpfs) was added",
	      "sys: the tmpfs without a cgroup mount above it");
	/* proc */
	check(MOUNTS(PROC, PTS), MOUNTS(HOST_BIND("/proc"), PTS), "ipc-mounts", "mounts: /proc (proc) was removed",
	      "/proc replaced without the rule");
	check(MOUNTS(PROC, PTS), MOUNTS(HOST_BIND("/proc"), PTS), "proc", NULL, "proc: the proc mount becomes a bind");
	check(MOUNTS("{\"destination\":\"//proc/\",\"type\":\"proc\",\"source\":\"proc\"}"), MOUNTS(HOST_BIND("/proc")),
	      "proc", NULL, "proc: a destination cleaned");
	check(MOUNTS(PROC, PTS), MOUNTS(PTS), "proc", "mounts: /proc (proc) was removed", "proc: removed, not replaced");
	check(MOUNTS(M("/proc", "proc", "proc", "\"ro\"")), MOUNTS(HOST_BIND("/proc")), "proc",
	      "mounts: /proc (proc): the bind of the host's /proc in its place (proc) lost option ro",
	      "proc: a read-only /proc becomes a writable bind");
	check(MOUNTS(M("/proc", "proc", "proc", "\"noatime\"")), MOUNTS(HOST_BIND("/proc")), "proc", NULL,
	      "proc: the atime mode is the host's");
	/* ipc-mounts */
	check(MOUNTS(MQUEUE, SHM), MOUNTS(SHM), "ipc-mounts", NULL, "ipc-mounts: mqueue removed");
	check(MOUNTS(MQUEUE, SHM), MOUNTS(HOST_BIND("/dev/mqueue"), HOST_BIND("/dev/shm")), "ipc-mounts", NULL,
	      "ipc-mounts: mqueue and shm become binds");
	check(MOUNTS(MQUEUE, SHM), MOUNTS(MQUEUE), "ipc-mounts", "mounts: /dev/shm (tmpfs) was removed",
	      "ipc-mounts: shm removed, not replaced");
	check(MOUNTS(MQUEUE, SHM), MOUNTS(HOST_BIND("/dev/mqueue"), HOST_BIND("/dev/shm")), "proc",
	      "mounts: /dev/mqueue (mqueue) was removed", "mqueue replaced without the rule");
	/* locked-flags */
	check(MOUNTS(DATA("\"rbind\",\"noatime\",\"suid\"")), MOUNTS(DATA("\"rbind\",\"nosuid\",\"relatime\"")),
	      "locked-flags", NULL, "locked-flags: nosuid in place of suid, the atime mode of the source");
	check(MOUNTS(M("/data", "none", "/srv/data", "\"bind\",\"noatime\",\"nodiratime\"")),
	      MOUNTS(M("/data", "none", "/srv/data", "\"bind\",\"strictatime\"")), "locked-flags", NULL,
	      "locked-flags: nodiratime removed, strictatime in place of noatime");
	check(MOUNTS(DATA("\"rbind\",\"noatime\",\"ro\"")), MOUNTS(DATA("\"rbind\",\"relatime\"")), "locked-flags",
	      "mounts: /data (bind): option ro was dropped", "locked-flags: the atime swap does not excuse ro");
}

int main(void)
{
	check("{\"ociVersion\":\"1.0.2\"}", "{\"ociVersion\":\"1.0.2\"}", NULL, NULL, "the same config");
	test_paths();
	test_process();
	test_seccomp();
	test_namespaces();
	test_mount_flags();
	test_mount_options();
	test_mounts();
	return done_testing();
}
