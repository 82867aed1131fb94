/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: reading runc's command line without changing it.
 *
 * The wrapper only needs to know a few things about its arguments: the
 * global options it writes its own errors with (--log, --log-format,
 * --debug), where the subcommand is, and for create and run, where the
 * bundle and its config are. argv itself is never modified.
 */
#ifndef OCIRL_RUNTIME_ARGS_H
#define OCIRL_RUNTIME_ARGS_H

#include <stdbool.h>

typedef struct {
	/* Global options, pointing into argv; NULL when absent. */
	const char *root;
	const char *log;
	const char *log_format;
	bool debug;
	/* runc's --systemd-cgroup, or crun's --cgroup-manager=systemd: the
	 * runtime's cgroup driver is systemd (the last such option counts) */
	bool systemd_cgroup;
	/* crun's --cgroup-manager=disabled: no cgroup, no limit */
	bool cgroups_disabled;
	/* --help, --version or their short forms before the subcommand. */
	bool global_info;
	bool version; /* that option is --version, -v or -V (else a help) */
	const char *info; /* the option as written ("--version"), or NULL */
	/* The index of the subcommand in argv, or 0 when there is none. */
	int command;

	/* Options of create and run; NULL when absent. */
	const char *bundle; /* -b, --bundle: NULL means the working directory */
	const char *config; /* crun's -f, --config */
	bool help;          /* the subcommand's own --help */
	int n_args;         /* arguments that are not options (the container id) */
	const char *id;     /* the first of them, or NULL */

	/* An option that needs a value came last, without one: the runtime
	 * will refuse the command line, so the wrapper touches nothing. */
	bool malformed;
} rt_args;

/* Reads argv the way runc (Go's flag package: "-name" and "--name",
 * "name=value" or "name value", "--" ends the options) and crun (GNU argp:
 * "-bDIR") read it. Options it does not know are taken as taking no value
 * unless written "--name=value". Never fails. */
void rt_args_parse(rt_args *out, int argc, char *const argv[]);

/* The subcommand, or NULL when there is none. */
const char *rt_args_command(const rt_args *a, char *const argv[]);

/* Whether this command line creates a container from a bundle (create or
 * run with a container id, no --help, nothing malformed): the only case in
 * which the wrapper converts the bundle's config. */
bool rt_args_converts(const rt_args *a, char *const argv[]);

#endif
