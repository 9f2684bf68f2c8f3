# make fuzz: the libFuzzer targets (tests/fuzz/fuzz_*.c), one per parser or
# rewriter, built with clang under ASan+UBSan and each run for FUZZ_SECONDS
# on a copy of its seed corpus (tests/fuzz/corpus/<target>/; what the run
# adds stays in the build tree). A failing input is saved as
# $(B)/fuzz/crash-<target>-*; add it to the corpus once fixed. fuzz_pathreal
# runs glibc's execvp over a tree it makes under TMPDIR ($(B)/fuzz/tmp).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 8
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer

FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# What each target links besides its own file.
FUZZ_LINK_tier := shim/tier.c common/contract.c common/limits.c
FUZZ_LINK_env := shim/env.c
FUZZ_LINK_path := shim/path.c
FUZZ_LINK_args := common/contract.c common/limits.c tests/lib/hcmd.c
FUZZ_LINK_roundtrip := common/contract.c common/limits.c
FUZZ_LINK_fmt := helper/fmt.c
FUZZ_LINK_pathreal := shim/call.c shim/mem.c shim/pin.c shim/actions.c shim/report.c shim/probe.c \
		      shim/path.c shim/env.c shim/log.c shim/logfmt.c shim/tier.c \
		      shim/policy.c shim/layout.c common/contract.c common/limits.c

FUZZ_COMPILE = $(FUZZ_CC) $(BASE_CPPFLAGS) $(BASE_CFLAGS) $(FUZZ_CFLAGS)
$(eval $(call OBJ_FLAVOUR,fuzz,FUZZ_COMPILE,tests/fuzz/rules.mk))
define FUZZ_RULE
$(B)/fuzz/fuzz_$(1): $(call objs,fuzz,tests/fuzz/fuzz_$(1).c $(FUZZ_LINK_$(1)))
	@mkdir -p $$(@D)
	$$(FUZZ_COMPILE) -o $$@ $$^
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULE,$(t))))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

# Dependencies first, in a make of their own (as for check).
fuzz:
	@scripts/install-deps --check-or-install fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  rm -rf $(B)/fuzz/corpus-$$t $(B)/fuzz/tmp $(B)/fuzz/crash-$$t-*; \
	  mkdir -p $(B)/fuzz/corpus-$$t $(B)/fuzz/tmp; \
	  cp tests/fuzz/corpus/$$t/* $(B)/fuzz/corpus-$$t/; \
	  printf '== fuzz %s (%s s): ' $$t $(FUZZ_SECONDS); \
	  if TMPDIR=$(abspath $(B))/fuzz/tmp $(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	       -max_len=8192 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	       -artifact_prefix=$(abspath $(B))/fuzz/crash-$$t- \
	       $(abspath $(B))/fuzz/corpus-$$t >$(B)/fuzz/log-$$t 2>&1; then \
	    grep '^stat::number_of_executed_units' $(B)/fuzz/log-$$t | sed 's/.*: //;s/$$/ inputs, no failure/'; \
	  else \
	    echo FAILED; tail -n 40 $(B)/fuzz/log-$$t; \
	    echo "fuzz $$t: failing input in $(B)/fuzz/crash-$$t-*, log in $(B)/fuzz/log-$$t"; exit 1; \
	  fi; \
	done
