/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wrapper's bundle access (runtime/bundle.c) under a race: the bundle's
 * owner swaps a folder of the bundle for a link to another folder between
 * the read of the config and its replacement. The replacement must not land
 * outside the bundle. TAP.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "tap.h"

/* dir/name into out (size bytes), or abort */
static void join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= size)
		abort();
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static char *get(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

int main(void)
{
	char top[] = "/tmp/ocirl-bundle-XXXXXX";
	if (!mkdtemp(top))
		abort();
	/* top is 24 bytes: every path below fits in 128 */
	char b[128], a[128], cfg[128], link[128], outside[128], victim[128], moved[128];
	join(b, sizeof(b), top, "bundle");
	join(a, sizeof(a), b, "a");
	join(cfg, sizeof(cfg), a, "cfg");
	join(link, sizeof(link), b, "config.json");
	join(outside, sizeof(outside), top, "outside");
	join(victim, sizeof(victim), outside, "cfg");
	join(moved, sizeof(moved), b, "a.old");
	if (mkdir(b, 0755) < 0 || mkdir(a, 0755) < 0 || mkdir(outside, 0755) < 0 || symlink("a/cfg", link) < 0)
		abort();
	put(cfg, "{\"inside\": true}");
	put(victim, "victim");

	/* a link to a/cfg inside the bundle: read, then a/ is swapped for a link out */
	rt_bundle_config w = { .dir = -1 };
	char *data = NULL, *msg = NULL;
	size_t len = 0;
	ok(rt_bundle_config_read(&data, &len, &w, link, b, true, 1 << 20, &msg) == 0 && data &&
		   strcmp(data, "{\"inside\": true}") == 0,
	   "config.json -> a/cfg inside the bundle is read: %s", msg ? msg : "");
	if (rename(a, moved) < 0 || symlink(outside, a) < 0)
		abort();
	ok(rt_bundle_config_replace(&w, "PWNED", 5, &msg) == 0, "the replacement goes through the folder opened at read time");
	is_str(get(victim), "victim", "the file outside the bundle, reached by the swapped link, is untouched");
	char old_cfg[160];
	join(old_cfg, sizeof(old_cfg), moved, "cfg");
	is_str(get(old_cfg), "PWNED", "the replacement landed in the folder that was read, still inside the bundle");
	rt_bundle_config_clear(&w);
	free(data);
	free(msg);
	data = msg = NULL;

	/* the same link read after the swap: refused, nothing read */
	ok(rt_bundle_config_read(&data, &len, &w, link, b, true, 1 << 20, &msg) < 0 && msg &&
		   strstr(msg, "outside the bundle folder"),
	   "config.json -> a/cfg with a/ a link out of the bundle: refused: %s", msg ? msg : "");
	rt_bundle_config_clear(&w);
	free(data);
	free(msg);

	char cmd[160];
	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top) >= (int)sizeof(cmd))
		abort();
	if (system(cmd) != 0)
		abort();
	return done_testing();
}
