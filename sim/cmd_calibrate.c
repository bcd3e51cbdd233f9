/* cmd_calibrate.c — `edgewatt calibrate`: measure this machine with the
 * measuring program (calib/, build/calib/ew-calib) and fit the device laws
 * to what it measured; `edgewatt calibrate fit RAW.csv` fits a raw file
 * measured elsewhere (the GPU machines have no GSL). The fit, its report and
 * the calibration file are in calibrate.h; this file reads the options,
 * runs the program and prints the laws and the fit quality. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "commands.h"
#include "ew.h"
#include "scenario.h"
#include "../models/device/device.h"

extern char **environ;

static const char usage[] =
    "usage: edgewatt calibrate fit RAW.csv [--device NAME] [-o FILE] [--report FILE] [--cpu]\n"
    "                                     [--data DIR]\n"
    "       edgewatt calibrate [--device NAME] [--cpu-only] [--quick] [--data DIR]\n"
    "\n"
    "  fit RAW.csv      fit the device laws to a raw file of the measuring program and write\n"
    "                   DIR/calibration/NAME.csv (or FILE), which the simulator then uses for\n"
    "                   device NAME\n"
    "  --device NAME    the device's name in DIR/devices.csv (needed unless -o)\n"
    "  -o FILE          write the calibration here instead\n"
    "  --report FILE    a Markdown report: each law's fit, GEMM rate by shape, energy\n"
    "                   residuals, power cap, leave-one-out check\n"
    "  --cpu            fit the CPU rows (cpu_gemm, cpu_triad) of a file that has GPU rows too\n"
    "  --data DIR       the data folder (default: the source tree's data/ or EDGEWATT_DATA)\n"
    "\n"
    "  Without fit: runs the measuring program (EW_CALIB, else ../calib/ew-calib beside this\n"
    "  binary) as `ew-calib --out RAW [--cpu-only] [--quick]`, keeps its output as\n"
    "  DIR/calibration/raw/NAME-DATE.csv, fits it and writes DIR/calibration/NAME.csv and\n"
    "  DIR/calibration/NAME-report.md. Without --device, NAME is made from the measured\n"
    "  device's own name.\n"
    "\n"
    "Exit status: 0 success, 1 run-time failure (no measuring program, unwritable file),\n"
    "2 bad input (raw file, option).\n";

static int fail(const ew_error *err)
{
    fprintf(stderr, "edgewatt: %s\n", err->msg);
    return ew_exit_code(err->code);
}

/* Today (UTC), or the day of SOURCE_DATE_EPOCH for reproducible files. */
static void today(char *buf, size_t n)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t now = time(NULL);
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            now = (time_t)v;
    }
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(buf, n, "%Y-%m-%d", &tm))
        snprintf(buf, n, "unknown");
}

/* mkdir -p; EW_EIO naming the folder on failure. */
static int make_dirs(const char *dir, ew_error *err)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return ew_error_set(err, EW_EIO, "%s: path too long", dir);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                return ew_error_set(err, EW_EIO, "%s: cannot create folder: %s", p,
                                    strerror(errno));
            *s = c;
            if (!c)
                break;
        }
    }
    return EW_OK;
}

/* A name usable as a file name: not empty, no '/', not starting with '.'. */
static int check_name(const char *name, ew_error *err)
{
    if (!name[0] || strchr(name, '/') || name[0] == '.')
        return ew_error_set(err, EW_EINVAL,
                            "--device '%s': expected a device name (edgewatt devices lists them)",
                            name);
    return EW_OK;
}

/* The catalogue's word on NAME: unknown is a warning (a calibration of a
 * machine not yet catalogued is still a measurement); a GPU fit for a CPU
 * entry or the reverse is an error. */
static int check_catalogue(const char *data, const char *name, int cpu, ew_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/devices.csv", data);
    ew_device_catalog *cat = NULL;
    ew_error cerr = {0};
    if (ew_device_catalog_load(path, &cat, &cerr) != EW_OK) {
        fprintf(stderr, "edgewatt: warning: cannot check --device against the catalogue: %s\n",
                cerr.msg);
        return EW_OK;
    }
    const ew_device *d = ew_device_find(cat, name);
    int rc = EW_OK;
    if (!d)
        fprintf(stderr,
                "edgewatt: warning: \"%s\" is not in %s: the simulator uses this calibration "
                "only once a device of that name is catalogued\n", name, path);
    else if (strcmp(d->kind, cpu ? "cpu" : "gpu") != 0)
        rc = ew_error_set(err, EW_EINVAL,
                          "--device %s: a %s in %s, but the fitted rows are %s kernels", name,
                          d->kind, path, cpu ? "CPU" : "GPU");
    ew_device_catalog_free(cat);
    return rc;
}

static void print_value(const char *name, const ew_calib_value *v, const char *unit,
                        double scale)
{
    char se[32] = "";
    if (isfinite(v->se) && v->value > 0.0)
        snprintf(se, sizeof se, ", SE %.2g%%", 100.0 * v->se / v->value);
    printf("  %-18s %12.5g %-9s (%zu rows%s)\n", name, v->value * scale, unit, v->n, se);
}

/* Each law fitted, in a unit to read, then why each other one is not (the
 * int8 and int4 laws, which the measuring program has no kernels for, left
 * out). */
static void print_laws(const ew_calib_fit *f)
{
    static const struct { const char *si, *shown; double scale; } units[] = {
        {"FLOP/s", "TFLOP/s", 1e-12}, {"B/s", "GB/s", 1e-9},        {"s", "us", 1e6},
        {"W", "W", 1.0},              {"J/FLOP", "pJ/FLOP", 1e12}, {"J/B", "pJ/B", 1e12},
    };
    ew_calib_law laws[EW_CALIB_N_LAWS];
    size_t n = ew_calib_laws(f, laws);
    for (size_t i = 0; i < n; i++) {
        const ew_calib_law *l = &laws[i];
        if (!l->v->ok)
            continue;
        size_t u = 0;
        while (strcmp(units[u].si, l->units) != 0)
            u++;
        print_value(l->name, l->v, units[u].shown, units[u].scale);
    }
    for (size_t i = 0; i < n; i++) {
        const ew_calib_value *v = laws[i].v;
        int no_kernels = v == &f->flops_per_s[EW_PREC_INT8] ||
                         v == &f->flops_per_s[EW_PREC_INT4] ||
                         v == &f->j_per_flop[EW_PREC_INT8] || v == &f->j_per_flop[EW_PREC_INT4];
        if (!v->ok && !no_kernels)
            printf("  %-18s not determined: %s\n", laws[i].name, v->method);
    }
}

static void print_quality(const ew_calib_fit *f, const ew_calib_loo *l)
{
    if (isfinite(f->time_rel_rms)) {
        printf("time fit: %zu rows, relative residuals rms %.3g%%, worst %.3g%%; achieved "
               "bandwidth by kernel class:", f->time_n, 100.0 * f->time_rel_rms,
               100.0 * f->time_rel_max);
        for (int c = 0; c < EW_CAL_BW_COUNT; c++)
            if (f->class_bw[c].ok)
                printf(" %s %.5g GB/s", ew_calib_bw_class_name((ew_calib_bw_class)c),
                       f->class_bw[c].value / 1e9);
        printf("\n");
    }
    if (isfinite(f->energy_r2))
        printf("energy fit: %zu rows, R^2 %.6f, relative residuals rms %.3g%%, worst %.3g%%\n",
               f->energy_n, f->energy_r2, 100.0 * f->energy_rel_rms, 100.0 * f->energy_rel_max);
    else
        printf("energy fit: none (%s)\n", f->static_w.method);
    if (!l)
        return;
    printf("leave-one-out, time:   %zu of %zu rows, median %.3g%%, worst %.3g%% "
           "(median %s 10%%, worst %s 25%%)\n", l->n_time, l->n, 100.0 * l->time_median,
           100.0 * l->time_worst, l->time_median <= EW_CALIB_LOO_MEDIAN ? "<=" : ">",
           l->time_worst <= EW_CALIB_LOO_WORST ? "<=" : ">");
    if (f->cpu)
        printf("  (CPU rows sweep thread counts and the laws hold the best: rows at other "
               "counts run slower than predicted; the acceptance is for GPUs)\n");
    if (l->n_energy)
        printf("leave-one-out, energy: %zu of %zu rows, median %.3g%%, worst %.3g%% "
               "(median %s 10%%, worst %s 25%%)\n", l->n_energy, l->n,
               100.0 * l->energy_median, 100.0 * l->energy_worst,
               l->energy_median <= EW_CALIB_LOO_MEDIAN ? "<=" : ">",
               l->energy_worst <= EW_CALIB_LOO_WORST ? "<=" : ">");
}

/* Fits raw_path and writes the calibration (out, else DIR/calibration/NAME.csv)
 * and the report (when report is not NULL). Returns an exit code. */
static int run_fit(const char *raw_path, const char *name, const char *out, const char *report,
                   int want_cpu, const char *data)
{
    ew_error err = {0};
    ew_calib_raw *raw = NULL;
    ew_calib_loo *loo = NULL;
    ew_calib_fit fit;
    char path[4200], date[32];
    int rc = ew_calib_raw_read(raw_path, &raw, &err);
    if (!rc)
        rc = ew_calib_fit_run(raw, want_cpu, (size_t)-1, &fit, &err);
    if (!rc && name)
        rc = check_catalogue(data, name, fit.cpu, &err);
    if (!rc)
        rc = ew_calib_loo_run(raw, fit.cpu, &loo, &err);
    if (!rc && !out) {
        snprintf(path, sizeof path, "%s/calibration", data);
        if (!(rc = make_dirs(path, &err)))
            snprintf(path, sizeof path, "%s/calibration/%s.csv", data, name);
        out = path;
    }
    today(date, sizeof date);
    ew_calib_meta meta = {name, date};
    if (!rc)
        rc = ew_calib_write(out, raw, &fit, &meta, &err);
    if (!rc && report)
        rc = ew_calib_report_write(report, raw, &fit, loo, &meta, &err);
    if (!rc) {
        printf("calibration of %s from %s: %s kernels of \"%s\" (%zu of %zu rows)\n",
               name ? name : "a device", raw_path, fit.cpu ? "CPU" : "GPU", fit.device,
               fit.n_used, raw->n);
        print_laws(&fit);
        print_quality(&fit, loo);
        printf("wrote %s%s%s\n", out, report ? "; report " : "", report ? report : "");
    }
    ew_calib_loo_free(loo);
    ew_calib_raw_free(raw);
    return rc ? fail(&err) : 0;
}

static int cmd_fit(int argc, char **argv)
{
    static const struct option opts[] = {
        {"device", required_argument, NULL, 'd'}, {"output", required_argument, NULL, 'o'},
        {"report", required_argument, NULL, 'r'}, {"cpu", no_argument, NULL, 'c'},
        {"data", required_argument, NULL, 'D'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *name = NULL, *out = NULL, *report = NULL, *data = ew_default_data_dir();
    int cpu = EW_CALIB_AUTO, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': name = optarg; break;
        case 'o': out = optarg; break;
        case 'r': report = optarg; break;
        case 'c': cpu = 1; break;
        case 'D': data = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "edgewatt calibrate fit: expected one raw file\n%s", usage);
        return 2;
    }
    if (!name && !out) {
        fprintf(stderr, "edgewatt calibrate fit: --device NAME (the catalogue name) or -o FILE "
                        "is needed to know where to write\n");
        return 2;
    }
    ew_error err = {0};
    if (name && check_name(name, &err))
        return fail(&err);
    return run_fit(argv[optind], name, out, report, cpu, data);
}

/* EW_CALIB, else <dir of this binary>/../calib/ew-calib. */
static void find_program(char *buf, size_t n)
{
    const char *env = getenv("EW_CALIB");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        snprintf(buf, n, "build/calib/ew-calib");
        return;
    }
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(buf, n, "%s/../calib/ew-calib", self);
}

/* A file name from a device string: "NVIDIA H100 80GB HBM3" -> "nvidia-h100-80gb-hbm3". */
static void slug(const char *s, char *buf, size_t n)
{
    size_t j = 0;
    for (; *s && j + 1 < n; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            buf[j++] = c;
        else if (j && buf[j - 1] != '-')
            buf[j++] = '-';
    }
    while (j && buf[j - 1] == '-')
        j--;
    buf[j] = '\0';
    if (!j)
        snprintf(buf, n, "device");
}

static int cmd_measure(int argc, char **argv)
{
    static const struct option opts[] = {
        {"device", required_argument, NULL, 'd'}, {"cpu-only", no_argument, NULL, 'c'},
        {"quick", no_argument, NULL, 'q'},        {"data", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *name = NULL, *data = ew_default_data_dir();
    int cpu_only = 0, quick = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': name = optarg; break;
        case 'c': cpu_only = 1; break;
        case 'q': quick = 1; break;
        case 'D': data = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "edgewatt calibrate: unexpected argument '%s' (to fit a raw file: "
                        "edgewatt calibrate fit RAW.csv)\n%s", argv[optind], usage);
        return 2;
    }
    ew_error err = {0};
    if (name && check_name(name, &err))
        return fail(&err);

    char prog[4200], dir[4200], tmp[4400];
    find_program(prog, sizeof prog);
    if (access(prog, X_OK) != 0) {
        fprintf(stderr, "edgewatt: the measuring program %s is missing or not executable (%s): "
                        "build it with `make calib`, or point EW_CALIB at it; nothing measured\n",
                prog, strerror(errno));
        return 1;
    }
    snprintf(dir, sizeof dir, "%s/calibration/raw", data);
    if (make_dirs(dir, &err))
        return fail(&err);
    snprintf(tmp, sizeof tmp, "%s/.ew-calib-%ld.csv", dir, (long)getpid());

    char *args[6];
    int na = 0;
    args[na++] = prog;
    args[na++] = "--out";
    args[na++] = tmp;
    if (cpu_only)
        args[na++] = "--cpu-only";
    if (quick)
        args[na++] = "--quick";
    args[na] = NULL;
    fprintf(stderr, "edgewatt: measuring with %s%s%s (this takes minutes)\n", prog,
            cpu_only ? " --cpu-only" : "", quick ? " --quick" : "");
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    int status = 0, src = posix_spawn(&pid, prog, NULL, NULL, args, environ);
    if (src != 0) {
        fprintf(stderr, "edgewatt: cannot run the measuring program %s: %s\n", prog,
                strerror(src));
        return 1;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "edgewatt: waiting for %s: %s\n", prog, strerror(errno));
            return 1;
        }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status))
            fprintf(stderr, "edgewatt: the measuring program %s failed (exit status %d); no "
                            "calibration written", prog, WEXITSTATUS(status));
        else
            fprintf(stderr, "edgewatt: the measuring program %s was killed (signal %d); no "
                            "calibration written", prog, WTERMSIG(status));
        if (access(tmp, F_OK) == 0)   /* what it measured before failing, for a look */
            fprintf(stderr, "; its partial output is %s", tmp);
        fputc('\n', stderr);
        return 1;
    }
    if (access(tmp, R_OK) != 0) {
        fprintf(stderr, "edgewatt: the measuring program %s exited without writing %s\n", prog,
                tmp);
        return 1;
    }

    /* the name, then the raw file's place: NAME-DATE.csv, -2, -3, ... if taken */
    char auto_name[96], date[32], raw_path[4600];
    if (!name) {
        ew_calib_raw *raw = NULL;
        ew_calib_fit fit;
        if (ew_calib_raw_read(tmp, &raw, &err) == EW_OK &&
            ew_calib_fit_run(raw, cpu_only ? 1 : EW_CALIB_AUTO, (size_t)-1, &fit, &err) == EW_OK)
            slug(fit.device, auto_name, sizeof auto_name);
        else
            snprintf(auto_name, sizeof auto_name, "unknown-device");
        ew_calib_raw_free(raw);
        name = auto_name;
        fprintf(stderr, "edgewatt: no --device given: naming the calibration \"%s\"\n", name);
    }
    today(date, sizeof date);
    snprintf(raw_path, sizeof raw_path, "%s/%s-%s.csv", dir, name, date);
    for (int k = 2; access(raw_path, F_OK) == 0 && k < 1000; k++)
        snprintf(raw_path, sizeof raw_path, "%s/%s-%s-%d.csv", dir, name, date, k);
    if (rename(tmp, raw_path) != 0) {
        fprintf(stderr, "edgewatt: cannot keep the raw file as %s: %s (it is %s)\n", raw_path,
                strerror(errno), tmp);
        return 1;
    }
    fprintf(stderr, "edgewatt: raw measurements in %s\n", raw_path);
    char report[4400];
    snprintf(report, sizeof report, "%s/calibration/%s-report.md", data, name);
    return run_fit(raw_path, name, NULL, report, cpu_only ? 1 : EW_CALIB_AUTO, data);
}

int ew_cmd_calibrate(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "fit")) {
        char name[] = "edgewatt calibrate fit";
        argv[1] = name;
        return cmd_fit(argc - 1, argv + 1);
    }
    return cmd_measure(argc, argv);
}
