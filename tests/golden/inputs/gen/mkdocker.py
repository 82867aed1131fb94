import json
ID = "3f4e2b1a9c0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"
caps = ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]
def dev(allow, t=None, ma=None, mi=None):
    d = {"allow": allow}
    if t: d["type"] = t
    if ma is not None: d["major"] = ma; d["minor"] = mi
    d["access"] = "rwm"
    return d
cdir = "/var/lib/docker/containers/" + ID
spec = {
 "ociVersion": "1.0.2-dev",
 "process": {
  "user": {"uid": 0, "gid": 0, "additionalGids": [10]},
  "args": ["sh"],
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=" + ID[:12]],
  "cwd": "/",
  "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
  "apparmorProfile": "docker-default",
  "oomScoreAdj": 0,
 },
 "root": {"path": "/var/lib/docker/overlay2/9d1c7e0b5a3f2e4d6c8b0a1f3e5d7c9b1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d/merged"},
 "hostname": ID[:12],
 "mounts": [
  {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
  {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
  {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
  {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
  {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro", "nosuid", "noexec", "nodev"]},
  {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
  {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]},
  {"destination": "/etc/resolv.conf", "type": "bind", "source": cdir + "/resolv.conf", "options": ["rbind", "rprivate"]},
  {"destination": "/etc/hostname", "type": "bind", "source": cdir + "/hostname", "options": ["rbind", "rprivate"]},
  {"destination": "/etc/hosts", "type": "bind", "source": cdir + "/hosts", "options": ["rbind", "rprivate"]},
 ],
 "hooks": {"prestart": [{"path": "/proc/1187/exe", "args": ["libnetwork-setkey", "-exec-root=/var/run/docker", ID, "b2c8f1e4d5a6"]}]},
 "linux": {
  "sysctl": {"net.ipv4.ip_unprivileged_port_start": "0", "net.ipv4.ping_group_range": "0 2147483647"},
  "resources": {
   "devices": [dev(False), dev(True,"c",1,5), dev(True,"c",1,3), dev(True,"c",1,9), dev(True,"c",1,8), dev(True,"c",5,0), dev(True,"c",5,1), dev(False,"c",10,229)],
   "memory": {}, "cpu": {"shares": 0}, "blockIO": {"weight": 0},
  },
  "cgroupsPath": "system.slice:docker:" + ID,
  "namespaces": [{"type": "mount"}, {"type": "network"}, {"type": "uts"}, {"type": "pid"}, {"type": "ipc"}, {"type": "cgroup"}],
  "seccomp": {
   "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
   "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
   "syscalls": [
    {"names": ["accept", "accept4", "access", "arch_prctl", "bind", "brk", "capget", "capset", "chdir", "chmod", "chown", "clock_gettime", "close", "connect", "dup", "dup2", "dup3", "epoll_create1", "epoll_ctl", "epoll_pwait", "execve", "exit", "exit_group", "fchown", "fcntl", "fstat", "futex", "getdents64", "getpid", "getuid", "ioctl", "lseek", "mmap", "mprotect", "munmap", "newfstatat", "openat", "pipe2", "poll", "prctl", "pread64", "read", "readlink", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sched_yield", "set_robust_list", "set_tid_address", "setgid", "setgroups", "setuid", "socket", "stat", "statx", "uname", "wait4", "write", "writev"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 131072, "op": "SCMP_CMP_EQ"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 131080, "op": "SCMP_CMP_EQ"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]},
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
   ],
  },
  "maskedPaths": ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
  "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
 },
}
import sys
sys.stdout.write(json.dumps(spec, separators=(",", ":"), ensure_ascii=False))
