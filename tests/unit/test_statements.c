/* Unit tests: the prepared statements a connection remembers (service/src/db/statements.c). No
 * server is needed: the table lives on a PGconn object, connected or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db/statements.h"

/* Two copies of one text at two addresses, as a literal written in two files may be. */
static const char unit_read[] = "SELECT code FROM admin_unit WHERE code = $1";
static const char unit_read_copy[] = "SELECT code FROM admin_unit WHERE code = $1";
static const char task_read[] = "SELECT id FROM task WHERE id = $1::bigint";

static int attached_conn(void **state)
{
    PGconn *conn = PQconnectStart("host=/nonexistent/planmon-unit-test dbname=none");
    if (!conn || !db_statements_attach(conn))
        return -1;
    *state = conn;
    return 0;
}

static int finish_conn(void **state)
{
    PQfinish(*state);
    return 0;
}

/* The name lookup gives `statement` on `conn`, asserting that it is named at all. */
static bool is_prepared(PGconn *conn, const char *statement, char name[STATEMENT_NAME_MAX])
{
    bool prepared = true;
    assert_true(db_statements_lookup(conn, statement, name, &prepared));
    return prepared;
}

static void a_statement_is_prepared_once_then_known_by_name(void **state)
{
    char first[STATEMENT_NAME_MAX], again[STATEMENT_NAME_MAX];
    assert_false(is_prepared(*state, unit_read, first));
    db_statements_mark(*state, unit_read);
    assert_true(is_prepared(*state, unit_read, again));
    assert_string_equal(first, again);
    assert_int_equal(strlen(first), 3 + 16);
    assert_memory_equal(first, "pm_", 3);
}

static void the_same_text_at_another_address_is_the_same_statement(void **state)
{
    char name[STATEMENT_NAME_MAX], copy_name[STATEMENT_NAME_MAX];
    assert_ptr_not_equal(unit_read, unit_read_copy);
    db_statements_mark(*state, unit_read);
    assert_true(is_prepared(*state, unit_read_copy, copy_name)); /* not prepared a second time */
    assert_true(is_prepared(*state, unit_read, name));
    assert_string_equal(name, copy_name);
}

static void another_text_has_another_name_and_is_not_prepared(void **state)
{
    char unit_name[STATEMENT_NAME_MAX], task_name[STATEMENT_NAME_MAX];
    db_statements_mark(*state, unit_read);
    assert_true(is_prepared(*state, unit_read, unit_name));
    assert_false(is_prepared(*state, task_read, task_name));
    assert_string_not_equal(unit_name, task_name);
}

static void forgotten_statements_go_unnamed_until_cleaned_up(void **state)
{
    char name[STATEMENT_NAME_MAX];
    bool prepared;
    db_statements_mark(*state, unit_read);
    db_statements_forget(*state);
    assert_false(db_statements_lookup(*state, unit_read, name, &prepared));
    assert_true(db_statements_take_cleanup(*state));
    assert_false(db_statements_take_cleanup(*state)); /* once */
    assert_false(is_prepared(*state, unit_read, name));
}

static void a_disabled_connection_names_nothing(void **state)
{
    char name[STATEMENT_NAME_MAX];
    bool prepared;
    db_statements_disable(*state);
    assert_false(db_statements_lookup(*state, unit_read, name, &prepared));
}

static void a_connection_not_attached_names_nothing(void **state)
{
    (void)state;
    char name[STATEMENT_NAME_MAX];
    bool prepared;
    PGconn *conn = PQconnectStart("host=/nonexistent/planmon-unit-test dbname=none");
    assert_non_null(conn);
    assert_false(db_statements_lookup(conn, unit_read, name, &prepared));
    PQfinish(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_statement_is_prepared_once_then_known_by_name,
                                        attached_conn, finish_conn),
        cmocka_unit_test_setup_teardown(the_same_text_at_another_address_is_the_same_statement,
                                        attached_conn, finish_conn),
        cmocka_unit_test_setup_teardown(another_text_has_another_name_and_is_not_prepared,
                                        attached_conn, finish_conn),
        cmocka_unit_test_setup_teardown(forgotten_statements_go_unnamed_until_cleaned_up,
                                        attached_conn, finish_conn),
        cmocka_unit_test_setup_teardown(a_disabled_connection_names_nothing, attached_conn,
                                        finish_conn),
        cmocka_unit_test(a_connection_not_attached_names_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
