# The escape attempts (docs/security.md): suites security.* in the one
# runner, and the small attack programs of tests/security/progs/, built
# plainly as a job's programs would be.
SEC_PROGS := $(patsubst tests/security/progs/%.c,$(B)/tests/security/%,\
	       $(wildcard tests/security/progs/*.c))
TEST_SRCS += $(sort $(wildcard tests/security/*.c))
TEST_DEPS += $(SEC_PROGS)
$(B)/tests/cordon-tests: tests/security/sec.h
$(B)/tests/security/%: tests/security/progs/%.c | $(B)/tests/security/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS)
