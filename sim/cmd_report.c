/* cmd_report.c — placeholder until the command is written. */
#include <stdio.h>
#include "commands.h"

int ew_cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "edgewatt report: not yet implemented\n");
    return 1;
}
