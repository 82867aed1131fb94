/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule idmapped-mounts (lib/rules/idmapped-mounts.c): an
 * idmapped mount is refused, naming what would do. */
#include "rule-test.h"

#define M(x) "{\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\"" x "}]}"
#define TAIL                                                                                                     \
	" needs CAP_SYS_ADMIN in the user namespace that owns the file system, the initial one for the host's, which " \
	"no rootless runtime has (crun: \"open /proc/PID/ns/user: Permission denied\"; runc 1.1 ignores it); give "  \
	"the source the owners the container should see (chown it, or podman unshare chown), or remove the mappings"
#define MAP "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"

int main(void)
{
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_check_error(M(",\"uidMappings\":" MAP ",\"gidMappings\":" MAP),
		       "error 2: mounts[1] (/data): an idmapped mount (uidMappings) needs CAP_SYS_ADMIN in the user "
		       "namespace that owns the file system, the initial one for the host's, which no rootless runtime "
		       "has (crun: \"open /proc/PID/ns/user: Permission denied\"; runc 1.1 ignores it); give the source "
		       "the owners the container should see (chown it, or podman unshare chown), or remove the mappings",
		       "idmapped-mounts: uidMappings on a mount: refused, naming the mount and the ways");
	rt_check_error(M(",\"gidMappings\":" MAP), "error 2: mounts[1] (/data): an idmapped mount (gidMappings)" TAIL,
		       "idmapped-mounts: gidMappings alone");
	rt_check_error(M(",\"options\":[\"rbind\",\"idmap\"]"), "error 2: mounts[1] (/data): an idmapped mount (the option idmap)" TAIL,
		       "idmapped-mounts: crun's idmap option");
	rt_check_error(M(",\"options\":[\"rbind,ridmap\"]"), "error 2: mounts[1] (/data): an idmapped mount (the option ridmap)" TAIL,
		       "idmapped-mounts: crun's ridmap option, joined with another");
	rt_check(M(",\"uidMappings\":[],\"gidMappings\":null"), M(",\"uidMappings\":[],\"gidMappings\":null"), "",
		 "idmapped-mounts: empty or null mappings map nothing: accepted");
	rt_check_skipped("idmapped-mounts", M(",\"uidMappings\":" MAP), M(",\"uidMappings\":" MAP), "",
			 "idmapped-mounts skipped: not refused, left as it is");
	return done_testing();
}
