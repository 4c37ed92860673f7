/* docx_parts.h: private to the DOCX renderer (render/docx*.c). The parts of the package that
 * do not depend on the document's body (docx_parts.c): the fixed XML parts ([Content_Types].xml,
 * _rels/.rels, word/styles.xml, word/settings.xml, the two headers), the body's relationships and
 * the core properties; and the XML names every part uses.
 *
 * Ownership: the fixed parts are static, NUL-terminated and never freed; docx_write_rels and
 * docx_write_core append to a buffer the caller owns (xml_buf_free); docx_valid_date borrows
 * its string. */
#ifndef PLANMON_RENDER_DOCX_PARTS_H
#define PLANMON_RENDER_DOCX_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/document.h"
#include "render/xml.h"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define W_NS "xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\""
#define REL_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

/* The fixed parts, as stored in the package (their length is strlen). */
extern const char docx_content_types[]; /* [Content_Types].xml */
extern const char docx_root_rels[];     /* _rels/.rels */
extern const char docx_settings[];      /* word/settings.xml */
extern const char docx_styles[];        /* word/styles.xml */
extern const char docx_header1[];       /* word/header1.xml: the page number */
extern const char docx_header2[];       /* word/header2.xml: the empty first-page header */

/* word/_rels/document.xml.rels: styles, settings, the two headers and `nimages` images. */
void docx_write_rels(xml_buf *x, size_t nimages);

/* True when `s` is a "YYYY-MM-DD" date (digits and dashes; the year 1980 or later). */
bool docx_valid_date(const char *s, int *y, int *m, int *d);

/* docProps/core.xml: the title and, when the frame's date is valid, the creation date. */
void docx_write_core(xml_buf *x, const doc_frame *f);

#endif
