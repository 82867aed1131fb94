/* SPDX-License-Identifier: Apache-2.0 */
/*
 * time-probe: times oci-rootless-runtime inside a real client's calls,
 * without changing the wrapper (load.sh, bench/wrapper.sh). Two copies:
 *
 *   NAME ending in "-in"   the client's runtime binary (ctr run --runc-binary
 *                          PROBE-IN): records the time, then executes
 *                          $OCIRL_PROBE_WRAPPER with the same arguments;
 *   any other name         the wrapper's runtime (OCI_ROOTLESS_RUNTIME=
 *                          PROBE-OUT): records the time, then executes
 *                          $OCIRL_PROBE_RUNTIME (the real runc or crun).
 *
 * The process keeps its pid through both executions, so an "in" record and
 * the next "out" record of the same pid bracket the wrapper: its exec, its
 * start-up, its work and its exec of the next program. The same chain with
 * PROBE-OUT in place of the wrapper measures what the probes cost alone.
 *
 * One line per call, appended in one write to $OCIRL_PROBE_LOG:
 *   STAGE PID WALL CPU COMMAND ID STRAY
 * STAGE is "in" or "out"; WALL is CLOCK_MONOTONIC and CPU the process's
 * CPU time (CLOCK_PROCESS_CPUTIME_ID: it goes on across an exec), both in
 * nanoseconds; COMMAND the
 * subcommand (or "-"), ID the last argument; STRAY, on "out" of a create or
 * run with a bundle: the entries of the bundle folder that look like a
 * temporary file of a config replacement (".config.json.*", "*.tmp",
 * "config.json?*"), joined by ",", or "-" when there is none (the wrapper
 * has just finished with the config when "out" runs).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* runc's and crun's global options that take a value */
static int takes_value(const char *a)
{
	static const char *const opts[] = { "--root", "--log", "--log-format", "--criu", "--cgroup-manager", NULL };
	if (strchr(a, '='))
		return 0;
	for (size_t i = 0; opts[i]; i++)
		if (strcmp(a, opts[i]) == 0 || strcmp(a, opts[i] + 1) == 0)
			return 1;
	return 0;
}

static int looks_temporary(const char *name)
{
	size_t n = strlen(name);
	return strncmp(name, ".config.json", 12) == 0 || (n > 4 && strcmp(name + n - 4, ".tmp") == 0) ||
	       (strncmp(name, "config.json", 11) == 0 && name[11] != '\0');
}

static void stray_of(const char *bundle, char *out, size_t size)
{
	DIR *d = opendir(bundle);
	size_t len = 0;
	out[0] = '\0';
	if (!d) {
		snprintf(out, size, "cannot-open:%s", strerror(errno));
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (!looks_temporary(e->d_name))
			continue;
		int w = snprintf(out + len, size - len, "%s%s", len ? "," : "", e->d_name);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	closedir(d);
	if (!out[0])
		snprintf(out, size, "-");
}

int main(int argc, char **argv)
{
	struct timespec ts, cpu;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	size_t bl = strlen(base);
	int in = bl >= 3 && strcmp(base + bl - 3, "-in") == 0;
	const char *next = getenv(in ? "OCIRL_PROBE_WRAPPER" : "OCIRL_PROBE_RUNTIME");
	const char *log = getenv("OCIRL_PROBE_LOG");
	if (!next || !*next) {
		fprintf(stderr, "time-probe: %s is not set\n", in ? "OCIRL_PROBE_WRAPPER" : "OCIRL_PROBE_RUNTIME");
		return 1;
	}
	if (log && *log) {
		const char *cmd = "-", *bundle = NULL;
		int i = 1;
		for (; i < argc; i++) {
			if (argv[i][0] != '-')
				break;
			if (takes_value(argv[i]))
				i++;
		}
		if (i < argc) {
			cmd = argv[i];
			for (int k = i + 1; k + 1 < argc; k++)
				if (strcmp(argv[k], "--bundle") == 0 || strcmp(argv[k], "-b") == 0 ||
				    strcmp(argv[k], "-bundle") == 0)
					bundle = argv[k + 1];
		}
		char stray[512] = "-";
		if (!in && bundle && (strcmp(cmd, "create") == 0 || strcmp(cmd, "run") == 0))
			stray_of(bundle, stray, sizeof(stray));
		char line[1024];
		int n = snprintf(line, sizeof(line), "%s %ld %lld %lld %.64s %.200s %s\n", in ? "in" : "out",
				 (long)getpid(), (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec,
				 (long long)cpu.tv_sec * 1000000000LL + cpu.tv_nsec, cmd, argc > 1 ? argv[argc - 1] : "-",
				 stray);
		if (n > (int)sizeof(line) - 1)
			n = (int)sizeof(line) - 1;
		int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			(void)!write(fd, line, (size_t)n);
			close(fd);
		}
	}
	argv[0] = (char *)next;
	execv(next, argv);
	fprintf(stderr, "time-probe: cannot execute %s: %s\n", next, strerror(errno));
	return 127;
}
