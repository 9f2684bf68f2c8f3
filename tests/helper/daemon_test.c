/* Daemons and supervisors (docs/helper.md, "Signals" and "The end"): a
 * signal to the pid the host knows reaches the job's process alone; one to
 * its group reaches the whole group; the job's pid is that pid (pidfiles);
 * what a job leaves running outlives it in the group the host knows, or
 * ends with it under --orphans kill; SIGKILL of the monitor is SIGKILL of
 * the job. Each compared with the same run without cordon. */
#include "tests/helper/hutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const tiers[] = {NULL, "hardened", "lockdown"};
#define NTIERS	3
#define NAME(t) ((t) ? (t) : "plain")

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int wait_status(pid_t pid)
{
	int st = -1;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* The processes of process group pgid that are alive (zombies not counted). */
static int group_size(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], buf[512];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[k > 0 ? k : 0] = '\0';
		char *p = strrchr(buf, ')');
		char state;
		int ppid, pgrp;
		if (p && sscanf(p + 2, "%c %d %d", &state, &ppid, &pgrp) == 3 &&
		    pgrp == pgid && state != 'Z' && state != 'X')
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* Waits up to ms for group pgid to have n live members; its size. */
static int group_settles(pid_t pgid, int n, int ms)
{
	long end = now_ms() + ms;
	int k;

	while ((k = group_size(pgid)) != n && now_ms() < end)
		msleep(5);
	return k;
}

/* argv through the helper at tier with --orphans kill (tier NULL: plainly). */
static char **orphans_kill_cmdline(const char *tier, char *const argv[])
{
	char **v = tst_helper_cmdline(tier, argv);
	size_t n = 0;

	while (v[n])
		n++;
	char **w = calloc(n + 3, sizeof(*w));
	if (!w)
		abort();
	w[0] = v[0];
	w[1] = strdup("--orphans");
	w[2] = strdup("kill");
	memcpy(w + 3, v + 1, n * sizeof(*w));
	free(v);
	return w;
}

/* A pre-fork server: the master traps HUP (a graceful reload), its worker
 * keeps the default action. kill(pid, HUP) reaches the master alone: the
 * worker lives until the master ends it (TERM); kill(-pid, HUP) reaches
 * both: the worker dies of it. */
static void test_hup_master_only(void)
{
	char *argv[] = {
	    "sh", "-c",
	    "trap 'kill $w 2>/dev/null; wait $w; echo worker $?; exit 0' HUP; "
	    "sleep 30 & w=$!; echo ready; wait",
	    NULL};

	for (int group = 0; group < 2; group++)
		for (int t = 0; t < NTIERS; t++) {
			char line[64] = "";
			int out;
			pid_t pid = h_spawn(tiers[t], argv, &out);
			CU_ASSERT_TRUE_FATAL(pid > 0);
			CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
			msleep(50); /* past dash's fork of the worker */
			kill(group ? -pid : pid, SIGHUP);
			line[0] = '\0';
			CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
			/* 128 + HUP: the group's HUP; 128 + TERM: the master's. */
			const char *want = group ? "worker 129" : "worker 143";
			CU_ASSERT_STRING_EQUAL(line, want);
			if (strcmp(line, want))
				printf("\n    %s, HUP to the %s: %s\n", NAME(tiers[t]),
				       group ? "group" : "pid", line);
			CU_ASSERT_EQUAL(wait_status(pid), 0);
			close(out);
		}
}

/* A service script that stops its child in order on TERM: the child's only
 * TERM is the script's (without cordon the supervisor's kill(pid) does not
 * reach it either). TERM goes once both have said they are ready: the
 * child its trap set, the script its $c (before, its trap would kill
 * nothing and wait for ever). */
static void test_trap_and_stop(void)
{
	char *argv[] = {
	    "sh", "-c",
	    "trap 'kill -TERM $c; wait $c; echo stopped $?; exit 0' TERM; "
	    "sh -c 'n=0; trap \"n=\\$((n+1))\" TERM; echo ready; "
	    "while [ $n = 0 ]; do sleep 0.02; done; sleep 0.2; echo child-terms $n; "
	    "exit 7' & c=$!; echo started; wait",
	    NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "", l2[64] = "";
		int out;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		CU_ASSERT_TRUE(h_read_line(out, l2, sizeof(l2), 5000) > 0);
		kill(pid, SIGTERM);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		CU_ASSERT_TRUE(h_read_line(out, l2, sizeof(l2), 5000) > 0);
		CU_ASSERT_STRING_EQUAL(line, "child-terms 1");
		CU_ASSERT_STRING_EQUAL(l2, "stopped 7");
		if (strcmp(line, "child-terms 1"))
			printf("\n    %s: %s / %s\n", NAME(tiers[t]), line, l2);
		CU_ASSERT_EQUAL(wait_status(pid), 0);
		close(out);
	}
}

/* killpg of a job with children ends them all, as without cordon. */
static void test_killpg_children(void)
{
	char *argv[] = {"sh", "-c", "sleep 30 & sleep 30 & echo ready; wait", NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "";
		int out;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		kill(-pid, SIGTERM);
		int st = wait_status(pid);
		CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
		CU_ASSERT_EQUAL(group_settles(pid, 0, 2000), 0);
		close(out);
	}
}

/* The job tells its pid (as it would write a pidfile); the host signals
 * that pid: the job gets it, as without cordon. */
static void test_pidfile(void)
{
	char *argv[] = {"sh", "-c", "echo $$; exec sleep 30", NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "";
		int out;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		pid_t said = (pid_t)atoi(line);
		CU_ASSERT_EQUAL(said, pid);
		kill(said, SIGTERM);
		int st = wait_status(pid);
		CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
		close(out);
	}
}

/* A background process outlives its job (nohup cmd &, a double fork): the
 * host sees the job end at once with its status, the survivor stays in the
 * group, and the host's killpg ends it. With --orphans kill nothing is left
 * once the host has seen the end. */
static void test_survivor(void)
{
	char *argv[] = {"sh", "-c", "sleep 30 & echo ready; exit 3", NULL};

	for (int kill_them = 0; kill_them < 2; kill_them++)
		for (int t = kill_them; t < NTIERS; t++) {
			char line[64] = "";
			int out = -1;
			char **v =
			    kill_them
				? orphans_kill_cmdline(tiers[t], argv)
				: (tiers[t] ? tst_helper_cmdline(tiers[t], argv) : NULL);
			pid_t pid = h_spawn_v(v ? v : argv, 0, &out);
			tst_hcmd_free(v);
			CU_ASSERT_TRUE_FATAL(pid > 0);
			CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
			long t0 = now_ms();
			int st = wait_status(pid);
			long took = now_ms() - t0;
			CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 3);
			CU_ASSERT_TRUE(took < 2000);
			int left =
			    kill_them ? group_settles(pid, 0, 2000) : group_size(pid);
			CU_ASSERT_EQUAL(left, kill_them ? 0 : 1);
			if (left != (kill_them ? 0 : 1))
				printf("\n    %s%s: %d left in the group\n",
				       NAME(tiers[t]), kill_them ? " --orphans kill" : "",
				       left);
			kill(-pid, SIGKILL);
			CU_ASSERT_EQUAL(group_settles(pid, 0, 2000), 0);
			close(out);
		}
}

/* The processes, alive, in the pid namespace ns ("pid:[N]"). */
static int ns_size(const char *ns)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], link[64], stat[512];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", e->d_name);
		ssize_t k = readlink(path, link, sizeof(link) - 1);
		if (k <= 0)
			continue;
		link[k] = '\0';
		if (strcmp(link, ns))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		k = fd < 0 ? -1 : read(fd, stat, sizeof(stat) - 1);
		if (fd >= 0)
			close(fd);
		stat[k > 0 ? k : 0] = '\0';
		char *p = strrchr(stat, ')');
		n += p && p[2] != 'Z' && p[2] != 'X';
	}
	if (d)
		closedir(d);
	return n;
}

/* The sandbox of a survivor lives on after the job's end (its init and the
 * survivor), then goes with the last survivor. */
static void test_sandbox_follows_survivors(void)
{
	char *argv[] = {"sh", "-c", "sleep 0.5 & readlink /proc/self/ns/pid", NULL};

	for (int t = 1; t < NTIERS; t++) {
		char ns[64] = "";
		int out;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, ns, sizeof(ns), 5000) > 0);
		CU_ASSERT_EQUAL(wait_status(pid), 0);
		/* The survivor and init. */
		CU_ASSERT_EQUAL(ns_size(ns), 2);
		long end = now_ms() + 3000;
		while (ns_size(ns) && now_ms() < end)
			msleep(10);
		CU_ASSERT_EQUAL(ns_size(ns), 0);
		close(out);
	}
}

/* SIGKILL of the monitor is SIGKILL of the job: the host sees it die; what
 * the job left lives on in the group, as without cordon, until the host's
 * killpg. */
static void test_sigkill_monitor(void)
{
	char *argv[] = {"sh", "-c", "sleep 30 & sleep 30 & echo ready; wait", NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "";
		int out;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		msleep(50);
		kill(pid, SIGKILL);
		int st = wait_status(pid);
		CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		/* The job's sh goes a moment after the monitor: the sleeps stay. */
		CU_ASSERT_EQUAL(group_settles(pid, 2, 2000), 2);
		kill(-pid, SIGKILL);
		CU_ASSERT_EQUAL(group_settles(pid, 0, 2000), 0);
		close(out);
	}
}

/* A root daemon drops privileges as it does without cordon: chown of a
 * file it made, setpriv to a service user with that user's groups. A
 * caller other than root fails where it fails without cordon. */
static void test_drop_privileges(void)
{
	char script[4096];
	char *argv[] = {"sh", "-c", script, NULL};

	snprintf(script, sizeof(script),
		 "%s; d=$(mktemp -d) && touch $d/f && chown 65534:65534 $d/f && "
		 "stat -c %%u:%%g $d/f; rm -rf $d; "
		 "setpriv --reuid=nobody --regid=nogroup --init-groups id -u; echo $?",
		 tst_nsreport_sh());
	for (size_t t = 1; t < NTIERS; t++)
		h_assert_transparent(tiers[t], argv);
}

/* nginx as a root supervisor starts it: the master stays root, its workers
 * drop to www-data, and it serves. lockdown: on port 80 of the job's own
 * network (the control: a network namespace of its own, unshare -n);
 * hardened shares the host's network, where ports below 1024 need the
 * host's capability: a free high port there. */
static void test_nginx_root(void)
{
	char conf[PATH_MAX], script[2 * PATH_MAX + 512];
	char *argv[] = {"sh", "-c", script, NULL};
	const char *const netns[] = {"unshare", "-n", NULL};

	if (!tst_is_root()) {
		tst_skip("a root supervisor's nginx: the run as uid 65534 cannot start "
			 "a root daemon");
		return;
	}
	if (access("/usr/sbin/nginx", X_OK) < 0 || access("/usr/bin/curl", X_OK) < 0) {
		tst_skip("nginx or curl is not installed");
		return;
	}
	for (int t = 0; t < NTIERS; t++) {
		int port = tiers[t] && strcmp(tiers[t], "hardened") == 0
			       ? 20000 + (int)(getpid() % 20000)
			       : 80;
		snprintf(conf, sizeof(conf), "%s/nginx-%s.conf", tst_scratch(),
			 NAME(tiers[t]));
		FILE *f = fopen(conf, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fprintf(
		    f,
		    "user www-data;\nworker_processes 2;\npid /tmp/cordon-nginx.pid;\n"
		    "error_log stderr;\nevents { worker_connections 16; }\n"
		    "http { access_log off;\n"
		    "  client_body_temp_path /tmp/cordon-nginx; proxy_temp_path "
		    "/tmp/cordon-nginx;\n"
		    "  fastcgi_temp_path /tmp/cordon-nginx; uwsgi_temp_path "
		    "/tmp/cordon-nginx;\n"
		    "  scgi_temp_path /tmp/cordon-nginx;\n"
		    "  server { listen 127.0.0.1:%d; location / { return 200 "
		    "\"ok\\n\"; } } }\n",
		    port);
		fclose(f);
		snprintf(script, sizeof(script),
			 "ip link set lo up 2>/dev/null; nginx -c %s -g 'daemon off;' & "
			 "n=0; until curl -s http://127.0.0.1:%d/ 2>/dev/null; do "
			 "n=$((n+1)); [ $n -lt 100 ] || break; sleep 0.05; done; "
			 "{ ps -o user= -C nginx || ps -o user= -C nginx; } | sort | "
			 "uniq -c | tr -s ' '; kill $!; wait",
			 conf, port);
		struct tst_proc r;
		struct tst_how how = {.via = TST_HELPER,
				      .tier = tiers[t],
				      .wrap = tiers[t] ? NULL : netns,
				      .timeout_ms = 15000};
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		const char *want = " 1 root\n 2 www-data\n";
		CU_ASSERT_NSTRING_EQUAL(r.out, "ok\n", 3);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want));
		if (strncmp(r.out, "ok\n", 3) || !strstr(r.out, want))
			printf("\n    %s: %s / %s\n", NAME(tiers[t]), r.out, r.err);
		tst_proc_free(&r);
		unlink(conf);
	}
}

/* A storm: 200 real-time signals to the pid and 200 to the group,
 * interleaved, while the group has 100 other members of the job's: the job
 * counts each instance once (real-time signals queue, so every one shows),
 * 400 in all. A standard signal sent to the pid after a pause arrives
 * once. */
static void test_storm(void)
{
	char *argv[] = {(char *)tst_build("tests/helper/sigcount"), "100", NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "";
		int out;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 10000) > 0);
		union sigval v = {0};
		for (int i = 0; i < 200; i++) {
			sigqueue(pid, SIGRTMIN, v);
			kill(-pid, SIGRTMIN);
		}
		msleep(300);
		kill(pid, SIGUSR1);
		msleep(300);
		kill(pid, SIGUSR2);
		line[0] = '\0';
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 10000) > 0);
		CU_ASSERT_STRING_EQUAL(line, "rt 400 usr1 1");
		if (strcmp(line, "rt 400 usr1 1"))
			printf("\n    %s: %s\n", NAME(tiers[t]), line);
		CU_ASSERT_EQUAL(wait_status(pid), 0);
		close(out);
	}
}

/* SIGSTOP to the pid stops the monitor alone: the host sees the pid stop,
 * the job runs on (a documented limit, docs/helper.md); SIGSTOP to the
 * group stops the job; SIGCONT continues. Without cordon the first stops
 * the job too: the control. */
static void test_sigstop(void)
{
	/* No fork: a shell stopped while it waits in vfork for a child that
	 * was stopped before its exec never reports the stop. */
	char *argv[] = {
	    "sh", "-c",
	    "i=0; while :; do i=$((i+1)); [ $((i % 2000)) = 0 ] && echo tick; "
	    "done",
	    NULL};

	for (int t = 0; t < NTIERS; t++)
		for (int group = 0; group < 2; group++) {
			char line[64];
			int out, st = 0;
			pid_t pid = h_spawn(tiers[t], argv, &out);
			CU_ASSERT_TRUE_FATAL(pid > 0);
			CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
			kill(group ? -pid : pid, SIGSTOP);
			CU_ASSERT_EQUAL(waitpid(pid, &st, WUNTRACED), pid);
			CU_ASSERT_TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
			msleep(200);
			/* Drain what came before the stop, then look. */
			struct pollfd p = {out, POLLIN, 0};
			char buf[4096];
			while (poll(&p, 1, 0) > 0 && read(out, buf, sizeof(buf)) > 0)
				;
			msleep(300);
			bool runs = poll(&p, 1, 0) > 0;
			bool want = tiers[t] && !group;
			CU_ASSERT_EQUAL(runs, want);
			if (runs != want)
				printf("\n    %s, SIGSTOP to the %s: the job %s\n",
				       NAME(tiers[t]), group ? "group" : "pid",
				       runs ? "runs" : "stopped");
			kill(group ? -pid : pid, SIGCONT);
			kill(-pid, SIGKILL);
			wait_status(pid);
			close(out);
		}
}

/* v with Landlock's system calls answering ENOSYS, as on a kernel before
 * Linux 6.12 or with Landlock off (tests/helper/progs/nosyscall.c). */
static char **no_landlock(char *const v[])
{
	static char *w[64];
	size_t i = 0;

	w[i++] = (char *)tst_build("tests/helper/nosyscall");
	w[i++] = "38";
	w[i++] = "444,445,446";
	for (size_t k = 0; v[k] && i + 1 < sizeof(w) / sizeof(w[0]); k++)
		w[i++] = v[k];
	w[i] = NULL;
	return w;
}

/* A kernel without Landlock's signal scope: the job runs in a process
 * group of its own (its pid still the host's), so its kill(0) spares the
 * host's members of the group the host started it in; the control, without
 * cordon, kills them. A signal to the pid reaches the job through the
 * monitor. */
static void test_no_landlock(void)
{
	char *job[] = {"sh", "-c",
		       "trap '' USR1; echo $$ $(cut -d' ' -f5 /proc/$$/stat); "
		       "kill -USR1 0; echo sent",
		       NULL};
	char *sleeper[] = {"sleep", "10", NULL};

	for (int t = 0; t < NTIERS; t++) {
		char **v = t ? tst_helper_cmdline(tiers[t], job) : NULL;
		char line[64] = "", want[64];
		int out = -1;
		/* The group the host starts the job in, led by a process
		 * that USR1 kills. */
		pid_t member = fork();
		if (member == 0) {
			setpgid(0, 0);
			execvp("sleep", sleeper);
			_exit(127);
		}
		setpgid(member, member);
		pid_t pid = h_spawn_v(no_landlock(v ? v : job), member, &out);
		tst_hcmd_free(v);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		if (h_read_line(out, line, sizeof(line), 5000) <= 0) {
			int st = wait_status(pid);
			kill(member, SIGKILL);
			wait_status(member);
			close(out);
			if (WIFEXITED(st) && WEXITSTATUS(st) == 120) {
				tst_skip("no seccomp filter can be installed here");
				return;
			}
			CU_FAIL("the job said nothing");
			continue;
		}
		/* Plainly the host's group; here one the job leads. */
		snprintf(want, sizeof(want), "%d %d", (int)pid, (int)(t ? pid : member));
		CU_ASSERT_STRING_EQUAL(line, want);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		CU_ASSERT_STRING_EQUAL(line, "sent");
		CU_ASSERT_EQUAL(wait_status(pid), 0);
		msleep(100);
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		bool alive = waitid(P_PID, (id_t)member, &si, WEXITED | WNOHANG) == 0 &&
			     si.si_pid == 0;
		CU_ASSERT_EQUAL(alive, t != 0);
		if (alive != (t != 0))
			printf("\n    %s: the group's leader %s\n", NAME(tiers[t]),
			       alive ? "lives" : "died");
		kill(member, SIGKILL);
		wait_status(member);
		close(out);
	}
	/* A signal to the pid reaches the job (its group's leader). */
	for (int t = 1; t < NTIERS; t++) {
		char *sl[] = {"sh", "-c", "echo up; exec sleep 10", NULL};
		char **v = tst_helper_cmdline(tiers[t], sl);
		char line[64] = "";
		int out = -1;
		pid_t pid = h_spawn_v(no_landlock(v), 0, &out);
		tst_hcmd_free(v);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		kill(pid, SIGTERM);
		int st = wait_status(pid);
		CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
		close(out);
	}
}

/* Without clone3 (a container's seccomp profile answers ENOSYS) the job's
 * pid is still the one the host knows: init sets ns_last_pid. */
static void test_no_clone3(void)
{
	char *job[] = {"sh", "-c", "echo $$ $PPID", NULL};

	for (int t = 1; t < NTIERS; t++) {
		char **v = tst_helper_cmdline(tiers[t], job);
		char *w[64] = {(char *)tst_build("tests/helper/nosyscall"), "38", "435"};
		for (size_t i = 0; v[i] && i + 4 < sizeof(w) / sizeof(w[0]); i++)
			w[i + 3] = v[i];
		char line[64] = "", want[64];
		int out;
		pid_t pid = h_spawn_v(w, 0, &out);
		tst_hcmd_free(v);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		snprintf(want, sizeof(want), "%d 1", (int)pid);
		CU_ASSERT_STRING_EQUAL(line, want);
		CU_ASSERT_EQUAL(wait_status(pid), 0);
		close(out);
	}
}

/* A host with every fd below its soft RLIMIT_NOFILE open and inherited:
 * a static job runs, as without cordon (the helper opens nothing in the
 * host's table; the job's Landlock ruleset borrows a slot above the soft
 * limit for a moment). The job: the helper's own --validate, static. */
static void test_no_free_fd(void)
{
	char script[3 * PATH_MAX + 256];
	char *argv[] = {"bash", "-c", script, NULL};
	const char *helper = tst_build("cordon-helper");

	if (h_sanitized()) {
		tst_skip(
		    "the sanitized helper's runtime opens files of its own before "
		    "main: it cannot start with no free fd (the plain run fails too); "
		    "the static helper is checked in the plain build's run");
		return;
	}
	for (int t = 0; t < NTIERS; t++) {
		struct tst_proc r;
		char job[2 * PATH_MAX + 64];
		if (t)
			snprintf(job, sizeof(job), "%s %s - %s cordon-helper", helper,
				 tiers[t], helper);
		else
			snprintf(job, sizeof(job), "%s", helper);
		snprintf(script, sizeof(script),
			 "ulimit -Sn 20 || exit 2; for i in $(seq 3 19); do "
			 "eval \"exec $i</dev/null\"; done; "
			 "%s --validate orphans kill; echo $?",
			 job);
		struct tst_opts o = {.timeout_ms = 10000};
		CU_ASSERT_EQUAL_FATAL(tst_run(argv, &o, &r), 0);
		CU_ASSERT_STRING_EQUAL(r.out, "0\n");
		if (strcmp(r.out, "0\n"))
			printf("\n    %s: %s%s\n", NAME(tiers[t]), r.out, r.err);
		tst_proc_free(&r);
	}
}

/* Each job is three processes while it runs (the helper, init, the job)
 * against the caller's RLIMIT_NPROC: with the shell that starts it, at
 * ulimit -u 4 a job runs, at 3 the helper says why (exit 125); without
 * cordon 2 are enough. As a uid of its own, so that no other process
 * counts. */
static void test_nproc(void)
{
	static const struct {
		int limit;
		bool cordon;
		const char *want;
	} runs[] = {{2, false, "0\n"}, {4, true, "0\n"}, {3, true, "125\n"}};
	char script[PATH_MAX + 256];
	char *argv[] = {"setpriv",	 "--reuid=64997",
			"--regid=64997", "--clear-groups",
			"bash",		 "-c",
			script,		 NULL};

	if (!tst_is_root()) {
		tst_skip(
		    "a process limit of a uid of its own: switching to it needs root "
		    "(the root run covers it)");
		return;
	}
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct tst_proc r;
		snprintf(script, sizeof(script),
			 "ulimit -u %d; %s%s /bin/true true; echo $?", runs[i].limit,
			 runs[i].cordon ? tst_build("cordon-helper") : "",
			 runs[i].cordon ? " hardened -" : "");
		struct tst_opts o = {.timeout_ms = 10000};
		CU_ASSERT_EQUAL_FATAL(tst_run(argv, &o, &r), 0);
		CU_ASSERT_STRING_EQUAL(r.out, runs[i].want);
		const char *line =
		    runs[i].want[0] == '1'
			? "the process limit (RLIMIT_NPROC 3) is reached; cordon "
			  "needs 2 processes per job besides the job"
			: NULL;
		if (line)
			CU_ASSERT_PTR_NOT_NULL(strstr(r.err, line));
		if (!line)
			CU_ASSERT_STRING_EQUAL(r.err, "");
		tst_proc_free(&r);
	}
}

/* A job that stops itself and is continued by a child of its own: the
 * host's wait ends as it does without cordon (the monitor, stopped with
 * the job, is continued too: nothing else would). With time= the job,
 * stopped for good, still ends at its deadline, by SIGKILL. */
static void test_self_stop(void)
{
	char s[1024];
	struct tst_proc r;

	snprintf(s, sizeof(s),
		 "%s; /bin/sh -c '( sleep 0.5; kill -CONT $$ ) & kill -STOP $$; echo "
		 "job-end'; echo rc $?",
		 tst_nsreport());
	char *argv[] = {"dash", "-c", s, NULL};
	for (int t = 0; t < NTIERS; t++) {
		struct tst_how how = {.tier = tiers[t], .timeout_ms = 10000};
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		CU_ASSERT_STRING_EQUAL(r.out, "job-end\nrc 0\n");
		if (tiers[t])
			CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		if (strcmp(r.out, "job-end\nrc 0\n"))
			printf("\n    %s: %s|%s", NAME(tiers[t]), r.out, r.err);
		tst_proc_free(&r);
	}
	char *stopped[] = {"dash", "-c",
			   "/bin/sh -c 'kill -STOP $$; echo job-end'; echo rc $?", NULL};
	for (int t = 1; t < NTIERS; t++) {
		const char *env[] = {"CORDON_LIMITS=time=1", NULL};
		struct tst_how how = {.tier = tiers[t], .env = env, .timeout_ms = 10000};
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, stopped, &r), 0);
		CU_ASSERT_STRING_EQUAL(r.out, "rc 137\n");
		CU_ASSERT_FALSE(r.timed_out);
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.err, "cordon: the job ran out of its time limit"));
		if (strcmp(r.out, "rc 137\n") || !strstr(r.err, "time limit"))
			printf("\n    %s, time=1: %s|%s", tiers[t], r.out, r.err);
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"a job stopped and continued by its own child; time= while stopped", test_self_stop},
    {"HUP to the master's pid spares its workers; to the group, not",
     test_hup_master_only},
    {"a trap-and-stop script: its child's only TERM is the script's", test_trap_and_stop},
    {"killpg of a job with children ends them all", test_killpg_children},
    {"the job's $$ is the pid the host knows (pidfiles)", test_pidfile},
    {"a background process outlives its job; --orphans kill", test_survivor},
    {"the sandbox goes with the last survivor", test_sandbox_follows_survivors},
    {"SIGKILL of the monitor: the job dies, what it left lives", test_sigkill_monitor},
    {"a root daemon drops privileges (chown, setpriv --init-groups)",
     test_drop_privileges},
    {"nginx started by a root supervisor: workers as www-data, serving", test_nginx_root},
    {"a storm of real-time signals to the pid and to a large group", test_storm},
    {"SIGSTOP: to the pid stops the monitor alone; to the group, the job", test_sigstop},
    {"no Landlock signal scope: the job's own group, kill(0) spares the host's",
     test_no_landlock},
    {"no clone3: the job's pid is still the host's", test_no_clone3},
    {"a job with no free fd below the soft limit runs", test_no_free_fd},
    {"ulimit -u: three processes per job, and the line at the limit", test_nproc},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.daemon", tests)
