/* plot.c — figures drawn by gnuplot through popen (see plot.h).
 *
 * Every string that reaches gnuplot (paths, titles, arm names, parameter
 * names and values) goes as a single-quoted gnuplot literal from
 * ew_plot_quote, assigned to a variable that a script reads; no text from a
 * results file is ever part of a command. gnuplot does no backquote or @
 * macro substitution inside single quotes (tests/cli/test_plot.sh checks
 * it), and the terminals are noenhanced, so the text is drawn as written.
 */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "figtable.h"

/* the plots/NAME.gp scripts, built in by make (BUILD/plots_gp.c) */
struct ew_plot_script_entry { const char *name, *text; };
extern const struct ew_plot_script_entry ew_plot_scripts_[];
extern const size_t ew_n_plot_scripts_;

const char *ew_plot_script(const char *name)
{
    for (size_t i = 0; i < ew_n_plot_scripts_; i++)
        if (!strcmp(ew_plot_scripts_[i].name, name))
            return ew_plot_scripts_[i].text;
    return NULL;
}

int ew_gnuplot_on_path(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char dir[4096];
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s/gnuplot", (int)n, path);
        if (n > 0 && access(dir, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

void ew_plot_quote(const char *s, char *buf, size_t size)
{
    size_t j = 0;
    if (size < 3)
        return;
    buf[j++] = '\'';
    for (; *s && j + 3 < size; s++) {
        if (*s == '\n' || *s == '\r')
            continue;   /* a newline would end the gnuplot command */
        if (*s == '\'')
            buf[j++] = '\'';
        buf[j++] = *s;
    }
    buf[j++] = '\'';
    buf[j] = '\0';
}

int ew_plot_power(const char *csv_path, const char *png_path, const char *title,
                  double duration_s, ew_error *err)
{
    if (!ew_gnuplot_on_path())
        return EW_PLOT_SKIPPED;
    FILE *p = popen("gnuplot", "w");
    if (!p)
        return ew_error_set(err, EW_ELIB, "cannot start gnuplot");
    char q[8192];
    ew_plot_quote(csv_path, q, sizeof q);
    fprintf(p, "datafile = %s\n", q);
    ew_plot_quote(png_path, q, sizeof q);
    fprintf(p, "outfile = %s\n", q);
    ew_plot_quote(title, q, sizeof q);
    fprintf(p, "plottitle = %s\n", q);
    fprintf(p, "scenario = %s\n", q);
    char date[16];
    ew_plot_date(date, sizeof date);
    ew_plot_quote(date, q, sizeof q);
    fprintf(p, "date = %s\n", q);
    fprintf(p, "duration_h = %.17g\n", duration_s / 3600.0);
    fputs(ew_plot_script("power"), p);
    fputs("\nset output\n", p);
    int status = pclose(p);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        remove(png_path);
        return ew_error_set(err, EW_ELIB, "gnuplot failed drawing %s", png_path);
    }
    return EW_OK;
}

/* ---- the figures of a results file ------------------------------------------ */

void ew_plot_date(char *buf, size_t size)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long t = sde && *sde ? strtoll(sde, &end, 10) : -1;
    struct tm tm;
    time_t now;
    if (end && !*end && t >= 0) {   /* reproducible builds: the given time, in UTC */
        now = (time_t)t;
        gmtime_r(&now, &tm);
    } else {
        now = time(NULL);
        localtime_r(&now, &tm);
    }
    strftime(buf, size, "%Y-%m-%d", &tm);
}

/* A known kind: its script, and the columns the script reads by position
 * from the first (a sweep's fixed columns after x are checked apart). */
typedef struct kind_spec {
    const char *kind;
    const char *columns;
} kind_spec;

static const kind_spec kinds[] = {
    {"energy_by_boundary", "arm,b1_accelerator_wh,b1_ci95_wh,b2_host_wh,b2_ci95_wh,b3_idle_wh,"
                           "b3_ci95_wh,b4_facility_wh,b4_ci95_wh,b5_network_wh,b5_ci95_wh"},
    {"latency_cdf", "q"},
    {"power_by_kind", "t_h,dc_kw,edge_kw,dc_gco2_per_kwh,edge_gco2_per_kwh"},
    {"frontier", "label,wh_per_query,wh_ci95,latency_p95_s,latency_mean_s,latency_mean_ci95_s"},
    {"sweep", "point,arm"},
};
#define SWEEP_AFTER_X "x,wh_per_query,wh_ci95,latency_p95_s,latency_mean_s,latency_mean_ci95_s"

/* The spec of table name's kind (its name up to the first '-'), or NULL. */
static const kind_spec *kind_of(const char *table)
{
    size_t n = strcspn(table, "-");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].kind) == n && !strncmp(kinds[i].kind, table, n))
            return &kinds[i];
    return NULL;
}

size_t ew_plot_figures_of(const char *table, ew_plot_figure *out)
{
    const kind_spec *k = kind_of(table);
    if (!k)
        return 0;
    int is_sweep = !strcmp(k->kind, "sweep");
    snprintf(out[0].stem, sizeof out[0].stem, "%s", table);
    out[0].kind = k->kind;
    out[0].metric = is_sweep ? "wh" : NULL;
    if (!is_sweep)
        return 1;
    snprintf(out[1].stem, sizeof out[1].stem, "sweep_latency%s", table + strlen("sweep"));
    out[1].kind = k->kind;
    out[1].metric = "latency";
    return 2;
}

/* Whether t's columns from index `from` are those named in `names` (commas). */
static int columns_match(const ew_table *t, size_t from, const char *names)
{
    for (size_t j = from; *names; j++) {
        size_t n = strcspn(names, ",");
        if (j >= t->n_cols || strlen(t->cols[j].name) != n || strncmp(t->cols[j].name, names, n))
            return 0;
        names += n + (names[n] == ',');
    }
    return 1;
}

/* The index of a sweep's x column (after point, arm and at least one
 * parameter), or 0 when there is none. */
static size_t sweep_x_index(const ew_table *t)
{
    for (size_t j = 3; j < t->n_cols; j++)
        if (!strcmp(t->cols[j].name, "x"))
            return j;
    return 0;
}

/* EW_EINVAL (naming the file and table) when t's script could not read it. */
static int check_columns(const ew_table *t, const kind_spec *k, const char *h5_path,
                         ew_error *err)
{
    int ok = columns_match(t, 0, k->columns);
    if (ok && !strcmp(k->kind, "latency_cdf"))
        ok = t->n_cols >= 2;
    if (ok && !strcmp(k->kind, "sweep")) {
        size_t x = sweep_x_index(t);
        ok = x > 0 && columns_match(t, x, SWEEP_AFTER_X) && !t->cols[x].is_text;
        for (size_t j = 1; ok && j < x; j++)
            ok = t->cols[j].is_text;   /* arm and parameters: text, read as such here */
        if (!ok)
            return ew_error_set(err, EW_EINVAL, "%s:/figures/%s: expected columns point, arm, "
                                "the swept parameters (text), then %s (numbers)", h5_path,
                                t->name, SWEEP_AFTER_X);
    }
    if (!ok)
        return ew_error_set(err, EW_EINVAL, "%s:/figures/%s: expected columns %s%s", h5_path,
                            t->name, k->columns,
                            !strcmp(k->kind, "latency_cdf") ? ", then one per arm" : "");
    return EW_OK;
}

/* A row's sort key and its index: qsort is not stable, the index makes it so. */
typedef struct row_key {
    double x;
    size_t row;
} row_key;

/* x ascending, NAN last, ties in their first order. */
static int by_x(const void *a, const void *b)
{
    const row_key *p = a, *q = b;
    int pn = isnan(p->x), qn = isnan(q->x);
    if (pn != qn)
        return pn - qn;
    if (!pn && p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->row > q->row) - (p->row < q->row);
}

/* Reorders every column of t by column x ascending, so that each series of
 * a sweep runs left to right in the CSV and in its figure. EW_OK or
 * EW_ENOMEM. */
static int sort_rows(ew_table *t, const ew_column *x)
{
    size_t n = t->n_rows ? t->n_rows : 1;
    row_key *keys = malloc(n * sizeof *keys);
    double *num = malloc(n * sizeof *num);
    char **text = malloc(n * sizeof *text);
    int rc = keys && num && text ? EW_OK : EW_ENOMEM;
    for (size_t i = 0; rc == EW_OK && i < t->n_rows; i++)
        keys[i] = (row_key){ x->num[i], i };
    if (rc == EW_OK)
        qsort(keys, t->n_rows, sizeof *keys, by_x);
    for (size_t j = 0; rc == EW_OK && j < t->n_cols; j++) {
        ew_column *c = &t->cols[j];
        for (size_t i = 0; i < t->n_rows; i++) {
            if (c->is_text)
                text[i] = c->text[keys[i].row];
            else
                num[i] = c->num[keys[i].row];
        }
        if (c->is_text)
            memcpy(c->text, text, t->n_rows * sizeof *text);
        else
            memcpy(c->num, num, t->n_rows * sizeof *num);
    }
    free(keys);
    free(num);
    free(text);
    return rc;
}

/* ---- writing gnuplot variables ---------------------------------------------- */

/* NAME = 'value' (a quoted literal, never a command). */
static void gp_string(FILE *p, const char *name, const char *value)
{
    size_t size = 2 * strlen(value) + 3;   /* every quote doubled, plus the two around */
    char *q = malloc(size);
    if (!q) {
        fprintf(p, "%s = ''\n", name);
        return;
    }
    ew_plot_quote(value, q, size);
    fprintf(p, "%s = %s\n", name, q);
    free(q);
}

/* array NAME[n] = ['v1', 'v2', ...] (n >= 1). */
static void gp_array(FILE *p, const char *name, const char *const *values, size_t n)
{
    fprintf(p, "array %s[%zu] = [", name, n);
    for (size_t i = 0; i < n; i++) {
        size_t size = 2 * strlen(values[i]) + 3;
        char *q = malloc(size);
        if (q)
            ew_plot_quote(values[i], q, size);
        fprintf(p, "%s%s", i ? ", " : "", q ? q : "''");
        free(q);
    }
    fputs("]\n", p);
}

/* array NAME[n] = [1, 2, ...] (n >= 1). */
static void gp_array_int(FILE *p, const char *name, const size_t *values, size_t n)
{
    fprintf(p, "array %s[%zu] = [", name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(p, "%s%zu", i ? ", " : "", values[i]);
    fputs("]\n", p);
}

/* A sweep's variables (sweep.gp): the column of x, the parameters' names,
 * x's units, the series as the distinct (arm, second-parameter value) pairs
 * in order of first appearance, and the series of each row. */
static int gp_sweep(FILE *p, const ew_table *t, const char *metric)
{
    size_t x = sweep_x_index(t), n = t->n_rows, ns = 0, m = n ? n : 1;
    const ew_column *arm = &t->cols[1], *group = x > 3 ? &t->cols[3] : NULL;
    const char **sa = malloc(m * sizeof *sa), **sg = malloc(m * sizeof *sg);
    size_t *row = malloc(m * sizeof *row);
    int rc = sa && sg && row ? EW_OK : EW_ENOMEM;
    for (size_t i = 0; rc == EW_OK && i < n; i++) {
        const char *a = arm->text[i], *g = group ? group->text[i] : "";
        size_t k = 0;
        while (k < ns && (strcmp(sa[k], a) || strcmp(sg[k], g)))
            k++;
        if (k == ns) {
            sa[ns] = a;
            sg[ns++] = g;
        }
        row[i] = k + 1;
    }
    if (rc == EW_OK) {
        gp_string(p, "metric", metric);
        fprintf(p, "xcol = %zu\n", x + 1);
        gp_string(p, "xname", t->cols[2].name);
        gp_string(p, "xunits", t->cols[x].units[0] ? t->cols[x].units : "1");
        gp_string(p, "gname", group ? group->name : "");
    }
    if (rc == EW_OK && ns > 0) {
        gp_array(p, "ser_arm", sa, ns);
        gp_array(p, "ser_group", sg, ns);
        gp_array_int(p, "ser_row", row, n);
    }
    free((void *)sa);
    free((void *)sg);
    free(row);
    return rc;
}

/* a and b equal to 1e-9 relative (two NaNs: equal) */
static int same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* A frontier's key (frontier.gp): the label of each row, and `shown` 0 for
 * a row that lies where an earlier row lies (the same energy and p95 latency,
 * to 1e-9 relative: in a sweep, an arm the swept parameters do not touch),
 * whose label then names the group: "dc (6 points alike)" when the labels
 * share their arm (the text before ":"), else "LABEL (+5 alike)"; and
 * `style`, the colour and marker of each row: the rank of its group among
 * the groups, so that a hidden row is drawn as the one that is named. */
static int gp_frontier(FILE *p, const ew_table *t)
{
    const ew_column *wh = ew_table_column(t, "wh_per_query"),
                    *p95 = ew_table_column(t, "latency_p95_s"), *lab = &t->cols[0];
    size_t n = t->n_rows;
    if (!wh || !p95 || wh->is_text || p95->is_text || !lab->is_text || !n)
        return EW_OK;   /* not a frontier table: the script reads column 1 */
    size_t *first = malloc(n * sizeof *first), *shown = malloc(n * sizeof *shown),
           *count = calloc(n, sizeof *count), *style = malloc(n * sizeof *style), groups = 0;
    char **text = calloc(n, sizeof *text);
    int rc = first && shown && count && style && text ? EW_OK : EW_ENOMEM;
    for (size_t i = 0; rc == EW_OK && i < n; i++) {
        size_t j = 0;
        while (j < i && !(first[j] == j && same_value(wh->num[j], wh->num[i]) &&
                          same_value(p95->num[j], p95->num[i])))
            j++;
        first[i] = j;
        shown[i] = j == i;
        style[i] = j == i ? ++groups : style[j];
        count[j]++;
    }
    for (size_t i = 0; rc == EW_OK && i < n; i++) {
        const char *l = lab->text[i];
        size_t arm = strcspn(l, ":"), same = count[i] > 1;
        for (size_t k = i + 1; same && k < n; k++)
            if (first[k] == i && (strncmp(lab->text[k], l, arm) || lab->text[k][arm] != l[arm]))
                same = 0;
        size_t size = strlen(l) + 48;
        if (!(text[i] = malloc(size)))
            rc = EW_ENOMEM;
        else if (count[i] < 2)
            snprintf(text[i], size, "%s", l);
        else if (same && l[arm])
            snprintf(text[i], size, "%.*s (%zu points alike)", (int)arm, l, count[i]);
        else
            snprintf(text[i], size, "%s (+%zu alike)", l, count[i] - 1);
    }
    if (rc == EW_OK) {
        gp_array(p, "label", (const char *const *)text, n);
        gp_array_int(p, "shown", shown, n);
        gp_array_int(p, "style", style, n);
    }
    for (size_t i = 0; text && i < n; i++)
        free(text[i]);
    free(text);
    free(first);
    free(shown);
    free(count);
    free(style);
    return rc;
}

/* ---- drawing ------------------------------------------------------------------ */

typedef struct plot_run {
    const char *h5_path;
    const char *out_dir;
    const char *format;
    char scenario[512];   /* the corner title */
    char date[16];
} plot_run;

/* Draws one figure of table t (its CSV at csv) into out. */
static int draw(const plot_run *r, const ew_table *t, const ew_plot_figure *fig,
                const char *csv, const char *out, ew_error *err)
{
    const char *script = ew_plot_script(fig->kind);
    if (!script)
        return ew_error_set(err, EW_ELIB, "plots/%s.gp is not built in", fig->kind);
    FILE *p = popen("gnuplot", "w");
    if (!p)
        return ew_error_set(err, EW_ELIB, "cannot start gnuplot: %s", strerror(errno));
    gp_string(p, "datafile", csv);
    gp_string(p, "outfile", out);
    gp_string(p, "fmt", r->format);
    gp_string(p, "scenario", r->scenario);
    gp_string(p, "date", r->date);
    int rc = EW_OK;
    if (!strcmp(fig->kind, "power_by_kind"))
        gp_string(p, "arm", t->name[strcspn(t->name, "-")] ? strchr(t->name, '-') + 1 : "");
    else if (!strcmp(fig->kind, "sweep"))
        rc = gp_sweep(p, t, fig->metric);
    else if (!strcmp(fig->kind, "frontier"))
        rc = gp_frontier(p, t);
    fputs(script, p);
    fputs("\nset output\n", p);
    int status = pclose(p);
    if (rc != EW_OK) {
        remove(out);
        return ew_error_set(err, rc, "%s: out of memory", out);
    }
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        remove(out);
        return ew_error_set(err, EW_ELIB, "gnuplot failed drawing %s from %s", out, csv);
    }
    return EW_OK;
}

/* Creates dir and its missing parents. */
static int make_dirs(const char *dir, ew_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return ew_error_set(err, EW_EINVAL, "%.64s...: folder name too long", dir);
    for (char *s = path + 1; ; s++) {
        if (*s != '/' && *s)
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return ew_error_set(err, EW_EIO, "%s: cannot create folder: %s", path,
                                strerror(errno));
        if (!(*s = c))
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ew_error_set(err, EW_EIO, "%s: not a folder", dir);
    return EW_OK;
}

/* Writes table `name` of /figures as CSV and draws its figures; *drawn
 * counts them. A sweep's rows are sorted by x first (see sort_rows); a
 * table its script could not read still gets its CSV. */
static int plot_table(const plot_run *r, hid_t figures, const char *name, int draw_figures,
                      size_t *drawn, ew_error *err)
{
    ew_table *t = NULL;
    int rc = ew_table_read_h5(figures, name, &t, err);
    if (rc != EW_OK)
        return rc;
    const kind_spec *k = kind_of(name);
    int readable = k && check_columns(t, k, r->h5_path, err) == EW_OK;
    if (readable && !strcmp(k->kind, "sweep") && (rc = sort_rows(t, &t->cols[sweep_x_index(t)])))
        ew_error_set(err, rc, "%s: out of memory", name);
    char csv[4400], out[4400];
    snprintf(csv, sizeof csv, "%s/%s.csv", r->out_dir, name);
    if (rc == EW_OK)
        rc = ew_table_write_csv(t, csv, err);
    if (rc == EW_OK && k && !readable)
        rc = EW_EINVAL;   /* err holds check_columns' message */
    ew_plot_figure figs[EW_PLOT_MAX_FIGURES];
    size_t n = rc == EW_OK && draw_figures ? ew_plot_figures_of(name, figs) : 0;
    for (size_t i = 0; i < n && rc == EW_OK; i++) {
        snprintf(out, sizeof out, "%s/%s.%s", r->out_dir, figs[i].stem, r->format);
        if ((rc = draw(r, t, &figs[i], csv, out, err)) == EW_OK)
            (*drawn)++;
    }
    ew_table_free(t);
    return rc;
}

/* The folder holding path ("." for a bare file name) into buf. */
static void folder_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else if (slash == path)
        snprintf(buf, size, "/");
    else
        snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* Lists and plots the tables of /figures; the first failure is kept in err. */
static int plot_figures(const plot_run *r, hid_t file, size_t *drawn, ew_error *err)
{
    if (H5Lexists(file, "figures", H5P_DEFAULT) <= 0)
        return EW_OK;   /* a file from before figure tables: nothing to draw */
    hid_t g = H5Gopen2(file, "figures", H5P_DEFAULT);
    if (g < 0)
        return ew_error_set(err, EW_EINVAL, "%s:/figures: not a group", r->h5_path);
    char **names = NULL;
    size_t n = 0;
    int rc = ew_table_list_h5(g, &names, &n, err), gnuplot = ew_gnuplot_on_path();
    for (size_t i = 0; i < n; i++) {
        ew_error e = {0};
        int trc = plot_table(r, g, names[i], gnuplot, drawn, &e);
        if (trc != EW_OK && rc == EW_OK) {
            rc = trc;
            if (err)
                *err = e;
        }
        if (trc == EW_EIO || trc == EW_ENOMEM)
            break;   /* the next table would fail alike */
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    H5Gclose(g);
    return rc;
}

int ew_plot_results(const char *h5_path, const ew_plot_options *opt, size_t *n_drawn,
                    ew_error *err)
{
    plot_run r = { h5_path, NULL, opt && opt->format ? opt->format : "png", "", "" };
    char dir[4096];
    size_t drawn = 0;
    if (n_drawn)
        *n_drawn = 0;
    if (strcmp(r.format, "png") && strcmp(r.format, "pdf") && strcmp(r.format, "svg"))
        return ew_error_set(err, EW_EINVAL, "--format \"%s\": unknown (known: png, pdf, svg)",
                            r.format);
    hid_t file;
    int rc = ew_h5_open_results(h5_path, &file, err);
    if (rc != EW_OK)
        return rc;
    if (opt && opt->title)
        snprintf(r.scenario, sizeof r.scenario, "%s", opt->title);
    else if (!ew_h5_attr_text(file, "scenario_title", r.scenario, sizeof r.scenario) ||
             !r.scenario[0])
        ew_h5_attr_text(file, "scenario_name", r.scenario, sizeof r.scenario);
    ew_plot_date(r.date, sizeof r.date);
    if (opt && opt->out_dir)
        snprintf(dir, sizeof dir, "%s", opt->out_dir);
    else
        folder_of(h5_path, dir, sizeof dir);
    r.out_dir = dir;
    rc = make_dirs(dir, err);

    /* a gnuplot that stops reading early must not kill us through SIGPIPE */
    struct sigaction ignore = {0}, old;
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old);
    if (rc == EW_OK)
        rc = plot_figures(&r, file, &drawn, err);
    sigaction(SIGPIPE, &old, NULL);
    H5Fclose(file);
    if (n_drawn)
        *n_drawn = drawn;
    if (rc == EW_OK && !ew_gnuplot_on_path())
        return EW_PLOT_SKIPPED;
    return rc;
}

int ew_plot_all(const char *h5_path, const char *out_dir, const char *format, size_t *n_drawn,
                ew_error *err)
{
    ew_plot_options opt = { out_dir, format, NULL };
    return ew_plot_results(h5_path, &opt, n_drawn, err);
}
