/* Host IPC objects a job looks up by name or key. */
#include "tests/security/sec.h"

#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* SysV shm, sem, msg by key and a POSIX mqueue by name: each ipc namespace
 * has its own (mq_open needs no /dev/mqueue: the kernel keeps an internal
 * mount per ipc namespace). A POSIX shm object is a file in /dev/shm:
 * hardened shares it, lockdown hides it. */
static void test_ipc(void)
{
	char key[32], name[64];
	int shm, sem, msg, pshm;
	mqd_t mq;

	if (!sec_sandbox_ok())
		return;
	key_t k = (key_t)(0x7c000000 | (getpid() & 0xffffff));
	snprintf(key, sizeof(key), "%d", (int)k);
	snprintf(name, sizeof(name), "/cordon-escape-%d", (int)getpid());
	shm = shmget(k, 4096, IPC_CREAT | IPC_EXCL | 0600);
	sem = semget(k, 1, IPC_CREAT | IPC_EXCL | 0600);
	msg = msgget(k, IPC_CREAT | IPC_EXCL | 0600);
	mq = mq_open(name, O_CREAT | O_EXCL | O_RDONLY, 0600, NULL);
	pshm = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	CU_ASSERT_TRUE(shm >= 0 && sem >= 0 && msg >= 0 && mq != (mqd_t)-1 && pshm >= 0);

	static const struct {
		const char *what;
		int by_name;
		const char *want[2];
	} table[] = {
	    {"shm", 0, {"ENOENT\n", "ENOENT\n"}},   {"sem", 0, {"ENOENT\n", "ENOENT\n"}},
	    {"msg", 0, {"ENOENT\n", "ENOENT\n"}},   {"mq", 1, {"ENOENT\n", "ENOENT\n"}},
	    {"posix-shm", 1, {"ok\n", "ENOENT\n"}},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char *argv[] = {(char *)sec_prog("escape"), (char *)table[i].what,
				table[i].by_name ? name : key, NULL};
		sec_expect(NULL, NULL, argv, "ok\n");
		for (size_t t = 0; t < 2; t++)
			sec_expect(tiers[t], NULL, argv, table[i].want[t]);
	}
	shmctl(shm, IPC_RMID, NULL);
	semctl(sem, 0, IPC_RMID);
	msgctl(msg, IPC_RMID, NULL);
	mq_close(mq);
	mq_unlink(name);
	close(pshm);
	shm_unlink(name);
}

/* The host's mqueue filesystem, where it is mounted, lists the host's queues
 * as files, and open(2) on one gives an fd that mq_send/mq_receive accept,
 * whatever the caller's ipc namespace. systemd hosts mount it on
 * /dev/mqueue: hardened covers it there with a fresh one (lockdown always
 * does). A mount of it elsewhere stays reachable (documented). The "host"
 * here is a shell in an ipc, user and mount namespace of its own, so that
 * the test needs no root and leaves the machine's mounts alone. */
static void mq_mounted_at(const char *dir, const char *want[2])
{
	char script[512], queue[300];
	const char *wrap[] = {"unshare", "-Urm", "--ipc", "sh", "-c", script, "sh", NULL};

	snprintf(
	    script, sizeof(script),
	    "mount -t mqueue none '%s' && '%s' mq-create /cordon-escape >/dev/null && "
	    "exec \"$@\"",
	    dir, sec_prog("escape"));
	snprintf(queue, sizeof(queue), "%s/cordon-escape", dir);
	char *argv[] = {(char *)sec_prog("escape"), "mqfile", queue, NULL};
	sec_expect(NULL, wrap, argv, "ok\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], wrap, argv, want[t]);
}

static void test_mqueue_fs(void)
{
	static const char *const covered[2] = {"ENOENT\n", "ENOENT\n"};
	static const char *const elsewhere[2] = {"ok\n", "ok\n"};
	char dir[256];

	if (!sec_sandbox_ok())
		return;
	if (access("/dev/mqueue", F_OK) == 0)
		mq_mounted_at("/dev/mqueue", (const char **)covered);
	else
		tst_skip("no /dev/mqueue directory here: the host's mqueue mount there "
			 "cannot be staged");
	snprintf(dir, sizeof(dir), "%s/mqueue", tst_scratch());
	mkdir(dir, 0755);
	mq_mounted_at(dir, (const char **)elsewhere);
}

static CU_TestInfo tests[] = {
    {"SysV IPC, mqueues by name; POSIX shm in lockdown", test_ipc},
    {"the host's mqueue filesystem: /dev/mqueue covered", test_mqueue_fs},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.ipc", tests)
