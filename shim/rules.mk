# libcordon.so: the preloaded shim (docs/shim.md). Never sanitized: it runs
# inside uninstrumented hosts. Its suites are in tests/shim/rules.mk.
SHIM_SRCS := $(sort $(wildcard shim/*.c)) common/contract.c common/limits.c
SHIM_HELPER_PATH := $(LIBEXECDIR)/cordon/cordon-helper

SHIM_COMPILE = $(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) -DCORDON_HELPER_PATH='"$(SHIM_HELPER_PATH)"' \
	       $(BASE_CFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden
$(eval $(call OBJ_FLAVOUR,so,SHIM_COMPILE,shim/rules.mk $(PATHS_STAMP)))
SHIM_OBJS := $(call objs,so,$(SHIM_SRCS))

$(B)/libcordon.so: $(SHIM_OBJS) shim/exports.map shim/rules.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -fPIC -shared -nostartfiles -o $@ $(SHIM_OBJS) \
	  $(BASE_LDFLAGS) $(LDFLAGS) \
	  -Wl,--version-script=shim/exports.map -Wl,--no-undefined -ldl -lpthread

ALL += $(B)/libcordon.so

# The exec path: what runs between a vfork and the exec, and in a signal
# handler that starts a program. `make lint` checks what these objects (the
# shim's own) call against shim/exec-path.allow: async-signal-safe only.
SHIM_EXEC_PATH := shim/call.c shim/calls.c shim/exec.c shim/spawn.c shim/mem.c shim/pin.c shim/report.c shim/str.c \
		  shim/log.c shim/logfmt.c shim/actions.c shim/probe.c shim/path.c \
		  shim/env.c shim/tier.c shim/policy.c shim/layout.c common/contract.c common/limits.c
.PHONY: lint-exec-path
lint: lint-exec-path
lint-exec-path: $(call objs,so,$(SHIM_EXEC_PATH))
	scripts/check-exec-path shim/exec-path.allow $^

# The launcher in the build tree finds libcordon.so and the helper next to
# it; its VERSION= line carries ./VERSION (install copies keep it from here).
$(B)/cordon: scripts/cordon VERSION | $(B)/.dir
	sed -e 's|^VERSION=.*|VERSION=$(shell cat VERSION)|' scripts/cordon >$@.tmp
	chmod 0755 $@.tmp && mv $@.tmp $@
ALL += $(B)/cordon

# The launcher learns where the library and the helper went.
.PHONY: install-shim uninstall-shim
install: install-shim
uninstall: uninstall-shim
install-shim: all
	install -D -m 0644 $(B)/libcordon.so $(DESTDIR)$(LIBDIR)/libcordon.so
	install -d $(DESTDIR)$(BINDIR)
	sed -e 's|^LIBDIR=.*|LIBDIR=$(LIBDIR)|' \
	    -e 's|^LIBEXECDIR=.*|LIBEXECDIR=$(LIBEXECDIR)|' $(B)/cordon \
	  > $(DESTDIR)$(BINDIR)/cordon
	chmod 0755 $(DESTDIR)$(BINDIR)/cordon
uninstall-shim:
	rm -f $(DESTDIR)$(LIBDIR)/libcordon.so $(DESTDIR)$(BINDIR)/cordon

# The shim's own string functions (shim/str.c): no builtins, so that none
# of their loops is compiled into a call of itself.
$(call objs,so,shim/str.c): SHIM_COMPILE += -fno-builtin -fno-tree-loop-distribute-patterns
