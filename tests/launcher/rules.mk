# The launcher (scripts/cordon as $(B)/cordon) and the man pages, which the
# tests format from a copy in the build tree (the runner runs from a staged
# copy of it), in man's section layout so that `.so man7/...` resolves.
LAUNCHER_MAN_DIR := $(B)/tests/launcher/man
LAUNCHER_MAN := $(LAUNCHER_MAN_DIR)/man1/cordon.1 $(LAUNCHER_MAN_DIR)/man7/cordon.7 \
		$(LAUNCHER_MAN_DIR)/man7/libcordon.so.7 $(LAUNCHER_MAN_DIR)/man8/cordon-helper.8
TEST_SRCS += tests/launcher/launcher_test.c
TEST_DEPS += $(B)/cordon $(LAUNCHER_MAN)
$(LAUNCHER_MAN_DIR)/man1/%: man/% ; @mkdir -p $(@D) && cp $< $@
$(LAUNCHER_MAN_DIR)/man7/%: man/% ; @mkdir -p $(@D) && cp $< $@
$(LAUNCHER_MAN_DIR)/man8/%: man/% ; @mkdir -p $(@D) && cp $< $@
# tests/launcher/progs/nouserns: a seccomp filter that refuses user
# namespaces, as a container's would.
