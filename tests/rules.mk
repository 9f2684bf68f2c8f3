# The test library's own sanity suite; each test directory adds its suites
# in its own rules.mk (tests/<dir>/rules.mk).
TEST_SRCS += tests/lib/tst_selftest.c

include $(sort $(wildcard tests/*/rules.mk))
