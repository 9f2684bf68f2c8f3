# The hostile suite (tests/hostile/): odd argv and env through the exec and
# spawn entry points, compared with the same calls without the shim. Its
# host and target are plain programs, as real ones are.
HOSTILE_PROGS := $(patsubst tests/hostile/hosts/%.c,$(B)/tests/hostile/%,\
		   $(wildcard tests/hostile/hosts/*.c))
TEST_SRCS += $(sort $(wildcard tests/hostile/*.c))
TEST_DEPS += $(HOSTILE_PROGS)
$(B)/tests/hostile/%: tests/hostile/hosts/%.c tests/hostile/rules.mk | $(B)/tests/hostile/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS) -lpthread
