# power.gp — electrical power of each site over the run, from power.csv.
# By hand:  gnuplot -e "datafile='results/default/power.csv'; outfile='power.png'" plots/power.gp
# edgewatt sets the same variables (and plottitle) when it draws the figure.
if (!exists("datafile")) datafile = 'power.csv'
if (!exists("outfile")) outfile = 'power.png'
if (!exists("plottitle")) plottitle = 'Power by site'

set terminal pngcairo size 1200,700 font ',11' noenhanced
set output outfile
set datafile separator comma
set key outside right top autotitle columnheader
set title plottitle
set xlabel 'simulated time [h]'
set ylabel 'mean power in bin [kW]'
set grid
set yrange [0:*]
if (exists("duration_h")) set xrange [0:duration_h]
# columns: t_start_s, arrivals, one power column per site, then all sites;
# each bin's value holds from its start to the next bin (fsteps would not)
plot for [i=3:*] datafile using ($1/3600):(column(i)/1000) with steps linewidth 2
