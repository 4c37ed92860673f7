/* docx_wml.c: the WordprocessingML building blocks of word/document.xml (see docx_internal.h):
 * runs of text, paragraphs, short rules, spacers, tables and cells. */
#include <string.h>

#include "render/docx_internal.h"

/* Appends the text of a w:t, escaped; a newline becomes a line break, a tab a tab stop, and a
 * carriage return is dropped (so "\r\n" is one break). */
static void run_text(xml_buf *x, const char *text)
{
    for (;;) {
        size_t n = strcspn(text, "\n\t\r");
        xml_text_n(x, text, n);
        if (!text[n])
            return;
        if (text[n] != '\r')
            xml_cat(x, text[n] == '\n' ? "</w:t><w:br/><w:t xml:space=\"preserve\">"
                                       : "</w:t><w:tab/><w:t xml:space=\"preserve\">");
        text += n + 1;
    }
}

void docx_run(xml_buf *x, const char *text, unsigned flags, int half_pts)
{
    if (!text || !*text)
        return;
    xml_cat(x, "<w:r>");
    if (flags || half_pts) {
        xml_cat(x, "<w:rPr>");
        if (flags & RUN_B)
            xml_cat(x, "<w:b/><w:bCs/>");
        if (flags & RUN_I)
            xml_cat(x, "<w:i/><w:iCs/>");
        if (half_pts)
            xml_printf(x, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", half_pts, half_pts);
        xml_cat(x, "</w:rPr>");
    }
    xml_cat(x, "<w:t xml:space=\"preserve\">");
    run_text(x, text);
    xml_cat(x, "</w:t></w:r>");
}

void docx_p_open(xml_buf *x, const char *style, const char *extra, const char *jc)
{
    xml_cat(x, "<w:p>");
    if (!style && !extra && !jc)
        return;
    xml_cat(x, "<w:pPr>");
    if (style)
        xml_printf(x, "<w:pStyle w:val=\"%s\"/>", style);
    if (extra)
        xml_cat(x, extra);
    if (jc)
        xml_printf(x, "<w:jc w:val=\"%s\"/>", jc);
    xml_cat(x, "</w:pPr>");
}

void docx_para(xml_buf *x, const char *style, const char *extra, const char *jc, const char *text,
               unsigned flags, int half_pts)
{
    docx_p_open(x, style, extra, jc);
    docx_run(x, text, flags, half_pts);
    xml_cat(x, "</w:p>");
}

void docx_rule(xml_buf *x, int box_tw, int len_tw, int after_tw)
{
    int side = len_tw < box_tw ? (box_tw - len_tw) / 2 : 0;
    xml_printf(x,
               "<w:p><w:pPr><w:pStyle w:val=\"Compact\"/><w:pBdr><w:bottom w:val=\"single\" "
               "w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr><w:spacing w:before=\"0\" "
               "w:after=\"%d\" w:line=\"40\" w:lineRule=\"exact\"/><w:ind w:left=\"%d\" "
               "w:right=\"%d\" w:firstLine=\"0\"/><w:rPr><w:sz w:val=\"2\"/><w:szCs "
               "w:val=\"2\"/></w:rPr></w:pPr></w:p>",
               after_tw, side, side);
}

void docx_spacer(xml_buf *x)
{
    xml_cat(x, "<w:p><w:pPr><w:pStyle w:val=\"Compact\"/><w:spacing w:before=\"0\" "
               "w:after=\"0\" w:line=\"120\" w:lineRule=\"exact\"/></w:pPr></w:p>");
}

void docx_tbl_open(xml_buf *x, const char *style, const int *cols, size_t ncols, bool borderless)
{
    int total = 0;
    for (size_t i = 0; i < ncols; i++)
        total += cols[i];
    xml_printf(x, "<w:tbl><w:tblPr><w:tblStyle w:val=\"%s\"/><w:tblW w:w=\"%d\" w:type=\"dxa\"/>",
               style, total);
    if (borderless)
        xml_cat(x, "<w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/>"
                   "<w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/>"
                   "<w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
                   "<w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/>"
                   "<w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar>");
    else
        xml_cat(x, "<w:tblLayout w:type=\"fixed\"/>");
    xml_cat(x, "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" "
               "w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>");
    for (size_t i = 0; i < ncols; i++)
        xml_printf(x, "<w:gridCol w:w=\"%d\"/>", cols[i]);
    xml_cat(x, "</w:tblGrid>");
}

void docx_tc_open(xml_buf *x, int w_tw, const char *valign, const char *fill)
{
    xml_printf(x, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", w_tw);
    if (fill)
        xml_printf(x, "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"%s\"/>", fill);
    if (valign)
        xml_printf(x, "<w:vAlign w:val=\"%s\"/>", valign);
    xml_cat(x, "</w:tcPr>");
}
