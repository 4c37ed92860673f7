/* docx.c: a document as WordprocessingML (see docx.h). Every part is built as XML text in a
 * growable buffer (render/xml.h) and packed in memory with libzip; charts are PNGs from
 * chart_png. The output is reproducible: the core properties' dates and the ZIP entries' times
 * come from the frame's creation date, never from the clock.
 *
 * Ownership: render_docx owns every buffer it makes (the XML parts, the chart PNGs, the libzip
 * archive) and frees them all on every path; only the finished bytes go to the caller.
 *
 * This file measures text and assembles the package; the parts are written by docx_body.c
 * (word/document.xml, render/docx_internal.h) and docx_parts.c (the rest, render/docx_parts.h),
 * and packed by docx_zip.c (render/docx_zip.h). */
#include "render/docx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/docx_internal.h"
#include "render/docx_parts.h"
#include "render/docx_zip.h"
#include "render/fonts.h"

double docx_text_width(PangoContext *ctx, const char *text, double size, bool bold, double wrap_pt)
{
    if (!text || !*text)
        return 0;
    PangoLayout *l = pango_layout_new(ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, RENDER_FONT_FAMILY);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(wrap_pt * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD);
    pango_layout_set_text(l, text, -1);
    int widest = 0;
    for (int i = 0, n = pango_layout_get_line_count(l); i < n; i++) {
        PangoRectangle logical;
        pango_layout_line_get_extents(pango_layout_get_line_readonly(l, i), NULL, &logical);
        if (logical.width > widest)
            widest = logical.width;
    }
    g_object_unref(l);
    return widest / (double)PANGO_SCALE;
}

/* A context for measuring text with `map`, drawn on a 1×1 image surface; NULL on a cairo error.
 * The caller owns it (g_object_unref). */
static PangoContext *measuring_context(PangoFontMap *map)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(s);
    PangoContext *ctx =
        cairo_status(cr) == CAIRO_STATUS_SUCCESS ? render_context_new(map, cr) : NULL;
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return ctx;
}

bool render_docx(const document *doc, PangoFontMap *map, render_bytes *out)
{
    free(out->data);
    memset(out, 0, sizeof *out);
    if (!doc || doc->failed || !map)
        return false;

    size_t ncharts = 0;
    for (size_t i = 0; i < doc->nblocks; i++)
        ncharts += doc->blocks[i].kind == DOC_CHART && doc->blocks[i].chart;
    xml_buf body = {0}, rels = {0}, core = {0};
    docx_state st = {.x = &body, .map = map, .measure = measuring_context(map)};
    st.pngs = calloc(ncharts ? ncharts : 1, sizeof *st.pngs);
    bool ok = st.measure && st.pngs;
    if (ok) {
        /* the right column holds the national title at 12 pt bold, plus some slack */
        double national = docx_text_width(st.measure, doc->frame.national, 12, true, TEXT_W / 20.0);
        st.right_tw = TW(national) + 120;
        if (st.right_tw < TEXT_W / 2)
            st.right_tw = TEXT_W / 2;
        if (st.right_tw > TEXT_W * 3 / 5)
            st.right_tw = TEXT_W * 3 / 5;
        st.left_tw = TEXT_W - st.right_tw;
        docx_write_document(&st, doc);
        docx_write_rels(&rels, st.npngs);
        docx_write_core(&core, &doc->frame);
        ok = !st.failed && !body.failed && !rels.failed && !core.failed;
    }
    if (ok) {
        /* at most 9 fixed parts and one per chart; the names of the images live in `names` */
        size_t nmax = 9 + st.npngs;
        docx_part *parts = calloc(nmax, sizeof *parts);
        char(*names)[48] = calloc(st.npngs ? st.npngs : 1, sizeof *names);
        ok = parts && names;
        if (ok) {
            size_t nparts = 0;
            parts[nparts++] = (docx_part){"[Content_Types].xml", docx_content_types,
                                          strlen(docx_content_types), false};
            parts[nparts++] =
                (docx_part){"_rels/.rels", docx_root_rels, strlen(docx_root_rels), false};
            parts[nparts++] = (docx_part){"docProps/core.xml", core.data, core.len, false};
            parts[nparts++] = (docx_part){"word/document.xml", body.data, body.len, false};
            parts[nparts++] =
                (docx_part){"word/styles.xml", docx_styles, strlen(docx_styles), false};
            parts[nparts++] =
                (docx_part){"word/settings.xml", docx_settings, strlen(docx_settings), false};
            parts[nparts++] =
                (docx_part){"word/header1.xml", docx_header1, strlen(docx_header1), false};
            parts[nparts++] =
                (docx_part){"word/header2.xml", docx_header2, strlen(docx_header2), false};
            parts[nparts++] =
                (docx_part){"word/_rels/document.xml.rels", rels.data, rels.len, false};
            for (size_t i = 0; i < st.npngs; i++) {
                snprintf(names[i], sizeof names[i], "word/media/image%zu.png", i + 1);
                parts[nparts++] = (docx_part){names[i], st.pngs[i].data, st.pngs[i].len, true};
            }
            ok = docx_pack(parts, nparts, docx_entry_time(doc->frame.created), out);
        }
        free(names);
        free(parts);
    }

    for (size_t i = 0; st.pngs && i < st.npngs; i++)
        free(st.pngs[i].data);
    /* a chart that failed half-way may have left bytes in the next slot */
    if (st.pngs && st.npngs < ncharts)
        free(st.pngs[st.npngs].data);
    free(st.pngs);
    if (st.measure)
        g_object_unref(st.measure);
    xml_buf_free(&body);
    xml_buf_free(&rels);
    xml_buf_free(&core);
    return ok;
}
