/* cordon-helper's entry: parse the shim's command line, become the monitor. */
#include "helper/helper.h"

#include <alloca.h>

extern char **environ;

int main(int argc, char **argv)
{
	static struct args a;
	static struct job j;
	const char *why;

	if (args_parse(argc, argv, &a, &why) < 0)
		die(EXIT_SETUP,
		    "bad helper command line (%s): libcordon.so and cordon-helper are "
		    "probably from different versions; reinstall cordon",
		    why);
	j.a = &a;
	/* The target's env on our stack, beside the one the kernel put there
	 * (whose size the kernel already bounded by the stack limit): a heap
	 * page would stay resident in the monitor and in init alike. */
	// cppcheck-suppress allocaCalled
	char **slots = alloca((env_count(environ) + 3) * sizeof(*slots));
	target_env_prepare(&j, environ, slots);
	monitor_run(&j, argc, argv);
}
