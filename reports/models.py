import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app


class DailyReportOptOut(models.Model):
    """An author who asked not to receive the daily report; no row means they receive it."""

    author = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="daily_report_opt_out",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.author_id} opted out of daily reports"

    @classmethod
    def set_for(cls, author, *, enabled: bool) -> None:
        if enabled:
            cls.objects.filter(author=author).delete()
        else:
            cls.objects.get_or_create(author=author)

    @classmethod
    def receives_reports(cls, author) -> bool:
        return not cls.objects.filter(author=author).exists()


class DailyDispatch(models.Model):
    """A local day whose reports were fanned out: the unique day makes later ticks no-ops."""

    day = models.DateField(unique=True)
    authors = models.PositiveIntegerField(default=0)
    dispatched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "daily dispatches"

    def __str__(self) -> str:
        return f"{self.day}: {self.authors} authors"


class DailyReport(models.Model):
    """The report one author gets for one day; the unique pair is what makes it once a day."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_reports"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "day"], name="reports_one_report_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.author_id} {self.day}"


def _export_path(run: "ReportRun", filename: str) -> str:
    # Unguessable, because MEDIA_URL serves files without the owner check in development.
    return f"reports/exports/{secrets.token_urlsafe(16)}/{filename}"


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportRunQuerySet":
        return self if user.is_staff else self.filter(author=user)

    def active(self) -> "ReportRunQuerySet":
        return self.filter(status__in=ReportRun.ACTIVE)


class ReportRunManager(models.Manager.from_queryset(ReportRunQuerySet)):
    def start_for(self, author) -> "ReportRun":
        """A new export with its job, or the author's export that is already queued or running."""
        # Imported here: the task module imports this one.
        from reports.tasks import export_stats

        for _ in range(3):
            try:
                with transaction.atomic():
                    run = self.create(author=author)
                    run.job_id = export_stats.defer(run_id=run.pk)
                    run.save(update_fields=["job_id"])
                return run
            except IntegrityError:
                existing = self.active().filter(author=author).first()
                if existing is not None:
                    return existing
        raise RuntimeError(f"could not start an export for author {author.pk}")

    def claim(self, run_id: int) -> "ReportRun | None":
        """Mark a run as running for its job; None when it was cancelled or already finished."""
        claimed = self.filter(pk=run_id, status__in=ReportRun.ACTIVE).update(
            status=ReportRun.Status.RUNNING, started_at=timezone.now(), progress=0
        )
        return self.get(pk=run_id) if claimed else None


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_runs"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    result = models.FileField(upload_to=_export_path, blank=True, default="")
    error = models.TextField(blank=True, default="")
    job_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportRunManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author"],
                condition=models.Q(status__in=["queued", "running"]),
                name="reports_one_active_run_per_author",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"export #{self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("reports:run_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def _finish(self, status: str, **fields) -> bool:
        fields = {"status": status, "finished_at": timezone.now(), **fields}
        updated = ReportRun.objects.filter(pk=self.pk, status__in=self.ACTIVE).update(**fields)
        if updated:
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(updated)

    def report_progress(self, done: int, total: int) -> bool:
        """Store the progress in its own statement; False when the run was cancelled meanwhile.

        Call it outside any transaction (as a worker does) so that the run page sees each step.
        """
        # 100 is kept for the moment the file is saved.
        percent = min(99, done * 100 // total) if total else 0
        updated = ReportRun.objects.filter(pk=self.pk, status=self.Status.RUNNING).update(
            progress=percent
        )
        self.progress = percent
        return bool(updated)

    def succeed(self, *, filename: str, content: bytes) -> bool:
        self.result.save(filename, ContentFile(content), save=False)
        if self._finish(self.Status.SUCCEEDED, progress=100, result=self.result.name):
            return True
        self.result.delete(save=False)  # cancelled while the file was being written
        return False

    def fail(self, *, error: str) -> bool:
        return self._finish(self.Status.FAILED, error=error[:2000])

    def cancel(self) -> bool:
        """Cancel a queued job, or ask a running one to stop (it checks between chunks)."""
        with transaction.atomic():
            if not self._finish(self.Status.CANCELLED):
                return False
            if self.job_id is not None:
                app.job_manager.cancel_job_by_id(self.job_id, abort=True)
        return True
