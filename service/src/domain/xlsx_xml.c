/* xlsx_xml.c: the XML layer of the XLSX reader (see xlsx_internal.h): each part streamed from
 * its zip entry through a libxml2 reader of its own, with no entity substituted, no DTD loaded
 * and no network used; a DTD, an entity or nesting deeper than the limit is refused, and
 * libxml2's errors are noted here, never printed. The element kinds open at each depth are
 * remembered for the other files to ask. */
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <string.h>

#include "domain/xlsx_internal.h"

static const char NS_MAIN[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
static const char NS_MAIN_STRICT[] = "http://purl.oclc.org/ooxml/spreadsheetml/main";
static const char NS_PACKAGE[] = "http://schemas.openxmlformats.org/package/2006/relationships";

/* The local names of the SpreadsheetML elements this reader acts on, by kind. */
static const struct {
    const char *name;
    element_kind kind;
} spreadsheet_elements[] = {
    {"workbook", K_WORKBOOK},
    {"workbookPr", K_WORKBOOKPR},
    {"sheets", K_SHEETS},
    {"sheet", K_SHEET},
    {"sst", K_SST},
    {"si", K_SI},
    {"r", K_R},
    {"t", K_T},
    {"styleSheet", K_STYLESHEET},
    {"numFmts", K_NUMFMTS},
    {"numFmt", K_NUMFMT},
    {"cellXfs", K_CELLXFS},
    {"xf", K_XF},
    {"sheetData", K_SHEETDATA},
    {"row", K_ROW},
    {"c", K_C},
    {"v", K_V},
    {"is", K_IS},
};

/* The error given to a structured error handler (const from libxml2 2.12 on). */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_ptr;
#else
typedef xmlErrorPtr xml_error_ptr;
#endif

/* The reader's error handler: notes the first error (warnings are ignored), prints nothing. */
static void part_error(void *ctx, xml_error_ptr error)
{
    part *p = ctx;
    if (!error || error->level < XML_ERR_ERROR || p->error_seen)
        return;
    p->error_seen = true;
    p->error_line = error->line;
}

/* Opens the part `name` for reading after checking its sizes against the limits; *found is false
 * (and nothing is open) when the archive has no such part. */
xlsx_status xlsxr_part_open(book *b, part *p, const char *name, bool *found)
{
    xlsx_status st = xlsxr_entry_open(b, p, name, found);
    if (st != XLSX_OK || !*found)
        return st;
    /* No entity is substituted (no XML_PARSE_NOENT), no DTD loaded (no XML_PARSE_DTDLOAD), no
     * network used; a DTD or entity node is refused in xlsxr_part_next. */
    p->reader = xmlReaderForIO(xlsxr_entry_read, NULL, p, name, NULL, XML_PARSE_NONET);
    if (!p->reader)
        return p->stream_status != XLSX_OK ? p->stream_status : xlsxr_no_memory(b);
    xmlTextReaderSetStructuredErrorHandler(p->reader, part_error, p);
    return p->stream_status;
}

/* Frees what xlsxr_part_open opened. */
void xlsxr_part_close(part *p)
{
    if (p->reader)
        xmlFreeTextReader(p->reader);
    if (p->doc)
        xmlFreeDoc(p->doc);
    p->doc = NULL;
    p->reader = NULL;
    xlsxr_entry_close(p);
}

/* The kind of the element the reader is on, by its namespace and local name. */
static element_kind classify(xmlTextReaderPtr reader)
{
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(reader);
    const char *name = (const char *)xmlTextReaderConstLocalName(reader);
    if (!name)
        return K_OTHER;
    if (ns && strcmp(ns, NS_PACKAGE) == 0) {
        if (strcmp(name, "Relationships") == 0)
            return K_RELATIONSHIPS;
        return strcmp(name, "Relationship") == 0 ? K_RELATIONSHIP : K_OTHER;
    }
    if (ns && strcmp(ns, NS_MAIN) != 0 && strcmp(ns, NS_MAIN_STRICT) != 0)
        return K_OTHER;
    for (size_t i = 0; i < sizeof spreadsheet_elements / sizeof spreadsheet_elements[0]; i++) {
        if (strcmp(name, spreadsheet_elements[i].name) == 0)
            return spreadsheet_elements[i].kind;
    }
    return K_OTHER;
}

/* The kind of the open element at `depth`, K_OTHER out of range. */
element_kind xlsxr_kind_at(const part *p, int depth)
{
    return depth >= 0 && depth < STACK_DEPTH ? (element_kind)p->kinds[depth] : K_OTHER;
}

/* Whether the part declared a DTD, looked up after an XML error: libxml2 may stop at an entity
 * (a loop, an amplification) before the reader shows the DTD node. The document becomes the
 * part's to free (the reader keeps it from then on). */
static bool part_had_dtd(part *p)
{
    if (!p->doc)
        p->doc = xmlTextReaderCurrentDoc(p->reader);
    return p->doc && (p->doc->intSubset || p->doc->extSubset);
}

/* Moves to the next node; *more is false at the end of the part. Refuses DTDs, entities and
 * nesting deeper than the limit. */
xlsx_status xlsxr_part_next(part *p, bool *more)
{
    int r = xmlTextReaderRead(p->reader);
    if (p->stream_status != XLSX_OK)
        return p->stream_status;
    p->type = r == 1 ? xmlTextReaderNodeType(p->reader) : -1;
    switch (p->type) {
    case XML_READER_TYPE_DOCUMENT_TYPE:
    case XML_READER_TYPE_ENTITY:
    case XML_READER_TYPE_NOTATION:
        return xlsxr_fail(p->b, XLSX_FORBIDDEN_XML, "%s contains a DTD, which is not allowed",
                          p->name);
    case XML_READER_TYPE_ENTITY_REFERENCE:
    case XML_READER_TYPE_END_ENTITY:
        return xlsxr_fail(p->b, XLSX_FORBIDDEN_XML, "%s contains an entity, which is not allowed",
                          p->name);
    default:
        break;
    }
    if ((r < 0 || p->error_seen) && part_had_dtd(p))
        return xlsxr_fail(p->b, XLSX_FORBIDDEN_XML, "%s contains a DTD, which is not allowed",
                          p->name);
    if (r < 0 || p->error_seen)
        return p->error_line > 0
                   ? xlsxr_fail(p->b, XLSX_MALFORMED, "%s is not well-formed XML (line %d)",
                                p->name, p->error_line)
                   : xlsxr_fail(p->b, XLSX_MALFORMED, "%s is not well-formed XML", p->name);
    *more = r == 1;
    if (!*more)
        return XLSX_OK;
    p->depth = xmlTextReaderDepth(p->reader);
    if (p->type == XML_READER_TYPE_ELEMENT) {
        if (p->depth < 0 || p->depth >= p->b->limits->max_depth || p->depth >= STACK_DEPTH)
            return xlsxr_fail(p->b, XLSX_TOO_DEEP, "%s nests XML elements deeper than %d levels",
                              p->name, p->b->limits->max_depth);
        p->kind = classify(p->reader);
        p->kinds[p->depth] = (unsigned char)p->kind;
        p->empty = xmlTextReaderIsEmptyElement(p->reader) == 1;
    } else if (p->type == XML_READER_TYPE_END_ELEMENT) {
        p->kind = xlsxr_kind_at(p, p->depth);
    }
    return XLSX_OK;
}

/* Whether the node is text (character data, CDATA or white space). */
bool xlsxr_is_text(const part *p)
{
    return p->type == XML_READER_TYPE_TEXT || p->type == XML_READER_TYPE_CDATA ||
           p->type == XML_READER_TYPE_WHITESPACE ||
           p->type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* Whether the text node is in the text of a string item <si> or <is> (`item`): in its <t> or in
 * a rich-text run's <t>, never in a phonetic run (<rPh>). */
bool xlsxr_in_string_text(const part *p, element_kind item)
{
    int d = p->depth;
    if (xlsxr_kind_at(p, d - 1) != K_T)
        return false;
    return xlsxr_kind_at(p, d - 2) == item ||
           (xlsxr_kind_at(p, d - 2) == K_R && xlsxr_kind_at(p, d - 3) == item);
}

/* Appends the text node's value to `t`. */
xlsx_status xlsxr_append_text(part *p, text_buf *t)
{
    const char *v = (const char *)xmlTextReaderConstValue(p->reader);
    return !v || xlsxr_text_append(t, v, strlen(v)) ? XLSX_OK : xlsxr_no_memory(p->b);
}

/* The attribute `name` (no namespace) of the element the reader is on; xmlFree it. */
char *xlsxr_attr(const part *p, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(p->reader, (const xmlChar *)name);
}

/* libxml2's generic error handler while a workbook is read: its input layer (encoding errors)
 * reports there, not to the reader's handler, and would print to stderr. */
void xlsxr_ignore_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}
