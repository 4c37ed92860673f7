/* money.c: amounts of Vietnamese đồng (see money.h). */
#include "domain/money.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

const char *const money_formats[] = {"number", "string", NULL};

void money_write(json_t *object, const char *const *fields, bool as_strings)
{
    for (const char *const *f = fields; *f; f++) {
        json_t *v = json_object_get(object, *f);
        if (json_is_integer(v) && as_strings) {
            char digits[24];
            snprintf(digits, sizeof digits, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            json_object_set_new(object, *f, json_string(digits));
        } else if (json_is_string(v) && !as_strings) {
            const char *text = json_string_value(v);
            char *end;
            errno = 0;
            long long n = strtoll(text, &end, 10);
            if (errno == 0 && end != text && *end == '\0')
                json_object_set_new(object, *f, json_integer(n));
        }
    }
}

void money_write_all(json_t *array, const char *const *fields, bool as_strings)
{
    for (size_t i = 0; i < json_array_size(array); i++)
        money_write(json_array_get(array, i), fields, as_strings);
}
