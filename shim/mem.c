/* Memory for one call. The caller's stack may be a thread's of 16 KiB, or
 * the parent's stack under a vfork child; glibc's exec and spawn functions
 * use a few hundred bytes of it, so the shim must not use more: what one
 * call needs (PATH candidates, the helper's argv and env) comes from a
 * mapping made for the call.
 *
 * A vfork child shares its parent's memory, and an exec that works gives it
 * new memory without unmapping the old: a mapping it made would stay in the
 * parent. So before an exec the mapping is recorded in a thread-local slot:
 * a vfork child runs on its parent thread's TLS (same thread pointer), and
 * that thread is suspended until the exec is done, so when it (or its next
 * vfork child) next enters the shim, the exec has finished and the mapping
 * is unused: it unmaps it then. After a plain exec the whole address space
 * is gone anyway; after a failed one the caller unmaps it itself. */
#include "shim/shim.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

/* initial-exec: a preloaded library's TLS is static; no allocation, no
 * lock when it is read, so a signal handler or vfork child may. */
static __thread struct {
	void *base;
	size_t size;
} left __attribute__((tls_model("initial-exec")));

void mem_reclaim(void)
{
	void *base = __atomic_exchange_n(&left.base, NULL, __ATOMIC_ACQ_REL);

	if (base)
		sys_munmap(base, left.size);
}

int mem_open(struct call_mem *m, size_t size)
{
	int saved = errno;

	m->used = 0;
	m->size = size;
	m->on_stack = false;
	m->base = sys_mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->base == MAP_FAILED) {
		m->base = NULL;
		int err = errno;
		errno = saved;
		return err;
	}
	return 0;
}

void *mem_take(struct call_mem *m, size_t size)
{
	size_t at = (m->used + sizeof(void *) - 1) & ~(sizeof(void *) - 1);

	if (at > m->size || size > m->size - at)
		return NULL;
	m->used = at + size;
	return m->base + at;
}

void mem_close(struct call_mem *m)
{
	if (m->base && !m->on_stack)
		sys_munmap(m->base, m->size);
	m->base = NULL;
}

void mem_before_exec(struct call_mem *m)
{
	if (m->on_stack)
		return;
	left.size = m->size;
	__atomic_store_n(&left.base, m->base, __ATOMIC_RELEASE);
}

/* The exec failed: the mapping is the caller's again, to unmap. */
void mem_after_exec(struct call_mem *m)
{
	if (m->on_stack)
		return;
	void *base = __atomic_exchange_n(&left.base, NULL, __ATOMIC_ACQ_REL);

	/* NULL: a signal handler's call took it back meanwhile, and unmapped
	 * it; there is nothing left to unmap here. */
	if (base != m->base)
		m->base = NULL;
}
