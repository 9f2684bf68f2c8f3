# scripts/bench's chart: the per-job tax (ms over a plain posix_spawn) of
# each launcher per tier, and of each namespace alone at the floor.
# gnuplot -e "tiers='plot.txt'; ns='plot-ns.txt'; out='tax.png'" bench/chart.gp
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1100,480 font "sans,10"
} else {
	set terminal png size 1100,480
}
set output out
set termoption noenhanced
set multiplot layout 1,2 title "per-job tax over a plain posix_spawn of /bin/true (median of rounds)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics font ",9"
set ylabel "ms per job"
set yrange [0:*]
set key top left
set title "by launcher and tier"
plot tiers using 2:xtic(1) title "hardened" linecolor rgb "#4477aa", \
     '' using 3 title "lockdown" linecolor rgb "#cc6677", \
     '' using 0:2:(sprintf("%.2f", $2)) with labels offset -2.2,0.6 notitle, \
     '' using 0:3:(sprintf("%.2f", $3)) with labels offset 2.2,0.6 notitle
set title "kernel floor: each namespace on top of the user namespace"
set style histogram clustered gap 2
plot ns using 2:xtic(1) title "floor" linecolor rgb "#999933", \
     '' using 0:2:(sprintf("%.2f", $2)) with labels offset 0,0.6 notitle
unset multiplot
