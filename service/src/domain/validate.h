/* validate.h: declared validation of JSON request bodies, so handlers never hand-check fields.
 * A body is checked against a NULL-terminated table of field specs: an unknown or server-owned
 * field is 400 (PM_BAD_REQUEST) naming it; a field of the wrong type, length or value, or a
 * required one missing, is 422 (PM_VALIDATION_FAILED) naming it. Every failing field is listed
 * in err->errors. Pure code. */
#ifndef PLANMON_VALIDATE_H
#define PLANMON_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef enum {
    FIELD_STRING, /* a string of min_len..max_len bytes */
    FIELD_ENUM,   /* a string from `values` */
    FIELD_BOOL,
    FIELD_DATE,   /* a calendar date YYYY-MM-DD, or null when not required */
    FIELD_SERVER, /* owned by the server: never accepted from a client */
} field_type;

typedef struct {
    const char *name;
    field_type type;
    bool required;               /* must be present (on create) */
    size_t min_len, max_len;     /* FIELD_STRING */
    const char *const *values;   /* FIELD_ENUM, NULL-terminated */
    const char *pattern_hint;    /* FIELD_STRING: a further check's description, or NULL */
    bool (*check)(const char *); /* FIELD_STRING: optional further check */
    bool nullable;               /* null is a value (clears an optional field) */
} field_spec;

/* Table rows, so that a resource's fields read as a declaration. */
#define V_STRING(n, req, min, max)                                                               \
    {                                                                                            \
        .name = (n), .type = FIELD_STRING, .required = (req), .min_len = (min), .max_len = (max) \
    }
#define V_OPT_STRING(n, max)                                                  \
    {                                                                         \
        .name = (n), .type = FIELD_STRING, .max_len = (max), .nullable = true \
    }
#define V_CHECKED(n, req, min, max, fn, hint)                                                     \
    {                                                                                             \
        .name = (n), .type = FIELD_STRING, .required = (req), .min_len = (min), .max_len = (max), \
        .check = (fn), .pattern_hint = (hint)                                                     \
    }
#define V_ENUM(n, req, vals)                                                 \
    {                                                                        \
        .name = (n), .type = FIELD_ENUM, .required = (req), .values = (vals) \
    }
#define V_BOOL(n)                       \
    {                                   \
        .name = (n), .type = FIELD_BOOL \
    }
#define V_DATE(n, req)                                                         \
    {                                                                          \
        .name = (n), .type = FIELD_DATE, .required = (req), .nullable = !(req) \
    }
#define V_SERVER(n)                       \
    {                                     \
        .name = (n), .type = FIELD_SERVER \
    }
#define V_END        \
    {                \
        .name = NULL \
    }

typedef enum {
    VALIDATE_CREATE, /* required fields must be present; null is not a value */
    VALIDATE_PATCH,  /* JSON Merge Patch: every field optional; null removes (refused for these) */
} validate_mode;

/* Checks `body` (borrowed object) against `specs` (terminated by a {NULL} entry). */
pm_status validate_body(const json_t *body, const field_spec *specs, validate_mode mode,
                        pm_error *err);

/* True when `s` is a real calendar date written YYYY-MM-DD (years 1900-2200). */
bool validate_date(const char *s);

/* The string value of `name` in `body`, or NULL when absent. Borrowed. */
const char *validate_string(const json_t *body, const char *name);

#endif
