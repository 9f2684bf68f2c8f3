/* Files the shim's suites exec, under tst_scratch()/shim (lockdown hides /tmp):
 *
 *	bin/cmd      script printing "cmd 0=$0 args"      bin/target  the target
 *	err/noexec   0644 script                          err/dir/    a directory
 *	err/file     a regular file (err/file/x: ENOTDIR) err/loop    symlink loop
 *	err/garbage  0755, no binfmt (sh runs it)         err/badint  #! missing
 *	noexec/cmd   0644 (EACCES in a PATH search)       loop/cmd    symlink loop
 *	script.sh    prints "0=$0 args", exits 5
 *
 * The scripts that run report namespaces first (tests/lib/cordon.h):
 * bin/cmd and script.sh the shell's that runs them, err/garbage those of
 * nsreport (a shell host runs it in a child of its own, not as a job). */
#ifndef CORDON_SHIM_FIXTURES_H
#define CORDON_SHIM_FIXTURES_H

/* Creates them once; returns the scratch path of rel (ring of 16). */
const char *fx(const char *rel);

#endif
