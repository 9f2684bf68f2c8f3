/* Files the shim's suites exec, under tst_scratch()/shim (lockdown hides /tmp):
 *
 *	bin/cmd      script printing "cmd 0=$0 args"      bin/target  the target
 *	err/noexec   0644 script                          err/dir/    a directory
 *	err/file     a regular file (err/file/x: ENOTDIR) err/loop    symlink loop
 *	err/garbage  0755, no binfmt (sh runs it)         err/badint  #! missing
 *	noexec/cmd   0644 (EACCES in a PATH search)       loop/cmd    symlink loop
 *	script.sh    prints "0=$0 args", exits 5
 *
 * The scripts that run (bin/cmd, err/garbage, script.sh) report their
 * namespaces first (tests/lib/cordon.h). */
#ifndef CORDON_SHIM_FIXTURES_H
#define CORDON_SHIM_FIXTURES_H

/* Creates them once; returns the scratch path of rel (ring of 16). */
const char *fx(const char *rel);

#endif
