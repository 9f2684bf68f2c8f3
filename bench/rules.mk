# make bench: the per-job tax of cordon against the kernel floor, bubblewrap
# and unshare(1) (docs/bench.md). The floor is static like the helper (musl
# when available) so that neither pays for a dynamic loader the other skips;
# the harness is a plain dynamic host, as the hosts cordon serves are.
BENCH_CC := $(if $(shell command -v musl-gcc 2>/dev/null),musl-gcc,$(CC))

$(B)/bench/spawn: bench/spawn.c bench/rules.mk
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS)

BENCH_COMPILE = $(BENCH_CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS)
$(eval $(call OBJ_FLAVOUR,bench,BENCH_COMPILE,bench/rules.mk))
BENCH_FLOOR_OBJS := $(call objs,bench,bench/floor.c helper/caps.c helper/sys.c)
$(B)/bench/floor: $(BENCH_FLOOR_OBJS)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $(BENCH_FLOOR_OBJS) \
	  $(BASE_LDFLAGS) -static $(LDFLAGS)

# The reference for libcordon.so's load cost: a preload that does nothing,
# linked as libcordon.so is.
$(B)/bench/empty.so: bench/empty.c bench/rules.mk
	@mkdir -p $(@D)
	$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) $(DEPFLAGS) -fPIC -shared -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS)

BENCH_BINS := $(B)/bench/spawn $(B)/bench/floor $(B)/bench/empty.so

.PHONY: bench-build
bench-build: $(B)/cordon-helper $(B)/libcordon.so $(BENCH_BINS)

# Dependencies first, in a make of their own (as for check): the rules
# fragments probe the toolchain when they are read.
bench:
	@scripts/install-deps --check-or-install bench
	@$(MAKE) --no-print-directory bench-build
	scripts/bench $(B)
