/* document.c: a report as a document (see document.h). */
#include "domain/document.h"

#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An NFC copy of `text` (malloc'd), or NULL (and d->failed) when out of memory or not UTF-8. */
static char *nfc(document *d, const char *text)
{
    gchar *g = g_utf8_normalize(text ? text : "", -1, G_NORMALIZE_NFC);
    char *copy = g ? strdup(g) : NULL;
    g_free(g);
    if (!copy)
        d->failed = true;
    return copy;
}

/* An NFC copy of the printf-style text, or NULL (and d->failed). */
__attribute__((format(printf, 2, 0))) static char *nfc_vprintf(document *d, const char *fmt,
                                                               va_list ap)
{
    char *raw = NULL;
    if (vasprintf(&raw, fmt, ap) < 0) {
        d->failed = true;
        return NULL;
    }
    char *out = nfc(d, raw);
    free(raw);
    return out;
}

/* Grows the array `*items` of `size`-byte members to hold `need`, doubling `*cap`. */
static bool grow(document *d, void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < need)
        n *= 2;
    void *p = realloc(*items, n * size);
    if (!p) {
        d->failed = true;
        return false;
    }
    *items = p;
    *cap = n;
    return true;
}

/* Appends a zeroed block of `kind`, or NULL (and d->failed). */
static doc_block *append(document *d, doc_block_kind kind)
{
    if (!grow(d, (void **)&d->blocks, &d->cap_blocks, d->nblocks + 1, sizeof *d->blocks))
        return NULL;
    doc_block *b = &d->blocks[d->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

document *document_new(void)
{
    document *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->frame.national = nfc(d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    d->frame.motto = nfc(d, "Độc lập - Tự do - Hạnh phúc");
    d->frame.doc_type = nfc(d, "BÁO CÁO");
    return d;
}

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

static void table_free(doc_table *t)
{
    if (!t)
        return;
    free(t->caption);
    free_strings(t->headers, t->ncols);
    free_strings(t->cells, t->nrows * t->ncols);
    free(t->widths);
    free(t->aligns);
    free(t);
}

static void chart_free(doc_chart *c)
{
    if (!c)
        return;
    free(c->title);
    free(c->y_label);
    free(c->target_label);
    free_strings(c->cats, c->ncats);
    free_strings(c->series, c->nseries);
    free(c->values);
    free(c);
}

/* Frees every string of the frame. */
static void frame_free(doc_frame *f)
{
    free(f->body_parent);
    free(f->body_name);
    free(f->national);
    free(f->motto);
    free(f->number);
    free(f->place_date);
    free(f->doc_type);
    free(f->summary);
    free(f->signer_name);
    free(f->file_title);
    free(f->created);
    free_strings(f->recipients, f->nrecipients);
    free_strings(f->signer_lines, f->nsigner_lines);
}

void document_free(document *d)
{
    if (!d)
        return;
    frame_free(&d->frame);
    for (size_t i = 0; i < d->nblocks; i++) {
        free(d->blocks[i].text);
        table_free(d->blocks[i].table);
        chart_free(d->blocks[i].chart);
    }
    free(d->blocks);
    free(d);
}

void doc_frame_set(document *d, char **field, const char *text)
{
    free(*field);
    *field = text ? nfc(d, text) : NULL;
}

/* Appends an NFC copy of `line` to the list `*lines` of `*n`. */
static void push_line(document *d, char ***lines, size_t *n, const char *line)
{
    char **p = realloc(*lines, (*n + 1) * sizeof *p);
    if (!p) {
        d->failed = true;
        return;
    }
    *lines = p;
    char *copy = nfc(d, line);
    if (copy)
        p[(*n)++] = copy;
}

void doc_frame_recipient(document *d, const char *line)
{
    push_line(d, &d->frame.recipients, &d->frame.nrecipients, line);
}

void doc_frame_signer_line(document *d, const char *line)
{
    push_line(d, &d->frame.signer_lines, &d->frame.nsigner_lines, line);
}

/* Appends a block of `kind` holding the NFC text of `fmt` and `ap`, or NULL (and d->failed). */
__attribute__((format(printf, 3, 0))) static doc_block *
append_text(document *d, doc_block_kind kind, const char *fmt, va_list ap)
{
    char *text = nfc_vprintf(d, fmt, ap);
    doc_block *b = text ? append(d, kind) : NULL;
    if (b)
        b->text = text;
    else
        free(text);
    return b;
}

void doc_heading(document *d, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_block *b = append_text(d, DOC_HEADING, fmt, ap);
    va_end(ap);
    if (b)
        b->level = level < 1 ? 1 : level > 3 ? 3 : level;
}

void doc_paragraph(document *d, unsigned flags, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_block *b = append_text(d, DOC_PARAGRAPH, fmt, ap);
    va_end(ap);
    if (b)
        b->flags = flags;
}

doc_table *doc_table_add(document *d, const char *caption, size_t ncols, const char *const *headers,
                         const double *widths, const doc_align *aligns)
{
    doc_table *t = calloc(1, sizeof *t);
    if (!t || !ncols) {
        free(t);
        d->failed = true;
        return NULL;
    }
    t->ncols = ncols;
    t->caption = caption ? nfc(d, caption) : NULL;
    t->headers = calloc(ncols, sizeof *t->headers);
    t->widths = calloc(ncols, sizeof *t->widths);
    t->aligns = calloc(ncols, sizeof *t->aligns);
    doc_block *b = t->headers && t->widths && t->aligns ? append(d, DOC_TABLE) : NULL;
    if (!b) {
        table_free(t);
        d->failed = true;
        return NULL;
    }
    b->table = t;
    double sum = 0;
    for (size_t i = 0; i < ncols; i++)
        sum += widths[i];
    for (size_t i = 0; i < ncols; i++) {
        t->headers[i] = nfc(d, headers[i]);
        t->widths[i] = sum > 0 ? widths[i] / sum : 1.0 / (double)ncols;
        t->aligns[i] = aligns ? aligns[i] : DOC_LEFT;
    }
    return t;
}

void doc_table_row(document *d, doc_table *t, const char *const *cells)
{
    if (!t ||
        !grow(d, (void **)&t->cells, &t->cap_rows, (t->nrows + 1) * t->ncols, sizeof *t->cells))
        return;
    char **row = &t->cells[t->nrows * t->ncols];
    for (size_t i = 0; i < t->ncols; i++)
        row[i] = nfc(d, cells[i]);
    t->nrows++;
}

doc_chart *doc_chart_add(document *d, doc_chart_kind kind, const char *title, const char *y_label,
                         size_t ncats, size_t nseries, double ymax)
{
    doc_chart *c = calloc(1, sizeof *c);
    if (!c || !ncats || !nseries) {
        free(c);
        d->failed = true;
        return NULL;
    }
    c->kind = kind;
    c->ncats = ncats;
    c->nseries = nseries;
    c->ymax = ymax > 0 ? ymax : 1;
    c->target = NAN;
    c->title = nfc(d, title);
    c->y_label = nfc(d, y_label);
    c->cats = calloc(ncats, sizeof *c->cats);
    c->series = calloc(nseries, sizeof *c->series);
    c->values = malloc(ncats * nseries * sizeof *c->values);
    doc_block *b = c->cats && c->series && c->values ? append(d, DOC_CHART) : NULL;
    if (!b) {
        chart_free(c);
        d->failed = true;
        return NULL;
    }
    b->chart = c;
    for (size_t i = 0; i < ncats * nseries; i++)
        c->values[i] = NAN;
    for (size_t i = 0; i < ncats; i++)
        c->cats[i] = nfc(d, "");
    for (size_t i = 0; i < nseries; i++)
        c->series[i] = nfc(d, "");
    return c;
}

void doc_chart_cat(document *d, doc_chart *ch, size_t c, const char *label)
{
    if (ch && c < ch->ncats)
        doc_frame_set(d, &ch->cats[c], label);
}

void doc_chart_series(document *d, doc_chart *ch, size_t s, const char *name)
{
    if (ch && s < ch->nseries)
        doc_frame_set(d, &ch->series[s], name);
}

void doc_chart_target(document *d, doc_chart *ch, double target, const char *label)
{
    if (!ch)
        return;
    ch->target = target;
    doc_frame_set(d, &ch->target_label, label);
}
