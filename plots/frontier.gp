# frontier.gp — energy per query [Wh] against p95 end-to-end latency [s],
# one labelled point per arm (or per sweep point and arm), with the 95%
# confidence interval of the energy as a vertical error bar: the lower left
# is better on both. Input: frontier.csv (label, wh_per_query, wh_ci95,
# latency_p95_s, latency_mean_s, latency_mean_ci95_s). Optional variable:
# label, an array of the point labels (edgewatt sets it).
# By hand:
#   gnuplot -e "datafile='frontier.csv'; outfile='f.png'" plots/frontier.gp
# ---- edgewatt figure style: the same block opens every plots/*.gp --------
# (repeated, not loaded from a shared file, so that each script runs by hand
# from any folder). Variables, each with a default:
#   datafile  the CSV to draw           outfile   the figure to write
#   fmt       'png' | 'pdf' | 'svg'     scenario  the title in the corner
#   date      YYYY-MM-DD in the corner (default today, UTC)
# Text is noenhanced everywhere, so _ ^ { } @ in names appear as written.
if (!exists("fmt")) fmt = 'png'
if (!exists("datafile")) datafile = 'frontier.csv'
if (!exists("outfile")) outfile = 'frontier.'.fmt
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

if (!exists("plottitle")) plottitle = 'Energy per query against tail latency'
set title plottitle
set xlabel 'p95 end-to-end latency [s]'
set ylabel 'energy per query [Wh]'
set yrange [0:*]
set key off
# the point labels: the array `label` (one per row) when edgewatt passes it,
# else column 1 (gnuplot reads a quoted label with a comma only in part)
label_of(row) = exists("label") ? label[int(row) + 1] : strcol(1)
# one point alone would give gnuplot an empty x range: widen it by hand
stats datafile using 4 name 'P95' nooutput
if (P95_max > P95_min) {
    set offsets graph 0.05, graph 0.2, graph 0.15, 0
} else {
    set xrange [0.5 * P95_min : 1.5 * P95_max + (P95_max > 0 ? 0 : 1)]
    set offsets 0, 0, graph 0.15, 0
}
# without any interval (one replication) the points have no error bars
stats datafile using (valid(3) ? 1 : 0) name 'CI' nooutput
if (CI_sum > 0) {
    plot datafile using 4:2:(valid(3) ? $3 : 0):($0 + 1) with yerrorbars lc variable pt 7 ps 1.5, \
         '' using 4:2:(label_of($0)) with labels left offset char 1,0.8 noenhanced
} else {
    plot datafile using 4:2:($0 + 1) with points lc variable pt 7 ps 1.5, \
         '' using 4:2:(label_of($0)) with labels left offset char 1,0.8 noenhanced
}
