# sweep.gp — results across a sweep: energy per query [Wh] (metric 'wh',
# the default) or mean end-to-end latency [s] (metric 'latency') against the
# first swept parameter, as a line with its 95% confidence band (y ± the
# half-width) for each arm and, when two parameters were swept, each value
# of the second. The x axis is logarithmic when x spans two decades or more.
# Input: sweep.csv (point, arm, the swept parameters as text, x, then
# wh_per_query, wh_ci95, latency_p95_s, latency_mean_s, latency_mean_ci95_s,
# ...), rows in increasing x within each series.
# Variables besides the common ones; edgewatt sets them, and by hand the
# script finds them in the CSV:
#   metric              'wh' or 'latency'
#   xcol                the column number of x
#   xname, xunits       the first parameter's name and x's units
#   gname               the second parameter's name ('' when one was swept)
#   ser_arm, ser_group  arrays: the (arm, second-parameter value) of each series
#   ser_row             array: the series of each row (1-based), 0 for none
# By hand:
#   gnuplot -e "datafile='sweep.csv'; outfile='s.png'" plots/sweep.gp
#   gnuplot -e "datafile='sweep.csv'; outfile='l.png'; metric='latency'" plots/sweep.gp
# ---- edgewatt figure style: the same block opens every plots/*.gp --------
# (repeated, not loaded from a shared file, so that each script runs by hand
# from any folder). Variables, each with a default:
#   datafile  the CSV to draw           outfile   the figure to write
#   fmt       'png' | 'pdf' | 'svg'     scenario  the title in the corner
#   date      YYYY-MM-DD in the corner (default today, UTC)
# Text is noenhanced everywhere, so _ ^ { } @ in names appear as written.
if (!exists("fmt")) fmt = 'png'
if (!exists("datafile")) datafile = 'sweep.csv'
if (!exists("outfile")) outfile = 'sweep.'.fmt
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

if (!exists("metric")) metric = 'wh'
if (!exists("xunits")) xunits = '1'
# one pass over the first row finds x among the headers (from column 4: 1 is
# point, 2 arm, 3 the first parameter) and the parameters' names
if (!exists("xcol")) {
    xcol = 0
    set table $ew_scratch
    plot datafile every ::0::0 using (sum [i=4:64] (xcol == 0 && columnhead(i) eq 'x' ? (xcol = i, 0) : 0)):(0) with table
    unset table
}
if (xcol < 4) exit error 'sweep.gp: '.datafile.' has no column named x after point, arm and a parameter'
if (!exists("xname") || !exists("gname")) {
    set table $ew_scratch
    plot datafile every ::0::0 using (xname = columnhead(3), gname = (xcol > 4 ? columnhead(4) : ''), 0):(0) with table
    unset table
}
# the series: each distinct (arm, second-parameter value), in order of first
# appearance, and ser_row[r] the series of row r. Rows are picked by number,
# not by comparing text: gnuplot splits a quoted CSV field with a comma in it
# when it reads it as text.
if (!exists("ser_arm")) {
    stats datafile using (0) name 'ROWS' nooutput
    array ser_arm[256]
    array ser_group[256]
    array ser_row[ROWS_records]
    nser = 0
    set table $ew_scratch
    plot datafile using (a_ = strcol(2), g_ = (gname eq '' ? '' : strcol(4)), k_ = 0, \
        (sum [i=1:nser] (k_ == 0 && ser_arm[i] eq a_ && ser_group[i] eq g_ ? (k_ = i, 0) : 0)), \
        (k_ == 0 && nser < |ser_arm|) ? \
            (nser = nser + 1, ser_arm[nser] = a_, ser_group[nser] = g_, k_ = nser) : 0, \
        ser_row[int($0) + 1] = k_, 0):(0) with table
    unset table
} else {
    nser = |ser_arm|
}
ycol = xcol + (metric eq 'latency' ? 4 : 1)
cicol = ycol + 1
if (!exists("plottitle")) plottitle = (metric eq 'latency' ? 'Mean latency' : 'Energy per query').' across the sweep (bands: 95% confidence interval)'
set title plottitle
set xlabel xname.' ['.xunits.']'
set ylabel (metric eq 'latency' ? 'mean end-to-end latency [s]' : 'energy per query [Wh]')
# values more than 1.5 decades apart: a logarithmic axis keeps the small ones
# from lying on zero (a band whose lower edge is not above zero is left out)
stats datafile using ycol name 'Y' nooutput
ylog = Y_min > 0 && Y_max >= 30 * Y_min
if (ylog) {
    set logscale y
    set format y '%g'
} else {
    set yrange [0:*]
}
band_low(y, ci) = (y - ci > 0 || !ylog) ? y - ci : NaN
set key outside right top vertical title (gname eq '' ? 'arm' : 'arm, '.gname)
stats datafile using xcol name 'X' nooutput
# a logarithmic x spans the points with a 5% margin (autoscaling would widen
# it to whole decades, up to a decade of nothing on either side)
if (X_min > 0 && X_max >= 100 * X_min) {
    set logscale x
    set xrange [X_min / (X_max / X_min)**0.05 : X_max * (X_max / X_min)**0.05]
}
if (X_max == X_min) set xrange [X_min - 0.5 * abs(X_min) - 1 : X_max + 0.5 * abs(X_max) + 1]
# each series into one block of $ew_series (blocks apart by two blank lines,
# so `index` picks one out); only the series' rows pass the `if`
undefine $ew_series
array ser_title[nser]
do for [s=1:nser] {
    ser_title[s] = ser_group[s] eq '' ? ser_arm[s] : ser_arm[s].', '.ser_group[s]
    set table $ew_series append
    plot datafile using xcol:ycol:(valid(cicol) ? column(cicol) : 0) with table if (ser_row[int($0) + 1] == s)
    unset table
    set print $ew_series append
    print ''
    print ''
    unset print
}
set datafile separator whitespace
set datafile nocolumnheaders
plot for [s=1:nser] $ew_series index (s - 1) using 1:(band_low($2, $3)):($2 + $3) with filledcurves \
         lt s fs transparent solid 0.2 noborder notitle, \
     for [s=1:nser] $ew_series index (s - 1) using 1:2 with linespoints lt s title ser_title[s]
