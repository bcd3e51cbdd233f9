/* cmd_report.c — `edgewatt report RESULTS.h5 [-o DIR] [--title T]`: a
 * report of a results file for a reader who did not run it, as DIR/report.html
 * (one self-contained page: the figures' SVG inlined, CSS inline, no script
 * and no link out) and DIR/report.md (figures referenced as files beside
 * it). The figures are drawn as SVG by ew_plot_results into DIR.
 *
 * The content is written once (write_report) through a small table of
 * renderers, one for HTML and one for Markdown, so the two cannot drift.
 * Every string from the results file is escaped by the renderer: HTML
 * entities for both (Markdown passes raw HTML through), and `|` in Markdown
 * table cells. Tables come from /figures/headline (else /figures/frontier)
 * and, whatever their columns, every table under /provenance.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ew.h"
#include "figtable.h"
#include "plot.h"

/* ---- what the report shows --------------------------------------------------- */

typedef struct figure {
    ew_plot_figure fig;
    char caption[900];
} figure;

typedef struct report {
    const char *h5_path;
    const char *dir;
    char title[512], name[256], date[16], seed[32], replications[32];
    char *scenario_text;     /* /scenario/effective, or NULL */
    ew_table *headline;      /* /figures/headline, else /figures/frontier, or NULL */
    ew_table **provenance;   /* every table under /provenance */
    size_t n_provenance;
    figure *figures;
    size_t n_figures;
    int drawn;               /* 0 when gnuplot was missing */
} report;

/* A table flattened to text: the header row and the cells, owned. */
typedef struct grid {
    size_t n_rows, n_cols;
    char **head;   /* [n_cols] */
    char **cell;   /* [n_rows * n_cols] */
    char *right;   /* [n_cols]: 1 for a column of numbers, aligned right */
} grid;

/* ---- escaping ---------------------------------------------------------------- */

/* Writes s with & < > " ' as entities: safe in HTML text and attributes. */
static void put_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Markdown text: HTML-escaped (renderers pass raw HTML through); in a table
 * cell also `|` escaped and line breaks as spaces. */
static void put_md(FILE *f, const char *s, int in_cell)
{
    for (; *s; s++) {
        if (in_cell && *s == '|')
            fputs("\\|", f);
        else if (in_cell && (*s == '\n' || *s == '\r'))
            fputc(' ', f);
        else if (*s == '&' || *s == '<' || *s == '>') {
            char one[2] = { *s, '\0' };
            put_html(f, one);
        } else
            fputc(*s, f);
    }
}

/* A file name as a URL path segment: unreserved characters kept, the rest
 * percent-encoded (figure names carry arm names). */
static void put_url(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~')
            fputc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
}

/* ---- tables as text ------------------------------------------------------------ */

/* Headline columns with a reader's label and the column of their 95%
 * half-width, shown as "value ± half-width". Other columns: "name [units]". */
static const struct {
    const char *col, *ci, *label;
} known_cols[] = {
    {"arm", NULL, "Arm"},
    {"label", NULL, "Arm"},
    {"replications", NULL, "Replications"},
    {"wh_per_query", "wh_ci95", "Energy per query [Wh]"},
    {"latency_p50_s", NULL, "Latency, median [s]"},
    {"latency_p95_s", NULL, "Latency, 95th percentile [s]"},
    {"latency_mean_s", "latency_mean_ci95_s", "Latency, mean [s]"},
    {"co2_g_per_query", "co2_ci95_g", "Carbon per query [gCO2e]"},
    {"water_l_per_1k", NULL, "Water per 1000 queries [L]"},
    {"usd_per_1k_queries", "usd_ci95", "Cost per 1000 queries [USD]"},
    {"edge_share", "edge_share_ci95", "Share served at the edge [1]"},
};
#define N_KNOWN (sizeof known_cols / sizeof known_cols[0])

static size_t known_index(const char *col)
{
    for (size_t i = 0; i < N_KNOWN; i++)
        if (!strcmp(known_cols[i].col, col))
            return i;
    return N_KNOWN;
}

/* Whether column c of t is the half-width of another column shown. */
static int is_ci_of_other(const ew_table *t, const ew_column *c)
{
    for (size_t i = 0; i < N_KNOWN; i++)
        if (known_cols[i].ci && !strcmp(known_cols[i].ci, c->name) &&
            ew_table_column(t, known_cols[i].col))
            return 1;
    return 0;
}

/* A number for a reader: 4 significant digits, "n/a" for NAN. */
static void format_num(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else
        snprintf(buf, size, "%.4g", v);
}

static char *cell_text(const ew_column *c, const ew_column *ci, size_t row)
{
    char v[64], h[64], out[160];
    if (c->is_text)
        return strdup(c->text[row]);
    format_num(v, sizeof v, c->num[row]);
    if (ci && !ci->is_text && !isnan(ci->num[row]) && !isnan(c->num[row])) {
        format_num(h, sizeof h, ci->num[row]);
        snprintf(out, sizeof out, "%s \xc2\xb1 %s", v, h);   /* ± */
    } else {
        snprintf(out, sizeof out, "%s", v);
    }
    return strdup(out);
}

static void grid_free(grid *g)
{
    for (size_t j = 0; g->head && j < g->n_cols; j++)
        free(g->head[j]);
    for (size_t k = 0; g->cell && k < g->n_rows * g->n_cols; k++)
        free(g->cell[k]);
    free(g->head);
    free(g->cell);
    free(g->right);
    memset(g, 0, sizeof *g);
}

/* t as text; with `pair`, known columns get their label and half-width
 * (the half-width columns then leave the grid). EW_OK or EW_ENOMEM. */
static int grid_of(const ew_table *t, int pair, grid *g)
{
    size_t shown[256], n = 0;
    for (size_t j = 0; j < t->n_cols && n < 256; j++)
        if (!pair || !is_ci_of_other(t, &t->cols[j]))
            shown[n++] = j;
    g->n_rows = t->n_rows;
    g->n_cols = n;
    g->head = calloc(n ? n : 1, sizeof *g->head);
    g->cell = calloc(n * t->n_rows > 0 ? n * t->n_rows : 1, sizeof *g->cell);
    g->right = calloc(n ? n : 1, 1);
    if (!g->head || !g->cell || !g->right)
        return grid_free(g), EW_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        const ew_column *c = &t->cols[shown[k]];
        g->right[k] = !c->is_text;
        size_t i = pair ? known_index(c->name) : N_KNOWN;
        const ew_column *ci = i < N_KNOWN && known_cols[i].ci
                                  ? ew_table_column(t, known_cols[i].ci) : NULL;
        char h[200];
        if (i < N_KNOWN)
            snprintf(h, sizeof h, "%s", known_cols[i].label);
        else if (c->units[0] && strcmp(c->units, "none"))
            snprintf(h, sizeof h, "%s [%s]", c->name, c->units);
        else
            snprintf(h, sizeof h, "%s", c->name);
        if (!(g->head[k] = strdup(h)))
            return grid_free(g), EW_ENOMEM;
        for (size_t r = 0; r < t->n_rows; r++)
            if (!(g->cell[r * n + k] = cell_text(c, ci, r)))
                return grid_free(g), EW_ENOMEM;
    }
    return EW_OK;
}

/* ---- the two renderers ------------------------------------------------------ */

typedef struct renderer {
    void (*begin)(FILE *f, const report *r);
    void (*heading)(FILE *f, int level, const char *text);
    void (*para)(FILE *f, const char *text);
    void (*list)(FILE *f, const char *const *items, size_t n, int numbered);
    void (*table)(FILE *f, const grid *g, const char *caption);
    void (*figure)(FILE *f, const report *r, const figure *fig, size_t index);
    void (*pre)(FILE *f, const char *text);
    void (*end)(FILE *f, const report *r);
} renderer;

static const char css[] =
    "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;"
    "max-width:1060px;margin:2em auto;padding:0 1em}"
    "h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;margin-top:2em}"
    ".meta{color:#555}table{border-collapse:collapse;margin:1em 0;font-size:.92em}"
    "caption{text-align:left;color:#555;padding:.3em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    "th.n,td.n{text-align:right}td.n{white-space:nowrap}th{background:#f3f3f3}"
    "figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #eee}"
    "figcaption{color:#444;font-size:.92em}"
    "pre{background:#f7f7f7;border:1px solid #ddd;padding:1em;overflow:auto;font-size:.85em}"
    "footer{color:#777;font-size:.85em;margin-top:3em}";

static void html_begin(FILE *f, const report *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    put_html(f, r->title);
    fprintf(f, " \xe2\x80\x94 edgewatt report</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

static void html_heading(FILE *f, int level, const char *text)
{
    fprintf(f, "<h%d>", level);
    put_html(f, text);
    fprintf(f, "</h%d>\n", level);
}

static void html_para(FILE *f, const char *text)
{
    fputs("<p>", f);
    put_html(f, text);
    fputs("</p>\n", f);
}

static void html_list(FILE *f, const char *const *items, size_t n, int numbered)
{
    fputs(numbered ? "<ol>\n" : "<ul>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<li>", f);
        put_html(f, items[i]);
        fputs("</li>\n", f);
    }
    fputs(numbered ? "</ol>\n" : "</ul>\n", f);
}

static void html_table(FILE *f, const grid *g, const char *caption)
{
    fputs("<table>\n", f);
    if (caption && caption[0]) {
        fputs("<caption>", f);
        put_html(f, caption);
        fputs("</caption>\n", f);
    }
    fputs("<thead><tr>", f);
    for (size_t j = 0; j < g->n_cols; j++) {
        fputs(g->right[j] ? "<th class=\"n\">" : "<th>", f);
        put_html(f, g->head[j]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < g->n_rows; i++) {
        fputs("<tr>", f);
        for (size_t j = 0; j < g->n_cols; j++) {
            fputs(g->right[j] ? "<td class=\"n\">" : "<td>", f);
            put_html(f, g->cell[i * g->n_cols + j]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

/* Whether text at s starts with the literal lit. */
static int starts(const char *s, const char *lit)
{
    return !strncmp(s, lit, strlen(lit));
}

/* Copies an SVG written by gnuplot into f for inlining: from its <svg
 * element on (the XML declaration cannot stand inside HTML), every id and
 * reference to an id inside tags prefixed (`fN-`) so that the figures' ids
 * stay apart in one page, and gnuplot's <title> replaced by the caption.
 * gnuplot has escaped < and & in the text it draws. */
static int put_svg(FILE *f, const char *path, size_t index, const char *caption)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    rewind(in);
    char *svg = size > 0 ? malloc((size_t)size + 1) : NULL;
    size_t got = svg ? fread(svg, 1, (size_t)size, in) : 0;
    fclose(in);
    if (!svg || got != (size_t)size) {
        free(svg);
        return -1;
    }
    svg[got] = '\0';
    const char *s = strstr(svg, "<svg");
    int in_tag = 0;
    for (; s && *s; s++) {
        if (!in_tag && starts(s, "<title>Gnuplot</title>")) {
            fputs("<title>", f);
            put_html(f, caption);
            fputs("</title>", f);
            s += strlen("<title>Gnuplot</title>") - 1;
            continue;
        }
        in_tag = *s == '<' ? 1 : *s == '>' ? 0 : in_tag;
        fputc(*s, f);
        static const char *const refs[] = {" id='", " id=\"", "href='#", "href=\"#", "url(#"};
        for (size_t k = 0; in_tag && k < sizeof refs / sizeof refs[0]; k++)
            if (starts(s + 1, refs[k])) {
                fputs(refs[k], f);
                fprintf(f, "f%zu-", index);
                s += strlen(refs[k]);
                break;
            }
    }
    free(svg);
    return s ? 0 : -1;
}

static void html_figure(FILE *f, const report *r, const figure *fig, size_t index)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.svg", r->dir, fig->fig.stem);
    fputs("<figure>\n", f);
    if (put_svg(f, path, index, fig->caption) != 0) {
        fputs("<p><em>Figure not drawn: ", f);
        put_html(f, fig->fig.stem);
        fputs(".svg is missing.</em></p>", f);
    }
    fprintf(f, "\n<figcaption><strong>Figure %zu.</strong> ", index);
    put_html(f, fig->caption);
    fputs("</figcaption>\n</figure>\n", f);
}

static void html_pre(FILE *f, const char *text)
{
    fputs("<pre>", f);
    put_html(f, text);
    fputs("</pre>\n", f);
}

static void html_end(FILE *f, const report *r)
{
    fputs("<footer>Written by edgewatt " EW_VERSION " from ", f);
    put_html(f, r->h5_path);
    fprintf(f, " on %s.</footer>\n</body>\n</html>\n", r->date);
}

static const renderer html = { html_begin, html_heading, html_para, html_list, html_table,
                               html_figure, html_pre, html_end };

static void md_begin(FILE *f, const report *r)
{
    (void)f;
    (void)r;
}

static void md_heading(FILE *f, int level, const char *text)
{
    fprintf(f, "%.*s ", level, "######");
    put_md(f, text, 1);   /* a heading is one line */
    fputs("\n\n", f);
}

static void md_para(FILE *f, const char *text)
{
    put_md(f, text, 0);
    fputs("\n\n", f);
}

static void md_list(FILE *f, const char *const *items, size_t n, int numbered)
{
    for (size_t i = 0; i < n; i++) {
        if (numbered)
            fprintf(f, "%zu. ", i + 1);
        else
            fputs("- ", f);
        put_md(f, items[i], 1);
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void md_table(FILE *f, const grid *g, const char *caption)
{
    if (caption && caption[0]) {
        put_md(f, caption, 0);
        fputs("\n\n", f);
    }
    if (g->n_cols == 0)
        return;
    for (size_t j = 0; j < g->n_cols; j++) {
        fputs("| ", f);
        put_md(f, g->head[j], 1);
        fputc(' ', f);
    }
    fputs("|\n", f);
    for (size_t j = 0; j < g->n_cols; j++)
        fputs(g->right[j] ? "|---:" : "|:---", f);
    fputs("|\n", f);
    for (size_t i = 0; i < g->n_rows; i++) {
        for (size_t j = 0; j < g->n_cols; j++) {
            fputs("| ", f);
            put_md(f, g->cell[i * g->n_cols + j], 1);
            fputc(' ', f);
        }
        fputs("|\n", f);
    }
    fputc('\n', f);
}

static void md_figure(FILE *f, const report *r, const figure *fig, size_t index)
{
    (void)r;
    fputs("![", f);
    put_md(f, fig->fig.stem, 1);
    fputs("](", f);
    put_url(f, fig->fig.stem);
    fprintf(f, ".svg)\n\n**Figure %zu.** ", index);
    put_md(f, fig->caption, 0);
    fputs("\n\n", f);
}

/* A fenced block whose fence is longer than any run of backticks inside. */
static void md_pre(FILE *f, const char *text)
{
    size_t run = 0, longest = 0;
    for (const char *s = text; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    size_t fence = longest < 3 ? 3 : longest + 1;
    for (size_t i = 0; i < fence; i++)
        fputc('`', f);
    fputs("yaml\n", f);
    fputs(text, f);   /* verbatim: a fenced block shows HTML as text */
    if (text[0] && text[strlen(text) - 1] != '\n')
        fputc('\n', f);
    for (size_t i = 0; i < fence; i++)
        fputc('`', f);
    fputs("\n\n", f);
}

static void md_end(FILE *f, const report *r)
{
    fputs("---\nWritten by edgewatt " EW_VERSION " from ", f);
    put_md(f, r->h5_path, 0);
    fprintf(f, " on %s.\n", r->date);
}

static const renderer markdown = { md_begin, md_heading, md_para, md_list, md_table,
                                   md_figure, md_pre, md_end };

/* ---- the content, once --------------------------------------------------------- */

static void write_boundaries(FILE *f, const renderer *w)
{
    static const char *const layers[] = {
        "Accelerator: the GPU energy of the work that served the query, including work "
        "lost when an edge node went away and the extra runs that verification asks for.",
        "Host: adds the rest of the machine around the GPU while it served (processor, "
        "memory, fans) and the losses of its power supply, as measured at the wall.",
        "Idle capacity: adds GPUs and machines that were switched on with nothing to do, "
        "and work that never completed a query (still running at the end, or failed).",
        "Facility: adds a data centre's overheads for cooling and power distribution, "
        "(PUE \xe2\x88\x92 1) times the three layers above; homes have none.",
        "Network: adds the energy of moving the query's bytes over the access network.",
    };
    w->heading(f, 2, "Energy boundaries and the two views");
    w->para(f, "Energy per query is given at five boundaries, each containing the ones "
               "before it, so a figure is only comparable with another at the same "
               "boundary:");
    w->list(f, layers, 5, 1);
    w->para(f, "Attributional view: each query carries everything the system keeps "
               "running to serve it, idle home GPUs included. Incremental view: only what "
               "serving adds. A home node that its owner would have had on anyway for a "
               "share a of the time is charged, for that share, only its draw above idle: "
               "incremental = (1 \xe2\x88\x92 a) \xc3\x97 attributional + a \xc3\x97 "
               "dynamic. With a = 0 the views agree; with a = 1 only the extra draw of the "
               "work counts. The figures and tables of this report are attributional.");
}

static void write_figures(FILE *f, const renderer *w, const report *r)
{
    w->heading(f, 2, "Figures");
    if (r->n_figures == 0)
        w->para(f, "This results file holds no figure tables (/figures).");
    else if (!r->drawn)
        w->para(f, "The figures were not drawn: gnuplot is not installed. Their tables "
                   "are beside this report as CSV files.");
    for (size_t i = 0; r->drawn && i < r->n_figures; i++)
        w->figure(f, r, &r->figures[i], i + 1);
}

static void write_provenance(FILE *f, const renderer *w, const report *r)
{
    w->heading(f, 2, "Calibration and data sources");
    if (r->n_provenance == 0)
        w->para(f, "This results file records no provenance tables (/provenance).");
    for (size_t i = 0; i < r->n_provenance; i++) {
        const ew_table *t = r->provenance[i];
        grid g = {0};
        char caption[400];
        snprintf(caption, sizeof caption, "%s%s%s", t->name, t->description[0] ? ": " : "",
                 t->description);
        if (grid_of(t, 0, &g) != EW_OK)
            continue;
        if (t->n_rows == 0) {
            char none[460];
            snprintf(none, sizeof none, "%s (none).", caption);
            w->para(f, none);
        } else {
            w->table(f, &g, caption);
        }
        grid_free(&g);
    }
}

static void write_report(FILE *f, const renderer *w, const report *r)
{
    char meta[900];
    w->begin(f, r);
    w->heading(f, 1, r->title);
    snprintf(meta, sizeof meta, "Scenario %s \xc2\xb7 seed %s \xc2\xb7 %s replication%s "
             "\xc2\xb7 %s", r->name, r->seed, r->replications,
             strcmp(r->replications, "1") ? "s" : "", r->date);
    w->para(f, meta);

    w->heading(f, 2, "Headline");
    if (r->headline) {
        grid g = {0};
        if (grid_of(r->headline, 1, &g) == EW_OK) {
            w->table(f, &g, "Per arm: means over replications, \xc2\xb1 the half-width of "
                            "the 95% confidence interval where there are several.");
            grid_free(&g);
        }
    } else {
        w->para(f, "This results file has no headline table (/figures/headline or "
                   "/figures/frontier).");
    }
    write_figures(f, w, r);
    write_boundaries(f, w);
    write_provenance(f, w, r);
    w->heading(f, 2, "Scenario");
    if (r->scenario_text) {
        w->para(f, "The scenario as run, after command-line overrides (/scenario/effective):");
        w->pre(f, r->scenario_text);
    } else {
        w->para(f, "This results file does not hold the scenario text.");
    }
    w->end(f, r);
}

/* ---- gathering --------------------------------------------------------------- */

/* What figure fig shows and in which units. */
static void caption_of(const ew_plot_figure *fig, char *buf, size_t size)
{
    const char *arm = strchr(fig->stem, '-');
    if (!strcmp(fig->kind, "energy_by_boundary"))
        snprintf(buf, size, "Energy per query of each arm [Wh], stacked by accounting boundary "
                 "(accelerator, host, idle capacity, facility, network; see below). The "
                 "whisker is the 95%% confidence interval of the full stack over replications.");
    else if (!strcmp(fig->kind, "latency_cdf"))
        snprintf(buf, size, "Cumulative distribution of end-to-end latency per arm: the share "
                 "of queries [1] answered within a latency [s] (logarithmic axis).");
    else if (!strcmp(fig->kind, "power_by_kind"))
        snprintf(buf, size, "Electrical power drawn by data-centre sites and by edge sites "
                 "over the run [kW] against simulated time [h]%s%s, with the grid carbon "
                 "intensity each kind draws on, power-weighted over its sites (dashed, right "
                 "axis) [gCO2e/kWh].", arm ? ", arm " : "", arm ? arm + 1 : "");
    else if (!strcmp(fig->kind, "frontier"))
        snprintf(buf, size, "Energy per query [Wh] against 95th-percentile end-to-end latency "
                 "[s], one point per arm, with the 95%% confidence interval of the energy. "
                 "Lower and further left is better on both.");
    else if (fig->metric && !strcmp(fig->metric, "latency"))
        snprintf(buf, size, "Mean end-to-end latency [s] across the sweep, against the first "
                 "swept parameter (in its own units), one line per arm and value of the "
                 "second parameter; the band is the 95%% confidence interval.");
    else
        snprintf(buf, size, "Energy per query [Wh] across the sweep, against the first swept "
                 "parameter (in its own units), one line per arm and value of the second "
                 "parameter; the band is the 95%% confidence interval.");
}

/* A group of tables: *g (-1 when absent: not an error) and the names of its
 * tables (*names, *n; freed by table_group_close). */
static int table_group_open(hid_t file, const char *group, const char *h5_path, hid_t *g,
                            char ***names, size_t *n, ew_error *err)
{
    *g = -1;
    *names = NULL;
    *n = 0;
    if (H5Lexists(file, group, H5P_DEFAULT) <= 0)
        return EW_OK;
    *g = H5Gopen2(file, group, H5P_DEFAULT);
    return *g < 0 ? ew_error_set(err, EW_EINVAL, "%s:/%s: not a group", h5_path, group)
                  : ew_table_list_h5(*g, names, n, err);
}

static void table_group_close(hid_t g, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (g >= 0)
        H5Gclose(g);
}

/* The figures of the tables under /figures, in table order. */
static int gather_figures(hid_t file, report *r, ew_error *err)
{
    hid_t g;
    char **names;
    size_t n;
    int rc = table_group_open(file, "figures", r->h5_path, &g, &names, &n, err);
    if (rc == EW_OK && g < 0)
        return EW_OK;
    r->figures = rc == EW_OK ? calloc(n * EW_PLOT_MAX_FIGURES + 1, sizeof *r->figures) : NULL;
    if (rc == EW_OK && !r->figures)
        rc = ew_error_set(err, EW_ENOMEM, "out of memory");
    for (size_t i = 0; rc == EW_OK && i < n; i++) {
        ew_plot_figure figs[EW_PLOT_MAX_FIGURES];
        size_t k = ew_plot_figures_of(names[i], figs);
        for (size_t j = 0; j < k; j++) {
            figure *fg = &r->figures[r->n_figures++];
            fg->fig = figs[j];
            caption_of(&fg->fig, fg->caption, sizeof fg->caption);
        }
    }
    if (rc == EW_OK && ew_table_read_h5(g, "headline", &r->headline, err) != EW_OK &&
        ew_table_read_h5(g, "frontier", &r->headline, err) != EW_OK)
        r->headline = NULL;   /* an absent headline is shown as such */
    table_group_close(g, names, n);
    return rc;
}

/* Every table under /provenance, in name order. */
static int gather_provenance(hid_t file, report *r, ew_error *err)
{
    hid_t g;
    char **names;
    size_t n;
    int rc = table_group_open(file, "provenance", r->h5_path, &g, &names, &n, err);
    if (rc == EW_OK && g < 0)
        return EW_OK;
    r->provenance = rc == EW_OK ? calloc(n ? n : 1, sizeof *r->provenance) : NULL;
    if (rc == EW_OK && !r->provenance)
        rc = ew_error_set(err, EW_ENOMEM, "out of memory");
    for (size_t i = 0; rc == EW_OK && i < n; i++)
        if ((rc = ew_table_read_h5(g, names[i], &r->provenance[i], err)) == EW_OK)
            r->n_provenance++;
    table_group_close(g, names, n);
    return rc;
}

/* Title, name, seed, replications, the scenario text and the tables. */
static int gather(report *r, const char *title, ew_error *err)
{
    hid_t file;
    int rc = ew_h5_open_results(r->h5_path, &file, err);
    if (rc != EW_OK)
        return rc;
    double v;
    ew_h5_attr_text(file, "scenario_name", r->name, sizeof r->name);
    if (title)
        snprintf(r->title, sizeof r->title, "%s", title);
    else if (!ew_h5_attr_text(file, "scenario_title", r->title, sizeof r->title) ||
             !r->title[0])
        snprintf(r->title, sizeof r->title, "%s", r->name[0] ? r->name : "edgewatt results");
    if (ew_h5_attr_num(file, "seed", &v))
        snprintf(r->seed, sizeof r->seed, "%.0f", v);
    else
        snprintf(r->seed, sizeof r->seed, "not recorded");
    if (ew_h5_attr_num(file, "replications", &v))
        snprintf(r->replications, sizeof r->replications, "%.0f", v);
    else
        snprintf(r->replications, sizeof r->replications, "1");
    r->scenario_text = ew_h5_text(file, "scenario/effective");
    rc = gather_figures(file, r, err);
    if (rc == EW_OK)
        rc = gather_provenance(file, r, err);
    H5Fclose(file);
    return rc;
}

static void report_release(report *r)
{
    free(r->scenario_text);
    ew_table_free(r->headline);
    for (size_t i = 0; i < r->n_provenance; i++)
        ew_table_free(r->provenance[i]);
    free(r->provenance);
    free(r->figures);
}

/* Writes DIR/name through renderer w. */
static int write_file(const report *r, const char *name, const renderer *w, ew_error *err)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", r->dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return ew_error_set(err, EW_EIO, "%s: cannot create", path);
    write_report(f, w, r);
    int bad = ferror(f);
    if (fclose(f) || bad)
        return ew_error_set(err, EW_EIO, "%s: cannot write", path);
    return EW_OK;
}

/* ---- the command -------------------------------------------------------------------- */

static const char usage[] =
    "usage: edgewatt report RESULTS.h5 [-o DIR] [--title T]\n"
    "\n"
    "  Writes DIR/report.html (self-contained: figures inlined) and DIR/report.md\n"
    "  (figures as DIR/*.svg), with the headline table, every figure with its\n"
    "  caption, the accounting boundaries, the calibration and data sources used,\n"
    "  and the scenario as run.\n"
    "  -o, --output DIR  where to write (default: the folder holding RESULTS.h5)\n"
    "  -t, --title T     the report's title (default: the scenario's)\n"
    "\n"
    "Exit status: 0 success, 1 run-time failure, 2 bad input.\n";

int ew_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"title", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *out_dir = NULL, *title = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 't': title = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "edgewatt report: expected one results file\n%s", usage);
        return 2;
    }
    report r = { .h5_path = argv[optind] };
    char dir[4096];
    const char *slash = strrchr(r.h5_path, '/');
    if (out_dir)
        snprintf(dir, sizeof dir, "%s", out_dir);
    else if (!slash)
        snprintf(dir, sizeof dir, ".");
    else   /* "/r.h5" is in "/" */
        snprintf(dir, sizeof dir, "%.*s", slash == r.h5_path ? 1 : (int)(slash - r.h5_path),
                 r.h5_path);
    r.dir = dir;
    ew_plot_date(r.date, sizeof r.date);

    ew_error err = {0};
    ew_plot_options opt = { dir, "svg", title };
    size_t drawn = 0;
    int rc = ew_plot_results(r.h5_path, &opt, &drawn, &err);
    r.drawn = rc == EW_OK;
    if (rc == EW_PLOT_SKIPPED) {
        fprintf(stderr, "edgewatt report: gnuplot is not installed: the report has no "
                        "figures\n");
        rc = EW_OK;
    }
    if (rc == EW_OK)
        rc = gather(&r, title, &err);
    if (rc == EW_OK)
        rc = write_file(&r, "report.html", &html, &err);
    if (rc == EW_OK)
        rc = write_file(&r, "report.md", &markdown, &err);
    report_release(&r);
    if (rc != EW_OK) {
        fprintf(stderr, "edgewatt report: %s\n", err.msg);
        return ew_exit_code(rc);
    }
    printf("report in %s/report.html and report.md (%zu figure%s)\n", dir, drawn,
           drawn == 1 ? "" : "s");
    return 0;
}
