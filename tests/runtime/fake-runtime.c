/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stand-in for runc in the runtime wrapper's tests: it records how it was
 * executed and exits. With FAKE_RUNTIME_RECORD=PREFIX it writes
 *   PREFIX.argv  its argv, each argument followed by a NUL byte (argv[0]
 *                included, which a script could not see)
 *   PREFIX.cwd   its working directory
 *   PREFIX.fds   its open file descriptors, one a line
 *   PREFIX.pid   its process id
 * then prints "fake-runtime ARGV0" on stdout ("fake-runtime version 0.0.1"
 * for --version) and exits with FAKE_RUNTIME_EXIT (default 0).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *open_record(const char *prefix, const char *suffix)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s.%s", prefix, suffix) >= (int)sizeof(path))
		return NULL;
	return fopen(path, "we");
}

int main(int argc, char **argv)
{
	/* The open descriptors first, before this program opens any. */
	int fds[256];
	size_t n_fds = 0;
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) && n_fds < 256) {
			if (e->d_name[0] == '.')
				continue;
			int fd = atoi(e->d_name);
			if (fd != dirfd(d))
				fds[n_fds++] = fd;
		}
		closedir(d);
	}

	const char *prefix = getenv("FAKE_RUNTIME_RECORD");
	if (prefix && *prefix) {
		FILE *f = open_record(prefix, "argv");
		if (f) {
			for (int i = 0; i < argc; i++)
				fwrite(argv[i], 1, strlen(argv[i]) + 1, f);
			fclose(f);
		}
		char cwd[PATH_MAX];
		if ((f = open_record(prefix, "cwd"))) {
			fprintf(f, "%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
			fclose(f);
		}
		if ((f = open_record(prefix, "fds"))) {
			for (size_t i = 0; i < n_fds; i++)
				fprintf(f, "%d\n", fds[i]);
			fclose(f);
		}
		if ((f = open_record(prefix, "pid"))) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		printf("fake-runtime version 0.0.1\n");
	else
		printf("fake-runtime %s\n", argv[0]);
	const char *code = getenv("FAKE_RUNTIME_EXIT");
	return code ? atoi(code) : 0;
}
