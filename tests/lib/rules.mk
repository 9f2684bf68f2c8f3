# tests/lib: the runner and what every suite shares (tst.h; cordon.h: runs
# under cordon, the namespace proof, comparisons; hcmd.h: the helper's
# command line), and the programs the suites run (progs/: host, the one
# test host; target, the job; nsreport). The host answers to a link per
# command: $(B)/tests/hosts/NAME, one per entry point.
TEST_SRCS += $(sort $(wildcard tests/lib/*.c))

HOST_COMMANDS := execve execv execl execle execlp execvp execvpe fexecve execveat vfork \
		 posix_spawn posix_spawnp posix_spawn_compat posix_spawnp_compat \
		 system popen threads do
HOST_PIDFD_COMMANDS := pidfd_spawn pidfd_spawnp
$(addprefix $(B)/tests/hosts/,$(HOST_COMMANDS)): | $(B)/tests/lib/host
	@mkdir -p $(@D) && ln -sfn ../lib/host $@
$(addprefix $(B)/tests/hosts/,$(HOST_PIDFD_COMMANDS)): | $(B)/tests/lib/host-pidfd
	@mkdir -p $(@D) && ln -sfn ../lib/host-pidfd $@
TEST_DEPS += $(addprefix $(B)/tests/hosts/,$(HOST_COMMANDS) $(HOST_PIDFD_COMMANDS))

# The host again, with glibc 2.39's pidfd_spawn and pidfd_spawnp from a
# stand-in library that older glibcs lack (tests/lib/pidfd/stub.c says how).
PIDFD_STUB := $(B)/tests/lib/libpidfd-stub.so
$(PIDFD_STUB): tests/lib/pidfd/stub.c tests/lib/pidfd/stub.map tests/lib/rules.mk
	@mkdir -p $(@D)
	$(TEST_PROG_COMPILE) $(DEPFLAGS) -fPIC -shared -Wl,-soname,libpidfd-stub.so \
	  -Wl,--version-script=tests/lib/pidfd/stub.map -o $@ $< $(BASE_LDFLAGS) $(LDFLAGS) -ldl
$(B)/tests/lib/host-pidfd: tests/lib/progs/host.c $(PIDFD_STUB) tests/lib/rules.mk
	@mkdir -p $(@D)
	$(TEST_PROG_COMPILE) $(DEPFLAGS) -DHOST_PIDFD -o $@ $< -L$(B)/tests/lib \
	  -Wl,--no-as-needed -lpidfd-stub -Wl,-rpath,'$$ORIGIN' $(TEST_PROG_LINK)
TEST_DEPS += $(B)/tests/lib/host-pidfd
