/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless: make an OCI runtime config.json runnable without root.
 *
 * The library reads a config.json written for root, applies the rootless
 * conversion rules and writes it back, changing nothing it does not need to:
 * unknown fields, key order and numbers are kept as read.
 *
 * Conventions (as libgit2's and crun's):
 *  - Names are ocirl_<noun>_<verb>; out-parameters come first and are named
 *    "out"; options structs carry a version and have an _INIT macro.
 *  - A function that can fail returns 0 on success (and leaves *err alone),
 *    or a negative errno-style value on failure and, when err is not NULL,
 *    sets *err to a newly allocated ocirl_error that the caller frees with
 *    ocirl_error_free(). Out-parameters are only written on success.
 *  - The library never prints, never exits and never aborts on allocation
 *    failure.
 *  - Every free function accepts NULL.
 *
 * This header needs only the C standard library; json-c appears only as an
 * incomplete type (struct json_object) in the functions that take a tree.
 */
#ifndef OCI_ROOTLESS_H
#define OCI_ROOTLESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(OCIRL_STATIC)
#define OCIRL_EXPORT __attribute__((visibility("default")))
#else
#define OCIRL_EXPORT
#endif

struct json_object;

/** The library's version, "MAJOR.MINOR.PATCH". */
OCIRL_EXPORT const char *ocirl_version(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/** What kind of failure an error is; the CLI maps each to an exit code. */
typedef enum {
	/** Invalid input: not JSON, or a field of the wrong type (exit 3). */
	OCIRL_ERROR_INPUT = 1,
	/** The config cannot be made rootless in this mode: not in a user
	 *  namespace, no subordinate ids, a user namespace joined by path
	 *  (exit 4). */
	OCIRL_ERROR_UNSUPPORTED,
	/** Reading or writing a file failed; errnum tells why (exit 5). */
	OCIRL_ERROR_IO,
	/** Out of memory (exit 5). */
	OCIRL_ERROR_NOMEM,
	/** An invalid argument from the caller (exit 2). */
	OCIRL_ERROR_USAGE,
} ocirl_error_kind;

/** An error: its kind, the errno behind it (or 0) and a message that names
 *  the place (file, line and column, or the field such as
 *  "mounts[3].options[1]"). */
typedef struct ocirl_error {
	ocirl_error_kind kind;
	int errnum;
	char *message;
} ocirl_error;

/** Frees an error; NULL is allowed. */
OCIRL_EXPORT void ocirl_error_free(ocirl_error *err);

/* ------------------------------------------------------------------------ */
/* Id mappings                                                               */
/* ------------------------------------------------------------------------ */

/** One OCI id mapping: ids [container_id, container_id + size) in the
 *  container are host_id... in the namespace the runtime runs in. */
typedef struct {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
} ocirl_id_mapping;

/** The most lines a kernel id map may have (Linux 4.15 and later). */
#define OCIRL_MAX_MAPPINGS 340

/** How the container's id mappings are made. */
typedef enum {
	/** Inside a user namespace: inherit for uid 0 (a runtime or daemon run
	 *  as root there, as in RootlessKit), userns for another uid; outside
	 *  any: single, and an error as root. */
	OCIRL_MODE_AUTO = 0,
	/** The caller is inside a user namespace: the container gets a new
	 *  one that reproduces the caller's maps (sorted, renumbered from 0). */
	OCIRL_MODE_USERNS,
	/** As "runc spec --rootless": container root is the caller's
	 *  effective uid and gid, size 1. */
	OCIRL_MODE_SINGLE,
	/** As single, followed by the caller's ranges from /etc/subuid and
	 *  /etc/subgid, numbered from 1; the runtime calls newuidmap. */
	OCIRL_MODE_SUBID,
	/** The caller is inside a user namespace and the container stays in
	 *  it: no user namespace and no mappings in the config; the ids that
	 *  count as mapped are the caller's own inside ids. For a runtime run
	 *  as root inside RootlessKit or Podman's user namespace. */
	OCIRL_MODE_INHERIT,
} ocirl_mode;

/** What happens to linux.resources and linux.cgroupsPath. */
typedef enum {
	/** Keep what the runtime's cgroup driver (ocirl_cgroup_manager) can
	 *  enforce for a rootless container, and only that. cgroupfs: when the
	 *  parent of the caller's cgroup v2 cgroup is writable by it (a
	 *  delegated subtree), the resources of the controllers its children
	 *  get stay (devices never) and cgroupsPath becomes an absolute path
	 *  there, which runc and crun both resolve alike; else, as on cgroup
	 *  v1, everything goes. systemd: the resources of the controllers
	 *  delegated to the user's systemd manager (user@UID.service) stay,
	 *  and a cgroupsPath not of the form "slice:prefix:name" goes. */
	OCIRL_CGROUPS_AUTO = 0,
	/** Remove linux.resources and linux.cgroupsPath. */
	OCIRL_CGROUPS_DROP,
	/** Leave them alone. */
	OCIRL_CGROUPS_KEEP,
} ocirl_cgroups;

/** The cgroup driver the runtime will use: runc's --systemd-cgroup and
 *  crun's --cgroup-manager=systemd choose systemd; both default to
 *  cgroupfs. */
typedef enum {
	/** The runtime creates the container's cgroup itself, under
	 *  /sys/fs/cgroup. */
	OCIRL_CGROUP_MANAGER_CGROUPFS = 0,
	/** The runtime asks systemd (for a rootless container, the user's
	 *  manager over D-Bus) for a scope. */
	OCIRL_CGROUP_MANAGER_SYSTEMD,
} ocirl_cgroup_manager;

/** The name of a cgroup driver ("cgroupfs", "systemd"). */
OCIRL_EXPORT const char *ocirl_cgroup_manager_name(ocirl_cgroup_manager manager);

/** Parses a cgroup driver's name into *out. Returns 0, or -EINVAL. */
OCIRL_EXPORT int ocirl_cgroup_manager_parse(ocirl_cgroup_manager *out, const char *name);

/** The name of a cgroups choice ("auto", "drop", "keep"). */
OCIRL_EXPORT const char *ocirl_cgroups_name(ocirl_cgroups cgroups);

/** Parses a cgroups choice into *out. Returns 0, or -EINVAL. */
OCIRL_EXPORT int ocirl_cgroups_parse(ocirl_cgroups *out, const char *name);

/** The name of a mode ("auto", "userns", ...). */
OCIRL_EXPORT const char *ocirl_mode_name(ocirl_mode mode);

/** Parses a mode name into *out. Returns 0, or -EINVAL for an unknown name. */
OCIRL_EXPORT int ocirl_mode_parse(ocirl_mode *out, const char *name);

/** Options of the conversion. Initialise with OCIRL_OPTIONS_INIT or
 *  ocirl_options_init(); NULL options mean the defaults. Every path can be
 *  overridden so that tests never read the real /proc or /etc. */
typedef struct {
	unsigned int version;
	ocirl_mode mode;
	/** The caller's uid and gid map; default PROC_SELF/uid_map and
	 *  PROC_SELF/gid_map. Also used to tell whether the caller is inside
	 *  a user namespace (outside, the uid map is "0 0 4294967295"). */
	const char *uid_map_path;
	const char *gid_map_path;
	/** The caller's ids for single and subid; -1 means geteuid()/getegid().
	 *  A uid given with gid -1 takes that user's group from the password
	 *  file (passwd_path); a uid it does not know is then an error
	 *  (OCIRL_ERROR_USAGE). */
	int64_t uid;
	int64_t gid;
	/** The user whose subordinate ids are looked up (by name and by
	 *  number); NULL means the name of uid in the password file, else (the
	 *  shared library only, not the static programs) in the password
	 *  database through NSS. Entries by number match either way. */
	const char *user_name;
	/** Default /etc/subuid and /etc/subgid. */
	const char *subuid_path;
	const char *subgid_path;
	/** What to do with cgroup settings. */
	ocirl_cgroups cgroups;
	/** Where the caller's facts are read (default /proc/self): uid_map,
	 *  gid_map, oom_score_adj, limits, cgroup, mountinfo, ns/{pid,ipc,net,
	 *  user}. A missing file makes the fix-up that needs it conservative. */
	const char *proc_self_path;
	/** The cgroup v2 mount (default /sys/fs/cgroup). */
	const char *cgroup_root;
	/** The sources of bind mounts are looked up under this folder to find
	 *  the flags of the mount they lie on (default: "/"); for a config
	 *  prepared for another root, and for tests. */
	const char *source_root;
	/** Version 2: the rules turned off (their changes and their refusals),
	 *  by name (ocirl_rule_name()), as a NULL-terminated array; NULL for
	 *  none. An unknown name makes ocirl_context_new() and
	 *  ocirl_buffer_convert() fail with OCIRL_ERROR_USAGE. */
	const char *const *skip_rules;
	/** Version 2: the password file, for the user's name (subid) and the
	 *  group of a uid given alone; default /etc/passwd. */
	const char *passwd_path;
	/** Version 3: the cgroup driver the runtime will use (cgroups auto
	 *  keeps only what that driver enforces). */
	ocirl_cgroup_manager cgroup_manager;
	/** Version 3: the container's id, for the cgroup auto writes when the
	 *  config has no cgroupsPath (cgroupfs driver): PARENT/ID, as runc
	 *  names it. NULL: "oci-rootless-" and 16 random hex digits. */
	const char *container_id;
} ocirl_options;

#define OCIRL_OPTIONS_VERSION 3
#define OCIRL_OPTIONS_INIT \
	{ OCIRL_OPTIONS_VERSION, OCIRL_MODE_AUTO, NULL, NULL, -1, -1, NULL, NULL, NULL, \
	  OCIRL_CGROUPS_AUTO, NULL, NULL, NULL, NULL, NULL, OCIRL_CGROUP_MANAGER_CGROUPFS, NULL }

/** Initialises opts to the defaults of the given version (1, 2 or 3; a
 *  program built against version 1 passes a struct that ends before
 *  skip_rules, one built against version 2 a struct that ends before
 *  cgroup_manager: what is not there is not written). Returns 0, or
 *  -EINVAL for a version this library does not know. */
OCIRL_EXPORT int ocirl_options_init(ocirl_options *opts, unsigned int version);

/** The mappings a conversion applies, with the mode they come from. */
typedef struct {
	ocirl_mode mode; /**< never OCIRL_MODE_AUTO */
	ocirl_id_mapping *uid;
	size_t n_uid;
	ocirl_id_mapping *gid;
	size_t n_gid;
} ocirl_mappings;

/** Works out the mappings for opts (reading the caller's maps, ids and
 *  subordinate ranges as the mode needs) into a new *out, freed with
 *  ocirl_mappings_free(). Fails with OCIRL_ERROR_UNSUPPORTED when the mode
 *  cannot apply (userns outside a user namespace, no subordinate ids, auto
 *  as root outside a user namespace). */
OCIRL_EXPORT int ocirl_mappings_resolve(ocirl_mappings **out, const ocirl_options *opts,
					ocirl_error **err);

/** Frees mappings; NULL is allowed. */
OCIRL_EXPORT void ocirl_mappings_free(ocirl_mappings *m);

/** Parses the text of a kernel id map (/proc/PID/uid_map: lines of
 *  "INSIDE OUTSIDE COUNT") into a new array *out of *out_n entries, in file
 *  order, with container_id = INSIDE, host_id = OUTSIDE, size = COUNT.
 *  name is used in error messages. Free *out with free(). */
OCIRL_EXPORT int ocirl_idmap_parse(ocirl_id_mapping **out, size_t *out_n, const char *text,
				   size_t len, const char *name, ocirl_error **err);

/** Parses /etc/subuid-style text ("NAME_OR_ID:START:COUNT" lines) and
 *  returns in a new array *out the ranges of the user given by name (may be
 *  NULL) or by id, sorted by start, overlapping ranges merged;
 *  container_id is 0 and host_id is START. Free *out with free(). */
OCIRL_EXPORT int ocirl_subid_parse(ocirl_id_mapping **out, size_t *out_n, const char *text,
				   size_t len, const char *user_name, uint32_t user_id,
				   const char *name, ocirl_error **err);

/* ------------------------------------------------------------------------ */
/* Changes                                                                   */
/* ------------------------------------------------------------------------ */

/** The list of changes a conversion made, each with its place and reason. */
typedef struct ocirl_changes ocirl_changes;

/** Creates an empty list. Returns 0 or -ENOMEM. */
OCIRL_EXPORT int ocirl_changes_new(ocirl_changes **out);
/** Frees a list; NULL is allowed. */
OCIRL_EXPORT void ocirl_changes_free(ocirl_changes *changes);
/** How many changes the list holds. */
OCIRL_EXPORT size_t ocirl_changes_count(const ocirl_changes *changes);
/** The place of change i: a field ("linux.resources") or a mount's
 *  destination ("/dev/pts"). NULL when i is out of range. */
OCIRL_EXPORT const char *ocirl_changes_where(const ocirl_changes *changes, size_t i);
/** The name of the rule that made change i ("sys", "id-options": see
 *  ocirl_rule_name()). NULL when i is out of range. */
OCIRL_EXPORT const char *ocirl_changes_rule(const ocirl_changes *changes, size_t i);
/** What change i did and why ("dropped option gid=5: gid 5 is not mapped
 *  in the container"). NULL when i is out of range. */
OCIRL_EXPORT const char *ocirl_changes_message(const ocirl_changes *changes, size_t i);

/** What a change did to its place. */
typedef enum {
	/** The value there was edited or replaced (the place is in the input). */
	OCIRL_CHANGE_CHANGED = 0,
	/** The value there was removed (the place is in the input). */
	OCIRL_CHANGE_REMOVED,
	/** The value there is new (the place is in the output). */
	OCIRL_CHANGE_ADDED,
} ocirl_change_kind;

/** "changed", "removed", "added" ("unknown" for another value). */
OCIRL_EXPORT const char *ocirl_change_kind_name(ocirl_change_kind kind);
/** The kind of change i (OCIRL_CHANGE_CHANGED when i is out of range). */
OCIRL_EXPORT ocirl_change_kind ocirl_changes_kind(const ocirl_changes *changes, size_t i);
/** Change i's message up to its first ": " outside quotes and brackets:
 *  what was done ("dropped option gid=5"). NULL when i is out of range. */
OCIRL_EXPORT const char *ocirl_changes_what(const ocirl_changes *changes, size_t i);
/** The rest of the message: why ("gid 5 is not mapped in the container");
 *  "" when the message has no reason. NULL when i is out of range. */
OCIRL_EXPORT const char *ocirl_changes_why(const ocirl_changes *changes, size_t i);
/** Asks the list, before a conversion fills it, for the places of the
 *  changes as JSON Pointers (ocirl_changes_pointer()). It costs a walk of
 *  the config before and after the rules; a list not asked has none. */
OCIRL_EXPORT void ocirl_changes_want_pointers(ocirl_changes *changes);
/** The place of change i as a JSON Pointer (RFC 6901, "/mounts/3/options/1"):
 *  into the input for what was changed or removed, into the output for what
 *  was added (ocirl_changes_in_output() tells which). NULL when i is out of
 *  range or the list was not asked for pointers. */
OCIRL_EXPORT const char *ocirl_changes_pointer(const ocirl_changes *changes, size_t i);
/** Whether ocirl_changes_pointer(changes, i) points into the output. */
OCIRL_EXPORT bool ocirl_changes_in_output(const ocirl_changes *changes, size_t i);

/* ------------------------------------------------------------------------ */
/* Rules                                                                     */
/* ------------------------------------------------------------------------ */

/** How many rules the conversion has. Rule i runs before rule i + 1. */
OCIRL_EXPORT size_t ocirl_rules_count(void);
/** The stable name of rule i ("user-namespace", "sys", ...), as --explain,
 *  --skip and ocirl_changes_rule() give it; NULL when i is out of range. */
OCIRL_EXPORT const char *ocirl_rule_name(size_t i);
/** One line on what rule i does; NULL when i is out of range. */
OCIRL_EXPORT const char *ocirl_rule_summary(size_t i);
/** The modes rule i runs in, as bits (1u << OCIRL_MODE_USERNS) ...; 0 when
 *  i is out of range. */
OCIRL_EXPORT unsigned int ocirl_rule_modes(size_t i);
/** The index of the rule named name into *out. Returns 0, or -ENOENT. */
OCIRL_EXPORT int ocirl_rule_find(size_t *out, const char *name);

/* ------------------------------------------------------------------------ */
/* Configs                                                                   */
/* ------------------------------------------------------------------------ */

/** The deepest nesting of JSON accepted. */
#define OCIRL_MAX_DEPTH 64

/** Parses a config into a json-c tree: exactly one JSON object, strict JSON
 *  (RFC 8259), valid UTF-8, no trailing data, nesting at most
 *  OCIRL_MAX_DEPTH; refused as well is what json-c could not keep exactly
 *  (an integer outside the 64-bit ranges, a lone surrogate escape, \u0000
 *  in a key) and a repeated key (runc would merge repeated objects).
 *  Doubles keep their text, so they are written back as read. name (a file
 *  name) starts the error messages, which give line and column. The new
 *  tree in *out is released with json_object_put(). */
OCIRL_EXPORT int ocirl_config_parse(struct json_object **out, const char *data, size_t len,
				    const char *name, ocirl_error **err);

/** Output styles for ocirl_config_serialize(). */
typedef enum {
	/** Indented, one value a line, the indent unit taken from indent
	 *  (a tab when NULL), as "runc spec" writes. */
	OCIRL_STYLE_PRETTY = 0,
	/** One line, no spaces. */
	OCIRL_STYLE_COMPACT,
} ocirl_style;

/** Writes a tree as JSON text into a new NUL-terminated buffer *out of
 *  *out_len bytes (free() it). final_newline adds a "\n". Strings are
 *  written unescaped where JSON allows it (no "\/"). A tree nested deeper
 *  than OCIRL_MAX_DEPTH is refused (OCIRL_ERROR_INPUT). */
OCIRL_EXPORT int ocirl_config_serialize(char **out, size_t *out_len, struct json_object *config,
					ocirl_style style, const char *indent, int final_newline,
					ocirl_error **err);

/** Everything a conversion needs to know besides the config: the mode's
 *  mappings and the caller's facts (its oom_score_adj, its hard rlimits,
 *  its pid, ipc and network namespaces, whether its /dev/mqueue is an mqueue
 *  mount, its cgroup and whether it is delegated). */
typedef struct ocirl_context ocirl_context;

/** Resolves the mappings (as ocirl_mappings_resolve()) and reads the
 *  caller's facts into a new *out, freed with ocirl_context_free(). */
OCIRL_EXPORT int ocirl_context_new(ocirl_context **out, const ocirl_options *opts, ocirl_error **err);

/** Frees a context; NULL is allowed. */
OCIRL_EXPORT void ocirl_context_free(ocirl_context *ctx);

/** The mappings of a context (owned by it). */
OCIRL_EXPORT const ocirl_mappings *ocirl_context_mappings(const ocirl_context *ctx);

/** Applies the conversion rules to config in place, for the given context:
 *  every object and array of config that stays is the same json_object
 *  afterwards (pointers taken before stay valid); a removed or replaced
 *  value is released. A config nested deeper than OCIRL_MAX_DEPTH is
 *  refused. When changes is not NULL, one entry is added to it for each
 *  change made.
 *  Nothing is changed that is already as the rules want it, so converting
 *  twice changes nothing the second time. Every field the rules read is
 *  checked before anything changes: on an error (a field of the wrong type,
 *  a user namespace joined by path, a process user that is not mapped) the
 *  config is unchanged, but for running out of memory.
 *
 * The rules run in the order of ocirl_rule_name(0), ocirl_rule_name(1), ...
 * (each is lib/rules/NAME.c; the README's table says what each does and
 * why); opts->skip_rules of the context's options turns some off. In short:
 * linux.namespaces ends with one user namespace and the id mappings are the
 * mode's; /sys, /proc, /dev/mqueue and /dev/shm mounts a rootless runtime
 * cannot make become binds of the host's; uid=/gid= mount options, cgroup
 * settings, additional gids, oomScoreAdj, rlimits, net sysctls and bind
 * mount flags are brought within what the caller may set; netDevices and
 * intelRdt go. Each change names its rule (ocirl_changes_rule()).
 */
OCIRL_EXPORT int ocirl_config_convert(ocirl_changes *changes, struct json_object *config,
				      const ocirl_context *ctx, ocirl_error **err);

/** Flags for ocirl_buffer_convert(). */
enum {
	/** Write one line, whatever the input looked like. */
	OCIRL_CONVERT_COMPACT = 1 << 0,
	/** Write indented text (the input's indent unit, else a tab), whatever
	 *  the input looked like. */
	OCIRL_CONVERT_PRETTY = 1 << 1,
};

/** Everything in one call: parses data (name is used in messages), resolves
 *  the mappings for opts, converts and serializes into a new buffer *out of
 *  *out_len bytes (free() it). Unless flags say otherwise the output looks
 *  like the input: a one-line input gives one line, an indented one keeps
 *  its indent unit, and a final newline is kept or not as in the input;
 *  keys, strings and numbers no rule changed are written byte for byte as
 *  read (escapes too). When changes is not NULL, the changes are added to
 *  it. This is the fast path: no json-c tree is built, and each of the
 *  caller's facts is read only if a rule needs it for this config. */
OCIRL_EXPORT int ocirl_buffer_convert(char **out, size_t *out_len, ocirl_changes *changes,
				      const char *data, size_t len, const char *name,
				      const ocirl_options *opts, unsigned int flags,
				      ocirl_error **err);

/* ------------------------------------------------------------------------ */
/* Files                                                                     */
/* ------------------------------------------------------------------------ */

/** Reads the file at path into a new NUL-terminated buffer *out of *out_len
 *  bytes (free() it). A file larger than max bytes is refused with
 *  OCIRL_ERROR_INPUT; a folder with OCIRL_ERROR_IO (EISDIR). */
OCIRL_EXPORT int ocirl_file_read(char **out, size_t *out_len, const char *path, size_t max,
				 ocirl_error **err);

/** As ocirl_file_read(), from an open file descriptor (standard input, a
 *  pipe); name is used in error messages. */
OCIRL_EXPORT int ocirl_fd_read(char **out, size_t *out_len, int fd, const char *name, size_t max,
			       ocirl_error **err);

/** Replaces the content of the file at path atomically: a new file in the
 *  same folder, synced, with the old file's mode (and owner where the
 *  caller may set it), renamed over the old one. A symbolic link is
 *  followed and its target replaced. On error the file is unchanged and no
 *  temporary file is left. */
OCIRL_EXPORT int ocirl_file_replace(const char *path, const char *data, size_t len, ocirl_error **err);

#ifdef __cplusplus
}
#endif

#endif /* OCI_ROOTLESS_H */
