"""Exact view counts: one atomic increment per counted view, plus the per-day upsert."""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from blog.models import Post

_UPSERT_DAILY_VIEWS = """
    INSERT INTO blog_postdailyviews (post_id, day, views) VALUES (%s, %s, 1)
    ON CONFLICT (post_id, day) DO UPDATE SET views = blog_postdailyviews.views + 1
"""


def record_view(*, post: Post, viewer) -> bool:
    """Count one view of a published post, unless its author is looking. True if counted."""
    if viewer.is_authenticated and viewer.pk == post.author_id:
        return False
    with transaction.atomic():
        counted = Post.objects.published().filter(pk=post.pk).update(view_count=F("view_count") + 1)
        if counted:
            with connection.cursor() as cursor:
                # The day is the site's (TIME_ZONE), like the daily reports that read it.
                cursor.execute(_UPSERT_DAILY_VIEWS, [post.pk, timezone.localdate()])
    return bool(counted)
