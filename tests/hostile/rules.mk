# The hostile suite (tests/hostile/): odd argv and env through the exec and
# spawn entry points, compared with the same calls without the shim. Its
# host and target are in tests/hostile/progs/.
TEST_SRCS += $(sort $(wildcard tests/hostile/*.c))
