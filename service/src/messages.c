/* messages.c: the Vietnamese catalogue (see messages.h), read once from the embedded
 * service/messages/vi.tsv: one message per line, its English, a tab, its Vietnamese; "\t", "\n"
 * and "\\" escape a tab, a line end and a backslash; a line starting with '#' is a comment. */
#include "messages.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "hash.h"

typedef struct {
    char *en, *vi;
} entry;

static entry *slots; /* open addressing by fnv1a64(en), a power of two long */
static size_t nslots;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Copies `len` bytes of `s` undoing the escapes. New, NUL-terminated. */
static char *unescape(const char *s, size_t len)
{
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            c = s[++i];
            if (c == 't')
                c = '\t';
            else if (c == 'n')
                c = '\n';
        }
        *o++ = c;
    }
    *o = '\0';
    return out;
}

static size_t slot_of(const char *en)
{
    size_t i = (size_t)fnv1a64(en, strlen(en), FNV1A64_BASIS) & (nslots - 1);
    while (slots[i].en && strcmp(slots[i].en, en) != 0)
        i = (i + 1) & (nslots - 1);
    return i;
}

static void load(void)
{
    const struct embedded_file *f =
        embedded_find(embedded_messages, embedded_messages_count, "vi.tsv");
    if (!f)
        return;
    size_t lines = 1;
    for (size_t i = 0; i < f->len; i++)
        lines += f->data[i] == '\n';
    for (nslots = 16; nslots < 2 * lines; nslots *= 2)
        ;
    slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return;
    for (const char *line = f->data; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *tab = memchr(line, '\t', len);
        if (line[0] != '#' && tab) {
            char *en = unescape(line, (size_t)(tab - line));
            char *vi = unescape(tab + 1, len - (size_t)(tab - line) - 1);
            if (en && vi && !slots[slot_of(en)].en) {
                size_t s = slot_of(en);
                slots[s] = (entry){en, vi};
            } else {
                free(en);
                free(vi);
            }
        }
        line += len + (end != NULL);
    }
}

const char *msg_vi(const char *msgid)
{
    pthread_once(&once, load);
    if (!msgid || !slots)
        return msgid;
    const entry *e = &slots[slot_of(msgid)];
    return e->en ? e->vi : msgid;
}
