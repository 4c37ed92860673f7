/* language.h: the language a client asks for (RFC 9110 Accept-Language): Vietnamese or English,
 * the two planmon speaks. Pure code. */
#ifndef PLANMON_LANGUAGE_H
#define PLANMON_LANGUAGE_H

#include <stdbool.h>

/* Whether the Accept-Language `header` (NULL: none) prefers Vietnamese ("vi", "vi-VN", with
 * their q-values) to English ("en", "en-*", or "*"): the one with the higher q, the earlier
 * listed of two alike. Without the header, or when it names neither, English. */
bool language_prefers_vietnamese(const char *header);

#endif
