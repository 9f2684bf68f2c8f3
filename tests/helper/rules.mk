# The helper's suites (tests/helper/): the parser and the seccomp filter are
# linked into the runner and unit-tested; the rest drive $(B)/cordon-helper
# and the small programs of tests/helper/progs/.
TEST_SRCS += helper/caps.c helper/fmt.c $(sort $(wildcard tests/helper/*.c))
TEST_DEPS += $(B)/cordon-helper
