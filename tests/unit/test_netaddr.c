/* Unit tests: IP prefixes and the client behind trusted proxies (service/src/domain/netaddr.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/netaddr.h"

static net_prefix prefix(const char *text)
{
    net_prefix p;
    assert_true(net_prefix_parse(text, strlen(text), &p));
    return p;
}

static void addresses_and_networks_parse(void **state)
{
    static const char *const good[] = {"127.0.0.1", "10.0.0.0/8", "0.0.0.0/0",     "::1",
                                       "fd00::/8",  "::/0",       "192.168.1.7/32"};
    static const char *const bad[] = {"",          "10.0.0",      "10.0.0.0/", "10.0.0.0/33",
                                      "::1/129",   "10.0.0.0/x",  " 10.0.0.1", "10.0.0.1/8/8",
                                      "localhost", "1.2.3.4/0008"};
    net_prefix p;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(net_prefix_parse(good[i], strlen(good[i]), &p));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(net_prefix_parse(bad[i], strlen(bad[i]), &p));
}

static void a_network_contains_its_addresses_only(void **state)
{
    net_prefix net = prefix("10.1.0.0/17"), v6 = prefix("fd00::/8");
    net_prefix inside = prefix("10.1.127.255"), outside = prefix("10.1.128.0");
    net_prefix six = prefix("fd12::1"), other = prefix("fe80::1");
    assert_true(net_prefix_contains(&net, &inside));
    assert_false(net_prefix_contains(&net, &outside));
    assert_true(net_prefix_contains(&v6, &six));
    assert_false(net_prefix_contains(&v6, &other));
    assert_false(net_prefix_contains(&net, &six)); /* another family */
}

/* The client of a request from `peer` with X-Forwarded-For `forwarded`, nginx at 10.0.0.5. */
static void expect_client(const char *peer, const char *forwarded, const char *expected)
{
    net_prefix trusted[] = {prefix("10.0.0.5"), prefix("172.16.0.0/12")};
    char out[64];
    net_forwarded_client(trusted, 2, peer, forwarded, out, sizeof out);
    assert_string_equal(out, expected);
}

static void the_client_is_the_first_untrusted_hop_from_the_right(void **state)
{
    expect_client("203.0.113.9", NULL, "203.0.113.9");
    expect_client("203.0.113.9", "1.2.3.4", "203.0.113.9"); /* not a proxy: the header lies */
    expect_client("10.0.0.5", NULL, "10.0.0.5");
    expect_client("10.0.0.5", "198.51.100.7", "198.51.100.7");
    expect_client("10.0.0.5", "1.2.3.4, 198.51.100.7", "198.51.100.7"); /* 1.2.3.4: forged */
    expect_client("10.0.0.5", "198.51.100.7, 172.16.3.4", "198.51.100.7");
    expect_client("10.0.0.5", " 2001:db8::7 ,172.20.0.1", "2001:db8::7");
    expect_client("10.0.0.5", "172.16.0.9", "172.16.0.9");           /* all trusted: the leftmost */
    expect_client("10.0.0.5", "nonsense, 172.16.0.9", "172.16.0.9"); /* stops at the last hop */
    expect_client("10.0.0.5", "198.51.100.7, nonsense", "10.0.0.5");
    expect_client("10.0.0.5", "", "10.0.0.5");
    expect_client("10.0.0.5", "10.0.0.0/8", "10.0.0.5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_and_networks_parse),
        cmocka_unit_test(a_network_contains_its_addresses_only),
        cmocka_unit_test(the_client_is_the_first_untrusted_hop_from_the_right),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
