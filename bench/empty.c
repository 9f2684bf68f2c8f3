/* An empty preloaded library: what any LD_PRELOAD costs a process (open,
 * map, relocate), the reference for libcordon.so's load cost. */
int cordon_bench_empty;
