/* chart_text.c: the text of a chart (see chart_internal.h): one-line Pango layouts in the
 * render's font, the number format, and the labels laid out around the plot: the legend, the
 * category labels under the axis and the value labels above the bars. */
#include <math.h>

#include "domain/vn_text.h"
#include "render/chart_internal.h"
#include "render/fonts.h"

const char *chart_str(const char *text)
{
    return text ? text : "";
}

void chart_number(char *buf, size_t size, double v)
{
    vn_number(buf, size, v, 1);
}

PangoLayout *chart_text_new(PangoContext *ctx, const char *text, double size, bool bold)
{
    PangoLayout *l = pango_layout_new(ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, RENDER_FONT_FAMILY);
    pango_font_description_set_size(fd, (gint)lround(size * PANGO_SCALE));
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(l, chart_str(text), -1);
    return l;
}

void chart_text_size(PangoLayout *l, double *w, double *h)
{
    int iw, ih;
    pango_layout_get_size(l, &iw, &ih);
    *w = iw / (double)PANGO_SCALE;
    *h = ih / (double)PANGO_SCALE;
}

double chart_text_width(PangoContext *ctx, const char *text, double size)
{
    PangoLayout *l = chart_text_new(ctx, text, size, false);
    double w, h;
    chart_text_size(l, &w, &h);
    g_object_unref(l);
    return w;
}

void chart_show(cairo_t *cr, PangoLayout *l, double x, double y, double ax, double ay)
{
    double w, h;
    chart_text_size(l, &w, &h);
    cairo_move_to(cr, x - ax * w, y - ay * h);
    pango_cairo_show_layout(cr, l);
}

void chart_show_turned(cairo_t *cr, PangoContext *ctx, PangoLayout *l, double x, double y,
                       double angle, double ax, double ay)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    pango_cairo_update_context(cr, ctx);
    pango_layout_context_changed(l);
    chart_show(cr, l, 0, 0, ax, ay);
    cairo_restore(cr);
    pango_cairo_update_context(cr, ctx);
    pango_layout_context_changed(l);
}

/* The legend's entries: the series, then the target line when it has a name. */
static size_t legend_count(const doc_chart *c)
{
    return c->nseries + (!isnan(c->target) && c->target_label ? 1 : 0);
}

/* A legend entry's name as a layout no wider than `max` pt (ellipsized); the caller unrefs it. */
static PangoLayout *legend_text(plot *p, size_t i, double max)
{
    const doc_chart *c = p->chart;
    PangoLayout *l =
        chart_text_new(p->ctx, i < c->nseries ? c->series[i] : c->target_label, LABEL_SIZE, false);
    pango_layout_set_width(l, (int)(max * PANGO_SCALE));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    return l;
}

double chart_legend(plot *p, double x, double y, double w, bool draw)
{
    const doc_chart *c = p->chart;
    size_t n = legend_count(p->chart), i = 0;
    const double gap = 14, max = w - SWATCH - 4 > 20 ? w - SWATCH - 4 : 20;
    double height = 0;
    while (i < n) {
        /* the entries i … end-1 fit on this row */
        size_t end = i;
        double row = 0;
        while (end < n) {
            PangoLayout *l = legend_text(p, end, max);
            double tw, th;
            chart_text_size(l, &tw, &th);
            g_object_unref(l);
            double item = SWATCH + 4 + tw + (end > i ? gap : 0);
            if (end > i && row + item > w)
                break;
            row += item;
            end++;
        }
        double lx = x + (w - row) / 2, cy = y + height + LEGEND_ROW / 2;
        for (size_t k = i; draw && k < end; k++) {
            cairo_t *cr = p->cr;
            if (k >= c->nseries) {
                chart_target_line(cr, lx, lx + SWATCH, cy);
            } else if (c->kind == DOC_CHART_LINES) {
                cairo_set_line_width(cr, 1.2);
                chart_dash_series(cr, k);
                cairo_move_to(cr, lx, cy);
                cairo_line_to(cr, lx + SWATCH, cy);
                cairo_stroke(cr);
                chart_marker(cr, k, lx + SWATCH / 2, cy);
            } else {
                cairo_rectangle(cr, lx + 2, cy - 4.5, SWATCH - 4, 9);
                chart_fill_series(p, k);
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            PangoLayout *l = legend_text(p, k, max);
            double tw, th;
            chart_text_size(l, &tw, &th);
            chart_show(cr, l, lx + SWATCH + 4, cy, 0, 0.5);
            g_object_unref(l);
            lx += SWATCH + 4 + tw + gap;
        }
        height += LEGEND_ROW;
        i = end;
    }
    return height;
}

/* A category label as a layout for `mode` in a slot of `slot` pt (turned labels are ellipsized
 * at `turned_max`); the caller unrefs it. */
static PangoLayout *cat_text(plot *p, size_t k, cats_mode mode, double turned_max)
{
    PangoLayout *l = chart_text_new(p->ctx, p->chart->cats[k], LABEL_SIZE, false);
    if (mode == CATS_WRAPPED) {
        pango_layout_set_width(l, (int)((p->slot - 2) * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD);
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    } else if (mode == CATS_TURNED) {
        pango_layout_set_width(l, (int)(turned_max * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    return l;
}

cats_mode chart_cats_layout(plot *p, double max_h, double *turned_max, double *height)
{
    const doc_chart *c = p->chart;
    double widest = 0, line_h = 0, wrapped_h = 0;
    bool wraps = true;
    for (size_t k = 0; k < c->ncats; k++) {
        PangoLayout *l = cat_text(p, k, CATS_FLAT, 0);
        double w, h;
        chart_text_size(l, &w, &h);
        widest = w > widest ? w : widest;
        line_h = h;
        pango_layout_set_width(l, (int)((p->slot - 2) * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD);
        if (pango_layout_get_line_count(l) > 2)
            wraps = false;
        /* a word wider than the slot would be broken inside it: not acceptable */
        const char *text = pango_layout_get_text(l);
        for (GSList *line = pango_layout_get_lines_readonly(l); line; line = line->next) {
            int start = ((PangoLayoutLine *)line->data)->start_index;
            if (start > 0 && text[start - 1] != ' ')
                wraps = false;
        }
        chart_text_size(l, &w, &h);
        wrapped_h = h > wrapped_h ? h : wrapped_h;
        g_object_unref(l);
    }
    *turned_max = 0;
    if (widest <= p->slot - 4) {
        *height = line_h + 4;
        return CATS_FLAT;
    }
    if (wraps) {
        *height = wrapped_h + 4;
        return CATS_WRAPPED;
    }
    const double k45 = sqrt(0.5);
    double longest = max_h / k45 - line_h;
    *turned_max = widest < longest ? widest + 1 : longest;
    *height = (*turned_max + line_h) * k45 + 4;
    return CATS_TURNED;
}

void chart_cats_draw(plot *p, cats_mode mode, double turned_max)
{
    double top = p->py + p->ph + 3;
    for (size_t k = 0; k < p->chart->ncats; k++) {
        PangoLayout *l = cat_text(p, k, mode, turned_max);
        double cx = p->px + ((double)k + 0.5) * p->slot;
        if (mode == CATS_TURNED) {
            double w, h;
            chart_text_size(l, &w, &h);
            /* the text ends at the tick and rises to the right, 45° */
            chart_show_turned(p->cr, p->ctx, l, cx, top + h * sqrt(0.5) / 2 + 1, -G_PI / 4, 1, 0.5);
        } else if (mode == CATS_WRAPPED) {
            chart_show(p->cr, l, cx - (p->slot - 2) / 2, top, 0, 0);
        } else {
            chart_show(p->cr, l, cx, top, 0.5, 0);
        }
        g_object_unref(l);
    }
}

double chart_widest_value(plot *p)
{
    const doc_chart *c = p->chart;
    char buf[48];
    double widest = 0;
    for (size_t k = 0; k < c->ncats; k++) {
        double total = 0;
        bool any = false;
        for (size_t s = 0; s < c->nseries; s++) {
            double v = c->values[s * c->ncats + k];
            if (isnan(v))
                continue;
            total += v;
            any = true;
            chart_number(buf, sizeof buf, v);
            double w = chart_text_width(p->ctx, buf, VALUE_SIZE);
            widest = w > widest ? w : widest;
        }
        if (any && c->kind == DOC_CHART_STACKED) {
            chart_number(buf, sizeof buf, total);
            double w = chart_text_width(p->ctx, buf, VALUE_SIZE);
            widest = w > widest ? w : widest;
        }
    }
    return widest;
}

void chart_value_label(plot *p, double v, double size, bool turned, double x, double y)
{
    char buf[48];
    chart_number(buf, sizeof buf, v);
    PangoLayout *l = chart_text_new(p->ctx, buf, size, false);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    if (turned)
        chart_show_turned(p->cr, p->ctx, l, x, y, -G_PI / 2, 0, 0.5);
    else
        chart_show(p->cr, l, x, y, 0.5, 1);
    g_object_unref(l);
}
