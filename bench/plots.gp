# plots.gp - renders bench/run.py's time series to PNG (gnuplot -e "dir='OUT'").
set terminal png size 900,480 noenhanced
set grid
set key top right

set output dir."/throughput.png"
set title "Segments/s at the SMSC, default DLR mask (0.25 s bins)"
set xlabel "seconds since the first drop / box start"
set ylabel "segments/s"
plot dir."/ceiling-dlr.dat" using 1:2 with lines lw 2 title "ceiling box", \
     dir."/provbox-dlr.dat" using 1:2 with lines lw 2 title "provbox"

set output dir."/throughput-nodlr.png"
set title "Segments/s at the SMSC, no DLRs (0.25 s bins)"
plot dir."/ceiling-nodlr.dat" using 1:2 with lines lw 2 title "ceiling box", \
     dir."/provbox-nodlr.dat" using 1:2 with lines lw 2 title "provbox", \
     dir."/sendota.dat" using 1:2 with lines lw 2 title "smsbox sendota"

set output dir."/rss.png"
set title "provbox peak RSS vs jobs waiting in new/"
set xlabel "jobs waiting"
set ylabel "VmHWM (MB)"
set logscale x
set yrange [0:*]
plot dir."/rss.dat" using 1:2 with linespoints lw 2 pt 7 title "provbox"
