/* fuzz_validate: JSON body validation of every resource (validate_body in
 * service/src/domain/validate.c) against the real field tables of the resources, with their
 * custom checks (arrays of URLs, agency entries, ...).
 *
 * Input: a first line "<table> <mode>" naming the table ("documents.create_fields"; see
 * FUZZ_WRITE_SEEDS below for the names) and the mode ("create" or "patch"), then the body. A
 * name that is no table picks one by its hash, so mutations of the line still land somewhere.
 * The body goes through req_parse_json_object first, as in the service.
 * Invariants: PM_OK, PM_BAD_REQUEST or PM_VALIDATION_FAILED only; a failure names at least one
 * field with a field, code and message; PM_OK leaves no error behind.
 *
 * FUZZ_WRITE_SEEDS=DIR: instead of fuzzing, writes one valid-looking body per table and mode
 * into DIR and a libFuzzer dictionary of every field name and enum value to DIR/../validate.dict
 * (tests/fuzz/run does this before each run, so new tables get seeds). */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "domain/validate.h"
#include "fuzz_common.h"
#include "fuzz_tables.h"
#include "http/request.h"

static const fuzz_table *table_named(const char *name, size_t len)
{
    size_t count = 0;
    unsigned long hash = 5381;
    for (size_t i = 0; i < len; i++)
        hash = hash * 33 + (unsigned char)name[i];
    for (const fuzz_table *const *g = fuzz_table_groups; *g; g++)
        for (const fuzz_table *t = *g; t->name; t++, count++)
            if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
                return t;
    size_t pick = hash % count;
    for (const fuzz_table *const *g = fuzz_table_groups; *g; g++)
        for (const fuzz_table *t = *g; t->name; t++)
            if (pick-- == 0)
                return t;
    return NULL;
}

/* A value the spec should accept (a seed, not a promise). */
static json_t *sample_value(const field_spec *s)
{
    switch (s->type) {
    case FIELD_STRING: {
        const char *v = "Kế hoạch";
        if (s->check == validate_code)
            v = "SLDTBXH";
        else if (s->check == validate_clause)
            v = "II.3";
        else if (s->check == validate_slug)
            v = "tuyen-truyen";
        if (strlen(v) > s->max_len || strlen(v) < s->min_len) {
            char buf[64];
            size_t n = s->min_len ? s->min_len : 1;
            n = n < sizeof buf - 1 ? n : sizeof buf - 1;
            memset(buf, s->check == validate_slug ? 'a' : 'A', n);
            buf[n] = '\0';
            return json_string(buf);
        }
        return json_string(v);
    }
    case FIELD_ENUM:
        return json_string(s->values && s->values[0] ? s->values[0] : "x");
    case FIELD_BOOL:
        return json_true();
    case FIELD_DATE:
        return json_string("2017-06-14");
    case FIELD_TIME:
        return json_string("2017-06-14T08:30:00+07:00");
    case FIELD_INT:
        return json_integer(s->min_int > 1 ? s->min_int : s->max_int >= 1 ? 1 : s->min_int);
    case FIELD_NUMBER:
        return json_real(40.5);
    case FIELD_CUSTOM:
        return json_pack("[{s:s, s:s}]", "agency", "SYT", "role", "coordinate");
    case FIELD_SERVER:
        break;
    }
    return json_null();
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* A libFuzzer dictionary entry for the JSON string "s" (with its quotes). */
static void dict_entry(FILE *dict, const char *s)
{
    fputs("\"\\\"", dict);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c >= 0x7f || *c == '"' || *c == '\\')
            fprintf(dict, "\\x%02X", *c);
        else
            fputc(*c, dict);
    fputs("\\\"\"\n", dict);
}

static void write_seeds(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.dict", dir);
    FILE *dict = fopen(path, "w");
    if (!dict) {
        perror(path);
        exit(1);
    }
    int n = 0;
    for (const fuzz_table *const *g = fuzz_table_groups; *g; g++)
        for (const fuzz_table *t = *g; t->name; t++) {
            json_t *body = json_object();
            fprintf(dict, "\"%s\"\n", t->name);
            for (const field_spec *s = t->specs; s->name; s++) {
                dict_entry(dict, s->name);
                for (size_t i = 0; s->values && s->values[i]; i++)
                    dict_entry(dict, s->values[i]);
                if (s->type != FIELD_SERVER)
                    json_object_set_new(body, s->name, sample_value(s));
            }
            char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
            for (int patch = 0; patch < 2; patch++) {
                char *input = malloc(strlen(t->name) + strlen(text) + 16);
                sprintf(input, "%s %s\n%s", t->name, patch ? "patch" : "create", text);
                snprintf(path, sizeof path, "%s/%s.%s.json", dir, t->name,
                         patch ? "patch" : "create");
                write_file(path, input);
                free(input);
                n++;
            }
            free(text);
            json_decref(body);
        }
    fclose(dict);
    fprintf(stderr, "fuzz_validate: wrote %d seeds to %s\n", n, dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_WRITE_SEEDS");
    if (dir && *dir) {
        write_seeds(dir);
        exit(0);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - data) : size;
    const uint8_t *sp = memchr(data, ' ', head);
    size_t name_len = sp ? (size_t)(sp - data) : head;
    validate_mode mode = VALIDATE_CREATE;
    if (sp && head - name_len - 1 == 5 && memcmp(sp + 1, "patch", 5) == 0)
        mode = VALIDATE_PATCH;
    const fuzz_table *table = table_named((const char *)data, name_len);
    CHECK(table != NULL);
    const char *body_text = nl ? (const char *)nl + 1 : "";
    size_t body_len = nl ? size - head - 1 : 0;

    json_t *body = NULL;
    pm_error err = {0};
    if (req_parse_json_object(body_text, body_len, &body, &err) != PM_OK) {
        pm_error_reset(&err);
        return 0;
    }
    pm_status st = validate_body(body, table->specs, mode, &err);
    CHECK(st == PM_OK || st == PM_BAD_REQUEST || st == PM_VALIDATION_FAILED);
    if (st == PM_OK) {
        CHECK(err.errors == NULL);
    } else {
        CHECK(err.status == st);
        CHECK(json_array_size(err.errors) >= 1);
        size_t i;
        json_t *e;
        json_array_foreach(err.errors, i, e)
        {
            CHECK(json_is_string(json_object_get(e, "field")));
            CHECK(json_is_string(json_object_get(e, "code")));
            CHECK(json_is_string(json_object_get(e, "message")));
        }
    }
    pm_error_reset(&err);
    json_decref(body);
    return 0;
}
