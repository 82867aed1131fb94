/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a conversion rule is. Every rule of oci-rootless is one file in this
 * folder, lib/rules/NAME.c, defining one descriptor:
 *
 *     const ocirl_rule ocirl__rule_oom_score_adj = {
 *             .name = "oom-score-adj",
 *             .summary = "process.oomScoreAdj is raised to the caller's own",
 *             .reads = (const ocirl_field[]){ { "process", OCIRL_FIELD_OBJECT },
 *                                             { "process.oomScoreAdj", OCIRL_FIELD_INT }, { NULL } },
 *             .apply = apply,
 *     };
 *
 * The ordered table of rules is the list in lib/rules/meson.build (the
 * build makes rule-list.h from it); the driver (driver.c) runs it:
 *
 *   1. the types of every field any rule reads are checked, from the rules'
 *      reads (a field of the wrong type is an error naming its place);
 *   2. every rule's check() runs (its refusals: a user namespace joined by
 *      path, a process user that is not mapped);
 *   3. every rule's apply() runs, in the table's order.
 *
 * So a refusal leaves the config as it was. A rule turned off (--skip NAME)
 * runs neither check() nor apply(). The fields in reads are also all that
 * the fast parser builds nodes for: whatever no rule names there is kept as
 * text (OCIRL__PARSE_SKIP), so a rule that reads a field must list it.
 *
 * apply() changes nothing that is already as the rule wants it (a second
 * conversion changes nothing), and explains each change with
 * ocirl__rule_change(), which tags it with the rule's name.
 */
#ifndef OCIRL_RULE_H
#define OCIRL_RULE_H

#include <inttypes.h>
#include <stdio.h>

#include "internal.h"
#include "tree.h"

/* ---- what a rule reads ---- */

typedef enum {
	OCIRL_FIELD_ANY,    /* read as a whole (compared, removed): any type */
	OCIRL_FIELD_OBJECT,
	OCIRL_FIELD_ARRAY,
	OCIRL_FIELD_STRING, /* a string without \u0000 (the rules compare C strings) */
	OCIRL_FIELD_INT,    /* any integer */
	OCIRL_FIELD_UINT32, /* an integer from 0 to 4294967295 */
	OCIRL_FIELD_UINT64, /* an integer from 0 to 18446744073709551615 */
} ocirl_field_type;

enum {
	/* The field must be there (and not null) whenever its parent is. */
	OCIRL_FIELD_REQUIRED = 1 << 0,
};

/* One field a rule reads. path is dotted from the config's root: "linux",
 * "mounts[].options[]" ([] is every item of an array), and a key holding
 * dots in brackets: "linux.sysctl[net.ipv4.ping_group_range]". The parents
 * a path names are implied (an object before ".", an array before "[]");
 * a JSON null member counts as absent, a null item of an array as a value
 * of the wrong type. */
typedef struct {
	const char *path; /* NULL ends a list */
	ocirl_field_type type;
	unsigned flags;   /* OCIRL_FIELD_* */
} ocirl_field;

/* What many rules read, to put in their reads. */
#define OCIRL_FIELDS_NAMESPACES                                                  \
	{ "linux", OCIRL_FIELD_OBJECT, 0 }, { "linux.namespaces", OCIRL_FIELD_ARRAY, 0 }, \
		{ "linux.namespaces[]", OCIRL_FIELD_OBJECT, 0 },                          \
		{ "linux.namespaces[].type", OCIRL_FIELD_STRING, OCIRL_FIELD_REQUIRED },  \
		{ "linux.namespaces[].path", OCIRL_FIELD_STRING, 0 }
#define OCIRL_FIELDS_MOUNTS                                                                   \
	{ "mounts", OCIRL_FIELD_ARRAY, 0 }, { "mounts[]", OCIRL_FIELD_OBJECT, 0 },                  \
		{ "mounts[].destination", OCIRL_FIELD_STRING, OCIRL_FIELD_REQUIRED },                \
		{ "mounts[].type", OCIRL_FIELD_STRING, 0 }, { "mounts[].source", OCIRL_FIELD_STRING, 0 }, \
		{ "mounts[].options", OCIRL_FIELD_ARRAY, 0 }, { "mounts[].options[]", OCIRL_FIELD_STRING, 0 }

/* ---- a rule ---- */

typedef struct ocirl_rule_env ocirl_rule_env;

typedef struct ocirl_rule {
	const char *name;    /* stable: --explain, --skip, --list-rules, tests/rules/NAME/ */
	const char *summary; /* one line, for --list-rules and the README */
	unsigned modes;      /* the modes it applies in: OCIRL_RULE_MODE(...) bits, 0 for all */
	const ocirl_field *reads;
	int (*check)(ocirl_rule_env *e); /* refusals, before any rule changes anything; may be NULL */
	int (*apply)(ocirl_rule_env *e); /* the changes; may be NULL (a rule of refusals only) */
} ocirl_rule;

#define OCIRL_RULE_MODE(m) (1u << (m))

/* What every rule gets. */
struct ocirl_rule_env {
	ocirl_tree *tree;
	ocirl_node *config;
	/* config.linux when it is an object (NULL when absent or null): the
	 * rules that create it (ocirl__rule_linux()) update it. Not "linux",
	 * which GNU C predefines as 1. */
	ocirl_node *linux_;
	const ocirl_context *ctx;
	const ocirl_mappings *maps;
	ocirl_changes *changes;
	const ocirl_rule *rule; /* the rule running: its changes carry its name */
	ocirl_error **err;
};

/* The table (registry.c), in order, and its length. */
extern const ocirl_rule *const ocirl__rules[];
extern const size_t ocirl__rules_n;

/* Writes the merged schema of the rules' fields as C, for schema-table.h
 * (only in the build's generator, lib/rules/schema-gen.c); -1 after
 * printing why when the fields cannot be merged. */
int ocirl__rules_schema_write(FILE *f);

/* ---- helpers for the rules (rules.c) ---- */

/* The member key of obj, with JSON null read as absent. Inlined: the keys
 * are literals, whose length the compiler then knows. */
static inline __attribute__((always_inline)) ocirl_node *rule_get(const ocirl_node *obj, const char *key)
{
	ocirl_node *v = ocirl__node_get(obj, key);
	return v && v->type != OCIRL_NODE_NULL ? v : NULL;
}

static inline __attribute__((always_inline)) const char *rule_get_str(const ocirl_node *obj, const char *key)
{
	ocirl_node *v = rule_get(obj, key);
	return v ? ocirl__node_str(v) : NULL;
}

/* The caller's facts (OCIRL_FACT_*), each read when a rule first needs it:
 * ocirl_buffer_convert() starts with none; a context from
 * ocirl_context_new() has them all, and is not changed here. */
static inline const ocirl_context *rule_facts(const ocirl_rule_env *e, unsigned facts)
{
	if ((e->ctx->loaded & facts) != facts)
		ocirl__context_load((ocirl_context *)e->ctx, facts); /* allocated, never const */
	return e->ctx;
}

static inline int rule_nomem(const ocirl_rule_env *e)
{
	return ocirl__error_nomem(e->err);
}

/* Adds a change made by the running rule; -ENOMEM (with *e->err set) or 0.
 * kind and its place, for ocirl_changes_pointer(): the node at, or its
 * member key (key not NULL). For OCIRL_CHANGE_CHANGED and _REMOVED at is a
 * node of the input (the object a removed member was in, the array a
 * removed item was in with key NULL: pass the item itself); for _ADDED, a
 * node of the output (the added item, or the object with the added key).
 * where is the place for people ("linux.resources", "/dev/pts"), fmt the
 * message, "WHAT: WHY". */
int ocirl__rule_change(ocirl_rule_env *e, ocirl_change_kind kind, const ocirl_node *at, const char *key,
		       const char *where, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* config.linux, created when missing or null (and explained as the running
 * rule's change): the namespaces and mappings go there. NULL when out of
 * memory (with *e->err set). */
ocirl_node *ocirl__rule_linux(ocirl_rule_env *e);

/* The value of a JSON integer in [0, max]; false otherwise. */
bool ocirl__rule_uint(const ocirl_node *v, uint64_t max, uint64_t *out);

/* Whether the string array opts holds opt. */
bool ocirl__rule_options_have(const ocirl_node *opts, const char *opt);
/* Whether an option of opts, or a comma-separated part of one, is opt (the
 * kernel reads each part of mount data). */
bool ocirl__rule_options_have_part(const ocirl_node *opts, const char *opt);
/* Splits the comma-joined option opt: the parts for which drop(p, n,
 * dropped, arg) is true go (drop writes how it names them into dropped),
 * the others are written into kept as they are, empty ones too, joined by
 * commas. Returns how many parts went. */
size_t ocirl__rule_option_split(const char *opt, bool (*drop)(const char *p, size_t n, ocirl_buf *dropped, void *arg),
				void *arg, ocirl_buf *kept, ocirl_buf *dropped);
/* Removes every opt from opts; true when there was one. */
bool ocirl__rule_options_remove(ocirl_node *opts, const char *opt);

/* Whether the len bytes at opt are a mount option "uid=N" or "gid=N" with N
 * a plain decimal number (into *is_uid and *id). */
bool ocirl__rule_id_option(const char *opt, size_t len, bool *is_uid, uint64_t *id);

/* Whether the uid (is_uid) or gid id is mapped in the container. */
static inline bool rule_id_mapped(const ocirl_mappings *maps, bool is_uid, uint64_t id)
{
	return is_uid ? ocirl__mappings_cover(maps->uid, maps->n_uid, id) : ocirl__mappings_cover(maps->gid, maps->n_gid, id);
}

/* Removes obj.key when it is there, explained as "WHERE: removed: WHY". */
int ocirl__rule_drop(ocirl_rule_env *e, ocirl_node *obj, const char *key, const char *where, const char *why);
/* Removes hostname and domainname, each explained with why (own-namespaces,
 * hostname: a uts namespace where the container may not set them). */
int ocirl__rule_drop_names(ocirl_rule_env *e, const char *why);
/* Removes the keys of obj for which drop(key, arg) is true, each explained
 * as "PREFIX.KEY: removed: WHY". */
int ocirl__rule_drop_keys(ocirl_rule_env *e, ocirl_node *obj, bool (*drop)(const char *key, const void *arg),
			  const void *arg, const char *prefix, const char *why);

/* How the container gets a namespace of a type ("pid", "ipc", "network",
 * "uts", "cgroup"). */
typedef enum {
	OCIRL_NS_NEW,    /* an entry without a path: a new one */
	OCIRL_NS_CALLER, /* no entry, or a path naming the caller's own */
	OCIRL_NS_OTHER,  /* a path naming another one (or one that cannot be compared) */
} ocirl_ns_kind;
ocirl_ns_kind ocirl__rule_namespace(const ocirl_rule_env *e, const char *type);
/* Whether the kernel is at least major.minor: 1 yes, 0 no, -1 unknown (the
 * fact OCIRL_FACT_KERNEL: uname() for the real /proc/self only). */
int ocirl__rule_kernel_at_least(const ocirl_rule_env *e, unsigned major, unsigned minor);
/* The caller's own namespace of a config's type (in ctx's OCIRL_FACT_NS), or
 * NULL for a type without one here ("mount", "user", "time"). */
const ocirl_ns_id *ocirl__rule_caller_ns(const ocirl_context *ctx, const char *type);
/* Whether path names the caller's own namespace of that type (the same
 * device and inode as PROC_SELF/ns/TYPE); false when either is unknown. */
bool ocirl__rule_path_is_callers(const ocirl_rule_env *e, const char *type, const char *path);
/* The same, with the path of the entry (NULL for NEW and for no entry). */
ocirl_ns_kind ocirl__rule_namespace_path(const ocirl_rule_env *e, const char *type, const char **path);
/* The one question of the rules that mount what a namespace shows (sys,
 * proc, ipc-mounts): will the user namespace the container is in own the
 * namespace of that type ("network", "pid", "ipc") it is in? The kernel
 * lets only the owner (or an ancestor) mount a fresh sysfs, procfs or
 * mqueue. A new one (an entry without a path) is made in the container's
 * user namespace: yes. Otherwise, with a new user namespace (every mode but
 * inherit): no, it is new and owns nothing yet. In mode inherit, the caller's
 * user namespace: the kernel is asked (NS_GET_USERNS) about the caller's own
 * namespace or the one joined by path; no when it cannot tell. */
bool ocirl__rule_ns_owned(const ocirl_rule_env *e, const char *type);
/* The same question, with "cannot tell" apart: 1 owned, 0 not, -1 unknown
 * (in mode inherit, a path the kernel cannot be asked about). */
int ocirl__rule_ns_owner(const ocirl_rule_env *e, const char *type);

/* The mount's destination cleaned as runc does (relative ones are taken from
 * "/"); NULL when it has none or out of memory. */
char *ocirl__rule_mount_destination(const ocirl_node *mount);
/* A mount {destination: path, type, source: path, options} made in the tree;
 * NULL when out of memory. */
ocirl_node *ocirl__rule_bind_mount(ocirl_tree *t, const char *path, const char *type, const char *const *opts,
				   size_t n_opts);

/* Appends to the options array opts the restrictive flags of the options
 * old (ro, nosuid, nodev, noexec, nosymfollow and their recursive forms,
 * also as parts of a comma-joined option) that opts lacks: a bind put in place of a mount keeps what the mount took
 * away. -1 when out of memory. */
int ocirl__rule_keep_restrictive(ocirl_tree *t, ocirl_node *opts, const ocirl_node *old);

/* Every mount of that type at that (cleaned) destination becomes, in its
 * place, a recursive bind of the host's path (rbind, nosuid, noexec, nodev,
 * and the replaced mount's other restrictive flags), or is removed when
 * bind is false; each explained with why. */
int ocirl__rule_replace_mounts(ocirl_rule_env *e, const char *dest, const char *type, bool bind, const char *why);


#endif
