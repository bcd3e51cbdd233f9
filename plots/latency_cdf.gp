# latency_cdf.gp — the distribution of end-to-end latency of each arm: the
# share of queries answered within a latency. Input: latency_cdf.csv (q, then
# per arm the latency [s] at quantile q), drawn as latency against q.
# By hand:
#   gnuplot -e "datafile='latency_cdf.csv'; outfile='l.png'" plots/latency_cdf.gp
# ---- edgewatt figure style: the same block opens every plots/*.gp --------
# (repeated, not loaded from a shared file, so that each script runs by hand
# from any folder). Variables, each with a default:
#   datafile  the CSV to draw           outfile   the figure to write
#   fmt       'png' | 'pdf' | 'svg'     scenario  the title in the corner
#   date      YYYY-MM-DD in the corner (default today, UTC)
# Text is noenhanced everywhere, so _ ^ { } @ in names appear as written.
if (!exists("fmt")) fmt = 'png'
if (!exists("datafile")) datafile = 'latency_cdf.csv'
if (!exists("outfile")) outfile = 'latency_cdf.'.fmt
if (!exists("scenario")) scenario = ''
if (!exists("date")) date = strftime('%Y-%m-%d', time(0))
if (fmt eq 'pdf') {
    set terminal pdfcairo size 8in,4.8in font 'Sans,10' noenhanced
} else {
    if (fmt eq 'svg') {
        set terminal svg size 1000,600 font 'Sans,12' noenhanced background rgb 'white'
    } else {
        set terminal pngcairo size 1000,600 font 'Sans,11' noenhanced
    }
}
set output outfile
set encoding utf8
set datafile separator comma
set datafile columnheaders
set label 1000 (scenario eq '' ? date : scenario.'    '.date) at screen 0.01,0.02 left \
    font ',9' textcolor rgb '#505050' noenhanced
set bmargin 5
set border lw 1 lc rgb '#404040'
set grid lc rgb '#d0d0d0' lw 1 dt 1
set key noenhanced
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2
set linetype 2 lc rgb '#E69F00' lw 2 pt 5 ps 1.2
set linetype 3 lc rgb '#009E73' lw 2 pt 9 ps 1.2
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11 ps 1.2
set linetype 5 lc rgb '#56B4E9' lw 2 pt 13 ps 1.2
set linetype 6 lc rgb '#D55E00' lw 2 pt 15 ps 1.2
set linetype 7 lc rgb '#999999' lw 2 pt 4 ps 1.2
set linetype 8 lc rgb '#000000' lw 2 pt 6 ps 1.2
set linetype cycle 8
# ---- end of the style block ------------------------------------------------

if (!exists("plottitle")) plottitle = 'End-to-end latency: cumulative distribution'
set title plottitle
set xlabel 'end-to-end latency [s]'
set ylabel 'cumulative share of queries [1]'
set logscale x
set yrange [0:1]
set key inside right bottom
plot for [i=2:*] datafile using i:1 with lines title columnheader(i)
