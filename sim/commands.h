/* commands.h — the edgewatt subcommands other than run: catalogue listings,
 * the cost calculator and the validation report. Each takes the arguments
 * after its name (argv[0] is "edgewatt NAME") and returns an exit code. */
#ifndef EW_COMMANDS_H
#define EW_COMMANDS_H

int ew_cmd_devices(int argc, char **argv);
int ew_cmd_models(int argc, char **argv);
int ew_cmd_cost(int argc, char **argv);
int ew_cmd_validate(int argc, char **argv);
int ew_cmd_calibrate(int argc, char **argv);   /* cmd_calibrate.c */
int ew_cmd_plot(int argc, char **argv);        /* cmd_plot.c: figures from results.h5 */
int ew_cmd_report(int argc, char **argv);      /* cmd_report.c: HTML and Markdown report */
int ew_cmd_sweep(int argc, char **argv);       /* cmd_sweep.c: sweeps, local or over MPI */

#endif
