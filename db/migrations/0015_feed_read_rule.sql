-- 0015_feed_read_rule: who sees a measurement, written once for the measurements' own routes and
-- for the change feed, which must apply the same read rule as the objects (a draft of Long
-- Xuyên's is no business of Châu Đốc's, not even its id).
--
-- Approved data is everyone's; drafts and submitted data are those who see all (`sees_all`:
-- admins, coordinators, auditors), and, with `sees_scope` (managers, officers), those of an
-- agency in whose scope the measurement lies (planmon_in_scope: the unit under the agency's
-- unit, or an indicator the agency is named to report).
CREATE FUNCTION planmon_measurement_visible(status text, unit_path text[], reporting jsonb,
                                            viewer_unit text, viewer text, sees_all boolean,
                                            sees_scope boolean)
    RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN status = 'approved' OR sees_all
           OR (sees_scope AND coalesce(planmon_in_scope(unit_path, reporting, viewer_unit, viewer),
                                       false));
