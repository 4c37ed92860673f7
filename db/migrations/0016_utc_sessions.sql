-- 0016_utc_sessions: the service's sessions run in UTC, whatever the server's own time zone
-- (postgresql.conf, or ALTER DATABASE ... SET TimeZone): a timestamp is never read in the
-- session's zone (the service hands PostgreSQL only times with an offset, domain/timestamp.h),
-- and a date in the province is always asked for explicitly (planmon_local_date). A role's
-- setting holds behind PgBouncer in transaction mode, where a session SET would not; a role
-- may set its own defaults. It applies to the sessions that start after it.
ALTER ROLE CURRENT_USER SET TimeZone = 'UTC';
