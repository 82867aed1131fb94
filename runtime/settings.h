/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: its settings (environment and config file) and the
 * choice of the real runtime.
 *
 * Functions that can fail return 0, or -1 with *msg set to a new message
 * (free() it) that the caller reports.
 */
#ifndef OCIRL_RUNTIME_SETTINGS_H
#define OCIRL_RUNTIME_SETTINGS_H

#include <stdbool.h>

#include "oci-rootless.h"

#define RT_DEFAULT_CONFIG "/etc/oci-rootless/runtime.conf"

/* Sets *msg to a new formatted message (NULL when out of memory) and
 * returns -1: the wrapper's failing paths are one line. */
int rt_set_msg(char **msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct {
	char *path;    /* the config file read, or NULL when there was none */
	char *runtime; /* its "runtime", or NULL */
	bool has_mode;
	ocirl_mode mode;
	bool has_cgroups;
	ocirl_cgroups cgroups;
	char *skip;    /* its "skip" as written, or NULL */
} rt_config;

/* The rules turned off, for ocirl_options.skip_rules. */
typedef struct {
	char *text;              /* the names, split in place */
	const char *names[64 + 1]; /* NULL-terminated: OCIRL__RULES_MAX + 1 */
} rt_skip;

/* Reads the config file named by $OCI_ROOTLESS_CONFIG, else
 * RT_DEFAULT_CONFIG. A missing default file is no error (an empty config);
 * a missing file named by the environment is. Lines are "key = value",
 * blank, or comments starting with "#"; a value may be in double quotes.
 * The known keys (runtime, mode, cgroups, skip) are checked; unknown keys are
 * ignored, so that a config written for a later version still works. */
int rt_config_load(rt_config *out, char **msg);
void rt_config_clear(rt_config *c);

/* The conversion mode: $OCI_ROOTLESS_MODE, else the config's, else auto. */
int rt_mode_resolve(ocirl_mode *out, const char **source, const rt_config *c, char **msg);

/* What happens to cgroup settings: $OCI_ROOTLESS_CGROUPS, else the
 * config's "cgroups", else auto. */
int rt_cgroups_resolve(ocirl_cgroups *out, const char **source, const rt_config *c, char **msg);

/* The rules turned off (names separated by commas or spaces, each checked
 * against the table): $OCI_ROOTLESS_SKIP, else the config's "skip", else
 * none. */
int rt_skip_resolve(rt_skip *out, const char **source, const rt_config *c, char **msg);
void rt_skip_clear(rt_skip *s);

/* Whether this host mounts cgroup v1 with a cgroup v2 hierarchy that holds
 * controllers (/sys/fs/cgroup/unified; $OCI_ROOTLESS_CGROUPFS names another
 * /sys/fs/cgroup, for tests), which crun refuses. */
bool rt_cgroups_hybrid(void);

/* The real runtime: $OCI_ROOTLESS_RUNTIME, else the config's "runtime",
 * else the first of crun and runc (runc first on a hybrid host, see
 * rt_cgroups_hybrid()). A value with a "/" is a path; a name is
 * looked up on $PATH, then in the usual system folders. Any candidate that
 * is this very program (same file once links are resolved) is skipped, and
 * a path naming it is an error. *out is a new string; *source tells where
 * it came from. */
int rt_runtime_find(char **out, const char **source, const rt_config *c, char **msg);

#endif
