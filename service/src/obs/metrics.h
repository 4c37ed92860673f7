/* metrics.h: request counters and latency histograms per route, rendered in the Prometheus
 * text format. Series are fixed at start (one per route plus "unmatched"), so label
 * cardinality is bounded whatever clients send. Observing is lock-free and thread-safe. */
#ifndef PLANMON_METRICS_H
#define PLANMON_METRICS_H

#include "db/pool.h"

/* Allocates `nseries` series. Call once before serving; returns 0 on success. */
int metrics_init(int nseries);

/* Labels series `index` (strings borrowed; must outlive the process, e.g. route table
 * literals). */
void metrics_label(int index, const char *method, const char *route);

/* Counts one request of series `index` answered `http_status` after `seconds`. */
void metrics_observe(int index, int http_status, double seconds);

/* Returns the exposition text (malloc'd, caller frees) including the pool's gauges. */
char *metrics_render(const db_pool_stats *pool);

/* Frees the series. */
void metrics_free(void);

#endif
