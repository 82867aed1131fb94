#!/usr/bin/python3
"""Writes the synthetic benchmark inputs: a `runc spec` config (tabs, no final
newline, as runc writes it) without a network namespace, with linux.resources
and linux.cgroupsPath, and N mounts in all.

The mounts are realistic and deterministic: the 7 of `runc spec` first, then a
repeating mix of volume binds (60 %), tmpfs with uid=/gid= options, half of them
unmapped for uid 1000 (15 %), read-only file binds (10 %), mounts under /sys
(5 %: sysfs, cgroup, securityfs, debugfs binds), devpts with gid=5 (5 %) and
mqueue/proc/overlay (5 %).

usage: gen-inputs.py RUNC_SPEC_CONFIG OUT_DIR N...
"""
import json
import os
import sys

base_path, out_dir, counts = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
with open(base_path) as f:
    base = json.load(f)

base["linux"]["namespaces"] = [ns for ns in base["linux"]["namespaces"] if ns["type"] != "network"]
base["linux"]["cgroupsPath"] = "/bench/ctr"
base["linux"]["resources"]["memory"] = {"limit": 536870912, "swap": 1073741824}
base["linux"]["resources"]["cpu"] = {"shares": 1024, "quota": 100000, "period": 100000}
base["linux"]["resources"]["pids"] = {"limit": 4096}

SYS = [("/sys/fs/cgroup/unit-%d", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"]),
       ("/sys/kernel/security/m-%d", "securityfs", "securityfs", ["nosuid", "noexec", "nodev", "ro"]),
       ("/sys/kernel/debug/d-%d", "bind", "/sys/kernel/debug", ["rbind", "ro", "nosuid", "noexec", "nodev"]),
       ("//sys/class/net/n-%d/", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"])]


def mount(i):
    k = i % 20
    h = "".join("%016x" % ((i * 4 + j + 1) * 0x9E3779B97F4A7C15 % (1 << 64)) for j in range(4))  # an id-like hex string
    if k < 12:
        return {"destination": "/srv/data/volume-%d" % i, "type": "bind",
                "source": "/var/lib/containers/storage/volumes/vol-%d/_data" % i,
                "options": ["rbind", "rprivate", "nosuid", "nodev", "rw" if k % 3 else "ro"]}
    if k < 15:
        uid = 1000 if k != 14 else 0  # uid=0 is mapped (container root): kept
        return {"destination": "/run/app-%d" % i, "type": "tmpfs", "source": "tmpfs",
                "options": ["rw", "nosuid", "nodev", "size=16m", "mode=0755", "uid=%d" % uid,
                            "gid=%d" % uid, "tmpcopyup"]}
    if k < 17:
        return {"destination": "/etc/app-%d/config.yaml" % i, "type": "bind",
                "source": "/run/containers/storage/overlay-containers/%s/userdata/cfg-%d" % (h, i),
                "options": ["bind", "rprivate", "ro"]}
    if k == 17:
        d, t, s, o = SYS[(i // 20) % len(SYS)]
        return {"destination": d % i, "type": t, "source": s, "options": list(o)}
    if k == 18:
        return {"destination": "/dev/pts-%d" % i, "type": "devpts", "source": "devpts",
                "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]}
    return [{"destination": "/dev/mqueue-%d" % i, "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/proc-%d" % i, "type": "proc", "source": "proc"},
            {"destination": "/opt/layer-%d" % i, "type": "overlay", "source": "overlay",
             "options": ["lowerdir=/var/lib/layers/%s/diff" % h[:32], "upperdir=/var/lib/up/%d" % i,
                         "workdir=/var/lib/work/%d" % i]}][(i // 20) % 3]


os.makedirs(out_dir, exist_ok=True)
for n in counts:
    cfg = dict(base)
    mounts = list(base["mounts"])
    mounts += [mount(i) for i in range(len(mounts), n)]
    cfg["mounts"] = mounts[:n]
    with open(os.path.join(out_dir, "mounts-%d.json" % n), "w") as f:
        f.write(json.dumps(cfg, indent="\t", ensure_ascii=False))
