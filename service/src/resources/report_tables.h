/* report_tables.h: the tables of a report (GET /v1/reports/{period}) and their columns, written
 * once for every form a table takes: the CSV's columns (by key), the XLSX sheets' headers in
 * Vietnamese and English and the kind of each cell. Static data. */
#ifndef PLANMON_REPORT_TABLES_H
#define PLANMON_REPORT_TABLES_H

#include <stddef.h>

#include "render/xlsx.h"

enum { REPORT_COLUMNS_MAX = 20 };

/* A column: its member in the report's rows, its headers, the kind of its cells. */
typedef struct {
    const char *key, *vi, *en;
    xlsx_kind kind;
} report_column;

typedef struct {
    const char *name;    /* the report's member ("indicators") */
    const char *vi, *en; /* the sheet's name */
    const report_column *columns;
    size_t ncolumns;
} report_table;

/* The 8 tables, in the report's order. */
extern const report_table report_tables[];
extern const size_t report_ntables;

/* The table named `name`, or NULL. */
const report_table *report_table_named(const char *name);

/* The keys of `t`'s columns into `keys` (REPORT_COLUMNS_MAX entries), for csv_write. */
void report_table_keys(const report_table *t, const char **keys);

#endif
