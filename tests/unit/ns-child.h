/* SPDX-License-Identifier: Apache-2.0 */
/* Real namespaces for unit tests that ask the kernel who owns what: a child
 * process that unshares the given namespaces (CLONE_NEWUSER, CLONE_NEWNET,
 * CLONE_NEWIPC) and waits, so that /proc/PID/ns/ names them. Unprivileged
 * user namespaces are allowed on the machines the tests run on (Debian 12),
 * and root may make any. */
#ifndef OCIRL_NS_CHILD_H
#define OCIRL_NS_CHILD_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's pid once it has unshared, or -1 when it could not. */
static inline pid_t ns_child_start(int flags)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char ok = unshare(flags) == 0 ? 'y' : 'n';
		close(p[0]);
		if (write(p[1], &ok, 1) != 1 || ok != 'y')
			_exit(1);
		pause(); /* until the parent kills it */
		_exit(0);
	}
	close(p[1]);
	char ok = 'n';
	ssize_t r = read(p[0], &ok, 1);
	close(p[0]);
	if (r != 1 || ok != 'y') {
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static inline void ns_child_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

#endif
