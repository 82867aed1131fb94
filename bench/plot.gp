# bench/results.png from the data report.py writes (one block per program).
# usage: gnuplot -e "datafile='...'; outfile='...'" bench/plot.gp
set terminal pngcairo size 1500,520 font "sans,10"
set output outfile
set multiplot layout 1,3 title "oci-rootless and competitors, same rules, same inputs (runc spec, Podman, 1,000 / 10,000 / 100,000 mounts)"
set logscale xy
set grid
set xlabel "input size (kB)"
set format x "10^{%T}"
set format y "10^{%T}"
set style data linespoints
n = 7
set ylabel "median wall time per invocation (ms)"
set title "time"
set key bottom right font "sans,9"
plot for [i=0:n-1] datafile index i using 1:2 title columnheader(1) pointsize 1.2 lw 2
set ylabel "instructions (callgrind, whole process)"
set title "instructions (jq: counted up to 1,000 mounts only)"
unset key
plot for [i=0:n-1] datafile index i using 1:4 title columnheader(1) pointsize 1.2 lw 2
set ylabel "peak RSS (MiB)"
set title "peak memory"
set format y "%g"
set key top left font "sans,9"
plot for [i=0:n-1] datafile index i using 1:3 notitle pointsize 1.2 lw 2, \
     datafile index 3 using 1:($1*12/1048.576) title "12 × input size" with lines dt 2 lc rgb "gray"
unset multiplot
