/* page.h: keyset pagination shared by every list: the page a client asks for, the page a
 * repository returns, and the opaque cursor between them.
 *
 * A cursor is base64url (no padding) of a JSON array of the sort-key strings of the last item
 * served; it carries no secret and is validated on the way in. Pure code: no HTTP, no SQL. */
#ifndef PLANMON_DOMAIN_PAGE_H
#define PLANMON_DOMAIN_PAGE_H

#include <jansson.h>
#include <stdbool.h>

#include "status.h"

enum {
    PAGE_DEFAULT_LIMIT = 50,
    PAGE_MAX_LIMIT = 500,
    PAGE_MAX_KEYS = 4,
    PAGE_KEY_MAX = 128,
    PAGE_CURSOR_MAX = 1024,
};

typedef struct {
    int limit;                               /* 1..PAGE_MAX_LIMIT */
    int nkeys;                               /* 0 for the first page */
    char after[PAGE_MAX_KEYS][PAGE_KEY_MAX]; /* sort key of the last item already served */
    int sort;        /* ?sort=: 0 for the list's own order, else 1 + the key's index in its list */
    bool descending; /* ?sort=-key */
    bool count;      /* ?count=true: the answer carries `total` */
    char sort_label[PAGE_KEY_MAX]; /* the ?sort= value ("-due_date"), kept in the cursor */
} page_request;

typedef struct {
    json_t *items;       /* owned array */
    char *next_cursor;   /* owned (malloc), NULL on the last page */
    bool counted;        /* total is set (page_request.count) */
    long long total;     /* the items of every page */
    bool resumable;      /* a feed, which never ends: the answer carries resume_cursor */
    char *resume_cursor; /* owned (malloc): where to poll from later; NULL: from the start */
} page_result;

/* Encodes `n` sort-key strings (each shorter than PAGE_KEY_MAX) as a cursor. Returns a malloc'd
 * string owned by the caller, or NULL on allocation failure. Thread-safe. */
char *page_cursor_encode(const char *const *keys, int n);

/* Decodes `text` into page->after / page->nkeys. Fails with PM_INVALID_PARAMETER (field
 * "cursor") on anything that is not a cursor this service made. Thread-safe. */
pm_status page_cursor_decode(const char *text, page_request *page, pm_error *err);

/* Checks that a decoded cursor has the `nkeys` keys a list sorts by (0 keys: first page). */
pm_status page_expect_keys(const page_request *page, int nkeys, pm_error *err);

/* True when a decoded key is 1 to 18 decimal digits (fits a bigint: ids, codes, levels). */
bool page_key_is_number(const char *key);

/* Fails with PM_INVALID_PARAMETER (field "cursor"): for a cursor whose keys are not of the kind
 * the list sorts by. */
pm_status page_bad_cursor(pm_error *err);

/* What a repository needs to bind a keyset page: checks that a cursor carries `nkeys` keys, the
 * first `numeric` of them numbers (a list sorted by (seq, code) passes 1), else
 * PM_INVALID_PARAMETER naming cursor; writes page->limit + 1 (the
 * extra row tells whether there is a next page) as text into `limit` (16 bytes). */
pm_status page_bind(const page_request *page, int nkeys, int numeric, char limit[16],
                    pm_error *err);

/* page_bind for a page of a list sorted by ?sort= (page->sort > 0), whose cursor holds the
 * unique key of the last item served (a number when `numeric`: an id), its sort key and
 * page->sort_label: a cursor made under another sort, or under the list's own order, is
 * PM_INVALID_PARAMETER naming cursor. */
pm_status page_bind_sorted(const page_request *page, bool numeric, char limit[16], pm_error *err);

/* The `i`th key to continue after, or NULL on the first page (a SQL NULL: no lower bound). */
const char *page_after(const page_request *page, int i);

/* Frees what `result` owns and zeroes it. */
void page_result_clear(page_result *result);

/* base64url without padding. encode returns a malloc'd NUL-terminated string (caller frees);
 * decode writes at most `cap` bytes and returns the length, or -1 on bad input or overflow. */
char *base64url_encode(const unsigned char *data, size_t len);
long base64url_decode(const char *text, unsigned char *out, size_t cap);

#endif
