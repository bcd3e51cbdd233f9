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

/* Writes s into buf as a gnuplot single-quoted string literal ('it''s'),
 * newlines dropped, cut to fit size (>= 3) without splitting a doubled quote. */
void ew_plot_quote(const char *s, char *buf, size_t size);

/* ---- the figures of a results file (the tables under /figures) ---------- */

typedef struct ew_plot_options {
    const char *out_dir;   /* NULL: the folder holding the results file (created if missing) */
    const char *format;    /* "png" (also NULL), "pdf" or "svg" */
    const char *title;     /* corner title; NULL: root attribute scenario_title, else
                              scenario_name */
} ew_plot_options;

/* Writes every table under /figures of the results file h5_path as
 * OUT/<table>.csv and draws those of a known kind (table name up to its
 * first '-': energy_by_boundary, latency_cdf, power_by_kind, frontier, sweep)
 * with plots/<kind>.gp into OUT/<figure>.<format> (ew_plot_figures_of names
 * them). A file without /figures has nothing to draw: EW_OK, 0 drawn.
 * *n_drawn (if not NULL) counts the figures drawn. Returns EW_OK;
 * EW_PLOT_SKIPPED when gnuplot is not on PATH (the CSVs are written);
 * EW_EINVAL for an unknown format, a missing or foreign file or a table
 * whose columns its script cannot read; EW_EIO when a file cannot be
 * written; EW_ELIB when gnuplot fails. On a failure in one table the others
 * are still drawn and the first failure is reported. */
int ew_plot_results(const char *h5_path, const ew_plot_options *opt, size_t *n_drawn,
                    ew_error *err);
/* ew_plot_results with the file's own title. */
int ew_plot_all(const char *h5_path, const char *out_dir, const char *format, size_t *n_drawn,
                ew_error *err);

#define EW_PLOT_MAX_FIGURES 2          /* figures drawn from one table */
#define EW_PLOT_STEM_MAX 128

typedef struct ew_plot_figure {
    char stem[EW_PLOT_STEM_MAX];   /* file name without extension: "sweep_latency-big" */
    const char *kind;              /* the script, plots/<kind>.gp */
    const char *metric;            /* sweep: "wh" or "latency"; NULL for other kinds */
} ew_plot_figure;

/* The figures drawn from table `table` into out[EW_PLOT_MAX_FIGURES]: one
 * named as the table, and for a sweep also <sweep_latency><rest of name>.
 * Returns how many (0 for a table of no known kind). */
size_t ew_plot_figures_of(const char *table, ew_plot_figure *out);

/* The date shown on figures and reports, YYYY-MM-DD: SOURCE_DATE_EPOCH (UTC)
 * when set to a whole number of seconds, else today (local time). */
void ew_plot_date(char *buf, size_t size);

#endif
