# cordon-helper: static (docs/design.md). musl when available: tiny and fast
# to exec. SANITIZE=1 builds it dynamically with $(CC): ASan cannot be static.
# Its suites are in tests/helper/rules.mk.
HELPER_SRCS := $(sort $(wildcard helper/*.c)) common/contract.c common/limits.c

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

HELPER_COMPILE = $(HELPER_CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(SAN_CFLAGS) $(CFLAGS)
$(eval $(call OBJ_FLAVOUR,helper,HELPER_COMPILE,helper/rules.mk))
HELPER_OBJS := $(call objs,helper,$(HELPER_SRCS))

$(B)/cordon-helper: $(HELPER_OBJS) helper/rules.mk
	$(HELPER_CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(CFLAGS) -o $@ $(HELPER_OBJS) \
	  $(BASE_LDFLAGS) $(HELPER_BUILD_ID) $(HELPER_STATIC) $(SAN_CFLAGS) $(LDFLAGS)
ifneq ($(SANITIZE),1)
	@[ "$(HELPER_CC)" = musl-gcc ] || echo "cordon: musl-gcc not found: cordon-helper was built with $(HELPER_CC) and its libc, whose start-up makes every job start later (docs/bench.md); install musl-tools and rebuild" >&2
endif

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
