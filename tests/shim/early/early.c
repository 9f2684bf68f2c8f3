/* A library preloaded after libcordon.so: ld.so runs its constructor before
 * the shim's, and it starts programs right there (as some preloads and
 * instrumentation libraries do). Each job says whether it runs in the
 * caller's pid namespace. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SAME_NS                                                                          \
	"if [ \"$(readlink /proc/self/ns/pid)\" = \"$EARLY_PIDNS\" ]; then echo %s "     \
	"same-ns; else echo %s other-ns; fi"

__attribute__((constructor)) static void early(void)
{
	char ns[64] = "", cmd[256], line[128];
	ssize_t n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	FILE *f;
	int st;

	/* Its jobs load it too (LD_PRELOAD stays theirs): they start nothing. */
	if (getenv("EARLY_PIDNS"))
		return;
	if (n > 0)
		ns[n] = '\0';
	setenv("EARLY_PIDNS", ns, 1);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), SAME_NS, "system", "system");
	st = system(cmd);
	printf("system status %d\n", st);
	snprintf(cmd, sizeof(cmd), SAME_NS, "popen", "popen");
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stdout);
	printf("pclose status %d\n", f ? pclose(f) : -1);
	fflush(stdout);
}
