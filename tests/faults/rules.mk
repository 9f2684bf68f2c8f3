# Faults and load (tests/faults/): the shim and the helper when resources
# run out or a part of the sandbox is killed, and many jobs at once. Small
# host programs of their own (tests/faults/progs/), built plainly as real
# hosts are.
FAULT_PROGS := $(patsubst tests/faults/progs/%.c,$(B)/tests/faults/%,\
		 $(wildcard tests/faults/progs/*.c))
TEST_SRCS += $(sort $(wildcard tests/faults/*.c))
TEST_DEPS += $(FAULT_PROGS)
$(B)/tests/faults/%: tests/faults/progs/%.c | $(B)/tests/faults/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS) -lpthread
