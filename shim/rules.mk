# libcordon.so: the preloaded shim (docs/shim.md). Never sanitized: it runs
# inside uninstrumented hosts. Its pure logic is linked into the (sanitized)
# test runner instead.
SHIM_SRCS := $(sort $(wildcard shim/*.c)) common/contract.c
SHIM_HDRS := $(wildcard shim/*.h) common/contract.h
# probe.c only makes syscalls: tested directly against the kernel.
SHIM_PURE := shim/tier.c shim/path.c shim/env.c shim/probe.c shim/mem.c shim/calls.c shim/policy.c \
	     common/contract.c
SHIM_HELPER_PATH := $(LIBEXECDIR)/cordon/cordon-helper

$(B)/libcordon.so: $(SHIM_SRCS) $(SHIM_HDRS) shim/exports.map shim/rules.mk $(PATHS_STAMP) | $(B)/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) -DCORDON_HELPER_PATH='"$(SHIM_HELPER_PATH)"' \
	  $(BASE_CFLAGS) $(CFLAGS) -fPIC -shared -fvisibility=hidden \
	  -o $@ $(SHIM_SRCS) $(BASE_LDFLAGS) $(LDFLAGS) \
	  -Wl,--version-script=shim/exports.map -Wl,--no-undefined -ldl -lpthread

ALL += $(B)/libcordon.so

# Tests: the pure logic and the suites in the one runner; test hosts (one
# program per entry point) built plainly, as real hosts are.
SHIM_HOSTS := $(patsubst tests/shim/hosts/%.c,$(B)/tests/shim/%,\
		$(wildcard tests/shim/hosts/*.c))
TEST_SRCS += $(SHIM_PURE) $(sort $(wildcard tests/shim/*.c))
# The pipeline, in-process with fake real functions (tests/shim/pipeline_test.c).
TEST_SRCS += shim/call.c shim/pin.c shim/log.c shim/actions.c
TEST_DEPS += $(B)/libcordon.so $(SHIM_HOSTS) $(B)/cordon $(B)/tests/shim/early.so
$(B)/tests/shim/%: tests/shim/hosts/%.c tests/shim/hosts/host.h | $(B)/tests/shim/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS) -lpthread

# A preload whose constructor runs before the shim's and starts programs.
$(B)/tests/shim/early.so: tests/shim/early/early.c | $(B)/tests/shim/.dir
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -fPIC -shared -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS)

# The exec path: what runs between a vfork and the exec, and in a signal
# handler that starts a program. `make lint` checks what these objects call
# against shim/exec-path.allow (async-signal-safe functions only).
SHIM_EXEC_PATH := shim/call.c shim/calls.c shim/exec.c shim/spawn.c shim/mem.c shim/pin.c \
		  shim/log.c shim/logfmt.c shim/actions.c shim/probe.c shim/path.c \
		  shim/env.c shim/tier.c shim/policy.c common/contract.c
SHIM_LINT_OBJS := $(patsubst %.c,$(B)/lint/%.o,$(SHIM_EXEC_PATH))
$(B)/lint/%.o: %.c $(SHIM_HDRS) | $(B)/lint/.dir
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden \
	  -c -o $@ $<
.PHONY: lint-exec-path
lint: lint-exec-path
lint-exec-path: $(SHIM_LINT_OBJS)
	scripts/check-exec-path shim/exec-path.allow $(SHIM_LINT_OBJS)

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
