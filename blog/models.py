import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

SLUG_ATTEMPTS = 50
# Slugs that would collide with fixed paths under posts/.
RESERVED_SLUGS = {"new"}


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Post.Status.PUBLISHED)

    def visible_to(self, user):
        """Published posts, plus every post of the signed-in author."""
        if not user.is_authenticated:
            return self.published()
        return self.filter(models.Q(status=Post.Status.PUBLISHED) | models.Q(author=user))


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    body = models.TextField(blank=True, default="")
    body_html = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The upload as sent; the pages only show the sizes the media job makes from it.
    cover = models.FileField(upload_to="covers/originals/", max_length=255, blank=True)
    cover_thumb = models.FileField(max_length=255, blank=True)
    cover_card = models.FileField(max_length=255, blank=True)
    cover_full = models.FileField(max_length=255, blank=True)
    cover_error = models.CharField(max_length=300, blank=True, default="")

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.pk or self.slug:
            super().save(*args, **kwargs)
            return
        self._insert_with_free_slug(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    def _insert_with_free_slug(self, *args, **kwargs) -> None:
        # The unique index decides between two posts with the same title, not a racy exists().
        base = slugify(self.title)[:200].strip("-") or "post"
        for attempt in range(1, SLUG_ATTEMPTS + 1):
            free = attempt == 1 and base not in RESERVED_SLUGS
            self.slug = base if free else f"{base}-{attempt}"
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                if not Post.objects.filter(slug=self.slug).exists():
                    raise
        raise IntegrityError(f"no free slug for {base!r} after {SLUG_ATTEMPTS} attempts")

    @property
    def cover_ready(self) -> bool:
        return bool(self.cover_card)

    def publish(self) -> bool:
        """Publish now, once; the follower notifications commit with it. True if published now."""
        from blog.notifications import defer_notifications

        with transaction.atomic():
            published = self._mark_published(
                Post.objects.filter(pk=self.pk).exclude(status=Post.Status.PUBLISHED)
            )
            if published:
                defer_notifications(post_id=self.pk)
        self.refresh_from_db(fields=["status", "published_at", "publish_at"])
        return published

    def schedule(self, *, at: datetime.datetime) -> None:
        """Publish at `at`; an earlier schedule's job finds the time changed and does nothing."""
        from blog.tasks import publish_post

        if at <= timezone.now():
            raise ValueError("a post can only be scheduled in the future")
        with transaction.atomic():
            updated = (
                Post.objects.filter(pk=self.pk)
                .exclude(status=Post.Status.PUBLISHED)
                .update(status=Post.Status.SCHEDULED, publish_at=at)
            )
            if not updated:
                raise ValueError("a published post cannot be scheduled")
            self._cancel_pending_publication()
            publish_post.configure(schedule_at=at).defer(post_id=self.pk, publish_at=at.isoformat())
        self.status, self.publish_at = Post.Status.SCHEDULED, at

    def unschedule(self) -> None:
        with transaction.atomic():
            Post.objects.filter(pk=self.pk, status=Post.Status.SCHEDULED).update(
                status=Post.Status.DRAFT, publish_at=None
            )
            self._cancel_pending_publication()
        self.refresh_from_db(fields=["status", "publish_at"])

    def _cancel_pending_publication(self) -> None:
        # Tidiness only: a job already started is not cancellable, and publish_post's check of
        # the exact publish_at is what guarantees an old schedule never publishes.
        from procrastinate.contrib.django import app
        from procrastinate.contrib.django.models import ProcrastinateJob

        pending = ProcrastinateJob.objects.filter(
            task_name="publish_post", status="todo", args__post_id=self.pk
        ).values_list("id", flat=True)
        for job_id in pending:
            app.job_manager.cancel_job_by_id(job_id)

    @staticmethod
    def _mark_published(candidates: models.QuerySet) -> bool:
        return candidates.update(status=Post.Status.PUBLISHED, published_at=timezone.now()) == 1


class PostDailyViews(models.Model):
    """Views of one post on one day (in TIME_ZONE), upserted by every counted view."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "post daily views"
        constraints = [
            models.UniqueConstraint(fields=["post", "day"], name="blog_one_row_per_post_day")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.day}: {self.views}"


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "author"], name="blog_follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("author")), name="blog_no_self_follow"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.author_id}"

    @classmethod
    def start(cls, *, follower, author) -> None:
        if follower.pk == author.pk:
            raise ValueError("authors cannot follow themselves")
        cls.objects.bulk_create([cls(follower=follower, author=author)], ignore_conflicts=True)

    @classmethod
    def stop(cls, *, follower_id: int, author_id: int) -> bool:
        deleted, _ = cls.objects.filter(follower_id=follower_id, author_id=author_id).delete()
        return bool(deleted)
