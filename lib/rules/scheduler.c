/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scheduler: process.scheduler and process.ioPriority (runtime-spec 1.2)
 * go when the caller could not set them on itself: a real-time policy
 * (SCHED_FIFO, SCHED_RR) with a priority above the caller's RLIMIT_RTPRIO
 * hard limit, SCHED_DEADLINE (always privileged), a nice below what
 * RLIMIT_NICE allows (20 - its hard limit); IOPRIO_CLASS_RT (privileged).
 * Each needs CAP_SYS_NICE (or CAP_SYS_ADMIN) outside any user namespace,
 * which no rootless runtime has. runc 1.1 and crun 1.8 ignore both fields,
 * so this is shown by the golden and unit tests only. With the limits
 * unknown, a real-time policy or a negative nice stays.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "process", OCIRL_FIELD_OBJECT, 0 },
	{ "process.scheduler", OCIRL_FIELD_OBJECT, 0 },
	{ "process.scheduler.policy", OCIRL_FIELD_STRING, 0 },
	{ "process.scheduler.priority", OCIRL_FIELD_INT, 0 },
	{ "process.scheduler.nice", OCIRL_FIELD_INT, 0 },
	{ "process.ioPriority", OCIRL_FIELD_OBJECT, 0 },
	{ "process.ioPriority.class", OCIRL_FIELD_STRING, 0 },
	{ NULL, 0, 0 },
};

/* The caller's hard limit of resource name, or -1 when unknown (UINT64_MAX: unlimited). */
static int64_t hard_limit(const ocirl_rule_env *e, const char *name)
{
	const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_LIMITS);
	int i = ocirl__rlimit_index(name);
	if (i < 0 || !ctx->hard_known[i])
		return -1;
	return ctx->hard[i] > INT64_MAX ? INT64_MAX : (int64_t)ctx->hard[i];
}

/* Why the scheduler cannot be set, or NULL. */
static const char *scheduler_why(const ocirl_rule_env *e, const ocirl_node *s, char *buf, size_t size)
{
	const char *policy = rule_get_str(s, "policy");
	ocirl_node *prio = rule_get(s, "priority"), *nice = rule_get(s, "nice");
	if (policy && strcmp(policy, "SCHED_DEADLINE") == 0)
		return "SCHED_DEADLINE needs CAP_SYS_NICE outside any user namespace";
	if (policy && (strcmp(policy, "SCHED_FIFO") == 0 || strcmp(policy, "SCHED_RR") == 0) && prio && !prio->flag) {
		int64_t rt = hard_limit(e, "RLIMIT_RTPRIO");
		if (rt >= 0 && prio->i > rt) {
			snprintf(buf, size,
				 "%s priority %" PRId64 " is above the caller's RLIMIT_RTPRIO hard limit %" PRId64
				 ": a higher one needs CAP_SYS_NICE outside any user namespace",
				 policy, prio->i, rt);
			return buf;
		}
	}
	if (nice && !nice->flag && nice->i < 0) {
		int64_t n = hard_limit(e, "RLIMIT_NICE");
		if (n >= 0 && nice->i < 20 - (n > 40 ? 40 : n)) {
			snprintf(buf, size,
				 "nice %" PRId64 " is below %" PRId64 ", the lowest the caller's RLIMIT_NICE hard limit %" PRId64
				 " allows: lower needs CAP_SYS_NICE outside any user namespace",
				 nice->i, 20 - (n > 40 ? 40 : n), n);
			return buf;
		}
	}
	return NULL;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *process = rule_get(e->config, "process");
	ocirl_node *sched = rule_get(process, "scheduler"), *io = rule_get(process, "ioPriority");
	char buf[300];
	const char *why = sched ? scheduler_why(e, sched, buf, sizeof(buf)) : NULL;
	int r;
	if (why && (r = ocirl__rule_drop(e, process, "scheduler", "process.scheduler", why)) < 0)
		return r;
	const char *class = rule_get_str(io, "class");
	if (class && strcmp(class, "IOPRIO_CLASS_RT") == 0)
		return ocirl__rule_drop(e, process, "ioPriority", "process.ioPriority",
					"IOPRIO_CLASS_RT needs CAP_SYS_ADMIN (or CAP_SYS_NICE) outside any user namespace");
	return 0;
}

const ocirl_rule ocirl__rule_scheduler = {
	.name = "scheduler",
	.summary = "process.scheduler and process.ioPriority go when they need privilege the caller lacks",
	.reads = reads,
	.apply = apply,
};
