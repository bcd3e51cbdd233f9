# energy_by_boundary.gp — energy per query of each arm as stacked bars, one
# segment per accounting boundary (accelerator, host, idle capacity,
# facility, network), with the 95% confidence interval of the full stack
# (boundary 5) as an error bar on top. Input: energy_by_boundary.csv, whose
# boundary columns are cumulative [Wh per query]; a segment is a boundary's
# increment over the one below.
# By hand:
#   gnuplot -e "datafile='energy_by_boundary.csv'; outfile='e.png'" plots/energy_by_boundary.gp
# ---- edgewatt figure style: the same block opens every plots/*.gp --------
# (repeated, not loaded from a shared file, so that each script runs by hand
# from any folder). Variables, each with a default:
#   datafile  the CSV to draw           outfile   the figure to write
#   fmt       'png' | 'pdf' | 'svg'     scenario  the title in the corner
#   date      YYYY-MM-DD in the corner (default today, UTC)
# Text is noenhanced everywhere, so _ ^ { } @ in names appear as written.
if (!exists("fmt")) fmt = 'png'
if (!exists("datafile")) datafile = 'energy_by_boundary.csv'
if (!exists("outfile")) outfile = 'energy_by_boundary.'.fmt
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

if (!exists("plottitle")) plottitle = 'Energy per query by accounting boundary'
set title plottitle
set ylabel 'energy per query [Wh]'
set yrange [0:*]
set grid noxtics ytics
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb '#404040'
set boxwidth 0.6
set key outside right top vertical
# columns: arm, then (cumulative value, 95% half-width) for boundaries 1..5,
# so boundary b's segment is column 2b minus column 2b - 2. Rowstacked bars
# stand at x = 0, 1, ... (the row number), where the error bar goes; a file
# without any interval (one replication) gets no error bars. The bar is a
# vector with flat heads: the error-bar styles would also draw a point.
array boundary[5] = ['accelerator', 'host', 'idle capacity', 'facility', 'network']
stats datafile using (valid(11) ? 1 : 0) name 'CI' nooutput
ci(half) = half == half ? half : 0   # an empty field (NaN) as no interval
if (CI_sum > 0) {
    plot for [b=1:5] datafile using (column(2*b) - (b > 1 ? column(2*b - 2) : 0)):xtic(1) \
             lt b title boundary[b], \
         '' using 0:($10 - ci($11)):(0):(2 * ci($11)) with vectors heads size screen 0.008,90 \
             lc rgb '#000000' lw 1.5 title 'total, 95% CI'
} else {
    plot for [b=1:5] datafile using (column(2*b) - (b > 1 ? column(2*b - 2) : 0)):xtic(1) \
             lt b title boundary[b]
}
