/* flow.c: the page flow of the PDF renderer (see flow.h). */
#include "render/flow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "render/fonts.h"

#define PS ((double)PANGO_SCALE)
#define EPSILON 0.01 /* pt: rounding slack in fit tests */

PangoLayout *flow_text(render_flow *f, const char *text, double width, double size, unsigned style,
                       PangoAlignment align)
{
    PangoLayout *l = pango_layout_new(f->ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, RENDER_FONT_FAMILY);
    pango_font_description_set_size(fd, (gint)lround(size * PANGO_SCALE));
    if (style & FLOW_BOLD)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    if (style & FLOW_ITALIC)
        pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(width * PS));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

double flow_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return h / PS;
}

double flow_width(PangoLayout *l)
{
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    return logical.width / PS;
}

double flow_lines_height(PangoLayout *l, int n)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    int bottom = 0;
    for (int k = 0; k < n; k++) {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(it, NULL, &r);
        bottom = r.y + r.height;
        if (!pango_layout_iter_next_line(it))
            break;
    }
    pango_layout_iter_free(it);
    return bottom / PS;
}

void flow_show(render_flow *f, PangoLayout *l, double x, double y)
{
    cairo_set_source_rgb(f->cr, 0, 0, 0);
    cairo_move_to(f->cr, x, y);
    pango_cairo_show_layout(f->cr, l);
}

void flow_rule(render_flow *f, double cx, double y, double len)
{
    cairo_set_source_rgb(f->cr, 0, 0, 0);
    cairo_set_line_width(f->cr, 0.6);
    cairo_move_to(f->cr, cx - len / 2, y);
    cairo_line_to(f->cr, cx + len / 2, y);
    cairo_stroke(f->cr);
}

bool flow_at_top(const render_flow *f)
{
    return f->y <= f->top + EPSILON;
}

void flow_new_page(render_flow *f)
{
    cairo_show_page(f->cr);
    f->page++;
    f->y = f->top;
    char number[16];
    snprintf(number, sizeof number, "%d", f->page);
    PangoLayout *l = flow_text(f, number, f->width, 13, 0, PANGO_ALIGN_CENTER);
    flow_show(f, l, f->x, (f->top - flow_height(l)) / 2);
    g_object_unref(l);
}

void flow_keep(render_flow *f, double h)
{
    if (f->y + h > f->bottom + EPSILON && !flow_at_top(f))
        flow_new_page(f);
}

/* Where each line of a layout is, in layout coordinates (Pango units). */
typedef struct {
    PangoLayoutLine *line;
    int top, bottom, baseline;
    int x; /* the line's origin: its indent and alignment */
} line_box;

void flow_lines(render_flow *f, PangoLayout *l, double x, double after)
{
    int n = pango_layout_get_line_count(l);
    line_box *box = n > 0 ? calloc((size_t)n, sizeof *box) : NULL;
    if (!box) {
        f->failed = f->failed || n > 0;
        f->y += flow_height(l) + after;
        return;
    }
    PangoLayoutIter *it = pango_layout_get_iter(l);
    for (int k = 0; k < n; k++) {
        PangoRectangle r, own;
        box[k].line = pango_layout_iter_get_line_readonly(it);
        pango_layout_iter_get_line_extents(it, NULL, &r);
        pango_layout_line_get_extents(box[k].line, NULL, &own);
        box[k].top = r.y;
        box[k].bottom = r.y + r.height;
        box[k].baseline = pango_layout_iter_get_baseline(it);
        box[k].x = r.x - own.x;
        pango_layout_iter_next_line(it);
    }
    pango_layout_iter_free(it);
    int i = 0;
    while (i < n) {
        int fit = 0;
        while (i + fit < n && f->y + (box[i + fit].bottom - box[i].top) / PS <= f->bottom + EPSILON)
            fit++;
        int rest = n - i - fit;
        if (rest > 0) {
            if (rest == 1)
                fit--; /* no widow: take one more line over */
            if (fit < 2 && !flow_at_top(f)) {
                flow_new_page(f); /* no orphan: start the text on the next page */
                continue;
            }
            if (fit < 1)
                fit = 1; /* a line taller than the page */
        }
        for (int k = i; k < i + fit; k++) {
            cairo_set_source_rgb(f->cr, 0, 0, 0);
            cairo_move_to(f->cr, x + box[k].x / PS, f->y + (box[k].baseline - box[i].top) / PS);
            pango_cairo_show_layout_line(f->cr, box[k].line);
        }
        f->y += (box[i + fit - 1].bottom - box[i].top) / PS;
        i += fit;
        if (i < n)
            flow_new_page(f);
    }
    f->y += after;
    free(box);
}
