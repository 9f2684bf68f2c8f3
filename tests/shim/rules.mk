# The shim's suites (tests/shim/): its pure logic linked into the runner
# (probe.c only makes syscalls on the stack: tested directly against the
# kernel); the hosts they run are tests/lib's (one per entry point).
SHIM_PURE := shim/tier.c shim/path.c shim/env.c shim/argv.c shim/probe.c
TEST_SRCS += $(SHIM_PURE) $(sort $(wildcard tests/shim/*.c))
TEST_DEPS += $(B)/libcordon.so $(B)/cordon
