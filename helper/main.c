/* cordon-helper's entry: parse the shim's command line, become the monitor. */
#include "helper/helper.h"

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
	target_env_prepare(&j, environ);
	monitor_run(&j, argc, argv);
}
