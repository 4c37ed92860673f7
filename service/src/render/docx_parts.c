/* docx_parts.c: the parts of a DOCX package that do not depend on the document's body (see
 * docx_parts.h): content types, the package relationships, Word styles and settings, the page
 * number header, the body's relationships and the core properties. */
#include "render/docx_parts.h"

#include <string.h>

#include "domain/clock.h"
#include "render/fonts.h"

#define CT_WORD "application/vnd.openxmlformats-officedocument.wordprocessingml."

const char docx_content_types[] = XML_DECL
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Default Extension=\"png\" ContentType=\"image/png\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"" CT_WORD "document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"" CT_WORD "styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" ContentType=\"" CT_WORD "settings+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" ContentType=\"" CT_WORD "header+xml\"/>"
    "<Override PartName=\"/word/header2.xml\" ContentType=\"" CT_WORD "header+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>";

const char docx_root_rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties\" Target=\"docProps/core.xml\"/>"
    "</Relationships>";

const char docx_settings[] =
    XML_DECL "<w:settings " W_NS "><w:defaultTabStop w:val=\"720\"/>"
             "<w:characterSpacingControl w:val=\"doNotCompress\"/>"
             "<w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name=\"compatibilityMode\" "
             "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
             "</w:settings>";

#define RFONTS                                                               \
    "<w:rFonts w:ascii=\"" RENDER_DOCX_FONT "\" w:hAnsi=\"" RENDER_DOCX_FONT \
    "\" w:eastAsia=\"" RENDER_DOCX_FONT "\" w:cs=\"" RENDER_DOCX_FONT "\"/>"
#define BORDER " w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"

/* Word's built-in names are lower case ("heading 1", "caption"); python-docx reports them as
 * "Heading 1", "Caption". Sizes are in half-points (28 = 14 pt). */
const char docx_styles[] = XML_DECL
    "<w:styles " W_NS "><w:docDefaults><w:rPrDefault><w:rPr>" RFONTS
    "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>"
    "<w:lang w:val=\"vi-VN\" w:eastAsia=\"en-US\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
    "<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>"
    "</w:pPrDefault></w:docDefaults>"
    /* body text: justified, first line 1 cm, 6 pt between paragraphs */
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    "<w:qFormat/><w:pPr><w:spacing w:before=\"0\" w:after=\"120\" w:line=\"240\" "
    "w:lineRule=\"auto\"/><w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>"
    "<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"120\" w:after=\"120\"/>"
    "<w:outlineLvl w:val=\"0\"/></w:pPr>"
    "<w:rPr><w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/>"
    "<w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
    "<w:spacing w:before=\"60\" w:after=\"120\"/><w:outlineLvl w:val=\"1\"/></w:pPr>"
    "<w:rPr><w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>"
    /* the decree sets "a) …" upright and regular */
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/>"
    "<w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
    "<w:outlineLvl w:val=\"2\"/></w:pPr>"
    "<w:rPr><w:b w:val=\"0\"/><w:bCs w:val=\"0\"/><w:i w:val=\"0\"/><w:iCs w:val=\"0\"/></w:rPr>"
    "</w:style>"
    /* the frame, the closing block and table cells: no indent, no spacing, centred */
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Compact\">"
    "<w:name w:val=\"Compact\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>"
    "<w:spacing w:before=\"0\" w:after=\"0\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>"
    "</w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Caption\"><w:name w:val=\"caption\"/>"
    "<w:basedOn w:val=\"Compact\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"35\"/>"
    "<w:unhideWhenUsed/><w:qFormat/><w:pPr><w:spacing w:before=\"60\" w:after=\"120\"/></w:pPr>"
    "<w:rPr><w:i/><w:iCs/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/>"
    "<w:basedOn w:val=\"Compact\"/><w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/></w:style>"
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
    "<w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/>"
    "<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar>"
    "<w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>"
    "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar>"
    "</w:tblPr></w:style>"
    "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/>"
    "<w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"39\"/>"
    "<w:pPr><w:spacing w:after=\"0\"/><w:ind w:firstLine=\"0\"/></w:pPr>"
    "<w:rPr><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr><w:tblPr><w:tblBorders>"
    "<w:top" BORDER "<w:left" BORDER "<w:bottom" BORDER "<w:right" BORDER "<w:insideH" BORDER
    "<w:insideV" BORDER "</w:tblBorders></w:tblPr></w:style></w:styles>";

/* The page number: a PAGE field, 13 pt, centred in the top margin (header1, every page but the
 * first); header2 is the empty first-page header (w:titlePg). */
const char docx_header1[] =
    XML_DECL "<w:hdr " W_NS "><w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"center\"/>"
             "<w:rPr><w:sz w:val=\"26\"/></w:rPr></w:pPr>"
             "<w:r><w:rPr><w:sz w:val=\"26\"/></w:rPr><w:fldChar w:fldCharType=\"begin\"/></w:r>"
             "<w:r><w:rPr><w:sz w:val=\"26\"/></w:rPr>"
             "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
             "<w:r><w:rPr><w:sz w:val=\"26\"/></w:rPr><w:fldChar w:fldCharType=\"separate\"/></w:r>"
             "<w:r><w:rPr><w:noProof/><w:sz w:val=\"26\"/></w:rPr><w:t>2</w:t></w:r>"
             "<w:r><w:rPr><w:sz w:val=\"26\"/></w:rPr><w:fldChar w:fldCharType=\"end\"/></w:r>"
             "</w:p></w:hdr>";
const char docx_header2[] =
    XML_DECL "<w:hdr " W_NS "><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr></w:p></w:hdr>";

void docx_write_rels(xml_buf *x, size_t nimages)
{
    xml_cat(x, XML_DECL
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            "<Relationship Id=\"rIdStyles\" Type=\"" REL_TYPE "styles\" Target=\"styles.xml\"/>"
            "<Relationship Id=\"rIdSettings\" Type=\"" REL_TYPE "settings\" "
            "Target=\"settings.xml\"/>"
            "<Relationship Id=\"rIdHdr1\" Type=\"" REL_TYPE "header\" Target=\"header1.xml\"/>"
            "<Relationship Id=\"rIdHdr2\" Type=\"" REL_TYPE "header\" Target=\"header2.xml\"/>");
    for (size_t i = 1; i <= nimages; i++)
        xml_printf(x,
                   "<Relationship Id=\"rIdImg%zu\" Type=\"" REL_TYPE "image\" "
                   "Target=\"media/image%zu.png\"/>",
                   i, i);
    xml_cat(x, "</Relationships>");
}

bool docx_valid_date(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    civil_date day;
    if (!clock_parse_date(s, &day))
        return false;
    *y = day.year;
    *m = day.month;
    *d = day.day;
    return *y >= 1980;
}

void docx_write_core(xml_buf *x, const doc_frame *f)
{
    int y, m, d;
    xml_cat(x, XML_DECL "<cp:coreProperties "
                        "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
                        "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                        "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
    xml_text(x, f->file_title ? f->file_title : "");
    xml_cat(x, "</dc:title><dc:language>vi-VN</dc:language>");
    if (docx_valid_date(f->created, &y, &m, &d))
        xml_printf(x,
                   "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%sT00:00:00Z</dcterms:created>"
                   "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%sT00:00:00Z</dcterms:modified>",
                   f->created, f->created);
    xml_cat(x, "</cp:coreProperties>");
}
