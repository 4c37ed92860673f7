/* fuzz_cursor: the opaque page cursor of every list (?cursor=, page_cursor_decode in
 * service/src/domain/page.c) and the base64url codec under it.
 * Invariants: a cursor decodes into 1..PAGE_MAX_KEYS NUL-terminated keys shorter than
 * PAGE_KEY_MAX, or fails naming "cursor"; a decoded cursor re-encodes to one that decodes to the
 * same keys; page_bind writes limit + 1; base64url round-trips any bytes. */
#include <jansson.h>

#include "domain/page.h"
#include "fuzz_common.h"

static void bytes_round_trip(const uint8_t *data, size_t size)
{
    char *text = base64url_encode(data, size);
    CHECK(text != NULL);
    CHECK(strlen(text) == (size * 4 + 2) / 3);
    unsigned char *back = malloc(size + 1);
    CHECK(back != NULL);
    CHECK(base64url_decode(text, back, size) == (long)size);
    CHECK(size == 0 || memcmp(back, data, size) == 0);
    if (size > 0) /* one byte too little room must fail, not overflow */
        CHECK(base64url_decode(text, back, size - 1) == -1);
    free(back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    page_request page;
    memset(&page, 0x5a, sizeof page);
    page.limit = PAGE_DEFAULT_LIMIT;
    pm_error err = {0};
    pm_status st = page_cursor_decode(text, &page, &err);
    if (st != PM_OK) {
        CHECK(st == PM_INVALID_PARAMETER);
        CHECK(json_array_size(err.errors) == 1);
        CHECK(strcmp(json_string_value(json_object_get(json_array_get(err.errors, 0), "field")),
                     "cursor") == 0);
        pm_error_reset(&err);
    } else {
        CHECK(page.nkeys >= 1 && page.nkeys <= PAGE_MAX_KEYS);
        const char *keys[PAGE_MAX_KEYS];
        for (int i = 0; i < page.nkeys; i++) {
            CHECK(memchr(page.after[i], '\0', PAGE_KEY_MAX) != NULL);
            keys[i] = page.after[i];
            CHECK(page_after(&page, i) == page.after[i]);
        }
        CHECK(page_after(&page, page.nkeys) == NULL);
        char *again = page_cursor_encode(keys, page.nkeys);
        CHECK(again != NULL);
        page_request page2;
        memset(&page2, 0, sizeof page2);
        CHECK(page_cursor_decode(again, &page2, &err) == PM_OK);
        CHECK(page2.nkeys == page.nkeys);
        for (int i = 0; i < page.nkeys; i++)
            CHECK(strcmp(page2.after[i], page.after[i]) == 0);
        free(again);
        for (int nkeys = 1; nkeys <= PAGE_MAX_KEYS; nkeys++)
            for (int numeric = 0; numeric < 2; numeric++) {
                char limit[16];
                pm_error e = {0};
                if (page_bind(&page, nkeys, numeric, limit, &e) == PM_OK)
                    CHECK(strcmp(limit, "51") == 0);
                pm_error_reset(&e);
            }
    }
    unsigned char small[16];
    long n = base64url_decode(text, small, sizeof small);
    CHECK(n >= -1 && n <= (long)sizeof small);
    bytes_round_trip(data, size < 4096 ? size : 4096);
    free(text);
    return 0;
}
