# The audit log's suites (tests/log/): its own test hosts, and the checker
# that reads a log with a real JSON parser (python3's json).
LOG_HOSTS := $(patsubst tests/log/hosts/%.c,$(B)/tests/log/%,$(wildcard tests/log/hosts/*.c))
TEST_SRCS += $(sort $(wildcard tests/log/*.c))
TEST_DEPS += $(LOG_HOSTS) $(B)/tests/log/logcheck.py
$(B)/tests/cordon-tests: $(wildcard tests/log/*.h)
$(B)/tests/log/logcheck.py: tests/log/logcheck.py | $(B)/tests/log/.dir
	install -m 0755 $< $@
$(B)/tests/log/%: tests/log/hosts/%.c | $(B)/tests/log/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS) -lpthread
# The record's formatter is pure: unit-tested (and sanitized) in the runner.
TEST_SRCS += shim/logfmt.c
