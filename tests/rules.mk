# The test library's own sanity suite; parts add theirs in their rules.mk.
TEST_SRCS += tests/lib/tst_selftest.c
