/* page.c: cursor encoding and decoding for keyset pagination (see page.h). */
#include "domain/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *base64url_encode(const unsigned char *data, size_t len)
{
    char *out = malloc((len + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        if (i + 1 < len)
            out[o++] = alphabet[(v >> 6) & 63];
        if (i + 2 < len)
            out[o++] = alphabet[v & 63];
    }
    out[o] = '\0';
    return out;
}

static int decode_char(char c)
{
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

long base64url_decode(const char *text, unsigned char *out, size_t cap)
{
    size_t len = strlen(text), o = 0;
    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i += 4) {
        unsigned v = 0;
        size_t chunk = len - i < 4 ? len - i : 4;
        for (size_t j = 0; j < 4; j++) {
            int d = j < chunk ? decode_char(text[i + j]) : 0;
            if (d < 0)
                return -1;
            v = v << 6 | (unsigned)d;
        }
        size_t bytes = chunk - 1; /* 4 chars -> 3 bytes, 3 -> 2, 2 -> 1 */
        if (o + bytes > cap)
            return -1;
        out[o++] = (unsigned char)(v >> 16);
        if (bytes > 1)
            out[o++] = (unsigned char)(v >> 8);
        if (bytes > 2)
            out[o++] = (unsigned char)v;
    }
    return (long)o;
}

char *page_cursor_encode(const char *const *keys, int n)
{
    json_t *array = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(array, json_string(keys[i]));
    char *text = json_dumps(array, JSON_COMPACT);
    json_decref(array);
    if (!text)
        return NULL;
    char *cursor = base64url_encode((const unsigned char *)text, strlen(text));
    free(text);
    return cursor;
}

pm_status page_cursor_decode(const char *text, page_request *page, pm_error *err)
{
    unsigned char raw[PAGE_CURSOR_MAX];
    long len = strlen(text) < PAGE_CURSOR_MAX ? base64url_decode(text, raw, sizeof raw) : -1;
    json_t *array =
        len > 0 ? json_loadb((const char *)raw, (size_t)len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    pm_status status = PM_OK;
    size_t n = json_is_array(array) ? json_array_size(array) : 0;
    if (n == 0 || n > PAGE_MAX_KEYS)
        status = PM_INVALID_PARAMETER;
    for (size_t i = 0; status == PM_OK && i < n; i++) {
        json_t *key = json_array_get(array, i);
        if (!json_is_string(key) || json_string_length(key) >= PAGE_KEY_MAX ||
            strlen(json_string_value(key)) != json_string_length(key))
            status = PM_INVALID_PARAMETER;
        else
            memcpy(page->after[i], json_string_value(key), json_string_length(key) + 1);
    }
    json_decref(array);
    if (status != PM_OK)
        return pm_fail_field(err, status, "cursor", "invalid",
                             MSG("cursor is not a cursor from a previous page of this list"));
    page->nkeys = (int)n;
    return PM_OK;
}

pm_status page_bad_cursor(pm_error *err)
{
    return pm_fail_field(err, PM_INVALID_PARAMETER, "cursor", "invalid",
                         MSG("cursor is not a cursor from a previous page of this list"));
}

pm_status page_expect_keys(const page_request *page, int nkeys, pm_error *err)
{
    return page->nkeys == 0 || page->nkeys == nkeys ? PM_OK : page_bad_cursor(err);
}

bool page_key_is_number(const char *key)
{
    size_t len = strspn(key, "0123456789");
    return len > 0 && len <= 18 && key[len] == '\0';
}

pm_status page_bind(const page_request *page, int nkeys, int numeric, char limit[16], pm_error *err)
{
    if (page_expect_keys(page, nkeys, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    for (int i = 0; i < numeric && i < page->nkeys; i++)
        if (!page_key_is_number(page->after[i]))
            return page_bad_cursor(err);
    snprintf(limit, 16, "%d", page->limit + 1);
    return PM_OK;
}

pm_status page_bind_sorted(const page_request *page, bool numeric, char limit[16], pm_error *err)
{
    if (page_bind(page, 3, numeric ? 1 : 0, limit, err) != PM_OK)
        return PM_INVALID_PARAMETER;
    if (page->nkeys == 3 && strcmp(page->after[2], page->sort_label) != 0)
        return pm_fail_field(err, PM_INVALID_PARAMETER, "cursor", "other_sort",
                             MSG("cursor was made for another sort; keep the sort of the page "
                                 "that gave it"));
    return PM_OK;
}

const char *page_after(const page_request *page, int i)
{
    return page->nkeys > i ? page->after[i] : NULL;
}

void page_result_clear(page_result *result)
{
    json_decref(result->items);
    free(result->next_cursor);
    free(result->resume_cursor);
    result->items = NULL;
    result->next_cursor = NULL;
    result->resume_cursor = NULL;
}
