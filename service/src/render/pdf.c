/* pdf.c: a document as an A4 PDF under the frame of Decree 30/2020/NĐ-CP Appendix I (see pdf.h).
 * The page flow (cursor, line-level page breaks, page numbers) is render/flow.h. */
#include "render/pdf.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/clock.h"
#include "render/chart.h"
#include "render/flow.h"
#include "render/fonts.h"

#define MM (72.0 / 25.4)
#define A4_W 595.28
#define A4_H 841.89
#define BODY_SIZE 14.0 /* body text and headings (pt) */
#define CELL_SIZE 12.0 /* table cells */
#define CAPTION_SIZE 13.0
#define CELL_PAD_X 3.0
#define CELL_PAD_Y 2.0
#define CHART_H 260.0   /* a chart's box, the text width wide */
#define SIGN_SPACE 70.0 /* room for the signature and the seal */
#define PARA_AFTER 6.0  /* space after a paragraph or a heading */

#define CLOSING_LEFT 0.45   /* width share of the closing block's left column ("Nơi nhận:") */
#define CLOSING_BEFORE 12.0 /* space above the closing block */
#define LAST_KEPT 3         /* a last paragraph of at most these lines stays with the closing */

/* Draws `text` centred in the column at `x` of width `w`, from *y, and moves *y below it;
 * returns the width of its widest line. */
static double centred(render_flow *f, const char *text, double x, double w, double size,
                      unsigned flags, double *y)
{
    PangoLayout *l = flow_text(f, text, w, size, flags, PANGO_ALIGN_CENTER);
    flow_show(f, l, x, *y);
    *y += flow_height(l);
    double width = flow_width(l);
    g_object_unref(l);
    return width;
}

/* Draws the two columns of the frame's head: the issuing body with its short rule and the
 * number on the left; the national title, the motto with its rule and the place and date on the
 * right, the number and the date on one baseline. */
static void frame_head(render_flow *f, const doc_frame *fr)
{
    PangoLayout *probe = flow_text(f, fr->national, 1e4, 12, FLOW_BOLD, PANGO_ALIGN_LEFT);
    double wr = flow_width(probe) + 8;
    g_object_unref(probe);
    if (wr > f->width * 0.6)
        wr = f->width * 0.6;
    double wl = f->width - wr, xl = f->x, xr = f->x + wl, top = f->y;

    /* left: the parent, the body, a rule 0.4 of the body's widest line */
    double yl = top;
    if (fr->body_parent)
        centred(f, fr->body_parent, xl, wl, 12, fr->body_parent_bold ? FLOW_BOLD : 0, &yl);
    double body = centred(f, fr->body_name, xl, wl, 12, FLOW_BOLD, &yl);
    flow_rule(f, xl + wl / 2, yl + 3, body * 0.4);
    yl += 9;

    /* right: the national title, the motto, a rule of the motto's width */
    double yr = top;
    centred(f, fr->national, xr, wr, 12, FLOW_BOLD, &yr);
    double motto = centred(f, fr->motto, xr, wr, 13, FLOW_BOLD, &yr);
    flow_rule(f, xr + wr / 2, yr + 3, motto);
    yr += 9;

    /* the number (left) and the place and date (right) on one baseline */
    PangoLayout *number = flow_text(f, fr->number, wl, 13, 0, PANGO_ALIGN_CENTER);
    PangoLayout *date = flow_text(f, fr->place_date, wr, 13, FLOW_ITALIC, PANGO_ALIGN_CENTER);
    double row = (yl > yr ? yl : yr) + 4;
    double bn = pango_layout_get_baseline(number) / (double)PANGO_SCALE;
    double bd = pango_layout_get_baseline(date) / (double)PANGO_SCALE;
    double base = row + (bn > bd ? bn : bd);
    double end = row;
    if (fr->number) {
        flow_show(f, number, xl, base - bn);
        end = base - bn + flow_height(number);
    }
    if (fr->place_date) {
        flow_show(f, date, xr, base - bd);
        double e = base - bd + flow_height(date);
        end = e > end ? e : end;
    }
    g_object_unref(number);
    g_object_unref(date);
    f->y = end + 18;
}

/* Draws the type of the document and its summary, centred, with a short rule under them. */
static void frame_title(render_flow *f, const doc_frame *fr)
{
    if (fr->doc_type) {
        PangoLayout *l =
            flow_text(f, fr->doc_type, f->width, BODY_SIZE, FLOW_BOLD, PANGO_ALIGN_CENTER);
        flow_show(f, l, f->x, f->y);
        f->y += flow_height(l);
        g_object_unref(l);
    }
    if (fr->summary) {
        double w = f->width * 0.85;
        PangoLayout *l = flow_text(f, fr->summary, w, BODY_SIZE, FLOW_BOLD, PANGO_ALIGN_CENTER);
        flow_show(f, l, f->x + (f->width - w) / 2, f->y);
        f->y += flow_height(l) + 3;
        flow_rule(f, f->x + f->width / 2, f->y, flow_width(l) * 0.4);
        g_object_unref(l);
    }
    f->y += 16;
}

/* A heading's layout: 14 pt, levels 1–2 bold, level 3 italic, first line indented 1 cm. */
static PangoLayout *heading_text(render_flow *f, const doc_block *b)
{
    PangoLayout *l = flow_text(f, b->text, f->width, BODY_SIZE,
                               b->level >= 3 ? FLOW_ITALIC : FLOW_BOLD, PANGO_ALIGN_LEFT);
    pango_layout_set_indent(l, (int)(10 * MM * PANGO_SCALE));
    return l;
}

/* A paragraph's layout: 14 pt, justified with the first line indented 1 cm, or as its flags
 * say. */
static PangoLayout *paragraph_text(render_flow *f, const doc_block *b)
{
    unsigned style =
        (b->flags & DOC_BOLD ? FLOW_BOLD : 0) | (b->flags & DOC_ITALIC ? FLOW_ITALIC : 0);
    bool center = b->flags & DOC_CENTER;
    PangoLayout *l = flow_text(f, b->text, f->width, BODY_SIZE, style,
                               center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
    if (!center) {
        pango_layout_set_justify(l, TRUE);
        if (!(b->flags & DOC_NO_INDENT))
            pango_layout_set_indent(l, (int)(10 * MM * PANGO_SCALE));
    }
    return l;
}

/* The layout of a caption (italic, centred). */
static PangoLayout *caption_text(render_flow *f, const char *text)
{
    return flow_text(f, text, f->width, CAPTION_SIZE, FLOW_ITALIC, PANGO_ALIGN_CENTER);
}

/* The cells of one table row as layouts in `ls` (header: bold and centred); returns the row's
 * height. */
static double row_new(render_flow *f, const doc_table *t, char *const *cells, bool header,
                      PangoLayout **ls)
{
    static const PangoAlignment aligns[] = {[DOC_LEFT] = PANGO_ALIGN_LEFT,
                                            [DOC_RIGHT] = PANGO_ALIGN_RIGHT,
                                            [DOC_MIDDLE] = PANGO_ALIGN_CENTER};
    double h = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        doc_align a = t->aligns[c] <= DOC_MIDDLE ? t->aligns[c] : DOC_LEFT;
        double w = t->widths[c] * f->width - 2 * CELL_PAD_X;
        ls[c] = flow_text(f, cells[c], w > 1 ? w : 1, CELL_SIZE, header ? FLOW_BOLD : 0,
                          header ? PANGO_ALIGN_CENTER : aligns[a]);
        double ch = flow_height(ls[c]) + 2 * CELL_PAD_Y;
        h = ch > h ? ch : h;
    }
    return h;
}

/* Unrefs the `n` layouts of a row. */
static void row_free(PangoLayout **ls, size_t n)
{
    for (size_t c = 0; c < n; c++)
        g_object_unref(ls[c]);
}

/* Draws a row of height h at the cursor (header: grey ground), cells bordered, text centred
 * vertically; moves the cursor under it. */
static void row_draw(render_flow *f, const doc_table *t, PangoLayout **ls, bool header, double h)
{
    double x = f->x;
    for (size_t c = 0; c < t->ncols; c++) {
        double w = t->widths[c] * f->width;
        if (header) {
            cairo_set_source_rgb(f->cr, 0.88, 0.88, 0.88);
            cairo_rectangle(f->cr, x, f->y, w, h);
            cairo_fill(f->cr);
        }
        cairo_set_source_rgb(f->cr, 0, 0, 0);
        cairo_set_line_width(f->cr, 0.5);
        cairo_rectangle(f->cr, x, f->y, w, h);
        cairo_stroke(f->cr);
        flow_show(f, ls[c], x + CELL_PAD_X, f->y + (h - flow_height(ls[c])) / 2);
        x += w;
    }
    f->y += h;
}

/* The least height a block needs at the start: two lines of a paragraph, a chart and its
 * caption, a table's caption, header row and first row, a heading with what follows it. */
static double block_start(render_flow *f, const document *doc, size_t i, int depth);

/* A table: its caption, the header row (repeated at the top of every page it runs on), the rows
 * (never split across pages). */
static void table_block(render_flow *f, const doc_table *t)
{
    PangoLayout **head = calloc(t->ncols, sizeof *head);
    PangoLayout **row = calloc(t->ncols, sizeof *row);
    if (!head || !row) {
        f->failed = true;
        free(head);
        free(row);
        return;
    }
    PangoLayout *cap = t->caption ? caption_text(f, t->caption) : NULL;
    double cap_h = cap ? flow_height(cap) + 3 : 0;
    double head_h = row_new(f, t, t->headers, true, head);
    double row_h = t->nrows ? row_new(f, t, t->cells, false, row) : 0;
    flow_keep(f, cap_h + head_h + row_h);
    if (cap) {
        flow_show(f, cap, f->x, f->y);
        f->y += cap_h;
        g_object_unref(cap);
    }
    row_draw(f, t, head, true, head_h);
    bool page_fresh = true; /* no body row on this page yet */
    for (size_t r = 0; r < t->nrows; r++) {
        if (r > 0)
            row_h = row_new(f, t, &t->cells[r * t->ncols], false, row);
        if (f->y + row_h > f->bottom + 0.01 && !page_fresh) {
            flow_new_page(f);
            row_draw(f, t, head, true, head_h);
        }
        row_draw(f, t, row, false, row_h);
        page_fresh = false;
        row_free(row, t->ncols);
    }
    row_free(head, t->ncols);
    free(head);
    free(row);
    f->y += 10;
}

/* A chart (vectors) with its title as the caption under it, kept on one page. */
static void chart_block(render_flow *f, const doc_chart *c)
{
    PangoLayout *cap = caption_text(f, c->title);
    double cap_h = flow_height(cap);
    flow_keep(f, CHART_H + 4 + cap_h);
    chart_draw(f->cr, f->ctx, f->x, f->y, f->width, CHART_H, c);
    f->y += CHART_H + 4;
    flow_show(f, cap, f->x, f->y);
    f->y += cap_h + 10;
    g_object_unref(cap);
}

static double block_start(render_flow *f, const document *doc, size_t i, int depth)
{
    if (i >= doc->nblocks)
        return 0;
    const doc_block *b = &doc->blocks[i];
    double h = 0;
    switch (b->kind) {
    case DOC_HEADING: {
        PangoLayout *l = heading_text(f, b);
        h = flow_height(l) + PARA_AFTER + (depth < 3 ? block_start(f, doc, i + 1, depth + 1) : 0);
        g_object_unref(l);
        break;
    }
    case DOC_PARAGRAPH: {
        PangoLayout *l = paragraph_text(f, b);
        h = flow_lines_height(l, 2);
        g_object_unref(l);
        break;
    }
    case DOC_TABLE: {
        const doc_table *t = b->table;
        PangoLayout **ls = calloc(t->ncols, sizeof *ls);
        if (!ls) {
            f->failed = true;
            return 0;
        }
        if (t->caption) {
            PangoLayout *cap = caption_text(f, t->caption);
            h += flow_height(cap) + 3;
            g_object_unref(cap);
        }
        h += row_new(f, t, t->headers, true, ls);
        row_free(ls, t->ncols);
        if (t->nrows) {
            h += row_new(f, t, t->cells, false, ls);
            row_free(ls, t->ncols);
        }
        free(ls);
        break;
    }
    case DOC_CHART: {
        PangoLayout *cap = caption_text(f, b->chart->title);
        h = CHART_H + 4 + flow_height(cap);
        g_object_unref(cap);
        break;
    }
    }
    return h;
}

/* The closing block: "Nơi nhận:" and the recipients on the left; the signer's capacity, room to
 * sign and the signer's name on the right; both columns from the same top. */
typedef struct {
    PangoLayout *head, *list, *capacity, *name; /* NULL where there is nothing to show */
    double cap_h;                               /* the capacity's height (0 without one) */
    double height;                              /* the taller column */
} closing;

/* `n` lines joined by '\n' (malloc'd), or NULL when out of memory. */
static char *join_lines(char *const *lines, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(lines[i]) + 1;
    char *out = malloc(len), *p = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(lines[i]);
        memcpy(p, lines[i], l);
        p += l;
        if (i + 1 < n)
            *p++ = '\n';
    }
    *p = '\0';
    return out;
}

/* Lays the closing block of `fr` out into `c` (height 0 when it is empty). */
static void closing_new(render_flow *f, const doc_frame *fr, closing *c)
{
    memset(c, 0, sizeof *c);
    double wl = f->width * CLOSING_LEFT, wr = f->width - wl, hl = 0, hr = 0;
    if (fr->nrecipients) {
        char *list = join_lines(fr->recipients, fr->nrecipients);
        if (!list) {
            f->failed = true;
            return;
        }
        c->head = flow_text(f, "Nơi nhận:", wl, 12, FLOW_BOLD | FLOW_ITALIC, PANGO_ALIGN_LEFT);
        c->list = flow_text(f, list, wl, 11, 0, PANGO_ALIGN_LEFT);
        hl = flow_height(c->head) + flow_height(c->list);
        free(list);
    }
    if (fr->nsigner_lines) {
        char *lines = join_lines(fr->signer_lines, fr->nsigner_lines);
        if (!lines) {
            f->failed = true;
            return;
        }
        c->capacity = flow_text(f, lines, wr, BODY_SIZE, FLOW_BOLD, PANGO_ALIGN_CENTER);
        c->cap_h = flow_height(c->capacity);
        free(lines);
    }
    if (fr->signer_name)
        c->name = flow_text(f, fr->signer_name, wr, BODY_SIZE, FLOW_BOLD, PANGO_ALIGN_CENTER);
    if (c->capacity || c->name)
        hr = c->cap_h + SIGN_SPACE + (c->name ? flow_height(c->name) : 0);
    c->height = hl > hr ? hl : hr;
}

/* Draws the closing block under the cursor, on a new page when it does not fit this one. */
static void closing_draw(render_flow *f, const closing *c)
{
    if (c->height <= 0)
        return;
    flow_keep(f, c->height + CLOSING_BEFORE);
    if (!flow_at_top(f))
        f->y += CLOSING_BEFORE;
    double xr = f->x + f->width * CLOSING_LEFT;
    if (c->head) {
        flow_show(f, c->head, f->x, f->y);
        flow_show(f, c->list, f->x, f->y + flow_height(c->head));
    }
    if (c->capacity)
        flow_show(f, c->capacity, xr, f->y);
    if (c->name)
        flow_show(f, c->name, xr, f->y + c->cap_h + SIGN_SPACE);
    f->y += c->height;
}

/* Unrefs the layouts of `c`. */
static void closing_free(closing *c)
{
    PangoLayout *ls[] = {c->head, c->list, c->capacity, c->name};
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
        if (ls[i])
            g_object_unref(ls[i]);
}

/* Sets the PDF's metadata: title, creator, and the creation date from the frame's "YYYY-MM-DD"
 * (at midnight in Vietnam), so the same document gives the same bytes. */
static void metadata(cairo_surface_t *s, const doc_frame *fr)
{
    if (fr->file_title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, fr->file_title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "planmon");
    civil_date d;
    if (fr->created && clock_parse_date(fr->created, &d)) {
        char date[40];
        snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00+07:00", d.year, d.month, d.day);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    }
}

bool render_pdf(const document *doc, PangoFontMap *map, render_bytes *out)
{
    if (!doc || doc->failed || !map) {
        free(out->data);
        memset(out, 0, sizeof *out);
        return false;
    }
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(render_bytes_write, out, A4_W, A4_H);
    metadata(s, &doc->frame);
    cairo_t *cr = cairo_create(s);
    render_flow f = {
        .cr = cr,
        .x = 30 * MM,
        .width = A4_W - 30 * MM - 15 * MM,
        .top = 20 * MM,
        .bottom = A4_H - 20 * MM,
        .y = 20 * MM,
        .page = 1,
    };
    f.ctx = render_context_new(map, cr);

    closing end;
    closing_new(&f, &doc->frame, &end);
    frame_head(&f, &doc->frame);
    frame_title(&f, &doc->frame);
    for (size_t i = 0; i < doc->nblocks && !f.failed; i++) {
        const doc_block *b = &doc->blocks[i];
        switch (b->kind) {
        case DOC_HEADING: {
            PangoLayout *l = heading_text(&f, b);
            flow_keep(&f, flow_height(l) + PARA_AFTER + block_start(&f, doc, i + 1, 1));
            flow_lines(&f, l, f.x, PARA_AFTER);
            g_object_unref(l);
            break;
        }
        case DOC_PARAGRAPH: {
            PangoLayout *l = paragraph_text(&f, b);
            if (i + 1 == doc->nblocks && pango_layout_get_line_count(l) <= LAST_KEPT &&
                end.height > 0) /* the signature never stands alone on a page */
                flow_keep(&f, flow_height(l) + PARA_AFTER + CLOSING_BEFORE + end.height);
            flow_lines(&f, l, f.x, PARA_AFTER);
            g_object_unref(l);
            break;
        }
        case DOC_TABLE:
            table_block(&f, b->table);
            break;
        case DOC_CHART:
            chart_block(&f, b->chart);
            break;
        }
    }
    closing_draw(&f, &end);
    closing_free(&end);

    g_object_unref(f.ctx);
    bool ok = !f.failed && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    cairo_surface_finish(s);
    ok = ok && cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    if (!ok) {
        free(out->data);
        memset(out, 0, sizeof *out);
    }
    return ok;
}
