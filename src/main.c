/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless: the command line. It reads a config, lets the library
 * convert it, and writes the result; only this file prints, and it maps the
 * library's error kinds to the documented exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "oci-rootless.h"
#include "check-host.h"
#include "internal.h" /* ocirl__rule_names_add(), ocirl__cgroup_name_valid() */

enum {
	EXIT_OK = 0,
	EXIT_CHANGES = 1,
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,
	EXIT_UNSUPPORTED = 4,
	EXIT_IO = 5,
};

#define DEFAULT_MAX_SIZE ((size_t)64 << 20)

static const char *program = "oci-rootless";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] [PATH]\n"
		"Make an OCI runtime config.json runnable by a rootless runtime (runc, crun).\n"
		"\n"
		"PATH is a bundle folder (its config.json is used), a file, or - for standard\n"
		"input; the default is ./config.json. The converted config goes to standard\n"
		"output unless -o or -i is given.\n"
		"\n"
		"Output:\n"
		"  -o, --output FILE   write the result to FILE (atomically) instead of stdout\n"
		"  -i, --in-place      replace PATH atomically (same folder, same mode); a config\n"
		"                      that needs no change is left untouched\n"
		"      --check         write nothing; exit 0 if the config needs no change, 1 if\n"
		"                      it does, listing the changes on stderr\n"
		"      --explain       list each change and its reason on stderr:\n"
		"                      PLACE: WHAT: WHY [RULE]\n"
		"      --explain=json  the same as one JSON object a line: {\"rule\", \"change\"\n"
		"                      (changed, removed, added), \"pointer\" (RFC 6901, into the\n"
		"                      input, or the output for what was added), \"in\" (input,\n"
		"                      output), \"place\", \"what\", \"why\"}\n"
		"      --compact       write one line (default: as the input, one line or\n"
		"                      indented with the input's indent unit)\n"
		"      --pretty        write indented text, even for a one-line input\n"
		"\n"
		"Rules (each change is explained with the name of the rule that made it):\n"
		"      --list-rules    list the rules, in the order they run, and exit\n"
		"      --skip RULE     turn RULE off, its changes and its refusals; repeat it or\n"
		"                      give several names separated by commas\n"
		"\n"
		"Mode (how the container's ids are mapped):\n"
		"  -m, --mode MODE     auto (default): inside a user namespace, inherit as uid 0\n"
		"                        (a runtime or daemon run as root in RootlessKit,\n"
		"                        unshare -r or Podman's namespace) and userns as\n"
		"                        another uid; outside any, single; as root outside any\n"
		"                        user namespace it is an error, unless --uid names\n"
		"                        another user (then single)\n"
		"                      userns: the caller is in a user namespace; the container\n"
		"                        gets a new one mapping the caller's ids, numbered from 0\n"
		"                      single: container root is the caller's uid and gid, size 1\n"
		"                        (as runc spec --rootless)\n"
		"                      subid: as single, then the caller's ranges from\n"
		"                        /etc/subuid and /etc/subgid (the runtime uses newuidmap)\n"
		"                      inherit: the caller is in a user namespace and the\n"
		"                        container stays in it (a runtime run as root inside\n"
		"                        RootlessKit or Podman's namespace): no user namespace,\n"
		"                        no mappings; the caller's own ids count as mapped\n"
		"      --cgroups WHAT  auto (default): keep the limits the runtime's cgroup\n"
		"                        driver enforces, drop the rest (all on cgroup v1);\n"
		"                        cgroupfs: cgroupsPath becomes an absolute path in the\n"
		"                        delegated parent of the caller's cgroup, for a runtime\n"
		"                        started from that same cgroup\n"
		"                      drop: remove linux.resources and linux.cgroupsPath\n"
		"                      keep: leave them alone\n"
		"      --cgroup-manager DRIVER  the runtime's cgroup driver: cgroupfs (default,\n"
		"                        as runc's and crun's) or systemd (runc --systemd-cgroup,\n"
		"                        crun --cgroup-manager=systemd)\n"
		"      --container-id ID  name of the cgroup auto adds for cgroupfs when the\n"
		"                        config has no cgroupsPath (default: oci-rootless-RANDOM)\n"
		"\n"
		"Inputs of the modes (defaults: the calling process):\n"
		"      --uid-map FILE  the caller's uid map (default /proc/self/uid_map)\n"
		"      --gid-map FILE  the caller's gid map (default /proc/self/gid_map)\n"
		"      --uid N         the caller's uid for single and subid (default: effective);\n"
		"                      without --gid, the gid is that user's in /etc/passwd\n"
		"      --gid N         the caller's gid for single and subid (default: effective)\n"
		"      --subuid FILE   subordinate uids (default /etc/subuid)\n"
		"      --subgid FILE   subordinate gids (default /etc/subgid)\n"
		"      --user NAME     the user whose subordinate ids are used (default: the\n"
		"                      uid's name in /etc/passwd; ranges by number always count)\n"
		"      --passwd FILE   the password file for those look-ups (default /etc/passwd)\n"
		"      --proc-self DIR the caller's /proc/self: maps, oom_score_adj, limits,\n"
		"                      cgroup, mountinfo, ns/ (default /proc/self)\n"
		"      --cgroup-root DIR  the cgroup v2 mount (default /sys/fs/cgroup)\n"
		"      --source-root DIR  look up bind mount sources under DIR to read the flags\n"
		"                      of their mounts (default /)\n"
		"      --max-size N    refuse an input larger than N bytes (default %zu)\n"
		"\n"
		"      --check-host    check this host instead of converting: what will stop a\n"
		"                      rootless container (user namespaces, newuidmap and\n"
		"                      newgidmap, subordinate ids, cgroup delegation, /proc and\n"
		"                      /sys fully visible, runc and crun, XDG_RUNTIME_DIR), each\n"
		"                      with its fix; exit 1 when one is a problem, else 0; with\n"
		"                      --uid, --user, --proc-self, --cgroup-root and\n"
		"      --host-root DIR read the host's files (proc/sys, etc/, PATH) under DIR\n"
		"\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the version of oci-rootless\n"
		"\n"
		"Exit status:\n"
		"  0  success (with --check: no change needed)\n"
		"  1  --check: the config needs changes; --check-host: a finding is a problem\n"
		"  2  usage error\n"
		"  3  invalid input: not JSON, or a field of the wrong type\n"
		"  4  cannot be made rootless in this mode (not in a user namespace, no\n"
		"     subordinate ids, a user namespace joined by path, an unmapped\n"
		"     process user)\n"
		"  5  I/O error\n"
		"On any error nothing is written to standard output and no file is changed.\n"
		"See oci-rootless(1).\n",
		program, DEFAULT_MAX_SIZE);
}

static int exit_code_of(const ocirl_error *err)
{
	if (!err)
		return EXIT_IO; /* out of memory before an error could be made */
	switch (err->kind) {
	case OCIRL_ERROR_INPUT:
		return EXIT_INPUT;
	case OCIRL_ERROR_UNSUPPORTED:
		return EXIT_UNSUPPORTED;
	case OCIRL_ERROR_USAGE:
		return EXIT_USAGE;
	case OCIRL_ERROR_IO:
	case OCIRL_ERROR_NOMEM:
	default:
		return EXIT_IO;
	}
}

static int fail(ocirl_error *err)
{
	int code = exit_code_of(err);
	fprintf(stderr, "%s: %s\n", program, err && err->message ? err->message : "out of memory");
	ocirl_error_free(err);
	return code;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", program);
	return EXIT_USAGE;
}

static bool parse_id(const char *s, int64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v >= UINT32_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

static bool parse_size(const char *s, size_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v == 0 || v > SIZE_MAX)
		return false;
	*out = (size_t)v;
	return true;
}

static int write_stdout(const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(STDOUT_FILENO, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: standard output: %s\n", program, strerror(errno));
			return EXIT_IO;
		}
		off += (size_t)n;
	}
	return EXIT_OK;
}

/* -o FILE: atomically, as -i, creating the file when it does not exist. */
static int write_output_file(const char *path, const char *data, size_t len)
{
	ocirl_error *err = NULL;
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
			return EXIT_IO;
		}
		/* Create it empty first (0666 less umask, as a shell redirection). */
		FILE *f = fopen(path, "wx");
		if (!f) {
			fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
			return EXIT_IO;
		}
		fclose(f);
		if (ocirl_file_replace(path, data, len, &err) < 0) {
			unlink(path);
			return fail(err);
		}
		return EXIT_OK;
	}
	if (ocirl_file_replace(path, data, len, &err) < 0)
		return fail(err);
	return EXIT_OK;
}

/* --list-rules: name, modes and summary of each rule, in the order they run. */
static int list_rules(void)
{
	static const ocirl_mode modes[] = { OCIRL_MODE_USERNS, OCIRL_MODE_SINGLE, OCIRL_MODE_SUBID, OCIRL_MODE_INHERIT };
	const unsigned all = (1u << OCIRL_MODE_USERNS) | (1u << OCIRL_MODE_SINGLE) | (1u << OCIRL_MODE_SUBID) |
			     (1u << OCIRL_MODE_INHERIT);
	printf("%-18s %-14s %s\n", "RULE", "MODES", "WHAT IT DOES");
	for (size_t i = 0; i < ocirl_rules_count(); i++) {
		unsigned m = ocirl_rule_modes(i);
		char list[64] = "";
		if (m == all)
			snprintf(list, sizeof(list), "all");
		for (size_t k = 0; m != all && k < sizeof(modes) / sizeof(modes[0]); k++)
			if (m & (1u << modes[k]))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", *list ? "," : "",
					 ocirl_mode_name(modes[k]));
		printf("%-18s %-14s %s\n", ocirl_rule_name(i), list, ocirl_rule_summary(i));
	}
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
}

int main(int argc, char **argv)
{
	enum { OPT_UID_MAP = 256, OPT_GID_MAP, OPT_UID, OPT_GID, OPT_SUBUID, OPT_SUBGID, OPT_CHECK,
	       OPT_EXPLAIN, OPT_COMPACT, OPT_PRETTY, OPT_MAX_SIZE, OPT_USER, OPT_CGROUPS, OPT_PROC_SELF,
	       OPT_CGROUP_ROOT, OPT_SOURCE_ROOT, OPT_LIST_RULES, OPT_SKIP, OPT_PASSWD,
	       OPT_CGROUP_MANAGER, OPT_CONTAINER_ID, OPT_CHECK_HOST, OPT_HOST_ROOT };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "in-place", no_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "uid-map", required_argument, NULL, OPT_UID_MAP },
		{ "gid-map", required_argument, NULL, OPT_GID_MAP },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "gid", required_argument, NULL, OPT_GID },
		{ "subuid", required_argument, NULL, OPT_SUBUID },
		{ "subgid", required_argument, NULL, OPT_SUBGID },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "explain", optional_argument, NULL, OPT_EXPLAIN },
		{ "compact", no_argument, NULL, OPT_COMPACT },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "user", required_argument, NULL, OPT_USER },
		{ "cgroups", required_argument, NULL, OPT_CGROUPS },
		{ "proc-self", required_argument, NULL, OPT_PROC_SELF },
		{ "cgroup-root", required_argument, NULL, OPT_CGROUP_ROOT },
		{ "source-root", required_argument, NULL, OPT_SOURCE_ROOT },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "passwd", required_argument, NULL, OPT_PASSWD },
		{ "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
		{ "container-id", required_argument, NULL, OPT_CONTAINER_ID },
		{ "check-host", no_argument, NULL, OPT_CHECK_HOST },
		{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	ocirl_options opts = OCIRL_OPTIONS_INIT;
	const char *output = NULL;
	bool in_place = false, check = false, explain = false, explain_json = false, check_host_only = false;
	const char *host_root = NULL;
	unsigned int flags = 0;
	size_t max_size = DEFAULT_MAX_SIZE;
	/* --skip: at most one name a rule (repeats are dropped), NULL-terminated */
	const char *skip[OCIRL__RULES_MAX + 1] = { NULL };
	size_t n_skip = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:im:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'i': in_place = true; break;
		case 'm':
			if (ocirl_mode_parse(&opts.mode, optarg) < 0)
				return usage_error("unknown mode '%s' (auto, userns, single, subid or inherit)", optarg);
			break;
		case OPT_UID_MAP: opts.uid_map_path = optarg; break;
		case OPT_GID_MAP: opts.gid_map_path = optarg; break;
		case OPT_UID:
			if (!parse_id(optarg, &opts.uid))
				return usage_error("--uid: '%s' is not an id from 0 to 4294967294", optarg);
			break;
		case OPT_GID:
			if (!parse_id(optarg, &opts.gid))
				return usage_error("--gid: '%s' is not an id from 0 to 4294967294", optarg);
			break;
		case OPT_SUBUID: opts.subuid_path = optarg; break;
		case OPT_SUBGID: opts.subgid_path = optarg; break;
		case OPT_CHECK: check = true; break;
		case OPT_EXPLAIN:
			explain = true;
			if (optarg && strcmp(optarg, "json") == 0)
				explain_json = true;
			else if (optarg && strcmp(optarg, "text") != 0)
				return usage_error("--explain=%s: unknown format (text or json)", optarg);
			break;
		case OPT_COMPACT: flags = (flags & ~(unsigned)OCIRL_CONVERT_PRETTY) | OCIRL_CONVERT_COMPACT; break;
		case OPT_PRETTY: flags = (flags & ~(unsigned)OCIRL_CONVERT_COMPACT) | OCIRL_CONVERT_PRETTY; break;
		case OPT_USER: opts.user_name = optarg; break;
		case OPT_PASSWD: opts.passwd_path = optarg; break;
		case OPT_CGROUPS:
			if (ocirl_cgroups_parse(&opts.cgroups, optarg) < 0)
				return usage_error("--cgroups: unknown choice '%s' (auto, drop or keep)", optarg);
			break;
		case OPT_CGROUP_MANAGER:
			if (ocirl_cgroup_manager_parse(&opts.cgroup_manager, optarg) < 0)
				return usage_error("--cgroup-manager: unknown driver '%s' (cgroupfs or systemd)", optarg);
			break;
		case OPT_CONTAINER_ID:
			if (!ocirl__cgroup_name_valid(optarg))
				return usage_error("--container-id: '%s' is not a cgroup name (empty, '.', '..' or with '/')",
						   optarg);
			opts.container_id = optarg;
			break;
		case OPT_CHECK_HOST: check_host_only = true; break;
		case OPT_HOST_ROOT: host_root = optarg; break;
		case OPT_PROC_SELF: opts.proc_self_path = optarg; break;
		case OPT_CGROUP_ROOT: opts.cgroup_root = optarg; break;
		case OPT_SOURCE_ROOT: opts.source_root = optarg; break;
		case OPT_MAX_SIZE:
			if (!parse_size(optarg, &max_size))
				return usage_error("--max-size: '%s' is not a positive number of bytes", optarg);
			break;
		case OPT_LIST_RULES: return list_rules();
		case OPT_SKIP: {
			const char *unknown = NULL;
			if (!ocirl__rule_names_add(skip, &n_skip, optarg, ",", &unknown))
				return usage_error("--skip: unknown rule '%s' (oci-rootless --list-rules lists them)",
						   unknown);
			opts.skip_rules = skip;
			break;
		}
		case 'h': usage(stdout); return EXIT_OK;
		case 'V':
			printf("oci-rootless %s\n", ocirl_version());
			return EXIT_OK;
		case ':':
			if (strncmp(argv[optind - 1], "--", 2) == 0)
				return usage_error("option '%s' needs an argument", argv[optind - 1]);
			return usage_error("option '-%c' needs an argument", optopt);
		default:
			/* a long option as written; optopt names a bad short option, even
			 * inside a group such as -xi */
			if (strncmp(argv[optind - 1], "--", 2) != 0 && optopt > 0 && optopt < 256)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (check_host_only) {
		if (argc > optind)
			return usage_error("--check-host takes no PATH (got '%s')", argv[optind]);
		check_host_options ho = {
			.host_root = host_root,
			.proc_self = opts.proc_self_path,
			.cgroup_root = opts.cgroup_root,
			.path = getenv("PATH"),
			.xdg_runtime_dir = getenv("XDG_RUNTIME_DIR"),
			.user_name = opts.user_name,
			.uid = opts.uid,
		};
		return check_host(&ho);
	}
	if (host_root)
		return usage_error("%s", "--host-root is an option of --check-host");
	if (argc - optind > 1)
		return usage_error("one PATH at most (got '%s' too)", argv[optind + 1]);
	const char *arg = optind < argc ? argv[optind] : "config.json";
	bool from_stdin = strcmp(arg, "-") == 0;
	if (in_place && output)
		return usage_error("%s", "--in-place and --output exclude each other");
	if (in_place && from_stdin)
		return usage_error("%s", "--in-place needs a file, not standard input");
	if (check && (in_place || output))
		return usage_error("%s", "--check writes nothing: drop --in-place and --output");

	/* The config's path: a bundle folder stands for its config.json. */
	char *path = NULL;
	struct stat st;
	if (!from_stdin && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (asprintf(&path, "%s/config.json", arg) < 0)
			return fail(NULL);
	} else if (!(path = strdup(from_stdin ? "<stdin>" : arg)))
		return fail(NULL);

	ocirl_error *err = NULL;
	char *data = NULL;
	size_t len = 0;
	int r = from_stdin ? ocirl_fd_read(&data, &len, STDIN_FILENO, path, max_size, &err)
			   : ocirl_file_read(&data, &len, path, max_size, &err);
	if (r < 0) {
		free(path);
		return fail(err);
	}

	/* The list of changes is needed to explain, to check, and to leave an
	 * unchanged file alone; a plain conversion skips building it. */
	ocirl_changes *changes = NULL;
	if ((explain || check || in_place) && ocirl_changes_new(&changes) < 0) {
		free(data);
		free(path);
		return fail(NULL);
	}
	if (explain_json)
		ocirl_changes_want_pointers(changes);
	char *out = NULL;
	size_t out_len = 0;
	r = ocirl_buffer_convert(&out, &out_len, changes, data, len, path, &opts, flags, &err);
	int code = EXIT_OK;
	if (r < 0) {
		code = fail(err);
		goto done;
	}
	size_t n = ocirl_changes_count(changes);
	if (explain_json) {
		ocirl_buf b = { 0 };
		for (size_t i = 0; i < n; i++) {
			ocirl__changes_json(&b, changes, i);
			ocirl__buf_addc(&b, '\n');
		}
		if (b.failed) {
			free(b.data);
			code = fail(NULL);
			goto done;
		}
		if (b.data)
			fputs(b.data, stderr);
		free(b.data);
	} else if (explain || check)
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "%s: %s [%s]\n", ocirl_changes_where(changes, i), ocirl_changes_message(changes, i),
				ocirl_changes_rule(changes, i));
	if (check) {
		if (n == 0 && explain && !explain_json)
			fprintf(stderr, "%s: no change needed\n", path);
		code = n ? EXIT_CHANGES : EXIT_OK;
	} else if (in_place) {
		if (n > 0 && ocirl_file_replace(path, out, out_len, &err) < 0)
			code = fail(err);
	} else if (output && strcmp(output, "-") != 0) {
		code = write_output_file(output, out, out_len);
	} else {
		code = write_stdout(out, out_len);
	}
done:
	ocirl_changes_free(changes);
	free(out);
	free(data);
	free(path);
	return code;
}
