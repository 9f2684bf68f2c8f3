# The audit log's suites (tests/log/): its own test hosts (progs/), and the
# checker that reads a log with a real JSON parser (python3's json).
TEST_SRCS += $(sort $(wildcard tests/log/*.c))
TEST_DEPS += $(B)/tests/log/logcheck.py
$(B)/tests/log/logcheck.py: tests/log/logcheck.py
	@mkdir -p $(@D)
	install -m 0755 $< $@
# The record's formatter is pure: unit-tested (and sanitized) in the runner.
TEST_SRCS += shim/logfmt.c
