/* statements.c: named prepared statements per connection (see statements.h). */
#include "db/statements.h"

#include <libpq-events.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

/* Open addressing on the hash of the SQL text, which is also the statement's name: the same text
 * may sit at more than one address (a literal written in two files, which the compiler need not
 * merge and an ASan build never does), and it is still one statement on the server. planmon has a
 * few hundred statements. */
enum { TABLE_SIZE = 1024, TABLE_LIMIT = TABLE_SIZE * 3 / 4 };

/* Bumped whenever a connection finds its statements stale (the schema changed under them): every
 * connection of the process then drops its own before its next statement outside a transaction,
 * so that none meets the change first inside one, where a failed statement cannot be retried. */
static atomic_uint_fast64_t schema_generation;

typedef struct {
    uint_fast64_t generation; /* schema_generation when these statements were prepared */
    int count;
    bool cleanup;  /* forgotten statements may still live on the server */
    bool disabled; /* the server does not keep them: every statement unnamed */
    struct {
        const char *statement; /* one copy of the text (constant: lives as long as planmon) */
        uint64_t hash;
        bool prepared;
    } slots[TABLE_SIZE];
} statement_table;

static int on_event(PGEventId id, void *info, void *passthrough)
{
    (void)passthrough;
    switch (id) {
    case PGEVT_REGISTER: {
        PGconn *conn = ((PGEventRegister *)info)->conn;
        statement_table *table = calloc(1, sizeof *table);
        return table && PQsetInstanceData(conn, on_event, table);
    }
    case PGEVT_CONNRESET: {
        statement_table *table = PQinstanceData(((PGEventConnReset *)info)->conn, on_event);
        if (table)
            memset(table, 0, sizeof *table);
        return 1;
    }
    case PGEVT_CONNDESTROY:
        free(PQinstanceData(((PGEventConnDestroy *)info)->conn, on_event));
        return 1;
    default:
        return 1;
    }
}

bool db_statements_attach(PGconn *conn)
{
    return PQregisterEventProc(conn, on_event, "planmon statements", NULL) != 0;
}

static statement_table *table_of(PGconn *conn)
{
    return PQinstanceData(conn, on_event);
}

/* The hash of the text: the statement's name on every connection. */
static uint64_t text_hash(const char *statement)
{
    return fnv1a64(statement, strlen(statement), FNV1A64_BASIS);
}

/* The slot of the text that hashes to `hash`, or the empty slot where it goes. */
static size_t slot_of(const statement_table *table, uint64_t hash)
{
    size_t i = (size_t)(hash % TABLE_SIZE);
    while (table->slots[i].statement && table->slots[i].hash != hash)
        i = (i + 1) % TABLE_SIZE;
    return i;
}

/* True when slot i holds another text under the same hash: that text owns the name, and
 * `statement` goes unnamed (one chance in 2^64 per pair; never seen). */
static bool collides(const statement_table *table, size_t i, const char *statement)
{
    const char *held = table->slots[i].statement;
    return held && held != statement && strcmp(held, statement) != 0;
}

bool db_statements_lookup(PGconn *conn, const char *statement, char name[STATEMENT_NAME_MAX],
                          bool *prepared)
{
    statement_table *table = table_of(conn);
    if (!table || table->cleanup || table->disabled) /* cleanup: the server may still hold the
                                                         names; unnamed till then */
        return false;
    uint64_t hash = text_hash(statement);
    size_t i = slot_of(table, hash);
    if ((!table->slots[i].statement && table->count >= TABLE_LIMIT) ||
        collides(table, i, statement))
        return false;
    *prepared = table->slots[i].statement && table->slots[i].prepared;
    snprintf(name, STATEMENT_NAME_MAX, "pm_%016llx", (unsigned long long)hash);
    return true;
}

void db_statements_mark(PGconn *conn, const char *statement)
{
    statement_table *table = table_of(conn);
    if (!table)
        return;
    uint64_t hash = text_hash(statement);
    size_t i = slot_of(table, hash);
    if (collides(table, i, statement))
        return;
    if (!table->slots[i].statement) {
        if (table->count >= TABLE_LIMIT)
            return;
        table->slots[i].statement = statement;
        table->slots[i].hash = hash;
        table->count++;
    }
    table->slots[i].prepared = true;
}

void db_statements_forget(PGconn *conn)
{
    statement_table *table = table_of(conn);
    if (!table)
        return;
    memset(table, 0, sizeof *table);
    table->cleanup = true;
    table->generation = atomic_fetch_add(&schema_generation, 1) + 1;
}

void db_statements_disable(PGconn *conn)
{
    statement_table *table = table_of(conn);
    if (table)
        table->disabled = true;
}

bool db_statements_take_cleanup(PGconn *conn)
{
    statement_table *table = table_of(conn);
    if (!table)
        return false;
    uint_fast64_t now = atomic_load(&schema_generation);
    if (table->generation != now) { /* another connection found the schema changed */
        bool disabled = table->disabled;
        memset(table, 0, sizeof *table);
        table->disabled = disabled;
        table->generation = now;
        return true;
    }
    if (!table->cleanup)
        return false;
    table->cleanup = false;
    return true;
}
