/* language.c: choosing between Vietnamese and English (see language.h). */
#include "domain/language.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The q-value of the list item [item, end): 1 unless a valid "q=" parameter says otherwise. */
static double q_of(const char *item, const char *end)
{
    char buf[64];
    size_t len = (size_t)(end - item) < sizeof buf ? (size_t)(end - item) : sizeof buf - 1;
    memcpy(buf, item, len);
    buf[len] = '\0';
    for (char *p = strchr(buf, ';'); p; p = strchr(p + 1, ';')) {
        char *param = p + 1 + strspn(p + 1, " \t");
        if (tolower((unsigned char)param[0]) == 'q' && param[1] == '=') {
            char *stop;
            double q = strtod(param + 2, &stop);
            return stop == param + 2 || q < 0 || q > 1 ? 0 : q;
        }
    }
    return 1;
}

bool language_prefers_vietnamese(const char *header)
{
    double vi = 0, en = 0;
    int vi_at = -1, en_at = -1, index = 0;
    for (const char *item = header; item && *item; index++) {
        const char *end = strchr(item, ',');
        if (!end)
            end = item + strlen(item);
        while (item < end && isspace((unsigned char)*item))
            item++;
        size_t tag = strcspn(item, ";, \t");
        if (tag > (size_t)(end - item))
            tag = (size_t)(end - item);
        size_t primary = strcspn(item, "-;, \t");
        if (primary > tag)
            primary = tag;
        double q = q_of(item, end);
        bool is_vi = primary == 2 && strncasecmp(item, "vi", 2) == 0;
        bool is_en =
            (primary == 2 && strncasecmp(item, "en", 2) == 0) || (tag == 1 && item[0] == '*');
        if (is_vi && q > vi) {
            vi = q;
            vi_at = index;
        }
        if (is_en && q > en) {
            en = q;
            en_at = index;
        }
        item = *end ? end + 1 : end;
    }
    return vi > 0 && (vi > en || (vi == en && vi_at < en_at));
}
