-- 0014_one_clock: "today in the province" has one source, the service's clock (domain/clock.h):
-- statements receive today as a parameter, and the province's zone (PROVINCE_TIME_ZONE) where a
-- moment must become a date. planmon_today() read the database's own clock in a zone written
-- here, so the tests could not set it and another province could not change it.
DROP FUNCTION planmon_today();

-- The date in `zone` (the province's, from the service) of the moment `at`.
CREATE FUNCTION planmon_local_date(at timestamptz, zone text) RETURNS date
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN (at AT TIME ZONE zone)::date;

-- The moment `day` begins in `zone`.
CREATE FUNCTION planmon_day_start(day date, zone text) RETURNS timestamptz
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN day::timestamp AT TIME ZONE zone;
