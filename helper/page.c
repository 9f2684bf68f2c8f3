/* The memory the monitor, init and the target share (helper.h, struct
 * page): an anonymous shared mapping made before the first clone, so it
 * costs the host no fd. Its words are futexes; the monitor's death shows in
 * one of them through the kernel's robust-futex list, which needs no fd
 * either. */
#include "helper/helper.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* linux/futex.h, which musl's headers do not have. */
#define FUTEX_WAIT_ 0
#define FUTEX_WAKE_ 1
#define OWNER_DIED  0x40000000U

struct robust {
	struct robust *next;
};
static struct {
	struct robust list;
	long futex_offset;
	struct robust *pending;
} robust_head;
static struct robust robust_entry;

struct page *page_make(void)
{
	struct page *pg = mmap(NULL, sizeof(*pg), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (pg == MAP_FAILED)
		die(EXIT_SETUP, "cannot map the sandbox's shared page: %s",
		    strerror(errno));
	/* The word holds our pid for our whole life: when we die, however,
	 * the kernel sets OWNER_DIED in it before our children learn of our
	 * death (their PR_SET_PDEATHSIG), so init can tell that signal from
	 * any other SIGCHLD. */
	pg->alive = (uint32_t)getpid();
	robust_entry.next = &robust_head.list;
	robust_head.list.next = &robust_entry;
	robust_head.futex_offset = (long)((char *)&pg->alive - (char *)&robust_entry);
	if (syscall(SYS_set_robust_list, &robust_head, sizeof(robust_head)) < 0)
		die(EXIT_SETUP, "set_robust_list: %s", strerror(errno));
	return pg;
}

bool page_monitor_gone(const struct page *pg)
{
	return fut_get(&pg->alive) & OWNER_DIED;
}

void fut_wait(uint32_t *w, uint32_t v, int ms)
{
	struct {
		long sec, nsec;
	} t = {ms / 1000, (ms % 1000) * 1000000L};

	SYS(SYS_futex, w, FUTEX_WAIT_, v, ms < 0 ? NULL : &t);
}

void fut_set(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
	SYS(SYS_futex, w, FUTEX_WAKE_, 1 << 30);
}

uint32_t fut_get(const uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_ACQUIRE);
}
