# The shim-helper contract (common/contract.c, which the shim's pure logic
# already links into the runner), from both ends.
TEST_SRCS += $(sort $(wildcard tests/contract/*.c))
