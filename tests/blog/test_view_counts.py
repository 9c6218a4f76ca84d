import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from blog.models import Post, PostDailyViews
from tests.blog.conftest import make_post

THREADS = 20
VIEWS_PER_THREAD = 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_all_counted_and_the_daily_table_agrees(author):
    post = make_post(author, "Popular")
    errors: list[BaseException] = []

    def read_many() -> None:
        client = Client()
        try:
            for _ in range(VIEWS_PER_THREAD):
                assert client.get(post.get_absolute_url()).status_code == 200
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=read_many) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Post.objects.get(pk=post.pk).view_count == THREADS * VIEWS_PER_THREAD
    daily = PostDailyViews.objects.get(post=post)
    assert (daily.day, daily.views) == (timezone.localdate(), THREADS * VIEWS_PER_THREAD)


@pytest.mark.django_db
def test_the_author_reading_their_own_post_does_not_count(client, author, reader):
    post = make_post(author, "Mine")
    client.force_login(author)
    client.get(post.get_absolute_url())
    assert Post.objects.get(pk=post.pk).view_count == 0

    client.force_login(reader)
    page = client.get(post.get_absolute_url()).content.decode()

    assert Post.objects.get(pk=post.pk).view_count == 1
    assert "1 view" in page


@pytest.mark.django_db
def test_a_draft_previewed_by_its_author_counts_no_view(author_client, author):
    draft = make_post(author, "Draft", status="draft")
    author_client.get(draft.get_absolute_url())
    assert not PostDailyViews.objects.exists()
