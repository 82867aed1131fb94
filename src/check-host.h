/* SPDX-License-Identifier: Apache-2.0 */
/* oci-rootless --check-host (check-host.c). */
#ifndef OCIRL_CHECK_HOST_H
#define OCIRL_CHECK_HOST_H

#include <stdint.h>

typedef struct {
	const char *host_root;       /* the host's files are read under it; NULL: / */
	const char *proc_self;       /* the caller's /proc/self (mountinfo, cgroup); NULL: /proc/self */
	const char *cgroup_root;     /* the cgroup v2 mount; NULL: /sys/fs/cgroup */
	const char *path;            /* PATH, to find newuidmap and the runtimes */
	const char *xdg_runtime_dir; /* $XDG_RUNTIME_DIR */
	const char *user_name;       /* NULL: the uid's name in HOST_ROOT/etc/passwd */
	int64_t uid;                 /* -1: geteuid() */
} check_host_options;

/* Prints the findings on stdout; returns the exit status: 1 when one is a
 * problem (no rootless container can start), else 0. */
int check_host(const check_host_options *o);

#endif
