-- Procrastinate 3.10's procrastinate_fetch_job_v2 with two additions from ops (docs/operations.md):
-- jobs of paused queues (ops_pausedqueue) are never claimed, and a job whose task or queue is at
-- its global rate limit (ops_ratelimit, counted in ops_ratelimithit) is left waiting.
CREATE OR REPLACE FUNCTION procrastinate_fetch_job_v2(
    target_queue_names character varying[],
    p_worker_id bigint
)
    RETURNS procrastinate_jobs
    LANGUAGE plpgsql
AS $$
DECLARE
	found_jobs procrastinate_jobs;
	paused_queues character varying[];
	blocked_scopes character varying[];
	limit_row ops_ratelimit;
BEGIN
    paused_queues := ARRAY(SELECT queue_name FROM ops_pausedqueue);
    blocked_scopes := ARRAY(
        SELECT rl.scope FROM ops_ratelimit AS rl
         WHERE rl.max_jobs <= (SELECT count(*) FROM ops_ratelimithit AS hit
                                WHERE hit.scope = rl.scope
                                  AND hit.at > now() - make_interval(secs => rl.period_seconds)));

    SELECT jobs.* INTO found_jobs
        FROM procrastinate_jobs AS jobs
        WHERE
            -- reject the job if its lock has earlier or higher priority jobs
            NOT EXISTS (
                SELECT 1
                    FROM procrastinate_jobs AS other_jobs
                    WHERE
                        jobs.lock IS NOT NULL
                        AND other_jobs.lock = jobs.lock
                        AND (
                            -- job with same lock is already running
                            other_jobs.status = 'doing'
                            OR
                            -- job with same lock is waiting and has higher priority (or same priority but was queued first)
                            (
                                other_jobs.status = 'todo'
                                AND (
                                    other_jobs.priority > jobs.priority
                                    OR (
                                    other_jobs.priority = jobs.priority
                                    AND other_jobs.id < jobs.id
                                    )
                                )
                            )
                        )
            )
            AND jobs.status = 'todo'
            AND (target_queue_names IS NULL OR jobs.queue_name = ANY( target_queue_names ))
            AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
            AND NOT (jobs.queue_name = ANY(paused_queues))
            AND NOT (('task:' || jobs.task_name) = ANY(blocked_scopes))
            AND NOT (('queue:' || jobs.queue_name) = ANY(blocked_scopes))
        ORDER BY jobs.priority DESC, jobs.id ASC LIMIT 1
        FOR UPDATE OF jobs SKIP LOCKED;

    IF found_jobs.id IS NULL THEN
        RETURN found_jobs;
    END IF;

    -- Count the start against its limits. The row locks serialise workers sharing a limit, so the
    -- count below is exact; a worker that loses the race for the last slot claims nothing this time.
    FOR limit_row IN
        SELECT * FROM ops_ratelimit
         WHERE scope IN ('task:' || found_jobs.task_name, 'queue:' || found_jobs.queue_name)
         ORDER BY scope
           FOR UPDATE
    LOOP
        DELETE FROM ops_ratelimithit
         WHERE scope = limit_row.scope AND at <= now() - make_interval(secs => limit_row.period_seconds);
        IF (SELECT count(*) FROM ops_ratelimithit WHERE scope = limit_row.scope) >= limit_row.max_jobs THEN
            RETURN NULL;
        END IF;
    END LOOP;
    -- Only once every limit has room: a start is never counted for a job that was not claimed.
    INSERT INTO ops_ratelimithit (scope, at)
        SELECT scope, now() FROM ops_ratelimit
         WHERE scope IN ('task:' || found_jobs.task_name, 'queue:' || found_jobs.queue_name);

    UPDATE procrastinate_jobs
        SET status = 'doing', worker_id = p_worker_id
        WHERE id = found_jobs.id
        RETURNING * INTO found_jobs;

    RETURN found_jobs;
END;
$$;
