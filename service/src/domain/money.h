/* money.h: amounts of Vietnamese đồng. An amount is a whole number of đồng, held in int64 and
 * written in JSON as an integer — or, for clients whose numbers are doubles (JavaScript), as a
 * string of its digits when they ask `?money=string`. Pure code; thread-safe. */
#ifndef PLANMON_DOMAIN_MONEY_H
#define PLANMON_DOMAIN_MONEY_H

#include <jansson.h>
#include <stdbool.h>

/* The largest amount one entry may hold: 10^15 đồng, far above any provincial budget, so that
 * 9,000 of them still add up within int64. */
#define MONEY_MAX 1000000000000000LL

/* The values of `?money=`: "number" (the default) and "string". */
extern const char *const money_formats[];

/* Writes the members `fields` (NULL-terminated) of `object` (borrowed, changed in place) as
 * `as_strings` asks: an integer becomes the string of its digits when `as_strings`; a string
 * of digits (a sum the database wrote as text) becomes an integer unless `as_strings`, or stays
 * a string when it does not fit in int64. Other values (null) are left alone. */
void money_write(json_t *object, const char *const *fields, bool as_strings);

/* money_write on every object of `array` (borrowed). */
void money_write_all(json_t *array, const char *const *fields, bool as_strings);

#endif
