# The shim-helper command line from both ends (shim/argv.c, helper/args.c,
# which the parts already link into the runner).
TEST_SRCS += tests/contract/contract_test.c tests/contract/parse_side.c
