/* units.h — quantities written with their units in scenario files, parsed to
 * SI: durations to seconds, rates to events per second, power to watts and
 * energy to joules. A bare number where a unit is expected is refused, so
 * that "idle: 80" can never be read as 80 kW by one person and 80 W by another.
 */
#ifndef EW_UNITS_H
#define EW_UNITS_H

typedef enum ew_quantity {
    EW_Q_DURATION,  /* ns us ms s min h d          -> s   */
    EW_Q_RATE,      /* N/s N/ms N/min N/h N/d, Hz  -> 1/s */
    EW_Q_POWER,     /* mW W kW MW                  -> W   */
    EW_Q_ENERGY,    /* J kJ MJ Wh kWh MWh          -> J   */
    EW_Q_NUMBER     /* a plain finite number, no unit      */
} ew_quantity;

/* Parses text such as "24h", "250 ms", "500/s", "1.2kW", "0.3 kWh" into SI.
 * Returns 0 and sets *si, or -1 if the text is not a finite number followed
 * by one of the quantity's units (surrounding blanks allowed). */
int ew_units_parse(const char *text, ew_quantity q, double *si);

/* Human-readable list of the units accepted for q, for error messages. */
const char *ew_units_expected(ew_quantity q);

#endif
