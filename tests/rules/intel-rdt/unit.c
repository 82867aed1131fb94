/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule intel-rdt (lib/rules/intel-rdt.c): linux.intelRdt
 * is removed. */
#include "rule-test.h"

static const char in[] = "{\"linux\":{\"netDevices\":{\"eth1\":{}},\"intelRdt\":{\"closID\":\"x\"},\"z\":1}}";

int main(void)
{
	/* mode inherit, /sys out of the way: the config is these rules' alone */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;

	rt_check("{\"linux\":{\"intelRdt\":{\"closID\":\"x\",\"l3CacheSchema\":\"L3:0=f\"},\"z\":1}}", "{\"linux\":{\"z\":1}}",
		 "linux.intelRdt: removed: resctrl (Intel RDT) groups can only be written by root",
		 "intel-rdt: intelRdt is removed");
	rt_check_tag(in, "linux.intelRdt: removed", "intel-rdt", "intel-rdt: intelRdt removed");
	/* read as a whole: of any type, it goes */
	rt_check("{\"linux\":{\"intelRdt\":[]}}", "{\"linux\":{}}", "linux.intelRdt: removed",
		 "intel-rdt: an intelRdt that is not an object is removed too");

	/* turned off (--skip intel-rdt): intelRdt stays, net-devices still removes netDevices */
	rt_check_skipped("intel-rdt", in, "{\"linux\":{\"intelRdt\":{\"closID\":\"x\"},\"z\":1}}", "linux.netDevices: removed",
			 "intel-rdt skipped: intelRdt stays");
	rt_check_skipped("intel-rdt", "{\"linux\":{\"intelRdt\":[]}}", "{\"linux\":{\"intelRdt\":[]}}", "",
			 "intel-rdt skipped: an intelRdt of any type is accepted and left as it is");
	return done_testing();
}
