# The shim's suites (tests/shim/): its pure logic linked into the runner
# (probe.c only makes syscalls on the stack: tested directly against the
# kernel); the hosts they run are tests/lib's (one per entry point).
SHIM_PURE := shim/tier.c shim/path.c shim/env.c shim/probe.c shim/mem.c shim/calls.c shim/policy.c \
	     common/contract.c common/limits.c
TEST_SRCS += $(SHIM_PURE) $(sort $(wildcard tests/shim/*.c))
# The pipeline, in-process with fake real functions (tests/shim/pipeline_test.c).
TEST_SRCS += shim/call.c shim/pin.c shim/log.c shim/actions.c shim/layout.c shim/report.c
TEST_DEPS += $(B)/libcordon.so $(B)/cordon $(B)/tests/shim/early.so $(B)/tests/shim/late.so

# A preload whose constructor runs before the shim's and starts programs.
$(B)/tests/shim/early.so: tests/shim/early/early.c tests/shim/rules.mk
	@mkdir -p $(@D)
	$(TEST_PROG_COMPILE) $(DEPFLAGS) -fPIC -shared -o $@ $< $(BASE_LDFLAGS) $(LDFLAGS)

# A preload whose constructor runs after the shim's and looks for a heap.
$(B)/tests/shim/late.so: tests/shim/late/late.c tests/shim/rules.mk
	@mkdir -p $(@D)
	$(TEST_PROG_COMPILE) $(DEPFLAGS) -fPIC -shared -o $@ $< $(BASE_LDFLAGS) $(LDFLAGS)
