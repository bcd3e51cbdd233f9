/* plot.h — figures drawn by gnuplot through a pipe. The scripts live in
 * plots/, one .gp file each (runnable by hand), and are built into the binary, so a run
 * does not depend on the working folder. Strings that reach gnuplot are
 * passed as single-quoted gnuplot strings with quotes doubled, never as
 * commands.
 */
#ifndef EW_PLOT_H
#define EW_PLOT_H

#include "ew.h"

#define EW_PLOT_SKIPPED 1   /* gnuplot is not installed: no figure, not an error */

/* Draws power.csv at csv_path into png_path with `title`. Returns EW_OK,
 * duration_s sets the time axis. Returns EW_OK,
 * EW_PLOT_SKIPPED, or EW_ELIB if gnuplot failed (the PNG is then removed). */
int ew_plot_power(const char *csv_path, const char *png_path, const char *title,
                  double duration_s, ew_error *err);

/* The text of plots/NAME.gp as built into the binary, or NULL. */
const char *ew_plot_script(const char *name);
/* Nonzero when an executable gnuplot is on PATH. */
int ew_gnuplot_on_path(void);

/* Writes s into buf as a gnuplot single-quoted string literal ('it''s'). */
void ew_plot_quote(const char *s, char *buf, size_t size);

#endif
