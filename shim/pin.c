/* The helper that runs is the one checked. Per call the helper is opened,
 * checked through its fd (a regular file holding a whole ELF executable for
 * this machine: every program header's bytes inside the file) and started
 * through the same fd, so a helper being reinstalled meanwhile is either the
 * old whole file or refused, never a half-written one that crashes. */
#include "shim/shim.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#define HELPER_MACHINE EM_X86_64
#elif defined(__i386__)
#define HELPER_MACHINE EM_386
#elif defined(__aarch64__)
#define HELPER_MACHINE EM_AARCH64
#elif defined(__arm__)
#define HELPER_MACHINE EM_ARM
#elif defined(__riscv)
#define HELPER_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define HELPER_MACHINE EM_PPC64
#elif defined(__s390x__)
#define HELPER_MACHINE EM_S390
#else
/* The build stops at an undeclared identifier (not #error: make lint runs
 * cppcheck without the compiler's architecture macros). */
#define HELPER_MACHINE elf_machine_unknown_add_it_to_shim_pin_c
#endif

static bool segment_in(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Whether buf[n] (the file's head) is a whole executable of size bytes. */
static bool elf_whole(const unsigned char *buf, size_t n, uint64_t size)
{
	const ElfW(Ehdr) *eh = (const void *)buf;

	if (n < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_machine != HELPER_MACHINE || eh->e_phentsize != sizeof(ElfW(Phdr)) ||
	    eh->e_phnum == 0 ||
	    sizeof(*eh) + eh->e_phnum * sizeof(ElfW(Phdr)) > PIN_HEAD ||
	    !segment_in(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(ElfW(Phdr)), n))
		return false;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		ElfW(Phdr) ph;
		memcpy(&ph, buf + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if ((ph.p_type == PT_LOAD || ph.p_type == PT_INTERP) &&
		    !segment_in(ph.p_offset, ph.p_filesz, size))
			return false;
	}
	return true;
}

static int refuse(const struct config *cfg, const char *why, const char *fix,
		  const char *file)
{
	shim_say((const char *[]){"cannot run the helper ", cfg->helper, ": ", why, fix,
				  "; refusing to run ", file ? file : "(null)", NULL});
	return EPERM;
}

static const char fix_install[] = " (install cordon, or set CORDON_HELPER)";

/* No fd left: the helper is started by its path, after the same checks
 * the kernel's exec would make. */
static int pin_by_path(const struct config *cfg, const char *file)
{
	if (faccessat(AT_FDCWD, cfg->helper, X_OK, AT_EACCESS) == 0)
		return 0;
	return refuse(cfg, strerrordesc_np(errno), fix_install, file);
}

int pin_helper(const struct config *cfg, const char *file, struct call_mem *m,
	       struct helper_pin *p)
{
	size_t room = PIN_HEAD;
	unsigned char *head = mem_take(m, room);
	int saved = errno, err = 0;
	struct stat st;
	ssize_t n;

	p->fd = sys_open(cfg->helper, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
	if (p->fd < 0) {
		err = errno;
		errno = saved;
		return err == EMFILE || err == ENFILE
			   ? pin_by_path(cfg, file)
			   : refuse(cfg, strerrordesc_np(err), fix_install, file);
	}
	if (sys_fstat(p->fd, &st) < 0 || !S_ISREG(st.st_mode))
		err = refuse(cfg, "not a regular file", fix_install, file);
	else if (faccessat(p->fd, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
		err = refuse(cfg, strerrordesc_np(errno), fix_install, file);
	else if (!head || (n = sys_pread(p->fd, head, room, 0)) < 0 ||
		 !elf_whole(head, (size_t)n, (uint64_t)st.st_size))
		err = refuse(cfg,
			     "not a whole executable for this machine (truncated, or "
			     "being replaced?)",
			     "; reinstall cordon, or set CORDON_HELPER", file);
	if (err) {
		pin_release(p);
		errno = saved;
		return err;
	}
	char *end = memcpy(p->proc, "/proc/self/fd/", 14);
	fmt_u64(end + 14, (uint64_t)p->fd);
	errno = saved;
	return 0;
}

void pin_release(struct helper_pin *p)
{
	int saved = errno;

	if (p->fd >= 0)
		sys_close(p->fd);
	p->fd = -1;
	errno = saved;
}

const char *pin_spawn_path(const struct config *cfg, const struct helper_pin *p,
			   const posix_spawn_file_actions_t *fa)
{
	if (p->fd < 0 || spawn_fa_touches(fa, p->fd))
		return cfg->helper;
	return p->proc;
}
