# scripts/bench's report: reads data.txt ("SET CONFIG ROUND NS" lines),
# rss.txt ("CONFIG MONITOR_KIB INIT_KIB ...") and syscalls.txt ("CONFIG
# COUNT", from strace), prints results.md, and writes the
# chart's data files. A tax is paired: the configuration's time minus the
# plain spawn's time of the same set and round, so that drift between
# rounds cancels; its median and IQR are over rounds.
function sortv(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
function q(a, n, p,    pos, lo) {
	pos = 1 + (n - 1) * p
	lo = int(pos)
	return lo >= n ? a[n] : a[lo] + (pos - lo) * (a[lo + 1] - a[lo])
}
# stat(SET, CONFIG, BASE): median/q1/q3 (ms) of CONFIG - BASE per round, or of
# CONFIG alone when BASE is "". Sets M, Q1, Q3, N.
function stat(set, c, base,    r, n, v) {
	n = 0
	for (r = 1; r <= maxr; r++) {
		if (!((set, c, r) in t) || (base != "" && !((set, base, r) in t)))
			continue
		v[++n] = (t[set, c, r] - (base == "" ? 0 : t[set, base, r])) / 1e6
	}
	N = n
	if (n == 0) {
		M = Q1 = Q3 = ""
		return 0
	}
	sortv(v, n)
	M = q(v, n, 0.5); Q1 = q(v, n, 0.25); Q3 = q(v, n, 0.75)
	return 1
}
function ms(x) { return x == "" ? "—" : sprintf("%.3f", x) }
function sms(x) { return x == "" ? "—" : sprintf("%+.3f", x) }
function verdict(ok) { return ok ? "**PASS**" : "**MISS**" }
function timing_head() {
	print "| config | what | per job | IQR | tax | tax IQR |"
	print "|---|---|---:|---:|---:|---:|"
}
function row(set, c,    m, iq) {
	if (!stat(set, c, ""))
		return
	m = M; iq = Q3 - Q1
	stat(set, c, "plain")
	printf "| %s | %s | %s | %s | %s | %s |\n", c, desc[c], ms(m), ms(iq), \
		c == "plain" ? "0" : sms(M), c == "plain" ? "—" : ms(Q3 - Q1)
	tax[set, c] = M; taxiqr[set, c] = Q3 - Q1
}
BEGIN {
	desc["plain"] = "posix_spawn `/bin/true`, no shim"
	desc["fork"] = "fork + execve `/bin/true`, no shim"
	desc["none"] = "host preloads libcordon.so, `CORDON_TIER=none`"
	desc["load"] = "the job preloads libcordon.so (tier none): its load cost"
	desc["cordon-h"] = "host preloads libcordon.so, `CORDON_TIER=hardened`"
	desc["cordon-l"] = "host preloads libcordon.so, `CORDON_TIER=lockdown`"
	desc["helper-h"] = "`cordon-helper hardened - /bin/true` (no shim)"
	desc["helper-l"] = "`cordon-helper lockdown - /bin/true` (no shim)"
	desc["cordon-lp"] = "cordon-l with `CORDON_WRITABLE` (5 paths) and `CORDON_HIDDEN` (3 paths)"
	desc["helper-lp"] = "helper-l with `--writable` (5 paths) and `--hidden` (3 paths)"
	desc["cordon-hl"] = "cordon-h with `CORDON_LIMITS` time, cpu, nofile, fsize, core, userns, inotify"
	desc["cordon-ll"] = "cordon-l with the same limits"
	desc["floorproc-h"] = "`floor hardened+proc`: + a mount namespace and a fresh /proc"
	desc["floor-h"] = "`floor hardened`: clone(user+pid+ipc), maps, exec"
	desc["floorinit-h"] = "`floor hardened+init`: PID 1 vforks the job and waits"
	desc["floorinit-l"] = "`floor lockdown+init`: PID 1 vforks the job and waits"
	desc["floordrop-h"] = "`floor hardened+drop`: + the job's privilege drop (helper/caps.c)"
	desc["floordrop-l"] = "`floor lockdown+drop`: + the job's privilege drop (helper/caps.c)"
	desc["floormq-h"] = "`floor hardened+mq`: + a mount namespace, mqueue over /dev/mqueue"
	desc["load-empty"] = "the job preloads an empty .so: any preload's cost"
	desc["floor-l"] = "`floor lockdown`: + mnt+net, tmpfs ×3, /proc, mqueue, lo up"
	desc["bwrap-h"] = "`bwrap --unshare-user --unshare-pid --unshare-ipc --dev-bind / /`"
	desc["bwrap-l"] = "bwrap-h + `--unshare-net --tmpfs /tmp --tmpfs /var/tmp --tmpfs /dev/shm --proc /proc --mqueue /dev/mqueue`"
	desc["unshare-h"] = "`unshare --user --map-current-user --pid --fork --ipc`"
	desc["unshare-l"] = "unshare-h + `--mount --net --mount-proc` (no tmpfs, lo stays down)"
	for (i = split("user user+pid user+ipc user+mnt user+net", nsl, " "); i > 0; i--)
		desc["ns-" nsl[i]] = "floor, clone(" nsl[i] ")"
	maxr = 0
	# The targets (issue #16): the bare floor's tax times these.
	goal["h"] = 1.3; goal["l"] = 1.15
}
FILENAME == ARGV[1] {
	t[$1, $2, $3] = $4
	if ($3 > maxr) maxr = $3
	next
}
FILENAME == ARGV[3] {
	sc[$1] = $2
	next
}
{ mon[$1] = $2; ini[$1] = $3; pmon[$1] = $4; pini[$1] = $5 }
END {
	print "# cordon bench results"
	print ""
	printf "%s · %s · measured as %s · %d rounds × %d jobs per configuration, interleaved · %s\n", \
		date, machine, who, rounds, jobs, bwrapv
	print ""
	if (notes != "") { print notes }
	print "Per-job wall time (median over rounds of the round's mean) and **tax** = the configuration's time − plain's, paired by round; IQR = interquartile range over rounds. All in ms."
	print ""
	print "## One job at a time"
	print ""
	timing_head()
	n = split("plain fork none load load-empty cordon-h cordon-hl helper-h floor-h floorproc-h floorinit-h floordrop-h floormq-h unshare-h bwrap-h cordon-l cordon-lp cordon-ll helper-l helper-lp floor-l floorinit-l floordrop-l unshare-l bwrap-l", order, " ")
	for (i = 1; i <= n; i++) row("seq", order[i])
	print ""
	if ("helper-h" in sc) {
		print "## System calls to the job's exec (one job, strace -f)"
		print ""
		print "From the launcher's exec to the job's, every process of it counted (the monitor, init and the target for cordon's helper). Tier none execs nothing of cordon's: its figure is what loading libcordon.so adds to every process (`/bin/true` alone, to its exit), against an empty preload."
		print ""
		print "| tier | cordon-helper | floor | floor+drop |"
		print "|---|---:|---:|---:|"
		for (i = 1; i <= 2; i++) {
			tt = substr("hl", i, 1)
			printf "| %s | %d | %d | %d |\n", tt == "h" ? "hardened" : "lockdown", \
				sc["helper-" tt], sc["floor-" tt], sc["floordrop-" tt]
		}
		printf "| none | +%d (libcordon.so: %d; an empty .so: +%d) | — | — |\n", \
			sc["load"] - sc["plain-job"], sc["load"], sc["load-empty"] - sc["plain-job"]
		print ""
	}
	print "## The filesystem policy, the limits and hardened's /proc, paired by round"
	print ""
	print "| what | ms | IQR |"
	print "|---|---:|---:|"
	if (stat("seq", "cordon-lp", "cordon-l"))
		printf "| lockdown + 5 writable + 3 hidden paths, through the shim (cordon-lp − cordon-l) | %s | %s |\n", sms(M), ms(Q3 - Q1)
	if (stat("seq", "helper-lp", "helper-l"))
		printf "| the same, the helper alone (helper-lp − helper-l) | %s | %s |\n", sms(M), ms(Q3 - Q1)
	if (stat("seq", "cordon-hl", "cordon-h"))
		printf "| hardened + a typical limit set (cordon-hl − cordon-h) | %s | %s |\n", sms(M), ms(Q3 - Q1)
	if (stat("seq", "cordon-ll", "cordon-l"))
		printf "| lockdown + the same limits (cordon-ll − cordon-l) | %s | %s |\n", sms(M), ms(Q3 - Q1)
	if (stat("seq", "floorproc-h", "floor-h"))
		printf "| a mount namespace and a fresh /proc at the floor (floorproc-h − floor-h), what hardened gained | %s | %s |\n", sms(M), ms(Q3 - Q1)
	print ""
	print "## Where the time goes: each namespace on its own (floor)"
	print ""
	print "cordon has no per-namespace mode; its tiers are the cordon-h/-l rows above. user+mnt does / rprivate and the three tmpfs (no /proc, no mqueue: those need the pid and ipc namespaces); user+net brings lo up."
	print ""
	timing_head()
	for (i = 1; i <= 5; i++) row("seq", "ns-" nsl[i])
	print ""
	print "cordon's namespaces come by tier: what lockdown adds to hardened (mnt+net, the mounts, lo up), paired by round:"
	print ""
	print "| launcher | lockdown − hardened | IQR |"
	print "|---|---:|---:|"
	n = split("cordon helper floor floorinit floordrop", order, " ")
	for (i = 1; i <= n; i++)
		if ((order[i] "-l") in desc && tax["seq", order[i] "-l"] != "") {
			stat("seq", order[i] "-l", order[i] "-h")
			printf "| %s | %s | %s |\n", order[i], sms(M), ms(Q3 - Q1)
		}
	print ""
	print "## Two jobs in flight (2 cores)"
	print ""
	timing_head()
	n = split("plain none cordon-h floor-h unshare-h bwrap-h cordon-l floor-l unshare-l bwrap-l", order, " ")
	for (i = 1; i <= n; i++) row("par", order[i])
	print ""
	print "## Host holding 1 GiB resident (tax against plain from the same big host)"
	print ""
	timing_head()
	n = split("plain fork cordon-h cordon-l floor-h", order, " ")
	for (i = 1; i <= n; i++) row("big", order[i])
	print ""
	if (("mq", "plain", 1) in t) {
		print "## A host with its mqueue filesystem on /dev/mqueue (systemd's)"
		print ""
		printf "There hardened covers /dev/mqueue with a fresh mqueue fs, in a mount namespace of the job's own (docs/helper.md): the kernel copies the host's %d mounts into it and takes them down at the job's end, so this cost grows with the host's mount count. Measured here with an mqueue fs mounted on /dev/mqueue in a private mount namespace of each round's host; tax against plain from the same host.\n", mounts
		print ""
		timing_head()
		n = split("plain cordon-h floor-h floormq-h bwrap-h cordon-l floor-l", order, " ")
		for (i = 1; i <= n; i++) row("mq", order[i])
		print ""
		if (tax["mq", "cordon-h"] != "" && tax["seq", "cordon-h"] != "")
			printf "hardened: cordon %s ms here against %s ms on this host as it is (the mount namespace: %s ms); the floor with the same cover %s ms (cordon / that floor: %s; cordon / bwrap, which always has a mount namespace: %s).\n", \
				sms(tax["mq", "cordon-h"]), sms(tax["seq", "cordon-h"]), \
				sms(tax["mq", "cordon-h"] - tax["seq", "cordon-h"]), sms(tax["mq", "floormq-h"]), \
				ratio(tax["mq", "cordon-h"], tax["mq", "floormq-h"]), ratio(tax["mq", "cordon-h"], tax["mq", "bwrap-h"])
		print ""
	}
	print "## Memory beside a running job (KiB)"
	print ""
	print "VmRSS counts every resident page a process maps (a static binary's text included, though the page cache holds it once); Pss divides each shared page among the processes that map it. The floor and unshare(1) have no init: their child is the job itself."
	print ""
	print "| launcher | RSS monitor | RSS init | RSS monitor + init | PSS monitor + init |"
	print "|---|---:|---:|---:|---:|"
	n = split("cordon-h cordon-l helper-h helper-l floor-h floor-l floorinit-h floorinit-l unshare-h unshare-l bwrap-h bwrap-l", order, " ")
	for (i = 1; i <= n; i++)
		if (order[i] in mon)
			printf "| %s | %d | %s | %d | %s |\n", order[i], mon[order[i]], \
				ini[order[i]] ? ini[order[i]] : "—", mon[order[i]] + ini[order[i]], \
				pmon[order[i]] < 0 ? "—" : pmon[order[i]] + pini[order[i]]
	print ""
	print "## Ratios and shares"
	print ""
	print "| figure | hardened | lockdown |"
	print "|---|---:|---:|"
	split("h l", tiers, " ")
	line = "| tax cordon / floor |"; for (i = 1; i <= 2; i++) line = line sprintf(" %s |", ratio(tax["seq", "cordon-" tiers[i]], tax["seq", "floor-" tiers[i]])); print line
	line = "| tax cordon / bwrap |"; for (i = 1; i <= 2; i++) line = line sprintf(" %s |", ratio(tax["seq", "cordon-" tiers[i]], tax["seq", "bwrap-" tiers[i]])); print line
	line = "| tax cordon / unshare(1) |"; for (i = 1; i <= 2; i++) line = line sprintf(" %s |", ratio(tax["seq", "cordon-" tiers[i]], tax["seq", "unshare-" tiers[i]])); print line
	line = "| tax cordon / floor, 2 in flight |"; for (i = 1; i <= 2; i++) line = line sprintf(" %s |", ratio(tax["par", "cordon-" tiers[i]], tax["par", "floor-" tiers[i]])); print line
	line = "| the helper alone (no shim), tax ms |"; for (i = 1; i <= 2; i++) line = line sprintf(" %s |", sms(tax["seq", "helper-" tiers[i]])); print line
	line = "| the shim's share (cordon − helper alone), ms |"
	for (i = 1; i <= 2; i++) { stat("seq", "cordon-" tiers[i], "helper-" tiers[i]); line = line sprintf(" %s (IQR %s) |", sms(M), ms(Q3 - Q1)) }
	print line
	line = "| the helper's excess over the floor, ms |"
	for (i = 1; i <= 2; i++) { stat("seq", "helper-" tiers[i], "floor-" tiers[i]); line = line sprintf(" %s (IQR %s) |", sms(M), ms(Q3 - Q1)) }
	print line
	line = "| an init's cost at the floor (floor+init − floor), ms |"
	for (i = 1; i <= 2; i++) { stat("seq", "floorinit-" tiers[i], "floor-" tiers[i]); line = line sprintf(" %s (IQR %s) |", sms(M), ms(Q3 - Q1)) }
	print line
	line = "| the helper's excess over floor+init, ms |"
	for (i = 1; i <= 2; i++) { stat("seq", "helper-" tiers[i], "floorinit-" tiers[i]); line = line sprintf(" %s (IQR %s) |", sms(M), ms(Q3 - Q1)) }
	print line
	line = "| tax cordon / (floor+init) |"; for (i = 1; i <= 2; i++) line = line sprintf(" %s |", ratio(tax["seq", "cordon-" tiers[i]], tax["seq", "floorinit-" tiers[i]])); print line
	line = "| the job's privilege drop at the floor (floor+drop − floor+init), ms |"
	for (i = 1; i <= 2; i++) { stat("seq", "floordrop-" tiers[i], "floorinit-" tiers[i]); line = line sprintf(" %s (IQR %s) |", sms(M), ms(Q3 - Q1)) }
	print line
	line = "| the helper's excess over floor+drop, ms |"
	for (i = 1; i <= 2; i++) { stat("seq", "helper-" tiers[i], "floordrop-" tiers[i]); line = line sprintf(" %s (IQR %s) |", sms(M), ms(Q3 - Q1)) }
	print line
	line = "| tax cordon / (floor+drop) |"; for (i = 1; i <= 2; i++) line = line sprintf(" %s |", ratio(tax["seq", "cordon-" tiers[i]], tax["seq", "floordrop-" tiers[i]])); print line
	print ""
	print "## Targets"
	print ""
	print "| figure | target | measured | verdict |"
	print "|---|---|---|---|"
	for (i = 1; i <= 2; i++) {
		tn = tiers[i] == "h" ? "hardened" : "lockdown"
		lim = goal[tiers[i]]
		c = tax["seq", "cordon-" tiers[i]]; f = tax["seq", "floor-" tiers[i]]
		fd = tax["seq", "floordrop-" tiers[i]]
		if (c == "" || f == "") { printf "| %s tax | ≤ %.2f × floor | not measured | — |\n", tn, lim; continue }
		printf "| %s tax | ≤ %.2f × floor (%s ms) | %s ms = %.2f × floor, %s × floor+drop (bwrap %s, unshare %s) | %s |\n", \
			tn, lim, ms(lim * f), sms(c), c / f, ratio(c, fd), sms(tax["seq", "bwrap-" tiers[i]]), \
			sms(tax["seq", "unshare-" tiers[i]]), verdict(c <= lim * f)
	}
	worst = ""
	for (i = 1; i <= 2; i++)
		if (("cordon-" tiers[i]) in mon) {
			k = mon["cordon-" tiers[i]] + ini["cordon-" tiers[i]]
			if (worst == "" || k > worst) worst = k
		}
	if (worst != "")
		printf "| monitor + init RSS | ≤ 128 KiB | %d KiB, worse tier (PSS %s KiB; bwrap RSS %d KiB) | %s |\n", \
			worst, pmon["cordon-l"] + pini["cordon-l"], mon["bwrap-l"] + ini["bwrap-l"], verdict(worst <= 128)
	stat("seq", "plain", ""); p = M
	e = tax["seq", "load-empty"]
	stat("seq", "none", "plain")
	if (e != "")
		printf "| tier none per job | ≤ an empty preload + 2 points (%+.2f %%) | %+.2f %% (%s ms on %s ms; IQR %s ms) | %s |\n", \
			100 * e / p + 2, 100 * M / p, sms(M), ms(p), ms(Q3 - Q1), verdict(M <= e + 0.02 * p)
	ok = 1; text = ""
	for (i = 1; i <= 2; i++) {
		c = "cordon-" tiers[i]
		if (tax["seq", c] == "" || tax["big", c] == "") continue
		d = tax["big", c] - tax["seq", c]
		noise = taxiqr["seq", c] > taxiqr["big", c] ? taxiqr["seq", c] : taxiqr["big", c]
		if (noise < 0.05 * tax["seq", c]) noise = 0.05 * tax["seq", c]
		if (d > noise || -d > noise) ok = 0
		text = text sprintf("%s%s %s → %s ms (Δ %s, noise %s)", text == "" ? "" : "; ", \
			c, ms(tax["seq", c]), ms(tax["big", c]), sms(d), ms(noise))
	}
	printf "| 1 GiB host vs small host | same tax within noise | %s; fork+exec %s → %s ms | %s |\n", \
		text, sms(tax["seq", "fork"]), sms(tax["big", "fork"]), verdict(ok)
	print ""
	print "noise = the larger tax IQR of the two hosts, at least 5 % of the small host's tax."
	print "load cost of libcordon.so per process (the job preloads it, tier none): " sms(tax["seq", "load"]) " ms; of an empty preloaded .so: " sms(tax["seq", "load-empty"]) " ms."
	# What bounds the missed targets, measured in the same run.
	print ""
	print "## Bounds measured in this run"
	print ""
	for (i = 1; i <= 2; i++) {
		f = tax["seq", "floor-" tiers[i]]; fi = tax["seq", "floorinit-" tiers[i]]; fd = tax["seq", "floordrop-" tiers[i]]
		if (f == "" || fi == "" || fd == "") continue
		printf "- %s: the floor with the least init the contract requires (a PID 1 that is not the job) is %.2f × the floor; with the job's privilege drop the contract requires as well (caps, no_new_privs, TIOCSTI filter), %.2f × the floor%s.\n", \
			tiers[i] == "h" ? "hardened" : "lockdown", fi / f, fd / f, (fd > goal[tiers[i]] * f ? sprintf(": %.2f × the floor is out of reach for any launcher that meets the contract", goal[tiers[i]]) : "")
	}
	if (tax["seq", "load-empty"] != "" && p > 0)
		printf "- tier none: an empty preloaded .so alone costs %.1f %% of a plain job%s.\n", \
			100 * tax["seq", "load-empty"] / p, ": what any LD_PRELOAD shim that the jobs inherit costs, so the target is 2 points above it"

	print "# launcher hardened lockdown (tax, ms)" > plotdata
	n = split("cordon helper floordrop floorinit floor unshare bwrap", tools, " ")
	for (i = 1; i <= n; i++)
		if (tax["seq", tools[i] "-h"] != "")
			printf "%s %.4f %.4f\n", tools[i] == "helper" ? "helper" : tools[i] == "floorinit" ? "floor+init" : tools[i] == "floordrop" ? "floor+drop" : tools[i], \
				tax["seq", tools[i] "-h"], tax["seq", tools[i] "-l"] > plotdata
	for (i = 1; i <= 5; i++)
		printf "%s %.4f\n", nsl[i], tax["seq", "ns-" nsl[i]] > nsdata
}
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "—" : sprintf("%.2f", a / b) }
