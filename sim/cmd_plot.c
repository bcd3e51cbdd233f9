/* cmd_plot.c — placeholder until the command is written. */
#include <stdio.h>
#include "commands.h"

int ew_cmd_plot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "edgewatt plot: not yet implemented\n");
    return 1;
}
