/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A plain driver for the fuzz targets, built without clang: it runs the
 * target on every file named on the command line (folders are walked one
 * level deep) and prints TAP, so that `make test` replays the corpus and
 * every past crash. A crash or abort fails the whole run, as it should.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int n;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - %s: cannot open\n", ++n, path);
		return;
	}
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		if (r == 0)
			break;
		len += r;
	}
	fclose(f);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct dirent **names;
			int k = scandir(argv[i], &names, NULL, alphasort);
			for (int j = 0; j < k; j++) {
				if (names[j]->d_name[0] != '.') {
					char path[4096];
					snprintf(path, sizeof(path), "%s/%s", argv[i], names[j]->d_name);
					run_file(path);
				}
				free(names[j]);
			}
			free(names);
		} else {
			run_file(argv[i]);
		}
	}
	printf("1..%d\n", n);
	return n == 0; /* an empty corpus is a broken test */
}
