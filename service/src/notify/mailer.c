/* mailer.c: e-mail over SMTP with libcurl (see mailer.h). */
#include "notify/mailer.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

enum { HEADER_MAX = 1024, CREDENTIAL_MAX = 512 };

bool mailer_configured(const pm_config *cfg)
{
    return cfg->smtp_url && *cfg->smtp_url;
}

/* The subject as RFC 2047 encoded words (UTF-8, base64), each of at most 45 bytes of text cut
 * between characters, folded onto continuation lines: "Subject: =?UTF-8?B?...?=\r\n =?...". */
static void subject_header(const char *subject, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "Subject:");
    const unsigned char *s = (const unsigned char *)subject;
    size_t left = strlen(subject);
    while (left > 0 && used + 80 < size) {
        size_t n = left < 45 ? left : 45;
        while (n < left && n > 0 && (s[n] & 0xC0) == 0x80) /* not inside a character */
            n--;
        char word[64];
        EVP_EncodeBlock((unsigned char *)word, s, (int)n);
        used += (size_t)snprintf(out + used, size - used,
                                 "%s=?UTF-8?B?%s?=", used > 8 ? "\r\n " : " ", word);
        s += n;
        left -= n;
    }
}

/* Reads "user:password" from the first line of SMTP_CREDENTIALS_FILE into `user` and `pass`. */
static bool read_credentials(const char *path, char *user, char *pass, char *error, size_t size)
{
    char line[CREDENTIAL_MAX] = "";
    FILE *f = fopen(path, "r");
    bool ok = f && fgets(line, sizeof line, f);
    if (f)
        fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    char *colon = strchr(line, ':');
    if (!ok || !colon || colon == line) {
        snprintf(error, size, "SMTP_CREDENTIALS_FILE %.200s does not hold a line user:password",
                 path);
        return false;
    }
    *colon = '\0';
    snprintf(user, CREDENTIAL_MAX, "%s", line);
    snprintf(pass, CREDENTIAL_MAX, "%s", colon + 1);
    memset(line, 0, sizeof line);
    return true;
}

/* The message's two parts as multipart/alternative in `mime`. */
static bool add_body(CURL *curl, curl_mime *mime, const mail_message *m)
{
    curl_mime *alt = curl_mime_init(curl);
    curl_mimepart *text = alt ? curl_mime_addpart(alt) : NULL;
    curl_mimepart *html = alt ? curl_mime_addpart(alt) : NULL;
    curl_mimepart *part = curl_mime_addpart(mime);
    if (!text || !html || !part) {
        curl_mime_free(alt);
        return false;
    }
    curl_mime_data(text, m->text, CURL_ZERO_TERMINATED);
    curl_mime_type(text, "text/plain; charset=utf-8");
    curl_mime_encoder(text, "quoted-printable");
    curl_mime_data(html, m->html, CURL_ZERO_TERMINATED);
    curl_mime_type(html, "text/html; charset=utf-8");
    curl_mime_encoder(html, "quoted-printable");
    curl_mime_subparts(part, alt); /* `part` owns `alt` now */
    curl_mime_type(part, "multipart/alternative");
    return true;
}

bool mailer_send(const pm_config *cfg, const mail_message *m, char *error, size_t size)
{
    if (!mailer_configured(cfg)) {
        snprintf(error, size, "SMTP_URL is not set: planmon sends no mail");
        return false;
    }
    char user[CREDENTIAL_MAX] = "", pass[CREDENTIAL_MAX] = "";
    if (cfg->smtp_credentials_file &&
        !read_credentials(cfg->smtp_credentials_file, user, pass, error, size))
        return false;
    CURL *curl = curl_easy_init();
    curl_mime *mime = curl ? curl_mime_init(curl) : NULL;
    struct curl_slist *rcpt = NULL, *headers = NULL;
    char from[HEADER_MAX], to[HEADER_MAX], subject[HEADER_MAX], date[HEADER_MAX], addr[HEADER_MAX];
    char curl_error[CURL_ERROR_SIZE] = "";
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (strftime(date, sizeof date, "Date: %a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
        snprintf(date, sizeof date, "Date: Thu, 01 Jan 1970 00:00:00 +0000");
    snprintf(from, sizeof from, "From: planmon <%s>", cfg->mail_from);
    snprintf(to, sizeof to, "To: <%s>", m->to);
    snprintf(addr, sizeof addr, "<%s>", m->to);
    subject_header(m->subject, subject, sizeof subject);
    bool ok = mime && (rcpt = curl_slist_append(NULL, addr)) &&
              (headers = curl_slist_append(NULL, date)) && curl_slist_append(headers, from) &&
              curl_slist_append(headers, to) && curl_slist_append(headers, subject) &&
              add_body(curl, mime, m);
    if (!ok) {
        snprintf(error, size, "out of memory");
    } else {
        char sender[HEADER_MAX];
        snprintf(sender, sizeof sender, "<%s>", cfg->mail_from);
        curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(curl, CURLOPT_USE_SSL,
                         cfg->smtp_starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->webhook_connect_timeout_ms);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)cfg->webhook_timeout_ms);
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, sender);
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
        if (*user) {
            curl_easy_setopt(curl, CURLOPT_USERNAME, user);
            curl_easy_setopt(curl, CURLOPT_PASSWORD, pass);
        }
        CURLcode code = curl_easy_perform(curl);
        ok = code == CURLE_OK;
        long reply = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
        if (!ok && reply >= 400)
            snprintf(error, size, "the server answered %ld (%s)", reply,
                     *curl_error ? curl_error : curl_easy_strerror(code));
        else if (!ok)
            snprintf(error, size, "%s", *curl_error ? curl_error : curl_easy_strerror(code));
    }
    memset(pass, 0, sizeof pass);
    curl_slist_free_all(headers);
    curl_slist_free_all(rcpt);
    curl_mime_free(mime);
    curl_easy_cleanup(curl);
    return ok;
}
