# cordon-helper: static (docs/design.md). musl when available: tiny and fast
# to exec. SANITIZE=1 builds it dynamically with $(CC): ASan cannot be static.
HELPER_SRCS := $(sort $(wildcard helper/*.c)) common/contract.c
HELPER_HDRS := $(wildcard helper/*.h) common/contract.h

ifeq ($(SANITIZE),1)
HELPER_CC := $(CC)
HELPER_STATIC :=
else
HELPER_CC := $(if $(shell command -v musl-gcc 2>/dev/null),musl-gcc,$(CC))
HELPER_STATIC := -static
endif
# musl-gcc's specs drop gcc's default --build-id; debuggers and the
# package's detached debug symbols find the binary by it.
HELPER_BUILD_ID := -Wl,--build-id

$(B)/cordon-helper: $(HELPER_SRCS) $(HELPER_HDRS) helper/rules.mk | $(B)/.dir
	$(HELPER_CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(SAN_CFLAGS) $(CFLAGS) \
	  -o $@ $(HELPER_SRCS) $(BASE_LDFLAGS) $(HELPER_BUILD_ID) $(HELPER_STATIC) $(SAN_CFLAGS) $(LDFLAGS)

ALL += $(B)/cordon-helper

# The shim has $(LIBEXECDIR)/cordon/cordon-helper compiled in. The directory
# is cordon's own: uninstall removes it once empty.
.PHONY: install-helper uninstall-helper
install: install-helper
uninstall: uninstall-helper
install-helper: all
	install -D -m 0755 $(B)/cordon-helper $(DESTDIR)$(LIBEXECDIR)/cordon/cordon-helper
uninstall-helper:
	rm -f $(DESTDIR)$(LIBEXECDIR)/cordon/cordon-helper
	if [ -d $(DESTDIR)$(LIBEXECDIR)/cordon ]; then rmdir --ignore-fail-on-non-empty $(DESTDIR)$(LIBEXECDIR)/cordon; fi

# The helper's suites (tests/helper/) in the one CUnit runner: the parser and
# the seccomp filter are linked in and unit-tested; the rest drive
# $(B)/cordon-helper and the small programs of tests/helper/progs/.
HELPER_TEST_PROGS := $(patsubst tests/helper/progs/%.c,$(B)/tests/helper/%,\
		       $(wildcard tests/helper/progs/*.c))
TEST_SRCS += helper/caps.c helper/fmt.c $(sort $(wildcard tests/helper/*.c))
TEST_DEPS += $(B)/cordon-helper $(HELPER_TEST_PROGS)
$(B)/tests/cordon-tests: $(HELPER_HDRS) $(wildcard tests/helper/*.h)
$(B)/tests/helper/%: tests/helper/progs/%.c | $(B)/tests/helper/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS)
