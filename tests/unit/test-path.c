/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: path cleaning and "is under", which decide the rule sys. */
#include <stdarg.h>
#include <stdlib.h>

#include "internal.h"
#include "tap.h"

static void clean(const char *in, const char *want)
{
	char *got = ocirl__path_clean(in);
	is_str(got, want, "clean(\"%s\") = \"%s\"", in, want);
	free(got);
}

int main(void)
{
	clean("/sys", "/sys");
	clean("//sys/", "/sys");
	clean("/sys/.", "/sys");
	clean("/x/../sys", "/sys");
	clean("/sys/../sys/fs//cgroup/", "/sys/fs/cgroup");
	clean("/../sys", "/sys");
	clean("/", "/");
	clean("", ".");
	clean("sys", "sys");
	clean("a/../..", "..");
	clean("a/../../b", "../b");
	clean("./a/./b/", "a/b");
	clean("/a/b/c/../../d", "/a/d");
	clean("/...", "/...");
	clean("/..a/b", "/..a/b");

	ok(ocirl__path_is_under("/sys", "/sys"), "/sys is under /sys");
	ok(ocirl__path_is_under("/sys/fs/cgroup", "/sys"), "/sys/fs/cgroup is under /sys");
	ok(!ocirl__path_is_under("/sysroot", "/sys"), "/sysroot is not under /sys");
	ok(!ocirl__path_is_under("/sys-data", "/sys"), "/sys-data is not under /sys");
	ok(!ocirl__path_is_under("/", "/sys"), "/ is not under /sys");
	ok(ocirl__path_is_under("/anything", "/"), "everything is under /");
	return done_testing();
}
