/* cmd_sweep.c — placeholder until the command is written. */
#include <stdio.h>
#include "commands.h"

int ew_cmd_sweep(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "edgewatt sweep: not yet implemented\n");
    return 1;
}
