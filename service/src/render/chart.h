/* chart.h: the charts of a document (domain/document.h's doc_chart), drawn with cairo and Pango
 * so the same drawing goes into the PDF (as vectors) and into the DOCX (as a PNG). Legible in
 * black-and-white print: series are told apart by hatching patterns and line dashes, not by
 * colour alone; labels are Vietnamese, from the chart.
 *
 * Ownership: the functions borrow everything they are given. */
#ifndef PLANMON_RENDER_CHART_H
#define PLANMON_RENDER_CHART_H

#include <pango/pangocairo.h>
#include <stdbool.h>

#include "domain/document.h"
#include "render/bytes.h"

/* Draws `chart` into the rectangle (x, y, w, h) of `cr`, in points; `ctx` is a context of the
 * render's font map for `cr` (render_context_new). Draws no caption (the renderers set the
 * chart's title under it as a caption). */
void chart_draw(cairo_t *cr, PangoContext *ctx, double x, double y, double w, double h,
                const doc_chart *chart);

/* The chart as a PNG of w × h points at `scale` pixels per point, appended to `out`; false when
 * out of memory or cairo failed. */
bool chart_png(PangoFontMap *map, const doc_chart *chart, double w, double h, double scale,
               render_bytes *out);

#endif
