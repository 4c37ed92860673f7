/* chart_plot.c: the plot area of a chart (see chart_internal.h): the grid, ticks and axes, and
 * the data drawn as grouped bars, stacked bars or lines. */
#include <math.h>

#include "render/chart_internal.h"

double chart_y_of(const plot *p, double v)
{
    double t = v / p->chart->ymax;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return p->py + p->ph * (1 - t);
}

void chart_axes(plot *p, double x, double label_band)
{
    cairo_t *cr = p->cr;
    static const double dash[] = {2, 2};
    char buf[48];
    for (int i = 0; i <= 5; i++) {
        double yy = p->py + p->ph * (1 - i / 5.0);
        if (i) {
            cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
            cairo_set_line_width(cr, 0.4);
            cairo_set_dash(cr, dash, 2, 0);
            cairo_move_to(cr, p->px, yy);
            cairo_line_to(cr, p->px + p->pw, yy);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, p->px - 3, yy);
        cairo_line_to(cr, p->px, yy);
        cairo_stroke(cr);
        chart_number(buf, sizeof buf, p->chart->ymax * i / 5.0);
        PangoLayout *l = chart_text_new(p->ctx, buf, LABEL_SIZE, false);
        chart_show(cr, l, p->px - 5, yy, 1, 0.5);
        g_object_unref(l);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, p->px, p->py);
    cairo_line_to(cr, p->px, p->py + p->ph);
    cairo_line_to(cr, p->px + p->pw, p->py + p->ph);
    cairo_stroke(cr);
    if (label_band > 0) {
        PangoLayout *l = chart_text_new(p->ctx, p->chart->y_label, LABEL_SIZE, false);
        pango_layout_set_width(l, (int)(p->ph * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
        chart_show_turned(cr, p->ctx, l, x + label_band / 2, p->py + p->ph / 2, -G_PI / 2, 0.5,
                          0.5);
        g_object_unref(l);
    }
}

void chart_bars(plot *p, double bw, double size, bool turned)
{
    const doc_chart *c = p->chart;
    double group = bw * (double)c->nseries;
    for (size_t k = 0; k < c->ncats; k++) {
        for (size_t s = 0; s < c->nseries; s++) {
            double v = c->values[s * c->ncats + k];
            if (isnan(v))
                continue;
            double bx = p->px + (double)k * p->slot + (p->slot - group) / 2 + (double)s * bw,
                   top = chart_y_of(p, v);
            cairo_rectangle(p->cr, bx, top, bw, p->py + p->ph - top);
            chart_fill_series(p, s);
            chart_value_label(p, v, size, turned, bx + bw / 2, top - 1.5);
        }
    }
}

void chart_stacked(plot *p, double bw, double size, bool turned)
{
    const doc_chart *c = p->chart;
    char buf[48];
    for (size_t k = 0; k < c->ncats; k++) {
        double bx = p->px + (double)k * p->slot + (p->slot - bw) / 2, base = 0;
        bool any = false;
        for (size_t s = 0; s < c->nseries; s++) {
            double v = c->values[s * c->ncats + k];
            if (isnan(v) || v <= 0)
                continue;
            double y0 = chart_y_of(p, base), y1 = chart_y_of(p, base + v);
            base += v;
            any = true;
            cairo_rectangle(p->cr, bx, y1, bw, y0 - y1);
            chart_fill_series(p, s);
            chart_number(buf, sizeof buf, v);
            PangoLayout *l = chart_text_new(p->ctx, buf, size, false);
            double tw, th;
            chart_text_size(l, &tw, &th);
            if (y0 - y1 >= th + 2 && tw + 4 <= bw) {
                double cx = bx + bw / 2, cy = (y0 + y1) / 2;
                cairo_rectangle(p->cr, cx - tw / 2 - 1.5, cy - th / 2, tw + 3, th);
                cairo_set_source_rgb(p->cr, 1, 1, 1);
                cairo_fill(p->cr);
                cairo_set_source_rgb(p->cr, 0, 0, 0);
                chart_show(p->cr, l, cx, cy, 0.5, 0.5);
            }
            g_object_unref(l);
        }
        if (any)
            chart_value_label(p, base, size, turned, bx + bw / 2, chart_y_of(p, base) - 1.5);
    }
}

void chart_lines(plot *p)
{
    const doc_chart *c = p->chart;
    cairo_t *cr = p->cr;
    for (size_t s = 0; s < c->nseries; s++) {
        const double *v = &c->values[s * c->ncats];
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 1.2);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        chart_dash_series(cr, s);
        cairo_new_path(cr);
        bool open = false;
        for (size_t k = 0; k < c->ncats; k++) {
            if (isnan(v[k])) {
                open = false;
                continue;
            }
            double x = p->px + ((double)k + 0.5) * p->slot, y = chart_y_of(p, v[k]);
            if (open)
                cairo_line_to(cr, x, y);
            else
                cairo_move_to(cr, x, y);
            open = true;
        }
        cairo_stroke(cr);
        for (size_t k = 0; k < c->ncats; k++)
            if (!isnan(v[k]))
                chart_marker(cr, s, p->px + ((double)k + 0.5) * p->slot, chart_y_of(p, v[k]));
    }
    cairo_set_dash(cr, NULL, 0, 0);
}
