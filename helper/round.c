/* The monitor's side of the signals: which of what reached P was sent to P
 * alone, and so must be passed on to the job; the rest was sent to the
 * process group G and reached the job straight from the kernel.
 *
 * Nothing in what P receives tells the two apart (kill(P), kill(-G) and
 * pidfd_send_signal give the same siginfo), so init, a member of G that
 * blocks everything, keeps the group's sends pending: its evidence. A
 * group send walks G newest member first (init is newer than P), under
 * tasklist_lock; a barrier (ksig_barrier) waits for every such walk in
 * flight. A round over everything pending at P:
 *
 *	p0 = P's pending set; barrier
 *	X1 = init's standard evidence, taken; barrier
 *	dequeue each standard s in p0 once, every real-time instance of p0
 *	barrier; X2 = init's standard evidence, and up to n[s] of its
 *	instances of each real-time s (m[s]), taken; barrier
 *	pp = P's pending set
 *	standard s: sent to G if carry[s] | X1[s] | (X2[s] & !pp[s]);
 *	            carry = (X2 | (X1 & ~dequeued)) & pp
 *	real-time s: the last n[s] - m[s] instances are passed on
 *
 * Real-time signals: exact counts (by induction over the rounds, the
 * matches equal the group sends). Standard signals: never more often than
 * sent; a send to P is lost only when merged, within one reaction of the
 * monitor, with a group send of the same signal, as the job's own pending
 * bit would have merged them. Details and the proof: docs/helper.md.
 *
 * The start-up cut does the same once for what came before the job could
 * have it: init, then the job, then P drain, each after a barrier,
 * repeated until a round finds nothing anywhere; the job is then given
 * what P had that it did not. */
#include "helper/helper.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* Real-time instances taken per round; the rest wait for the next one. */
enum { RT_PER_ROUND = 512, NOTES_MAX = 64 };

struct rounds {
	struct job *j;
	pid_t init;
	int sv, qpfd;
	kset carry;
	void (*on_cont)(struct job *j); /* own group: before a SIGCONT */
	struct msg notes[NOTES_MAX];	/* init's notes that came with an answer */
	int nnotes;
	struct sigrec rt[RT_PER_ROUND];
};

struct rounds *rounds_start(struct job *j, pid_t init, int sv, int qpfd)
{
	static struct rounds r;

	r.j = j;
	r.init = init;
	r.sv = sv;
	r.qpfd = qpfd;
	return &r;
}

void rounds_on_cont(struct rounds *r, void (*f)(struct job *j))
{
	r->on_cont = f;
}

struct job *rounds_job(const struct rounds *r)
{
	return r->j;
}

int rounds_sv(const struct rounds *r)
{
	return r->sv;
}

pid_t rounds_init(const struct rounds *r)
{
	return r->init;
}

static bool init_in(pid_t init, int which)
{
	siginfo_t w;

	memset(&w, 0, sizeof(w));
	return waitid(P_PID, (id_t)init, &w, which | WNOHANG | WNOWAIT | __WALL) == 0 &&
	       w.si_pid == init;
}

/* init is in G: a SIGSTOP to G stops it too, and a SIGCONT to P alone
 * leaves it stopped. Our SIGCONT carries the cookie, which init does not
 * count as evidence. */
static void wake_init(const struct rounds *r)
{
	siginfo_t si;

	if (!init_in(r->init, WSTOPPED))
		return;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCONT;
	si.si_code = SI_QUEUE;
	si.si_value.sival_int = r->j->cookie;
	syscall(SYS_rt_sigqueueinfo, r->init, SIGCONT, &si);
}

/* Keeps one of init's notes for the loop. A stop or continue note only
 * says "look at the job's state" (the monitor asks for it on each stop),
 * so when the queue is full the oldest of them goes; the job's end never
 * does (its status is what the host must see). */
static void keep(struct rounds *r, const struct msg *m)
{
	for (int i = 0; r->nnotes == NOTES_MAX && i < r->nnotes; i++)
		if (r->notes[i].type != N_EXITED) {
			memmove(r->notes + i, r->notes + i + 1,
				(size_t)(r->nnotes - i - 1) * sizeof(r->notes[0]));
			r->nnotes--;
		}
	if (r->nnotes < NOTES_MAX)
		r->notes[r->nnotes++] = *m;
}

void rounds_ask(struct rounds *r, struct msg *req, struct msg *ans)
{
	memset(ans, 0, sizeof(*ans));
	if (msg_send(r->sv, req, 0) < 0)
		return;
	for (;;) {
		struct pollfd p = {r->sv, POLLIN, 0};
		if (poll(&p, 1, 20) == 0) {
			if (init_in(r->init, WEXITED))
				return; /* gone: no evidence any more */
			wake_init(r);
			continue;
		}
		if (msg_recv(r->sv, ans, 0) <= 0) {
			memset(ans, 0, sizeof(*ans));
			return;
		}
		if (ans->type == A_ANSWER)
			return;
		keep(r, ans);
		memset(ans, 0, sizeof(*ans));
	}
}

int rounds_note(struct rounds *r, struct msg *m)
{
	if (r->nnotes == 0)
		return 0;
	*m = r->notes[0];
	memmove(r->notes, r->notes + 1, (size_t)(r->nnotes - 1) * sizeof(r->notes[0]));
	r->nnotes--;
	return 1;
}

bool rounds_init_gone(struct rounds *r, int *st)
{
	struct msg m;
	bool done = false;
	int init_st = 0;

	while (waitpid(r->init, &init_st, __WALL) < 0 && errno == EINTR)
		;
	while (msg_recv(r->sv, &m, MSG_DONTWAIT) > 0)
		keep(r, &m);
	for (int i = 0; i < r->nnotes; i++)
		if (r->notes[i].type == N_EXITED) {
			done = true;
			*st = r->notes[i].a;
		}
	if (!done && fut_get(&r->j->pg->q_ended)) {
		done = true;
		*st = r->j->pg->q_status;
	}
	if (!done)
		*st = init_st;
	return done;
}

/* Through the job's pidfd only: once the job is reaped, nothing reaches a
 * process that got its pid. A sigqueue() value is carried (the job sees
 * SI_QUEUE, sender pid 0: outside its namespace); anything else goes as
 * kill() would send it (SI_USER, pid 0). */
static void pass_on(const struct rounds *r, int sig, siginfo_t *si)
{
	siginfo_t *info = NULL;

	if (si->si_code == SI_QUEUE) {
		si->si_pid = 0;
		info = si;
	}
	if (syscall(SYS_pidfd_send_signal, r->qpfd, sig, info, 0) < 0 && info)
		syscall(SYS_pidfd_send_signal, r->qpfd, sig, NULL, 0);
}

/* Ours, never passed on: a SIGCHLD with a CLD_* code (init's state
 * changing, or the waker's end), and the waker's cookie-marked SIGCONT. */
static bool from_init(const struct rounds *r, int sig, const siginfo_t *si)
{
	return (sig == SIGCHLD && si->si_code > 0) ||
	       /* the waker's (monitor.c): it continued us for the job */
	       (sig == SIGCONT && si->si_code == SI_QUEUE &&
		si->si_value.sival_int == r->j->cookie);
}

void rounds_run(struct rounds *r)
{
	kset p0 = ksig_pending() & ~KSET_FORCE, taken = 0, x1, x2, pp;
	siginfo_t info[32];
	struct msg req, ans;
	int nrt = 0;

	if (!p0)
		return;
	memset(&req, 0, sizeof(req));
	req.type = R_CONSUME;
	ksig_barrier();
	rounds_ask(r, &req, &ans); /* X1: standard evidence only */
	x1 = ans.mask;
	ksig_barrier();
	for (int s = 1; s <= 31; s++)
		if ((p0 & KBIT(s)) && ksig_take(KBIT(s), &info[s]) == s)
			taken |= KBIT(s);
	for (int s = 32; s <= 64; s++)
		while ((p0 & KBIT(s)) && nrt < RT_PER_ROUND &&
		       ksig_take(KBIT(s), &r->rt[nrt].si) == s) {
			r->rt[nrt++].sig = s;
			req.n[s]++;
		}
	ksig_barrier();
	rounds_ask(r, &req, &ans); /* X2, and the real-time matches */
	x2 = ans.mask;
	ksig_barrier();
	pp = ksig_pending() & KSET_STD;
	for (int s = 1; s <= 31; s++) {
		if (!(taken & KBIT(s)) || from_init(r, s, &info[s]))
			continue;
		bool group =
		    ((r->carry | x1) & KBIT(s)) || ((x2 & KBIT(s)) && !(pp & KBIT(s)));
		if (!group)
			pass_on(r, s, &info[s]);
	}
	r->carry = (x2 | (x1 & ~taken)) & pp;
	/* Which instance was whose cannot be known; how many can. */
	uint32_t seen[65] = {0};
	for (int k = 0; k < nrt; k++) {
		int s = r->rt[k].sig;
		if (++seen[s] > ans.n[s])
			pass_on(r, s, &r->rt[k].si);
	}
}

/* Without Landlock's signal scope the job has a group of its own (init.c,
 * target.c), which nothing but us signals as a group: everything that
 * reached us is passed on to that group, as a group send would reach it.
 * A group cannot be named through a pidfd before Linux 6.9: its number it
 * is, which the kernel keeps while a member lives. */
void rounds_forward(struct rounds *r, pid_t group)
{
	siginfo_t si;
	int s;

	while ((s = ksig_take(KSET_ALL & ~KSET_FORCE, &si)) > 0) {
		if (from_init(r, s, &si))
			continue;
		if (r->on_cont && s == SIGCONT)
			r->on_cont(r->j);
		if (kill(-group, s) < 0 && errno == ESRCH)
			pass_on(r, s, &si); /* no group left: the job alone */
	}
}

/* ---- the start-up cut ------------------------------------------------- */

/* What we have, appended to the page's x[] (our list until the end). */
static uint32_t drain(struct page *pg, uint32_t *np)
{
	uint32_t n = 0;
	siginfo_t si;
	int s;

	while (*np < REC_MAX && (s = ksig_take(KSET_ALL, &si)) > 0) {
		pg->x[*np].sig = s;
		memcpy(&pg->x[*np].si, &si, sizeof(si));
		(*np)++;
		n++;
	}
	return n;
}

/* Our list (x[0..np)) becomes what the job missed: each standard signal
 * it does not have, and of each real-time signal as many as we had more. */
static void missed(const struct rounds *r, struct page *pg, uint32_t np)
{
	uint32_t cq[65] = {0}, cp[65] = {0}, used[65] = {0}, nx = 0;

	for (uint32_t i = 0; i < pg->nq; i++)
		cq[pg->q[i].sig]++;
	for (uint32_t i = 0; i < np; i++)
		cp[pg->x[i].sig]++;
	for (uint32_t i = 0; i < np; i++) {
		int s = pg->x[i].sig;
		bool give = s <= 31 ? !cq[s] && !used[s]
				    : used[s] < cp[s] - (cq[s] < cp[s] ? cq[s] : cp[s]);
		if (!give || from_init(r, s, &pg->x[i].si))
			continue;
		used[s]++;
		pg->x[nx] = pg->x[i];
		/* The sender is outside the job's pid namespace. */
		if (pg->x[nx].si.si_code <= 0 || pg->x[nx].si.si_code == SI_KERNEL)
			pg->x[nx].si.si_pid = 0;
		nx++;
	}
	pg->nx = nx;
}

void rounds_cut(struct rounds *r)
{
	struct page *pg = r->j->pg;
	uint32_t np = 0, seq = 0, ni = pg->n_i, nq = pg->q_new;
	struct msg req, ans;

	memset(&req, 0, sizeof(req));
	req.type = R_FLUSH;
	/* The first round is the set-up's own chain: init flushed, then the
	 * job drained; ours closes it. */
	for (;;) {
		uint32_t n = drain(pg, &np);
		if (ni + nq + n == 0)
			break;
		rounds_ask(r, &req, &ans);
		ni = (uint32_t)ans.a;
		ksig_barrier();
		fut_set(&pg->cut_req, ++seq);
		while (fut_get(&pg->cut_ans) != seq) {
			if (init_in(r->init, WEXITED))
				return; /* the job ended; the loop learns how */
			fut_wait(&pg->cut_ans, seq - 1, 100);
		}
		nq = pg->q_new;
		ksig_barrier();
	}
	missed(r, pg, np);
	fut_set(&pg->cut_req, CUT_GO | ++seq);
}
