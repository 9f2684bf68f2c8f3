# The install rules and the Debian package (debian/): `make package` builds
# both the source tarball the suite installs from and the .deb it inspects
# and runs (tests/package/package_test.c). `make check` leaves this suite
# out: the .deb is built from a copy of the whole tree, so any edit would
# rebuild it. `make check-package` builds the package, then runs the suite
# (as root and as 65534, as make check does).
TEST_SRCS += tests/package/package_test.c

check-package:
	@scripts/install-deps --check-or-install check package
	@$(MAKE) --no-print-directory check-build $(B)/pkg/cordon.deb
	scripts/check $(B) package
