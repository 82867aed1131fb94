#!/usr/bin/python3
"""The wrapper's overhead (bench/wrapper.sh): paired timings, then the report.

  wrapper.py measure PLAN.json OUT.json
      runs as the unprivileged user inside its user namespace; PLAN names
      the programs and folders (wrapper.sh writes it). Every experiment runs
      its arms in turn, PAIRS rounds after WARMUP, the order alternating from
      one round to the next, so that a change of load falls on all arms
      alike. Programs are started with posix_spawn and timed from the spawn
      to the end of waitpid (perf_counter_ns); the probes' chains are timed
      by the probes themselves (tests/runtime/time-probe.c).
  wrapper.py report RESULTS-DIR
      prints the section of bench/results.md from RESULTS-DIR/wrapper.*.json
      and RESULTS-DIR/load.txt.
"""
import ctypes
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

# --------------------------------------------------------------------------- measure


def reap():
    """The containers' init processes come to this subreaper: reap them."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class Runner:
    def __init__(self, plan):
        self.plan = plan
        self.err = open(plan["errlog"], "ab")
        self.devnull_r = os.open(os.devnull, os.O_RDONLY)
        self.devnull_w = os.open(os.devnull, os.O_WRONLY)
        self.base_env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                         "HOME": os.environ.get("HOME", "/")}
        self.failures = []

    def spawn(self, argv, env=None, stdout=None):
        e = dict(self.base_env)
        e.update(env or {})
        acts = [(os.POSIX_SPAWN_DUP2, self.devnull_r, 0),
                (os.POSIX_SPAWN_DUP2, stdout if stdout is not None else self.devnull_w, 1),
                (os.POSIX_SPAWN_DUP2, self.err.fileno(), 2)]
        self.err.flush()
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, e, file_actions=acts)
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
        self.cpu = int((ru.ru_utime + ru.ru_stime) * 1e9)
        return t1 - t0, os.waitstatus_to_exitcode(status)

    def check(self, what, rc, want=0):
        if rc != want and len(self.failures) < 20:
            self.failures.append("%s: exit %d (expected %d)" % (what, rc, want))


def copy(src, dst):
    shutil.copyfile(src, dst)


def measure(plan_path, out_path):
    with open(plan_path) as f:
        plan = json.load(f)
    # PR_SET_CHILD_SUBREAPER: detached containers' processes come back here
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)
    r = Runner(plan)
    rt, wrapper = plan["runtime"], plan["wrapper"]
    orig, conv = plan["orig"], plan["conv"]
    wenv = {"OCI_ROOTLESS_RUNTIME": plan["runtime_name"]}
    pairs, warm = plan["pairs"], plan["warmup"]
    res = {"plan": plan, "experiments": {}}
    seq = [0]

    def new_id(tag):
        seq[0] += 1
        return "b%s%d" % (tag, seq[0])

    def rounds(name, arms, n):
        """arms: [(arm name, function returning {step: [wall ns, cpu ns]})]; n rounds after the warm-up"""
        samples = []
        for i in range(-warm, n):
            order = arms if i % 2 == 0 else arms[::-1]
            row = {}
            for arm, fn in order:
                row[arm] = fn()
                reap()
            if i >= 0:
                samples.append(row)
        res["experiments"][name] = {"arms": [a for a, _ in arms], "samples": samples}

    def timed(argv, env=None, what="", want=0):
        t, rc = r.spawn(argv, env)
        r.check(what or argv[0], rc, want)
        return [t, r.cpu]

    for loc in plan["locations"]:
        where, root, bundle = loc["name"], loc["root"], loc["bundle"]
        cfg = os.path.join(bundle, "config.json")

        # 1. run -d + delete --force of a trivial container: the wrapper (on
        # the config as the client wrote it) against the runtime (on the
        # config the wrapper makes of it: the same container).
        def cycle(prog, env, src, tag):
            def fn():
                copy(src, cfg)
                cid = new_id(tag)
                return {"run": timed([prog, "--root", root, "run", "-d", "-b", bundle, cid], env, prog + " run"),
                        "delete": timed([prog, "--root", root, "delete", "--force", cid], env, prog + " delete")}
            return fn
        rounds("cycle@" + where, [("wrapper", cycle(wrapper, wenv, orig, "w")),
                                  ("direct", cycle(rt, {}, conv, "d"))], pairs)

        # 2. A passed-through call: state of a container that does not exist.
        def state(prog, env):
            return lambda: {"state": timed([prog, "--root", root, "state", "nosuch"], env, prog + " state", 1)}
        rounds("state@" + where, [("wrapper", state(wrapper, wenv)), ("direct", state(rt, {}))], pairs)

        # 3. The probes: the wrapper's own time, between the probe that starts
        # it and the probe it starts in place of the runtime (which then runs
        # /bin/true, not the runtime). calib: the probes alone.
        penv = {"OCIRL_PROBE_LOG": plan["probe_log"], "OCIRL_PROBE_RUNTIME": "/bin/true",
                "OCIRL_PROBE_WRAPPER": wrapper, "OCI_ROOTLESS_RUNTIME": plan["probe_out"]}

        def chain(tag, args, src=None, target=None):
            def fn():
                if src:
                    copy(src, cfg)
                e = dict(penv)
                if target:
                    e["OCIRL_PROBE_WRAPPER"] = target
                return {"spawn": timed([plan["probe_in"]] + args + [tag + "@" + where], e, "probe " + tag)}
            return fn
        cargs = ["--root", root, "create", "--bundle", bundle]
        rounds("probes@" + where, [("calib", chain("calib", ["--root", root, "state"], target=plan["probe_out"])),
                                   ("state", chain("state", ["--root", root, "state"])),
                                   ("create-fresh", chain("create-fresh", cargs, orig)),
                                   ("create-converted", chain("create-converted", cargs, conv))], pairs)

        # 4. The conversion alone: the CLI on the same config, to /dev/null
        # and in place, against the floor (a static program that reads the
        # file and writes it out).
        def prog(tag, argv, src=None):
            def fn():
                if src:
                    copy(src, cfg)
                return {"t": timed(argv, None, tag)}
            return fn
        rounds("cli@" + where, [("floor", prog("floor", [plan["floor"], orig])),
                                ("cli", prog("cli", [plan["cli"], orig])),
                                ("cli-in-place", prog("cli -i", [plan["cli"], "-i", cfg], orig))], pairs)

    res["failures"] = r.failures
    with open(out_path, "w") as f:
        json.dump(res, f)
    if r.failures:
        print("wrapper.py: failures: %s" % "; ".join(r.failures), file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- report

def med(xs):
    return statistics.median(xs) if xs else float("nan")


def q(xs, p):
    """the p-quantile (0..1), nearest rank"""
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(p * (len(s) - 1)))))]


def ms(ns, d=2):
    return "%.*f" % (d, ns / 1e6) if ns == ns else "n/a"


def pct(r):
    return "%+.2f %%" % (100 * (r - 1))


def probe_pairs(log):
    """{tag: [(wall ns, cpu ns)]} from a probe log: each "in" and the next "out" of its pid"""
    open_, out = {}, {}
    if not os.path.exists(log):
        return out
    with open(log) as f:
        for line in f:
            p = line.split()
            if len(p) < 6:
                continue
            if p[0] == "in":
                open_[p[1]] = (int(p[2]), int(p[3]))
            elif p[0] == "out" and p[1] in open_:
                w, c = open_.pop(p[1])
                out.setdefault(p[5], []).append((int(p[2]) - w, int(p[3]) - c))
    return out


LOC_TEXT = {"tmpfs": "tmpfs", "disk": "disk"}


def paired(samples, get):
    """(direct values, wrapper values, per-pair ratios, per-pair differences) of get(row, arm)"""
    d = [get(x, "direct") for x in samples]
    w = [get(x, "wrapper") for x in samples]
    return d, w, [a / b for a, b in zip(w, d) if b], [a - b for a, b in zip(w, d)]


def report(resdir):
    runs = {}
    for rt in ("runc", "crun"):
        p = os.path.join(resdir, "wrapper.%s.json" % rt)
        if os.path.exists(p):
            with open(p) as f:
                runs[rt] = json.load(f)
    versions = {}
    for rt in runs:
        try:
            versions[rt] = subprocess.run([rt, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            versions[rt] = rt
    load = {}
    lp = os.path.join(resdir, "load.txt")
    if os.path.exists(lp):
        with open(lp) as f:
            for line in f:
                p = line.rstrip("\n").split(" ", 2)
                if len(p) == 3:
                    load.setdefault(p[0], {})[p[1]] = p[2]

    L = ["<!-- wrapper: generated by bench/wrapper.sh; do not edit by hand -->",
         "## The runtime wrapper's overhead (oci-rootless-runtime)", ""]
    first = next(iter(runs.values()), None)
    if first:
        plan = first["plan"]
        locs = "; ".join("%s: %s" % (l["name"], l["text"]) for l in plan["locations"])
        L.append(
            "Generated by `bench/wrapper.sh` (the last part of `make bench`; `BENCH_ONLY=wrapper bench/run.sh` "
            "redoes this section alone). Machine: %d cores, Linux %s; %s; load average before: %s (others' work "
            "on the machine shows in the spread; the timing runs at nice -10). As the unprivileged user `%s` "
            "inside `unshare --user --map-root-user --mount`: a user namespace of its own, as a rootless client "
            "has, and no daemon, so that only the runtime's calls are timed; for crun, the hybrid-cgroup "
            "work-around of FINDINGS.md in that mount namespace (a read-only tmpfs on `/sys/fs/cgroup/unified`). "
            "The wrapper is the release build (static), told the runtime by `OCI_ROOTLESS_RUNTIME=runc` or "
            "`crun`. The container: busybox, `process.args` `[\"/bin/true\"]`, `terminal` false, `--root` a "
            "folder of the user's. The wrapper gets `runc spec`'s config as a client writes it (copied into the "
            "bundle before each run, untimed) and converts it; the runtime alone gets the wrapper's output, so "
            "both start the same container. Bundle and `--root` on two file systems (%s): a bundle in tmpfs is "
            "containerd's case (`/run/containerd`, `$XDG_RUNTIME_DIR`), one on disk Podman's (its storage "
            "folder). %d pairs after %d warm-up pairs, the order of the two alternating; each run timed from "
            "`posix_spawn` to `wait4` (wall), CPU from `wait4`'s rusage (the runtime's process, which is the "
            "wrapper's before its exec)." % (
                os.cpu_count() or 0, platform.release(), ", ".join(versions.values()), plan.get("loadavg", "?"),
                plan.get("user", "?"), locs, plan["pairs"], plan["warmup"]))
        L.append("")

    # ---- the cycle ----
    summary = {}
    if runs:
        L.append("### A `run` + `delete` cycle, through the wrapper and with the runtime alone")
        L.append("")
        L.append("| runtime | bundle | call | runtime alone, median ms | through the wrapper, median ms | "
                 "median of per-pair ratios | median of per-pair differences, ms | ratios, 25–75 % | "
                 "CPU: median ratio | CPU: median difference, ms |")
        L.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for rt, data in runs.items():
        ex = data["experiments"]
        for loc in data["plan"]["locations"]:
            where = loc["name"]
            cyc = ex["cycle@" + where]["samples"]
            st = ex["state@" + where]["samples"]
            rows = (("`run -d` + `delete --force`", cyc, lambda x, a, k: x[a]["run"][k] + x[a]["delete"][k]),
                    ("`run -d`", cyc, lambda x, a, k: x[a]["run"][k]),
                    ("`delete --force`", cyc, lambda x, a, k: x[a]["delete"][k]),
                    ("`state` (passed through)", st, lambda x, a, k: x[a]["state"][k]))
            for label, samples, get in rows:
                d, w, ratio, diff = paired(samples, lambda x, a: get(x, a, 0))
                cd, cw, cratio, cdiff = paired(samples, lambda x, a: get(x, a, 1))
                L.append("| %s | %s | %s | %s | %s | %.4f (%s) | %+.2f | %.3f–%.3f | %.4f (%s) | %+.2f |" % (
                    rt, where, label, ms(med(d)), ms(med(w)), med(ratio), pct(med(ratio)), med(diff) / 1e6,
                    q(ratio, 0.25), q(ratio, 0.75), med(cratio), pct(med(cratio)), med(cdiff) / 1e6))
                summary[(rt, where, label)] = (med(ratio), med(diff), med(d), med(cratio), med(cdiff))
    if runs:
        L.append("")

    # ---- where the time goes ----
    where_rows = {}
    if runs:
        L.append("### Where the wrapper's time goes")
        L.append("")
        L.append("The wrapper's own time inside a call, by the time probes of `tests/runtime/time-probe.c`: a "
                 "probe starts the wrapper, the wrapper starts a second probe in place of the runtime (then "
                 "`/bin/true`); the same pid, so the difference of the two clocks is the wrapper's exec, start-up, "
                 "work and exec of the next program, in wall and CPU time. *The probes alone* is the chain "
                 "without the wrapper (probe to probe: one exec of a static program), subtracted in the last "
                 "two columns. The conversion alone: the CLI `oci-rootless` (the same build, mode auto, as the "
                 "wrapper) on the same config, against `bench/floor.c` (a static program that reads the file "
                 "and writes it out: exec, start-up, I/O), and with `-i` (replaced in place as the wrapper "
                 "does).")
        L.append("")
        L.append("| runtime's run | bundle | what | wall, median ms | CPU, median ms | the wrapper's own: wall ms | CPU ms |")
        L.append("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    names = {"calib": "the probes alone (probe → probe)",
             "state": "a passed-through call (`state`)",
             "create-fresh": "`create` on the client's config: converted and replaced",
             "create-converted": "`create` on a converted config: read and converted, nothing written"}
    for rt, data in runs.items():
        pp = probe_pairs(os.path.join(resdir, "probe.%s.log" % rt))
        warm = data["plan"]["warmup"]
        for loc in data["plan"]["locations"]:
            where = loc["name"]
            stats = {}
            for tag in names:
                xs = pp.get(tag + "@" + where, [])[warm:]
                stats[tag] = (med([w for w, _ in xs]), med([c for _, c in xs]))
            cw, cc = stats["calib"]
            for tag in names:
                w, c = stats[tag]
                own = ("—", "—") if tag == "calib" else (ms(w - cw, 3), ms(c - cc, 3))
                L.append("| %s | %s | %s | %s | %s | %s | %s |" % (rt, where, names[tag], ms(w, 3), ms(c, 3), *own))
            cli = data["experiments"]["cli@" + where]["samples"]
            fl = med([x["floor"]["t"][0] for x in cli])
            cv = med([x["cli"]["t"][0] for x in cli])
            ci = med([x["cli-in-place"]["t"][0] for x in cli])
            fc = med([x["floor"]["t"][1] for x in cli])
            cvc = med([x["cli"]["t"][1] for x in cli])
            cic = med([x["cli-in-place"]["t"][1] for x in cli])
            L.append("| %s | %s | `floor` on the config (exec, read, write) | %s | %s | | |" % (rt, where, ms(fl, 3), ms(fc, 3)))
            L.append("| %s | %s | the CLI on the config, to /dev/null | %s | %s | %s over the floor | %s |" % (
                rt, where, ms(cv, 3), ms(cvc, 3), ms(cv - fl, 3), ms(cvc - fc, 3)))
            L.append("| %s | %s | the CLI with `-i` (replaced in place) | %s | %s | %s over the CLI to /dev/null | %s |" % (
                rt, where, ms(ci, 3), ms(cic, 3), ms(ci - cv, 3), ms(cic - cvc, 3)))
            where_rows[(rt, where)] = {"calib": stats["calib"], "state": (stats["state"][0] - cw, stats["state"][1] - cc),
                                       "fresh": (stats["create-fresh"][0] - cw, stats["create-fresh"][1] - cc),
                                       "conv": (stats["create-converted"][0] - cw, stats["create-converted"][1] - cc),
                                       "cli": (cv - fl, cvc - fc), "inplace": (ci - cv, cic - cvc)}
    if runs:
        L.append("")
        for loc in runs.get("runc", first)["plan"]["locations"]:
            w = where_rows.get(("runc", loc["name"])) or where_rows.get((next(iter(runs)), loc["name"]))
            if not w:
                continue
            L.append(
                "- Bundle on %s (runc's run; medians): a passed-through call costs the wrapper %s ms of wall time "
                "(%s ms CPU), nearly all of it the exec and start-up of one more static program (the probes "
                "alone, one such exec, take %s ms); the rest is reading its settings, finding the runtime and "
                "resolving `/proc/self/exe`. A `create` costs %s ms (%s ms CPU): reading, parsing and "
                "converting the config add %s ms over a passed-through call (the CLI takes %s ms over the "
                "floor for the same work), replacing the file in place adds %s ms (%s ms CPU): a new file "
                "and a `rename` over the old one (not synced: the daemons do not sync the bundles they write "
                "either); on disk the file system's journal costs what tmpfs does not." % (
                    loc["name"], ms(w["state"][0], 3), ms(w["state"][1], 3), ms(w["calib"][0], 3),
                    ms(w["fresh"][0], 3), ms(w["fresh"][1], 3), ms(w["conv"][0] - w["state"][0], 3),
                    ms(w["cli"][0], 3), ms(w["fresh"][0] - w["conv"][0], 3), ms(w["fresh"][1] - w["conv"][1], 3)))
        L.append("")

    # ---- the load test ----
    if load:
        L.append("### Load: containers through containerd and the wrapper")
        L.append("")
        L.append("`tests/runtime/load.sh` (the `load` test of `make test`, 100 containers a runtime), run longer: "
                 "containerd 1.6 as the test user in RootlessKit, `ctr run --rm --runc-binary` (the wrapper, "
                 "behind the time probes), at most 8 containers at once, each checking its own output; bundles in "
                 "containerd's state folder under `/run/user/UID` (this machine's `/run` is on disk). The wrapper's "
                 "share is the sum of its own time in every call (the probes' cost under the same load "
                 "subtracted) over the sum of the containers' `ctr run` times (wall), and its CPU time over the "
                 "CPU time of everything the load ran (a cgroup of the test's own). The wall share is above the "
                 "CPU share: a `create` writes the converted config on disk here and, with 8 containers at once "
                 "on 2 cores, waits for a CPU.")
        L.append("")
        L.append("| runtime | containers | failures | at most at once | seconds | containers/s | `ctr run`, median ms | "
                 "calls a container | wrapper ms a container (wall) | share of `ctr run` time | wrapper CPU ms a "
                 "container | load CPU ms a container | share of CPU |")
        L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for rt, v in load.items():
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s %% | %s | %s | %s %% |" % (
                rt, v.get("count"), v.get("failures"), v.get("most"), v.get("seconds"), v.get("per_second"),
                v.get("latency_ms"), v.get("calls"), v.get("wrapper_ms_per_container"),
                v.get("wrapper_share_percent"), v.get("wrapper_cpu_ms_per_container"),
                v.get("load_cpu_ms_per_container"), v.get("wrapper_cpu_share_percent")))
        L.append("")
    # ---- the target ----
    if "runc" in runs:
        L.append("### Target: at most 2 % over runc")
        L.append("")
        L.append("Two measures of the same thing: the median of the per-pair ratios of whole cycles (the target's "
                 "own measure; the spread of single runs on this machine, the 25–75 % column above, is far wider "
                 "than the effect, so its median moves by a point or more from run to run), and the wrapper's own "
                 "time in a cycle measured directly by the probes (a `run` that converts, as the `create` above, "
                 "plus a passed-through `delete`, as the `state` above) over the runtime's cycle, which is much "
                 "steadier.")
        L.append("")
        key = "`run -d` + `delete --force`"

        def verdict(r):
            return "**met**" if r <= 1.02 else "**missed** by %.2f points" % (100 * (r - 1) - 2)
        for loc in runs["runc"]["plan"]["locations"]:
            where = loc["name"]
            r, d, base, cr, cd = summary[("runc", where, key)]
            text = "- Bundle on %s, runc: paired median **%.4f ×** runc's cycle (%s, %+.2f ms of %s ms): %s; " \
                   "CPU time %.4f × (%s)." % (where, r, pct(r), d / 1e6, ms(base), verdict(r), cr, pct(cr))
            w = where_rows.get(("runc", where))
            if w:
                own = w["state"][0] + w["fresh"][0]
                text += " The wrapper's own time: %s ms a cycle, **%.4f ×** (%s): %s." % (
                    ms(own, 3), 1 + own / base, pct(1 + own / base), verdict(1 + own / base))
            if ("crun", where, key) in summary:
                r2, d2, base2, cr2, _ = summary[("crun", where, key)]
                text += " Over crun, whose start is faster: paired median %.4f × (%s, %+.2f ms of %s ms; CPU %s)" % (
                    r2, pct(r2), d2 / 1e6, ms(base2), pct(cr2))
                w2 = where_rows.get(("crun", where))
                if w2:
                    own2 = w2["state"][0] + w2["fresh"][0]
                    text += ", the wrapper's own time %s ms, %s of crun's cycle" % (ms(own2, 3), pct(1 + own2 / base2))
                text += "."
            L.append(text)
        L.append("")
        for loc in runs["runc"]["plan"]["locations"]:
            w = where_rows.get(("runc", loc["name"]))
            if not w:
                continue
            base = summary[("runc", loc["name"], key)][2]
            own = w["state"][0] + w["fresh"][0]
            floor = 2 * w["calib"][0]
            L.append("Where the difference comes from, bundle on %s: the wrapper's own %s ms a cycle (%.1f %% of "
                     "runc's %s ms) are, for the two execs and start-ups of a static program that any wrapper "
                     "that executes the runtime costs, %s ms (%.1f %%: the probes alone, twice); for reading its "
                     "settings and finding the runtime, twice, %s ms; for reading, parsing and converting the "
                     "config %s ms; for replacing it (a new file and a rename) %s ms." % (
                         loc["name"], ms(own, 3), 100 * own / base, ms(base), ms(floor, 3), 100 * floor / base,
                         ms(2 * w["state"][0] - floor, 3), ms(w["conv"][0] - w["state"][0], 3),
                         ms(w["fresh"][0] - w["conv"][0], 3)))
            L.append("")

    L.append("<!-- /wrapper -->")
    print("\n".join(L))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "measure":
        sys.exit(measure(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
        sys.exit(0)
    print(__doc__, file=sys.stderr)
    sys.exit(2)
