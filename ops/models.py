"""What ops stores beside Procrastinate's tables; every row cascades away with its job."""

from django.db import models


class JobAttempt(models.Model):
    """One run of a job, written by the worker middleware: when, where, how it ended and why."""

    class Outcome(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        RETRYING = "retrying", "failed, will retry"
        FAILED = "failed"
        ABORTED = "aborted"
        LOST = "lost", "worker lost"

    job_id = models.BigIntegerField()
    attempt = models.PositiveIntegerField()
    task_name = models.CharField(max_length=128)
    queue_name = models.CharField(max_length=128)
    worker_id = models.BigIntegerField(null=True, blank=True)
    waited_seconds = models.FloatField(default=0.0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.TextField(blank=True, default="")
    traceback = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job_id", "attempt"], name="ops_one_row_per_attempt")
        ]
        indexes = [models.Index(fields=["finished_at"], name="ops_attempt_finished_idx")]
        ordering = ["job_id", "attempt"]

    def __str__(self) -> str:
        return f"job {self.job_id} attempt {self.attempt}: {self.outcome}"

    @property
    def duration(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class JobRescue(models.Model):
    """How many times a job was taken back from a dead worker (the cap stops poison jobs)."""

    job_id = models.BigIntegerField(primary_key=True)
    count = models.PositiveIntegerField(default=0)
    last_rescued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"job {self.job_id} rescued {self.count}×"


class PausedQueue(models.Model):
    """A queue workers must not take jobs from; read by the fetch function itself."""

    queue_name = models.CharField(max_length=128, primary_key=True)
    paused_at = models.DateTimeField(auto_now_add=True)
    paused_by = models.CharField(max_length=150, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.queue_name} (paused)"


class RateLimit(models.Model):
    """A global limit: at most `max_jobs` starts per `period_seconds`, for a task or a queue.

    Synced from the declarations (`ops.limits.rate_limit`, JOBS_QUEUE_RATE_LIMITS) and enforced
    by the fetch function, across every worker.
    """

    scope = models.CharField(
        max_length=140, primary_key=True, help_text="task:<name> or queue:<name>"
    )
    max_jobs = models.PositiveIntegerField()
    period_seconds = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.scope}: {self.max_jobs}/{self.period_seconds}s"


class RateLimitHit(models.Model):
    """One job start counted against a limit; rows older than the period are deleted on fetch."""

    scope = models.CharField(max_length=140)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["scope", "at"], name="ops_ratelimithit_scope_at")]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%H:%M:%S}"
