#!/usr/bin/env python3
"""Turns scripts/bench's raw rounds into the results table (stdout and
results.md), PASS/MISS against the targets, and a gnuplot chart script.

Per configuration: the median over rounds of the mean per-job time, with the
interquartile range. The tax of a configuration is its median minus the
median of the plain host in the same run (same mode: sequential, 2 at a
time, or 1 GiB host)."""
import datetime
import os
import platform
import statistics
import sys

out, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def quartiles(xs):
    xs = sorted(xs)
    if len(xs) < 4:
        return xs[0], xs[-1]
    q = statistics.quantiles(xs, n=4)
    return q[0], q[2]


rows = {}
order = []
with open(os.path.join(out, "raw.tsv")) as f:
    for line in f:
        name, _, us = line.rstrip("\n").split("\t")
        if name not in rows:
            rows[name] = []
            order.append(name)
        rows[name].append(float(us))
med = {k: statistics.median(v) for k, v in rows.items()}


def base_of(name):
    if name.endswith(" x2"):
        return "plain x2"
    if name.endswith(" 1GiB host"):
        return "plain 1GiB host"
    return "plain"


def tax(name):
    return med[name] - med[base_of(name)] if name in med else None


def ms(us):
    return "n/a" if us is None else f"{us / 1000:.3f}"


lines = []
cpu = "?"
try:
    with open("/proc/cpuinfo") as f:
        cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
except (OSError, StopIteration):
    pass
lines.append(f"# cordon bench, {datetime.date.today().isoformat()}")
lines.append("")
lines.append(
    f"Machine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}; "
    f"as uid {os.getuid()}. {rounds} rounds of {n} jobs (/bin/true) per "
    "configuration, interleaved round by round."
)
lines.append("")
lines.append("| configuration | per job (ms, median) | IQR (ms) | tax (ms) |")
lines.append("|---|---:|---:|---:|")
for name in order:
    lo, hi = quartiles(rows[name])
    t = tax(name) if not name.startswith("plain") else None
    lines.append(
        f"| {name} | {ms(med[name])} | {ms(lo)}–{ms(hi)} | "
        f"{'' if t is None else ms(t)} |"
    )
lines.append("")


def ratio(a, b):
    ta, tb = tax(a), tax(b)
    return None if ta is None or tb is None or tb <= 0 else ta / tb


verdicts = []


def target(what, value, limit, fmt, ok):
    verdicts.append((what, value, limit, fmt, ok))


for tier in ("hardened", "lockdown"):
    r = ratio(f"cordon {tier}", f"floor {tier}")
    target(f"{tier} tax vs the kernel floor", r, "≤ 1.15×",
           "n/a" if r is None else f"{r:.2f}×", r is not None and r <= 1.15)
for tier in ("hardened", "lockdown"):
    r = ratio(f"cordon {tier}", f"bwrap {tier}")
    if r is not None:
        target(f"{tier} tax vs bubblewrap", r, "(informative)", f"{r:.2f}×", None)

mem = {}
mem_path = os.path.join(out, "memory.tsv")
if os.path.exists(mem_path):
    with open(mem_path) as f:
        next(f)
        for line in f:
            k, *v = line.rstrip("\n").split("\t")
            mem[k] = [int(x or 0) for x in v]
for k in ("cordon hardened", "cordon lockdown"):
    if k in mem:
        rss = mem[k][0] + mem[k][1]
        pss = mem[k][2] + mem[k][3]
        target(f"{k}: monitor + init memory", pss, "≤ 128 KiB",
               f"{pss} KiB PSS ({rss} KiB RSS summed, shared pages counted twice)",
               0 < pss <= 128)
if "bwrap hardened" in mem:
    m = mem["bwrap hardened"]
    target("bwrap: monitor + pid 1 memory", m[2] + m[3], "(informative)",
           f"{m[2] + m[3]} KiB PSS ({m[0] + m[1]} KiB RSS summed)", None)

none = tax("shim none")
if none is not None:
    pct = 100 * none / med["plain"]
    target("tier none per job vs no shim", pct, "≤ 2 %", f"{pct:+.1f} %", pct <= 2)
load = tax("shim load")
if load is not None:
    target("load of libcordon.so per process", load, "(informative)",
           f"{load:.0f} µs", None)
for tier in ("hardened", "lockdown"):
    small, big = tax(f"cordon {tier}"), tax(f"cordon {tier} 1GiB host")
    if small is not None and big is not None:
        lo, hi = quartiles(rows[f"cordon {tier}"])
        noise = max(hi - lo, 0.05 * small)
        target(f"{tier} tax from a 1 GiB host", big - small, "same within noise",
               f"{ms(big)} ms vs {ms(small)} ms", abs(big - small) <= noise)

lines.append("| target | measured | goal | verdict |")
lines.append("|---|---|---|---|")
for what, _, limit, shown, ok in verdicts:
    v = "" if ok is None else ("PASS" if ok else "MISS")
    lines.append(f"| {what} | {shown} | {limit} | {v} |")
lines.append("")
lines.append("Where the time goes, floor per namespace (tax in ms): " + ", ".join(
    f"{k[6:]} {ms(tax(k))}" for k in order if k.startswith("floor user")))
helper_share = [
    f"{t}: helper alone {ms(tax('helper ' + t))}, through the shim {ms(tax('cordon ' + t))}"
    for t in ("hardened", "lockdown") if f"helper {t}" in med
]
if helper_share:
    lines.append("")
    lines.append("The shim's share (cordon through the shim vs the helper exec'd "
                 "directly), tax in ms: " + "; ".join(helper_share) + ".")

text = "\n".join(lines) + "\n"
with open(os.path.join(out, "results.md"), "w") as f:
    f.write(text)
print(text)

# The chart: tax per tier, one bar per launcher.
tools = ["floor", "cordon", "unshare", "bwrap"]
with open(os.path.join(out, "chart.dat"), "w") as f:
    f.write("tier " + " ".join(tools) + "\n")
    for tier in ("hardened", "lockdown"):
        vals = [tax(f"{t} {tier}") for t in tools]
        f.write(tier + " " + " ".join("NaN" if v is None else f"{v / 1000:.3f}"
                                      for v in vals) + "\n")
with open(os.path.join(out, "chart.gp"), "w") as f:
    f.write(f"""set terminal pngcairo size 800,450 noenhanced font ',11'
set output 'tax.png'
set title 'Per-job tax over a plain posix_spawn of /bin/true (median, ms)'
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel 'ms per job'
set yrange [0:*]
set grid ytics
set key top left
plot 'chart.dat' using 2:xtic(1) title col, '' using 3 title col, \\
     '' using 4 title col, '' using 5 title col
""")
