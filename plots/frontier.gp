# frontier.gp — energy per query [Wh] against p95 end-to-end latency [s],
# one point per arm (or per sweep point and arm), named in the key, with the
# 95% confidence interval of the energy as a vertical error bar: the lower
# left is better on both. Input: frontier.csv (label, wh_per_query, wh_ci95,
# latency_p95_s, latency_mean_s, latency_mean_ci95_s). Optional arrays, one
# element per row (edgewatt sets all three): label, the point labels; shown,
# 1 for a row the key names; style, the colour and marker of each row.
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
stats datafile using 2 name 'WH' nooutput
nrow = WH_records
# the key names each point: the array `label` (one per row) when edgewatt
# passes it, else column 1 (gnuplot reads a quoted label with a comma only in
# part); `shown` 0 keeps out of the key a row that lies where an earlier one
# does (edgewatt then says in that row's label how many lie there), and
# `style` gives each row its colour and marker (the named row's, for one kept
# out); by hand every row is named and has its own
if (!exists("label")) {
    array label[nrow]
    stats datafile using (label[int($0) + 1] = strcol(1), 0) nooutput
}
if (!exists("shown")) {
    array shown[nrow]
    do for [i=1:nrow] { shown[i] = 1 }
}
if (!exists("style")) {
    array style[nrow]
    do for [i=1:nrow] { style[i] = i }
}
# energies more than 1.5 decades apart: a logarithmic axis (whole decades)
# keeps the small ones from lying on zero
ypad = 0.1
if (WH_min > 0 && WH_max >= 30 * WH_min) {
    set logscale y
    set format y '%g'
    ypad = 0
} else {
    set yrange [0:*]
}
# one point alone would give gnuplot an empty x range: widen it by hand
stats datafile using 4 name 'P95' nooutput
if (P95_max > P95_min) {
    set offsets graph 0.05, graph 0.05, graph ypad, 0
} else {
    set xrange [0.5 * P95_min : 1.5 * P95_max + (P95_max > 0 ? 0 : 1)]
    set offsets 0, 0, graph ypad, 0
}
set key outside right top vertical Left reverse noenhanced samplen 1
# a colour per style, and after every 8 the next marker shape
array shape[8] = [7, 5, 9, 11, 13, 15, 4, 6]
# without any interval (one replication) the points have no error bars
stats datafile using (valid(3) ? 1 : 0) name 'CI' nooutput
if (CI_sum > 0) {
    plot for [i=1:nrow] datafile every ::(i - 1)::(i - 1) \
         using 4:2:(valid(3) ? $3 : 0) with yerrorbars lt ((style[i] - 1) % 8 + 1) \
         pt shape[((style[i] - 1) / 8) % 8 + 1] ps 1.5 title (shown[i] ? label[i] : '')
} else {
    plot for [i=1:nrow] datafile every ::(i - 1)::(i - 1) \
         using 4:2 with points lt ((style[i] - 1) % 8 + 1) \
         pt shape[((style[i] - 1) / 8) % 8 + 1] ps 1.5 title (shown[i] ? label[i] : '')
}
