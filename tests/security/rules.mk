# The escape attempts (docs/security.md): suites security.* in the one
# runner, and the small attack programs of tests/security/progs/.
TEST_SRCS += $(sort $(wildcard tests/security/*.c))
