/* docx_body.c: word/document.xml (see docx_internal.h): the administrative frame, the blocks
 * (headings, paragraphs, tables, charts as PNGs from chart_png), the closing block and the
 * section properties. */
#include <stdlib.h>

#include "render/chart.h"
#include "render/docx_internal.h"
#include "render/docx_parts.h"

/* The administrative frame (Decree 30/2020, Appendix I): the borderless two-column table (issuing
 * body | national title and motto; number | place and date), then the type, the summary and its
 * rule. */
static void write_frame(docx_state *st, const doc_frame *f)
{
    xml_buf *x = st->x;
    const int cols[2] = {st->left_tw, st->right_tw};
    docx_tbl_open(x, "TableNormal", cols, 2, true);
    xml_cat(x, "<w:tr>");
    docx_tc_open(x, cols[0], "top", NULL);
    if (f->body_parent)
        docx_para(x, "Compact", NULL, NULL, f->body_parent, f->body_parent_bold ? RUN_B : 0, 24);
    if (f->body_name) {
        docx_para(x, "Compact", NULL, NULL, f->body_name, RUN_B, 24);
        double w = docx_text_width(st->measure, f->body_name, 12, true, cols[0] / 20.0);
        docx_rule(x, cols[0], TW(w * 0.4), 0);
    } else if (!f->body_parent) {
        xml_cat(x, "<w:p/>"); /* a cell holds at least one paragraph */
    }
    xml_cat(x, "</w:tc>");
    docx_tc_open(x, cols[1], "top", NULL);
    if (f->national)
        docx_para(x, "Compact", NULL, NULL, f->national, RUN_B, 24);
    if (f->motto) {
        docx_para(x, "Compact", NULL, NULL, f->motto, RUN_B, 26);
        docx_rule(x, cols[1], TW(docx_text_width(st->measure, f->motto, 13, true, cols[1] / 20.0)),
                  0);
    } else if (!f->national) {
        xml_cat(x, "<w:p/>");
    }
    xml_cat(x, "</w:tc></w:tr>");
    /* the number and the place and date on one line (a row of their own) */
    if (f->number || f->place_date) {
        const char *before = "<w:spacing w:before=\"120\"/>";
        xml_cat(x, "<w:tr>");
        docx_tc_open(x, cols[0], "top", NULL);
        docx_para(x, "Compact", before, NULL, f->number, 0, 26);
        xml_cat(x, "</w:tc>");
        docx_tc_open(x, cols[1], "top", NULL);
        docx_para(x, "Compact", before, NULL, f->place_date, RUN_I, 26);
        xml_cat(x, "</w:tc></w:tr>");
    }
    xml_cat(x, "</w:tbl>");

    if (f->doc_type)
        docx_para(x, "Compact", "<w:keepNext/><w:spacing w:before=\"360\" w:after=\"0\"/>", NULL,
                  f->doc_type, RUN_B, 28);
    if (f->summary) {
        docx_para(x, "Compact",
                  "<w:keepNext/><w:ind w:left=\"567\" w:right=\"567\" w:firstLine=\"0\"/>", NULL,
                  f->summary, RUN_B, 28);
        double w = docx_text_width(st->measure, f->summary, 14, true, (TEXT_W - 2 * 567) / 20.0);
        docx_rule(x, TEXT_W, TW(w * 0.4), 240);
    } else {
        docx_spacer(x);
    }
}

/* A paragraph block with its DOC_* flags. */
static void write_paragraph(xml_buf *x, const doc_block *b)
{
    const char *extra =
        (b->flags & (DOC_CENTER | DOC_NO_INDENT)) ? "<w:ind w:firstLine=\"0\"/>" : NULL;
    unsigned flags = ((b->flags & DOC_BOLD) ? RUN_B : 0) | ((b->flags & DOC_ITALIC) ? RUN_I : 0);
    docx_para(x, NULL, extra, (b->flags & DOC_CENTER) ? "center" : NULL, b->text, flags, 0);
}

/* A data table: its caption, then a Table Grid with a shaded header row repeated on each page
 * and one paragraph per cell at 12 pt. */
static void write_table(docx_state *st, const doc_table *t)
{
    xml_buf *x = st->x;
    if (t->caption)
        docx_para(x, "Caption", "<w:keepNext/>", NULL, t->caption, 0, 0);
    int *cols = calloc(t->ncols, sizeof *cols);
    if (!cols) {
        xml_fail(x);
        return;
    }
    int used = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        cols[c] = c + 1 < t->ncols ? (int)lround(t->widths[c] * TEXT_W) : TEXT_W - used;
        if (cols[c] < 100)
            cols[c] = 100;
        used += cols[c];
    }
    docx_tbl_open(x, "TableGrid", cols, t->ncols, false);
    xml_cat(x, "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    for (size_t c = 0; c < t->ncols; c++) {
        docx_tc_open(x, cols[c], "center", "D9D9D9");
        docx_para(x, "Compact", NULL, "center", t->headers[c], RUN_B, 24);
        xml_cat(x, "</w:tc>");
    }
    xml_cat(x, "</w:tr>");
    static const char *const jc[] = {
        [DOC_LEFT] = "left", [DOC_RIGHT] = "right", [DOC_MIDDLE] = "center"};
    for (size_t r = 0; r < t->nrows; r++) {
        xml_cat(x, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t c = 0; c < t->ncols; c++) {
            doc_align a = t->aligns[c] <= DOC_MIDDLE ? t->aligns[c] : DOC_LEFT;
            docx_tc_open(x, cols[c], "center", NULL);
            docx_para(x, "Compact", NULL, jc[a], t->cells[r * t->ncols + c], 0, 24);
            xml_cat(x, "</w:tc>");
        }
        xml_cat(x, "</w:tr>");
    }
    xml_cat(x, "</w:tbl>");
    docx_spacer(x);
    free(cols);
}

/* A chart: its PNG (kept in st->pngs for the package) inline in a centred paragraph, then its
 * title as the caption. */
static void write_chart(docx_state *st, const doc_chart *ch)
{
    xml_buf *x = st->x;
    render_bytes *png = &st->pngs[st->npngs];
    if (!chart_png(st->map, ch, CHART_W, CHART_H, CHART_SCALE, png)) {
        st->failed = true;
        return;
    }
    size_t n = ++st->npngs; /* image<n>.png, relationship rIdImg<n>, drawing id n */
    long cx = EMU(CHART_W), cy = EMU(CHART_H);
    xml_printf(
        x,
        "<w:p><w:pPr><w:pStyle w:val=\"Compact\"/><w:keepNext/>"
        "<w:spacing w:before=\"120\" w:after=\"0\"/></w:pPr><w:r><w:drawing>"
        "<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
        "<wp:extent cx=\"%ld\" cy=\"%ld\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>"
        "<wp:docPr id=\"%zu\" name=\"Chart %zu\"/><wp:cNvGraphicFramePr>"
        "<a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic>"
        "<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
        "<pic:pic><pic:nvPicPr><pic:cNvPr id=\"%zu\" name=\"image%zu.png\"/><pic:cNvPicPr/>"
        "</pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdImg%zu\"/><a:stretch>"
        "<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
        "<a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/>"
        "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>"
        "</w:drawing></w:r></w:p>",
        cx, cy, n, n, n, n, n, cx, cy);
    docx_para(x, "Caption", NULL, NULL, ch->title, 0, 0);
}

/* The closing block: "Nơi nhận:" and the recipients on the left, the signer on the right, in a
 * borderless table whose row does not split across pages. */
static void write_closing(docx_state *st, const doc_frame *f)
{
    xml_buf *x = st->x;
    if (!f->nrecipients && !f->nsigner_lines && !f->signer_name)
        return;
    const int cols[2] = {st->left_tw, st->right_tw};
    const char *before = "<w:keepNext/><w:spacing w:before=\"240\"/>";
    docx_tbl_open(x, "TableNormal", cols, 2, true);
    xml_cat(x, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
    docx_tc_open(x, cols[0], "top", NULL);
    if (f->nrecipients) {
        docx_para(x, "Compact", before, "left", "Nơi nhận:", RUN_B | RUN_I, 24);
        for (size_t i = 0; i < f->nrecipients; i++)
            docx_para(x, "Compact", NULL, "left", f->recipients[i], 0, 22);
    } else {
        xml_cat(x, "<w:p/>");
    }
    xml_cat(x, "</w:tc>");
    docx_tc_open(x, cols[1], "top", NULL);
    for (size_t i = 0; i < f->nsigner_lines; i++)
        docx_para(x, "Compact", i ? NULL : before, NULL, f->signer_lines[i], RUN_B, 28);
    for (int i = 0; i < 4; i++) /* room for the signature and the seal */
        xml_cat(x, "<w:p><w:pPr><w:pStyle w:val=\"Compact\"/></w:pPr></w:p>");
    if (f->signer_name)
        docx_para(x, "Compact", NULL, NULL, f->signer_name, RUN_B, 28);
    xml_cat(x, "</w:tc></w:tr></w:tbl>");
    docx_spacer(x);
}

void docx_write_document(docx_state *st, const document *doc)
{
    xml_buf *x = st->x;
    xml_cat(x, XML_DECL "<w:document " W_NS
                        " xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/"
                        "wordprocessingDrawing\" "
                        "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
                        "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
                        "<w:body>");
    write_frame(st, &doc->frame);
    for (size_t i = 0; i < doc->nblocks && !st->failed; i++) {
        const doc_block *b = &doc->blocks[i];
        switch (b->kind) {
        case DOC_HEADING: {
            char style[] = "Heading1";
            style[7] = (char)('0' + (b->level >= 1 && b->level <= 3 ? b->level : 1));
            docx_para(x, style, NULL, NULL, b->text, 0, 0);
            break;
        }
        case DOC_PARAGRAPH:
            write_paragraph(x, b);
            break;
        case DOC_TABLE:
            if (b->table)
                write_table(st, b->table);
            break;
        case DOC_CHART:
            if (b->chart)
                write_chart(st, b->chart);
            break;
        }
    }
    write_closing(st, &doc->frame);
    xml_printf(x,
               "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHdr1\"/>"
               "<w:headerReference w:type=\"first\" r:id=\"rIdHdr2\"/>"
               "<w:pgSz w:w=\"%d\" w:h=\"%d\"/><w:pgMar w:top=\"%d\" w:right=\"%d\" "
               "w:bottom=\"%d\" w:left=\"%d\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>"
               "<w:cols w:space=\"720\"/><w:titlePg/></w:sectPr></w:body></w:document>",
               PAGE_W, PAGE_H, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT);
}
