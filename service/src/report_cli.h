/* report_cli.h: `planmon report`, a report document written to a file from the command line,
 * through the same route, handler and renderers as GET /v1/reports/{period}. */
#ifndef PLANMON_REPORT_CLI_H
#define PLANMON_REPORT_CLI_H

#include "config.h"

/* What the command line asked for; every member but period and output may be NULL. Borrowed. */
typedef struct {
    const char *period, *format, *output;     /* --period, --format (pdf), -o */
    const char *unit, *plan, *as_of, *agency; /* the report's query parameters */
    const char *number, *date, *signer_title, *signer_name;
} report_cli_request;

/* Serves the request in this process, as an administrator of no agency (whoever holds
 * DATABASE_URL may read every report), and writes the file to `output` whole or not at all (a
 * temporary file renamed into place). Prints the problem on stderr otherwise. Returns the exit
 * status: 0, 1 (the report failed), 2 (bad arguments). */
int report_cli_run(const pm_config *cfg, const report_cli_request *r);

#endif
