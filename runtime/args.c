/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: reading runc's and crun's command lines.
 *
 * runc parses with Go's flag package (through urfave/cli): an option is
 * "-name" or "--name", its value follows as "name=value" or as the next
 * argument, a boolean takes no next argument ("--debug=false" only), and
 * "--" ends the options. crun parses with GNU argp: long options as above,
 * and a short option may carry its value ("-bDIR"). The tables below list
 * every option of runc 1.1 and crun 1.8 that takes a value; any other
 * option is taken to have none, unless written "--name=value".
 */
#include <stddef.h>
#include <string.h>

#include "args.h"

typedef struct {
	const char *name;
	bool value;
} option_def;

/* Global options of runc and crun (before the subcommand). */
static const option_def global_options[] = {
	{ "root", true },       { "log", true },         { "log-format", true },
	{ "criu", true },       { "rootless", true },    { "cgroup-manager", true },
	{ "log-level", true },  { "debug", false },      { "systemd-cgroup", false },
	{ "help", false },      { "h", false },          { "?", false },
	{ "usage", false },     { "version", false },    { "v", false },
	{ "V", false },         { NULL, false },
};

/* Options of create and run, runc's and crun's. */
static const option_def create_options[] = {
	{ "bundle", true },        { "b", true },          { "config", true },
	{ "f", true },             { "console-socket", true }, { "pid-file", true },
	{ "preserve-fds", true },  { "detach", false },    { "d", false },
	{ "keep", false },         { "no-subreaper", false }, { "no-pivot", false },
	{ "no-new-keyring", false }, { "help", false },    { "h", false },
	{ "?", false },            { "usage", false },     { NULL, false },
};

/* One option argument, split: its name without dashes and its value after
 * "=", or NULL. */
typedef struct {
	const char *name;
	size_t name_len;
	const char *value;
	bool single_dash;
} option_arg;

static bool is_option(const char *arg)
{
	/* "-" alone is an argument, as for both runtimes; "--" is handled by
	 * the callers. */
	return arg[0] == '-' && arg[1] != '\0';
}

static option_arg split_option(const char *arg)
{
	option_arg o = { 0 };
	o.single_dash = arg[1] != '-';
	o.name = arg + (o.single_dash ? 1 : 2);
	const char *eq = strchr(o.name, '=');
	o.name_len = eq ? (size_t)(eq - o.name) : strlen(o.name);
	o.value = eq ? eq + 1 : NULL;
	return o;
}

static bool name_is(const option_arg *o, const char *name)
{
	return strlen(name) == o->name_len && strncmp(o->name, name, o->name_len) == 0;
}

static const option_def *lookup(const option_def *table, const option_arg *o)
{
	for (const option_def *d = table; d->name; d++)
		if (name_is(o, d->name))
			return d;
	return NULL;
}

/* A boolean's "=value", as Go's strconv.ParseBool reads it; anything that
 * is not false counts as true. */
static bool bool_value(const char *v)
{
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
	if (!v)
		return true;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(v, no[i]) == 0)
			return false;
	return true;
}

void rt_args_parse(rt_args *out, int argc, char *const argv[])
{
	rt_args a = { 0 };
	int i = 1;

	/* Global options, up to the subcommand. */
	for (; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (!is_option(arg))
			break;
		option_arg o = split_option(arg);
		const option_def *d = lookup(global_options, &o);
		if (d && d->value && !o.value) {
			if (i + 1 >= argc) {
				a.malformed = true;
				break;
			}
			o.value = argv[++i];
		}
		if (!d)
			continue;
		if (name_is(&o, "root"))
			a.root = o.value;
		else if (name_is(&o, "log"))
			a.log = o.value;
		else if (name_is(&o, "log-format"))
			a.log_format = o.value;
		else if (name_is(&o, "debug"))
			a.debug = bool_value(o.value);
		else if (name_is(&o, "systemd-cgroup"))
			a.systemd_cgroup = bool_value(o.value);
		else if (name_is(&o, "cgroup-manager")) {
			a.systemd_cgroup = strcmp(o.value, "systemd") == 0;
			a.cgroups_disabled = strcmp(o.value, "disabled") == 0;
		}
		else if (name_is(&o, "help") || name_is(&o, "h") || name_is(&o, "?") || name_is(&o, "usage") ||
			 name_is(&o, "version") || name_is(&o, "v") || name_is(&o, "V")) {
			a.global_info = true;
			a.version = name_is(&o, "version") || name_is(&o, "v") || name_is(&o, "V");
			a.info = arg;
		}
	}
	a.command = !a.malformed && i < argc ? i : 0;

	/* The subcommand's own options and arguments: runc reads options
	 * anywhere before "--", also after the container id. */
	if (a.command) {
		bool options_done = false;
		for (i = a.command + 1; i < argc; i++) {
			const char *arg = argv[i];
			if (options_done || !is_option(arg)) {
				if (!a.n_args)
					a.id = arg;
				a.n_args++;
				continue;
			}
			if (strcmp(arg, "--") == 0) {
				options_done = true;
				continue;
			}
			option_arg o = split_option(arg);
			const option_def *d = lookup(create_options, &o);
			if (!d && o.single_dash && (o.name[0] == 'b' || o.name[0] == 'f') && o.name[1] != '\0') {
				/* argp's "-bDIR" and "-fFILE" */
				o.value = o.name + 1;
				o.name_len = 1;
				d = lookup(create_options, &o);
			}
			if (d && d->value && !o.value) {
				if (i + 1 >= argc) {
					a.malformed = true;
					break;
				}
				o.value = argv[++i];
			}
			if (!d)
				continue;
			if (name_is(&o, "bundle") || name_is(&o, "b"))
				a.bundle = o.value;
			else if (name_is(&o, "config") || name_is(&o, "f"))
				a.config = o.value;
			else if (name_is(&o, "help") || name_is(&o, "h") || name_is(&o, "?") || name_is(&o, "usage"))
				a.help = true;
		}
	}
	*out = a;
}

const char *rt_args_command(const rt_args *a, char *const argv[])
{
	return a->command ? argv[a->command] : NULL;
}

bool rt_args_converts(const rt_args *a, char *const argv[])
{
	const char *cmd = rt_args_command(a, argv);
	if (!cmd || a->malformed || a->global_info || a->help || a->n_args < 1)
		return false;
	return strcmp(cmd, "create") == 0 || strcmp(cmd, "run") == 0;
}
