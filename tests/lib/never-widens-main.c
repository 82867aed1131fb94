/* SPDX-License-Identifier: Apache-2.0 */
/*
 * never-widens INPUT OUTPUT [RULE...]: whether OUTPUT, the conversion of
 * INPUT whose changes were made by the rules named, is never less isolated
 * than INPUT (never-widens.h). Both are read as the library parses configs
 * (ocirl_config_parse). Exit 0 when it holds, 1 with the violation on
 * standard output, 2 when a file cannot be read or parsed. For the golden
 * driver, tests/golden/run.sh ($OCI_ROOTLESS_WIDEN).
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "oci-rootless.h"
#include "never-widens.h"

static struct json_object *load(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	ocirl_error *err = NULL;
	struct json_object *config = NULL;
	if (ocirl_file_read(&data, &len, path, (size_t)64 << 20, &err) < 0 ||
	    ocirl_config_parse(&config, data, len, path, &err) < 0) {
		fprintf(stderr, "never-widens: %s\n", err && err->message ? err->message : path);
		ocirl_error_free(err);
		free(data);
		return NULL;
	}
	free(data);
	return config;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: never-widens INPUT OUTPUT [RULE...]\n");
		return 2;
	}
	struct json_object *in = load(argv[1]), *out = in ? load(argv[2]) : NULL;
	int r = 2;
	if (in && out) {
		char why[4096];
		r = ocirl_never_widens(in, out, (const char *const *)(argv + 3), (size_t)(argc - 3), why, sizeof(why));
		if (r)
			printf("%s\n", why);
		r = r == 0 ? 0 : r > 0 ? 1 : 2;
	}
	json_object_put(in);
	json_object_put(out);
	return r;
}
