/* params.c: statement parameters from JSON fields (see params.h). */
#include "db/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"

static void add_owned(db_params *p, char *value)
{
    if (p->count >= DB_PARAMS_MAX) {
        free(value);
        abort(); /* a repository asks for more than it declared: a programming error */
    }
    p->owned[p->count] = value;
    p->values[p->count++] = value;
}

void db_params_add(db_params *p, const char *value)
{
    if (p->count >= DB_PARAMS_MAX)
        abort();
    p->owned[p->count] = NULL;
    p->values[p->count++] = value;
}

void db_params_add_int(db_params *p, long long value)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", value);
    add_owned(p, strdup(buf));
}

void db_params_add_fields(db_params *p, const json_t *fields, const char *const *columns,
                          int ncolumns)
{
    for (int i = 0; i < ncolumns; i++) {
        const json_t *v = json_object_get(fields, columns[i]);
        if (!v || json_is_null(v))
            db_params_add(p, NULL);
        else if (json_is_string(v))
            db_params_add(p, json_string_value(v));
        else if (json_is_integer(v))
            db_params_add_int(p, (long long)json_integer_value(v));
        else if (json_is_boolean(v))
            db_params_add(p, json_is_true(v) ? "true" : "false");
        else
            add_owned(p, json_serialize(v));
    }
}

void db_params_add_present(db_params *p, const json_t *fields, const char *const *columns,
                           int ncolumns)
{
    size_t size = 3;
    for (int i = 0; i < ncolumns; i++)
        size += strlen(columns[i]) + 1;
    char *list = malloc(size);
    if (!list)
        abort();
    strcpy(list, "{");
    for (int i = 0; i < ncolumns; i++)
        if (json_object_get(fields, columns[i])) {
            if (list[1])
                strcat(list, ",");
            strcat(list, columns[i]);
        }
    strcat(list, "}");
    add_owned(p, list);
}

void db_params_clear(db_params *p)
{
    for (int i = 0; i < p->count; i++)
        free(p->owned[i]);
    memset(p, 0, sizeof *p);
}
