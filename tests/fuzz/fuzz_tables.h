/* fuzz_tables.h: the field_spec tables of the resources, exported for fuzz_validate by the
 * files tests/fuzz/build.sh generates (one per service/src/resources/ file with tables). */
#ifndef PLANMON_FUZZ_TABLES_H
#define PLANMON_FUZZ_TABLES_H

#include "domain/validate.h"

typedef struct {
    const char *name; /* "<resource>.<table>", e.g. "documents.create_fields" */
    const field_spec *specs;
} fuzz_table;

/* NULL-terminated list of NULL-name-terminated groups, one group per resource file. */
extern const fuzz_table *const fuzz_table_groups[];

#endif
