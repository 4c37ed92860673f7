/* chart.c: bar, line and stacked charts legible in black and white (see chart.h). Series are told
 * apart by hatching (bars) or by dash and marker (lines); all text is set with Pango in the
 * render's font map. This file fits the parts of a chart into its box and draws them in order;
 * the parts are in chart_text.c, chart_marks.c and chart_plot.c (render/chart_internal.h). */
#include "render/chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart_internal.h"
#include "render/fonts.h"

void chart_draw(cairo_t *cr, PangoContext *ctx, double x, double y, double w, double h,
                const doc_chart *chart)
{
    if (!chart || !chart->ncats || !chart->nseries || !chart->values || !(chart->ymax > 0))
        return;
    plot p = {.cr = cr, .ctx = ctx, .chart = chart};
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_dash(cr, NULL, 0, 0);

    /* left: the turned y label, then the tick values */
    char buf[48];
    double ticks = 0, line_h = 0;
    for (int i = 0; i <= 5; i++) {
        chart_number(buf, sizeof buf, chart->ymax * i / 5.0);
        PangoLayout *l = chart_text_new(ctx, buf, LABEL_SIZE, false);
        double tw;
        chart_text_size(l, &tw, &line_h);
        ticks = tw > ticks ? tw : ticks;
        g_object_unref(l);
    }
    double label_band = chart->y_label && *chart->y_label ? line_h + 3 : 0;
    p.px = x + label_band + ticks + 6;
    p.pw = x + w - 8 - p.px;
    p.slot = p.pw / (double)chart->ncats;

    /* bottom: the legend, then the category labels */
    double legend_h = chart_legend(&p, x, 0, w, false);
    double turned_max, cats_h;
    cats_mode mode = chart_cats_layout(&p, h * 0.28, &turned_max, &cats_h);
    if (mode == CATS_TURNED) {
        /* the first label runs down to the left of its tick: move the plot right to keep it in
           the box (by a quarter of the width at most), then fit the labels again */
        double need = x + (turned_max + line_h / 2) * sqrt(0.5) - p.slot / 2, most = x + w / 4;
        if (need > p.px) {
            p.px = need < most ? need : most;
            p.pw = x + w - 8 - p.px;
            p.slot = p.pw / (double)chart->ncats;
            mode = chart_cats_layout(&p, h * 0.28, &turned_max, &cats_h);
        }
    }

    /* top: room for the value labels */
    double bw = 0, size = VALUE_SIZE, top = 6;
    bool turned = false;
    if (chart->kind != DOC_CHART_LINES) {
        bw = chart->kind == DOC_CHART_BARS
                 ? p.slot * (chart->nseries > 1 ? 0.75 : 0.6) / (double)chart->nseries
                 : p.slot * 0.55;
        double widest = chart_widest_value(&p);
        if (widest > bw + 1) {
            size = VALUE_SIZE * (bw + 1) / widest;
            if (size < VALUE_MIN) {
                size = VALUE_MIN;
                turned = true;
            }
        }
        top = turned ? widest * size / VALUE_SIZE + 4 : size * 1.15 + 4;
    }
    p.py = y + top;
    p.ph = y + h - legend_h - 4 - cats_h - p.py;
    if (p.ph < 10)
        p.ph = 10;

    chart_axes(&p, x, label_band);
    if (chart->kind == DOC_CHART_BARS)
        chart_bars(&p, bw, size, turned);
    else if (chart->kind == DOC_CHART_STACKED)
        chart_stacked(&p, bw, size, turned);
    else
        chart_lines(&p);
    if (!isnan(chart->target))
        chart_target_line(cr, p.px, p.px + p.pw, chart_y_of(&p, chart->target));
    cairo_set_source_rgb(cr, 0, 0, 0);
    chart_cats_draw(&p, mode, turned_max);
    chart_legend(&p, x, y + h - legend_h, w, true);

    for (size_t i = 0; i < NFILLS; i++)
        if (p.fills[i])
            cairo_pattern_destroy(p.fills[i]);
    cairo_restore(cr);
    pango_cairo_update_context(cr, ctx);
}

bool chart_png(PangoFontMap *map, const doc_chart *chart, double w, double h, double scale,
               render_bytes *out)
{
    double pw = w * scale, ph = h * scale;
    if (!(pw >= 1 && ph >= 1 && pw <= 16384 && ph <= 16384))
        return false;
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(pw), (int)lround(ph));
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return false;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale); /* draw in points, as on a PDF page */
    PangoContext *ctx = render_context_new(map, cr);
    chart_draw(cr, ctx, 0, 0, w, h, chart);
    g_object_unref(ctx);
    bool ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    size_t len = out->len;
    ok =
        ok && cairo_surface_write_to_png_stream(s, render_bytes_write, out) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    if (!ok && len == 0) { /* nothing half-written stays behind */
        free(out->data);
        memset(out, 0, sizeof *out);
    } else if (!ok) {
        out->len = len;
    }
    return ok;
}
