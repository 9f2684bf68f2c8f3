# Faults and load (tests/faults/): the shim and the helper when resources
# run out or a part of the sandbox is killed, and many jobs at once.
TEST_SRCS += $(sort $(wildcard tests/faults/*.c))
