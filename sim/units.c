/* units.c — unit parsing for scenario values (see units.h). */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct unit { const char *sym; double to_si; } unit;

static const unit durations[] = {
    {"ns", 1e-9}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"ms", 1e-3}, {"s", 1.0},
    {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}, {NULL, 0}};
/* rates are written "N/unit" of a duration, or in Hz */
static const unit powers[] = {
    {"mW", 1e-3}, {"W", 1.0}, {"kW", 1e3}, {"MW", 1e6}, {NULL, 0}};
static const unit energies[] = {
    {"J", 1.0}, {"kJ", 1e3}, {"MJ", 1e6}, {"Wh", 3600.0}, {"kWh", 3.6e6},
    {"MWh", 3.6e9}, {NULL, 0}};

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Matches the whole of s (trailing blanks allowed) against a table. */
static int lookup(const unit *table, const char *s, double *factor)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for (const unit *u = table; u->sym; u++)
        if (strlen(u->sym) == n && strncmp(u->sym, s, n) == 0) {
            *factor = u->to_si;
            return 0;
        }
    return -1;
}

int ew_units_parse(const char *text, ew_quantity q, double *si)
{
    if (!text)
        return -1;
    const char *s = skip_blanks(text);
    /* strtod would accept "inf", "nan" and hex floats: only decimal numbers */
    if (!(isdigit((unsigned char)*s) || *s == '.' || *s == '-' || *s == '+'))
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return -1;
    for (const char *c = s; c < end; c++)   /* no hex floats */
        if (!(isdigit((unsigned char)*c) || strchr(".eE+-", *c)))
            return -1;
    const char *rest = skip_blanks(end);
    double f;
    switch (q) {
    case EW_Q_NUMBER:
        if (*rest)
            return -1;
        *si = v;
        return 0;
    case EW_Q_DURATION:
        if (lookup(durations, rest, &f))
            return -1;
        break;
    case EW_Q_POWER:
        if (lookup(powers, rest, &f))
            return -1;
        break;
    case EW_Q_ENERGY:
        if (lookup(energies, rest, &f))
            return -1;
        break;
    case EW_Q_RATE:
        if (strncmp(rest, "Hz", 2) == 0 && *skip_blanks(rest + 2) == '\0') {
            f = 1.0;
            break;
        }
        if (*rest != '/' || lookup(durations, skip_blanks(rest + 1), &f))
            return -1;
        f = 1.0 / f;
        break;
    default:
        return -1;
    }
    *si = v * f;
    return isfinite(*si) ? 0 : -1;
}

const char *ew_units_expected(ew_quantity q)
{
    switch (q) {
    case EW_Q_DURATION: return "a duration with a unit (ns, us, ms, s, min, h, d), e.g. 90s";
    case EW_Q_RATE:     return "a rate with a unit (/s, /ms, /min, /h, /d or Hz), e.g. 500/s";
    case EW_Q_POWER:    return "a power with a unit (mW, W, kW, MW), e.g. 300W";
    case EW_Q_ENERGY:   return "an energy with a unit (J, kJ, MJ, Wh, kWh, MWh), e.g. 1.2kWh";
    case EW_Q_NUMBER:   return "a number";
    }
    return "a value";
}
