/* digest.c: the daily digest e-mail (see digest.h). */
#include "notify/digest.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"

/* The plain text and the HTML, written side by side. */
struct doc {
    FILE *text, *html;
    char *text_buf, *html_buf;
    size_t text_len, html_len;
};

/* `s` into the HTML with &, <, >, " escaped. */
static void escaped(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
}

/* YYYY-MM-DD as DD/MM/YYYY, the way Vietnamese texts write dates. */
static void vn_date(const char *iso, char out[11])
{
    if (iso && strlen(iso) == 10)
        snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        snprintf(out, 11, "%s", iso ? iso : "");
}

static void heading(struct doc *d, const char *title)
{
    fprintf(d->text, "\n%s\n", title);
    fputs("<h3>", d->html);
    escaped(d->html, title);
    fputs("</h3>\n", d->html);
}

/* One line of a list: `text` (plain) in both. */
static void item(struct doc *d, const char *line)
{
    fprintf(d->text, "- %s\n", line);
    fputs("<li>", d->html);
    escaped(d->html, line);
    fputs("</li>\n", d->html);
}

static void nothing(struct doc *d, const char *line)
{
    fprintf(d->text, "%s\n", line);
    fputs("<p>", d->html);
    escaped(d->html, line);
    fputs("</p>\n", d->html);
}

/* The occurrences of `list` (a JSON array of {task, title, occurrence, due}). */
static void occurrences(struct doc *d, const char *title, const json_t *list, const char *none)
{
    heading(d, title);
    if (json_array_size(list) == 0) {
        nothing(d, none);
        return;
    }
    fputs("<ul>\n", d->html);
    size_t i;
    const json_t *o;
    json_array_foreach(list, i, o)
    {
        char due[11], line[1400];
        vn_date(json_member_string(o, "due"), due);
        const char *period = json_member_string(o, "occurrence");
        snprintf(line, sizeof line, "%s%s%s — hạn %s (nhiệm vụ %lld)",
                 json_member_string(o, "title"), period ? ", kỳ " : "", period ? period : "", due,
                 (long long)json_integer_value(json_object_get(o, "task")));
        item(d, line);
    }
    fputs("</ul>\n", d->html);
}

static void reviews(struct doc *d, const json_t *review)
{
    json_int_t count = json_integer_value(json_object_get(review, "count"));
    char title[128];
    snprintf(title, sizeof title, "Số liệu chờ duyệt (%lld)", (long long)count);
    heading(d, title);
    const json_t *items = json_object_get(review, "items");
    if (count == 0) {
        nothing(d, "Không có số liệu nào chờ duyệt.");
        return;
    }
    fputs("<ul>\n", d->html);
    size_t i;
    const json_t *m;
    json_array_foreach(items, i, m)
    {
        char line[1400];
        snprintf(line, sizeof line, "%s — %s, kỳ %s (số liệu %lld)",
                 json_member_string(m, "indicator_name"), json_member_string(m, "unit_name"),
                 json_member_string(m, "period"),
                 (long long)json_integer_value(json_object_get(m, "id")));
        item(d, line);
    }
    fputs("</ul>\n", d->html);
    if ((size_t)count > json_array_size(items)) {
        char more[96];
        snprintf(more, sizeof more, "Và %lld số liệu khác.",
                 (long long)(count - (json_int_t)json_array_size(items)));
        nothing(d, more);
    }
}

bool digest_write(const json_t *r, const char *day, digest_mail *out)
{
    struct doc d = {0};
    char date[11];
    vn_date(day, date);
    const json_t *due_soon = json_object_get(r, "due_soon"),
                 *overdue = json_object_get(r, "overdue");
    const json_t *review = json_object_get(r, "review");
    const char *name = json_member_string(r, "display_name");
    if (!name || !*name)
        name = json_member_string(r, "username");
    const char *agency = json_member_string(r, "agency_name");

    char subject[400];
    int used = snprintf(subject, sizeof subject, "[planmon] Bản tin ngày %s", date);
    const char *sep = ": ";
    if (json_is_array(due_soon)) {
        used += snprintf(subject + used, sizeof subject - (size_t)used, "%s%zu việc sắp đến hạn",
                         sep, json_array_size(due_soon));
        sep = ", ";
    }
    if (json_is_array(overdue) && used < (int)sizeof subject) {
        used += snprintf(subject + used, sizeof subject - (size_t)used, "%s%zu việc quá hạn", sep,
                         json_array_size(overdue));
        sep = ", ";
    }
    if (json_is_object(review) && used < (int)sizeof subject)
        snprintf(subject + used, sizeof subject - (size_t)used, "%s%lld số liệu chờ duyệt", sep,
                 (long long)json_integer_value(json_object_get(review, "count")));

    d.text = open_memstream(&d.text_buf, &d.text_len);
    d.html = open_memstream(&d.html_buf, &d.html_len);
    if (!d.text || !d.html) {
        if (d.text)
            fclose(d.text);
        if (d.html)
            fclose(d.html);
        free(d.text_buf);
        free(d.html_buf);
        return false;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>", d.html);
    escaped(d.html, subject);
    fputs("</title></head><body>\n", d.html);
    char line[600];
    snprintf(line, sizeof line, "Kính gửi %s (%s),", name, agency ? agency : "");
    nothing(&d, line);
    snprintf(line, sizeof line, "Đây là bản tin hằng ngày của hệ thống planmon, ngày %s.", date);
    nothing(&d, line);
    if (json_is_array(due_soon))
        occurrences(&d, "Việc sắp đến hạn trong 7 ngày tới", due_soon,
                    "Không có việc nào sắp đến hạn.");
    if (json_is_array(overdue))
        occurrences(&d, "Việc quá hạn", overdue, "Không có việc nào quá hạn.");
    if (json_is_object(review))
        reviews(&d, review);
    fputs("\n", d.text);
    nothing(&d, "Thư này do planmon gửi tự động. Chọn các mục muốn nhận (mail_digest) hoặc "
                "thôi nhận thư tại PATCH /v1/me.");
    fputs("</body></html>\n", d.html);
    fclose(d.text);
    fclose(d.html);
    out->subject = strdup(subject);
    out->text = d.text_buf;
    out->html = d.html_buf;
    if (!out->subject) {
        digest_free(out);
        return false;
    }
    return true;
}

void digest_free(digest_mail *mail)
{
    free(mail->subject);
    free(mail->text);
    free(mail->html);
    *mail = (digest_mail){0};
}
