/* plot.c — gnuplot through popen (see plot.h). */
#include "plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
