# make mutate: the suites must catch a broken shim or helper. Each mutant of
# tests/mutate/mutants.py is built on top of a copy of the regular build's
# objects and the tests it names run against it (tests/mutate/mutate.py);
# the faults exist only in those copies. As the invoking user only: the
# mutants name suites whose failure does not depend on the uid.
.PHONY: mutate
mutate:
	@scripts/install-deps --check-or-install check
	@$(MAKE) --no-print-directory check-build
	CORDON_MUTATE_CFLAGS='$(CFLAGS)' tests/mutate/mutate.py $(B) $(MUTANTS)
