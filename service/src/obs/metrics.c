/* metrics.c: Prometheus counters and histograms (see metrics.h). */
#include "obs/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
                               412, 413, 415, 422, 428, 429, 431, 500, 503};
enum { NSTATUS = sizeof statuses / sizeof statuses[0] + 1 }; /* + "other" */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
enum { NBUCKETS = sizeof bounds / sizeof bounds[0] + 1 }; /* + "+Inf" */

struct series {
    const char *method, *route;
    atomic_uint_fast64_t by_status[NSTATUS];
    atomic_uint_fast64_t buckets[NBUCKETS];
    atomic_uint_fast64_t sum_us;
};

static struct series *series;
static int nseries;

int metrics_init(int n)
{
    series = calloc((size_t)n, sizeof *series);
    nseries = series ? n : 0;
    return series ? 0 : -1;
}

void metrics_free(void)
{
    free(series);
    series = NULL;
    nseries = 0;
}

void metrics_label(int index, const char *method, const char *route)
{
    if (index >= 0 && index < nseries) {
        series[index].method = method;
        series[index].route = route;
    }
}

void metrics_observe(int index, int http_status, double seconds)
{
    if (index < 0 || index >= nseries)
        return;
    struct series *s = &series[index];
    int st = NSTATUS - 1;
    for (int i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == http_status)
            st = i;
    atomic_fetch_add_explicit(&s->by_status[st], 1, memory_order_relaxed);
    int b = NBUCKETS - 1;
    for (int i = 0; i < NBUCKETS - 1; i++)
        if (seconds <= bounds[i]) {
            b = i;
            break;
        }
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, (uint_fast64_t)(seconds * 1e6), memory_order_relaxed);
}

struct text {
    char *buf;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = t->buf ? vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap) : -1;
        va_end(ap);
        if (n >= 0 && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 16384;
        char *grown = realloc(t->buf, cap);
        if (!grown)
            return;
        t->buf = grown;
        t->cap = cap;
    }
}

char *metrics_render(const db_pool_stats *pool)
{
    struct text t = {0};
    put(&t,
        "# HELP planmon_http_requests_total HTTP requests by route template, method and status.\n"
        "# TYPE planmon_http_requests_total counter\n");
    for (int i = 0; i < nseries; i++)
        for (int st = 0; st < NSTATUS; st++) {
            uint64_t n = atomic_load_explicit(&series[i].by_status[st], memory_order_relaxed);
            if (!n)
                continue;
            char status[8];
            snprintf(status, sizeof status, "%d", st < NSTATUS - 1 ? statuses[st] : 0);
            put(&t, "planmon_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
                series[i].route, series[i].method, st < NSTATUS - 1 ? status : "other",
                (unsigned long long)n);
        }
    put(&t, "# HELP planmon_http_request_duration_seconds Time from routing to the answer.\n"
            "# TYPE planmon_http_request_duration_seconds histogram\n");
    for (int i = 0; i < nseries; i++) {
        uint64_t cumulative = 0;
        for (int b = 0; b < NBUCKETS; b++)
            cumulative += atomic_load_explicit(&series[i].buckets[b], memory_order_relaxed);
        if (!cumulative)
            continue;
        uint64_t total = cumulative;
        cumulative = 0;
        for (int b = 0; b < NBUCKETS; b++) {
            cumulative += atomic_load_explicit(&series[i].buckets[b], memory_order_relaxed);
            char le[16];
            if (b < NBUCKETS - 1)
                snprintf(le, sizeof le, "%g", bounds[b]);
            else
                snprintf(le, sizeof le, "+Inf");
            put(&t,
                "planmon_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%s\"}"
                " %llu\n",
                series[i].route, series[i].method, le, (unsigned long long)cumulative);
        }
        put(&t, "planmon_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
            series[i].route, series[i].method,
            (double)atomic_load_explicit(&series[i].sum_us, memory_order_relaxed) / 1e6);
        put(&t, "planmon_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
            series[i].route, series[i].method, (unsigned long long)total);
    }
    put(&t,
        "# HELP planmon_db_pool_size Connections the pool may hold.\n# TYPE planmon_db_pool_size "
        "gauge\n"
        "planmon_db_pool_size %d\n",
        pool->size);
    put(&t,
        "# HELP planmon_db_pool_in_use Connections lent to requests now.\n# TYPE "
        "planmon_db_pool_in_use gauge\n"
        "planmon_db_pool_in_use %d\n",
        pool->in_use);
    put(&t,
        "# HELP planmon_db_pool_acquire_timeouts_total Requests that found no free connection in "
        "time.\n"
        "# TYPE planmon_db_pool_acquire_timeouts_total "
        "counter\nplanmon_db_pool_acquire_timeouts_total %llu\n",
        (unsigned long long)pool->acquire_timeouts);
    put(&t,
        "# HELP planmon_db_reconnects_total Connections (re)opened.\n# TYPE "
        "planmon_db_reconnects_total counter\n"
        "planmon_db_reconnects_total %llu\n",
        (unsigned long long)pool->reconnects);
    put(&t,
        "# HELP planmon_db_connect_failures_total Failed connection attempts.\n"
        "# TYPE planmon_db_connect_failures_total counter\nplanmon_db_connect_failures_total "
        "%llu\n",
        (unsigned long long)pool->connect_failures);
    return t.buf;
}
