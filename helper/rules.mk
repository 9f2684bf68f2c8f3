# cordon-helper: static (docs/design.md). musl when available: tiny and fast
# to exec. SANITIZE=1 builds it dynamically with $(CC): ASan cannot be static.
HELPER_SRCS := $(sort $(wildcard helper/*.c))
HELPER_HDRS := $(wildcard helper/*.h)

ifeq ($(SANITIZE),1)
HELPER_CC := $(CC)
HELPER_STATIC :=
else
HELPER_CC := $(if $(shell command -v musl-gcc 2>/dev/null),musl-gcc,$(CC))
HELPER_STATIC := -static
endif

$(B)/cordon-helper: $(HELPER_SRCS) $(HELPER_HDRS) helper/rules.mk | $(B)/.dir
	$(HELPER_CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(SAN_CFLAGS) $(CFLAGS) \
	  -o $@ $(HELPER_SRCS) $(BASE_LDFLAGS) $(HELPER_STATIC) $(SAN_CFLAGS) $(LDFLAGS)

ALL += $(B)/cordon-helper
