# power_by_kind.gp — electrical power of the data-centre sites and of the
# edge sites over the run [kW], with each kind's grid carbon intensity
# [gCO2e/kWh] (power-weighted over its sites) dashed on the right axis.
# Input: power_by_kind-ARM.csv (t_h, dc_kw, edge_kw, dc_gco2_per_kwh,
# edge_gco2_per_kwh; one row per time bin, intensity empty where a kind
# draws no power). `arm` names the arm in the title.
# By hand:
#   gnuplot -e "datafile='power_by_kind-edge.csv'; outfile='p.png'" plots/power_by_kind.gp
# ---- edgewatt figure style: the same block opens every plots/*.gp --------
# (repeated, not loaded from a shared file, so that each script runs by hand
# from any folder). Variables, each with a default:
#   datafile  the CSV to draw           outfile   the figure to write
#   fmt       'png' | 'pdf' | 'svg'     scenario  the title in the corner
#   date      YYYY-MM-DD in the corner (default today, UTC)
# Text is noenhanced everywhere, so _ ^ { } @ in names appear as written.
if (!exists("fmt")) fmt = 'png'
if (!exists("datafile")) datafile = 'power_by_kind.csv'
if (!exists("outfile")) outfile = 'power_by_kind.'.fmt
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

if (!exists("arm")) arm = ''
if (!exists("plottitle")) plottitle = (arm eq '' ? 'Power by site kind' : 'Power by site kind, arm '.arm)
set title plottitle
set xlabel 'simulated time [h]'
set ylabel 'mean power [kW]'
set y2label 'grid carbon intensity [gCO2e/kWh]'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key outside top center horizontal maxrows 2
set autoscale xfix
# an intensity column with no value at all (a kind that never drew power) is
# left out of the plot through the list of columns to draw (an empty
# `for [k=1:0]` would still be read once, and gnuplot would warn)
stats datafile using (valid(4) ? 1 : 0) name 'DC' nooutput
stats datafile using (valid(5) ? 1 : 0) name 'EDGE' nooutput
intensity_cols = (DC_sum > 0 ? '4 ' : '').(EDGE_sum > 0 ? '5' : '')
# power: each bin's value holds from its start to the next bin; intensity:
# a dashed line through the bins' starts (dashes do not show on steps)
if (intensity_cols eq '') {
    unset y2tics
    unset y2label
    plot datafile using 1:2 with steps lt 1 title 'data-centre power', \
         '' using 1:3 with steps lt 2 title 'edge power'
} else {
    plot datafile using 1:2 with steps lt 1 title 'data-centre power', \
         '' using 1:3 with steps lt 2 title 'edge power', \
         for [c in intensity_cols] '' using 1:(column(int(c))) axes x1y2 with lines \
             lt (int(c) - 3) lw 1.5 dt (8, 5) title (c eq '4' ? 'data-centre' : 'edge').' intensity (right axis)'
}
