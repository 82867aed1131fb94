/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: an OCI runtime with runc's command line that makes
 * every container rootless. On "create" and "run" it converts the bundle's
 * config.json in place with liboci-rootless (atomic and idempotent, so a
 * retried create is harmless); then, for every command, it executes the
 * real runtime (crun or runc) with exactly the same arguments, argv[0]
 * aside. Clients that know nothing about rootless (containerd's shim,
 * conmon, a CI script) then get containers that start.
 *
 * Settings: OCI_ROOTLESS_RUNTIME, OCI_ROOTLESS_MODE, OCI_ROOTLESS_CGROUPS,
 * OCI_ROOTLESS_CONFIG (default /etc/oci-rootless/runtime.conf),
 * OCI_ROOTLESS_RUNTIME_DEBUG.
 * See oci-rootless-runtime(1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci-rootless.h"
#include "ocirl-config.h"

#include "internal.h" /* ocirl__cgroup_name_valid() */

#include "args.h"
#include "bundle.h"
#include "log.h"
#include "settings.h"

#define MAX_CONFIG_SIZE ((size_t)64 << 20)

/* runc's exit status for its own errors. */
#define EXIT_RUNTIME_ERROR 1

/* The config a create or run reads: runc reads BUNDLE/config.json; crun's
 * -f FILE is relative to the working directory, except for the name
 * "config.json", which stays relative to the bundle (*in_bundle). */
static char *config_path(const rt_args *a, bool *in_bundle)
{
	char *p = NULL;
	*in_bundle = !a->config || strcmp(a->config, "config.json") == 0;
	if (!*in_bundle)
		return strdup(a->config);
	if (a->bundle) {
		if (asprintf(&p, "%s/config.json", a->bundle) < 0)
			return NULL;
		return p;
	}
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (asprintf(&p, "%s/config.json", cwd) < 0)
		p = NULL;
	free(cwd);
	return p;
}

/* Converts the config in place. Returns 0 and the number of changes, or -1
 * after reporting the error. */
static int convert_config(const rt_log *log, const char *path, const rt_args *args, bool in_bundle, ocirl_mode mode,
			  ocirl_cgroups cgroups, const rt_skip *skip, const rt_config *conf, size_t *n_changes)
{
	const char *bundle = args->bundle;
	ocirl_options opts = OCIRL_OPTIONS_INIT;
	opts.mode = mode;
	/* crun --cgroup-manager=disabled applies no limit: auto keeps none */
	opts.cgroups = cgroups == OCIRL_CGROUPS_AUTO && args->cgroups_disabled ? OCIRL_CGROUPS_DROP : cgroups;
	/* the runtime's own cgroup driver, and the container's id for the
	 * cgroup cgroupfs gets when the config names none (as runc names it) */
	opts.cgroup_manager = args->systemd_cgroup ? OCIRL_CGROUP_MANAGER_SYSTEMD : OCIRL_CGROUP_MANAGER_CGROUPFS;
	opts.container_id = ocirl__cgroup_name_valid(args->id) ? args->id : NULL;
	opts.skip_rules = skip->names;
	ocirl_error *err = NULL;
	ocirl_changes *changes = NULL;
	char *data = NULL, *out = NULL, *msg = NULL;
	rt_bundle_config where = { .dir = -1 };
	size_t len = 0, out_len = 0;
	int r = -1;

	if (ocirl_changes_new(&changes) < 0) {
		rt_log_error(log, "out of memory");
		return -1;
	}
	if (rt_log_wants_fields(log))
		ocirl_changes_want_pointers(changes);
	if (rt_bundle_config_read(&data, &len, &where, path, bundle, in_bundle, MAX_CONFIG_SIZE, &msg) < 0) {
		rt_log_error(log, "cannot make %s rootless: %s", path, msg ? msg : "out of memory");
		goto done;
	}
	if (ocirl_buffer_convert(&out, &out_len, changes, data, len, path, &opts, 0, &err) < 0)
		goto fail;
	*n_changes = ocirl_changes_count(changes);
	for (size_t i = 0; i < *n_changes; i++)
		rt_log_debug_change(log, changes, i);
	/* An already converted config is not rewritten at all. */
	if (*n_changes > 0 && rt_bundle_config_replace(&where, out, out_len, &msg) < 0) {
		rt_log_error(log, "cannot make %s rootless: %s", path, msg ? msg : "out of memory");
		goto done;
	}
	r = 0;
	goto done;
fail:
	if (!err)
		rt_log_error(log, "%s: out of memory", path);
	else if (err->kind == OCIRL_ERROR_UNSUPPORTED)
		rt_log_error(log, "cannot make %s rootless: %s (the mode comes from OCI_ROOTLESS_MODE or "
			     "'mode =' in %s)",
			     path, err->message, conf->path ? conf->path : RT_DEFAULT_CONFIG);
	else
		rt_log_error(log, "cannot make %s rootless: %s", path, err->message);
	ocirl_error_free(err);
done:
	ocirl_changes_free(changes);
	free(out);
	free(data);
	rt_bundle_config_clear(&where);
	free(msg);
	return r;
}

/* Runs the runtime, waits for it, then adds the wrapper's own line to its
 * --version or --help. Returns the runtime's exit status. */
static int run_then_note(const char *runtime, char **argv, bool version)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "oci-rootless-runtime: cannot start %s: %s\n", runtime, strerror(errno));
		return EXIT_RUNTIME_ERROR;
	}
	if (pid == 0) {
		execv(runtime, argv);
		fprintf(stderr, "oci-rootless-runtime: cannot execute %s: %s\n", runtime, strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_RUNTIME_ERROR;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return EXIT_RUNTIME_ERROR; /* not run: no line of ours after the error */
	if (version)
		printf("oci-rootless-runtime version %s: converts each bundle's config.json, then runs %s\n",
		       OCIRL_VERSION_STRING, runtime);
	else
		printf("\noci-rootless-runtime %s runs %s, whose help this is, after making the bundle's config.json "
		       "rootless on create and run; see oci-rootless-runtime(1).\n",
		       OCIRL_VERSION_STRING, runtime);
	if (fflush(stdout) != 0)
		return EXIT_RUNTIME_ERROR;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int main(int argc, char **argv)
{
	rt_args args;
	rt_log log;
	rt_config conf = { 0 };
	char *msg = NULL, *runtime = NULL, *config = NULL;
	const char *runtime_source = NULL;
	int code = EXIT_RUNTIME_ERROR;

	rt_args_parse(&args, argc, argv);
	rt_log_init(&log, args.log, args.log_format, args.debug);

	/* Settings are checked on every command, so that a mistake shows at
	 * once, not only on the next create. */
	ocirl_mode mode;
	ocirl_cgroups cgroups;
	rt_skip skip = { 0 };
	const char *mode_source = NULL, *cgroups_source = NULL, *skip_source = NULL;
	if (rt_config_load(&conf, &msg) < 0 || rt_mode_resolve(&mode, &mode_source, &conf, &msg) < 0 ||
	    rt_cgroups_resolve(&cgroups, &cgroups_source, &conf, &msg) < 0 ||
	    rt_skip_resolve(&skip, &skip_source, &conf, &msg) < 0 ||
	    rt_runtime_find(&runtime, &runtime_source, &conf, &msg) < 0) {
		rt_log_error(&log, "%s", msg ? msg : "out of memory");
		goto out;
	}

	const char *command = rt_args_command(&args, argv);
	if (rt_args_converts(&args, argv)) {
		size_t n = 0;
		bool in_bundle;
		if (!(config = config_path(&args, &in_bundle))) {
			rt_log_error(&log, "the bundle's config.json: %s", strerror(errno ? errno : ENOMEM));
			goto out;
		}
		if (convert_config(&log, config, &args, in_bundle, mode, cgroups, &skip, &conf, &n) < 0)
			goto out;
		char skipped[1024] = "";
		for (size_t i = 0; skip.names[i]; i++)
			snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped), "%s%s", i ? "," : "",
				 skip.names[i]);
		rt_log_debug(&log, "%s: bundle %s, config %s: %zu change%s, mode %s (%s), cgroups %s (%s) for the %s driver, %s%s (%s); runtime %s (%s)",
			     command, args.bundle ? args.bundle : ".", config, n, n == 1 ? "" : "s",
			     ocirl_mode_name(mode), mode_source, ocirl_cgroups_name(cgroups), cgroups_source,
			     args.systemd_cgroup ? "systemd" : args.cgroups_disabled ? "disabled (so drop)" : "cgroupfs",
			     skip.names[0] ? "skipping " : "no rule skipped", skipped, skip_source,
			     runtime, runtime_source);
	} else {
		rt_log_debug(&log, "%s: passed through unchanged; runtime %s (%s)",
			     command       ? command
			     : args.info   ? args.info
			     : argc > 1    ? argv[1]
					   : "no arguments",
			     runtime, runtime_source);
	}

	argv[0] = runtime;
	if (args.global_info && !command) {
		/* --version and --help: the runtime's text first, as clients parse
		 * it ("runc version ..."), then a line of the wrapper's own */
		code = run_then_note(runtime, argv, args.version);
		goto out;
	}
	execv(runtime, argv);
	rt_log_error(&log, "cannot execute %s: %s", runtime, strerror(errno));
out:
	free(msg);
	free(config);
	free(runtime);
	rt_config_clear(&conf);
	rt_skip_clear(&skip);
	return code;
}
