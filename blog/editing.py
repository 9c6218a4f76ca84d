"""What the editor's buttons do, as one transaction: save, then publish, schedule or unschedule."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from blog.covers import replace_cover
from blog.models import Post
from blog.rendering import render_markdown


def save_post(
    *,
    post: Post,
    action: str,
    publish_at: datetime.datetime | None = None,
    cover: UploadedFile | None = None,
) -> None:
    with transaction.atomic():
        post.body_html = render_markdown(post.body)
        post.save()
        if cover:
            replace_cover(post=post, upload=cover)
        if action == "publish":
            post.publish()
        elif action == "schedule" and publish_at is not None:
            post.schedule(at=publish_at)
        elif action == "unschedule":
            post.unschedule()
