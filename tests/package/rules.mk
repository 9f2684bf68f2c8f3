# The install rules and the Debian package (debian/): `make package` builds
# both the source tarball the suite installs from and the .deb it inspects
# and runs (tests/package/package_test.c).
TEST_SRCS += tests/package/package_test.c
TEST_DEPS += $(B)/pkg/cordon.deb
