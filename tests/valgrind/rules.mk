# The helper under valgrind memcheck (tests/valgrind/): a suite of the one
# runner, skipped where valgrind is missing or the helper is ASan-built.
# Its suppressions travel with the build tree, which scripts/check stages.
TEST_SRCS += $(sort $(wildcard tests/valgrind/*.c))
TEST_DEPS += $(B)/tests/valgrind/helper.supp
$(B)/tests/valgrind/helper.supp: tests/valgrind/helper.supp
	@mkdir -p $(@D)
	cp $< $@
