# Each test directory adds its suites and what they need in its own
# rules.mk (tests/<dir>/rules.mk); the runner is tests/lib's.

# Test programs of one C file each: tests/<dir>/progs/<name>.c becomes
# $(B)/tests/<dir>/<name>, built plainly (never sanitized), as the hosts and
# jobs they stand for are.
TEST_PROG_COMPILE = $(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS)
TEST_PROG_LINK = $(BASE_LDFLAGS) $(LDFLAGS) -lpthread
define TEST_PROGS_OF
$$(B)/tests/$(1)/%: tests/$(1)/progs/%.c tests/rules.mk
	@mkdir -p $$(@D)
	$$(TEST_PROG_COMPILE) $$(DEPFLAGS) -o $$@ $$< $$(TEST_PROG_LINK)
endef
TEST_PROG_DIRS := $(patsubst tests/%/progs/,%,$(sort $(dir $(wildcard tests/*/progs/*.c))))
$(foreach d,$(TEST_PROG_DIRS),$(eval $(call TEST_PROGS_OF,$(d))))
test_progs = $(patsubst tests/$(1)/progs/%.c,$(B)/tests/$(1)/%,$(wildcard tests/$(1)/progs/*.c))
TEST_DEPS += $(foreach d,$(TEST_PROG_DIRS),$(call test_progs,$(d)))

include $(sort $(wildcard tests/*/rules.mk))
