from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.blog.conftest import make_post, make_user

pytestmark = pytest.mark.django_db


def test_the_index_lists_published_posts_newest_first_and_hides_drafts(client, author):
    older = make_post(author, "Older post")
    newer = make_post(author, "Newer post")
    Post.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=1))
    make_post(author, "Secret draft", status="draft")

    page = client.get(reverse("blog:post_list")).content.decode()

    assert page.index(newer.title) < page.index(older.title)
    assert "Secret draft" not in page


def test_the_index_is_paginated(client, author):
    for number in range(12):
        make_post(author, f"Post number {number}")

    first = client.get(reverse("blog:post_list")).content.decode()
    second = client.get(reverse("blog:post_list"), {"page": 2}).content.decode()

    assert first.count("<article") == 10
    assert second.count("<article") == 2
    assert client.get(reverse("blog:post_list"), {"page": "nonsense"}).status_code == 200


def test_an_author_writes_previews_and_publishes_a_post(author_client, author):
    url = reverse("blog:post_create")
    preview = author_client.post(
        url, {"title": "My *first*", "body": "Some **bold** words", "action": "preview"}
    )
    assert preview.status_code == 200
    assert "<strong>bold</strong>" in preview.content.decode()
    assert not Post.objects.exists()

    response = author_client.post(
        url, {"title": "My first", "body": "Some **bold**", "action": "publish"}
    )

    post = Post.objects.get()
    assert response.status_code == 302
    assert (post.status, post.slug, post.author) == ("published", "my-first", author)
    assert post.published_at is not None
    assert "<strong>bold</strong>" in Client().get(post.get_absolute_url()).content.decode()


def test_two_posts_with_the_same_title_get_different_slugs(author):
    slugs = {make_post(author, "Same title").slug for _ in range(3)}
    assert slugs == {"same-title", "same-title-2", "same-title-3"}


def test_a_post_titled_like_a_page_of_the_site_still_gets_its_own_address(client, author):
    post = make_post(author, "New")
    odd = make_post(author, "???")

    assert post.slug == "new-1"
    assert odd.slug == "post"
    assert "<h1>New</h1>" in client.get(post.get_absolute_url()).content.decode()


def test_an_unverified_author_keeps_drafts_but_cannot_publish_or_schedule(client, unverified):
    client.force_login(unverified)
    url = reverse("blog:post_create")
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    for action in ("publish", "schedule"):
        response = client.post(
            url, {"title": "Too soon", "body": "x", "action": action, "publish_at": later}
        )
        assert "Verify your email address before publishing" in response.content.decode()
    assert not Post.objects.exists()

    client.post(url, {"title": "Kept", "body": "x", "action": "save"})
    assert Post.objects.get().status == "draft"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "   "}, "This field is required."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"body": "a" * (100 * 1024 + 1)}, "longer than 100 KB"),
        ({"action": "schedule", "publish_at": "2001-01-01T10:00"}, "Choose a time in the future."),
        ({"action": "schedule", "publish_at": ""}, "Choose when the post should be published."),
        ({"action": "schedule", "publish_at": "not a date"}, "Enter a valid date/time."),
    ],
)
def test_bad_input_gets_a_clear_form_error_and_saves_nothing(author_client, data, error):
    form = {"title": "Fine title", "body": "Fine body", "action": "save", **data}

    response = author_client.post(reverse("blog:post_create"), form)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Post.objects.exists()


def test_other_peoples_drafts_edit_and_delete_pages_are_not_found(client, author, reader):
    draft = make_post(author, "Draft", status="draft")
    published = make_post(author, "Published")
    client.force_login(reader)

    assert client.get(draft.get_absolute_url()).status_code == 404
    for name in ("blog:post_edit", "blog:post_delete"):
        assert client.get(reverse(name, args=[published.slug])).status_code == 404
        assert (
            client.post(reverse(name, args=[published.slug]), {"title": "Hacked"}).status_code
            == 404
        )
    assert Post.objects.filter(title="Published").exists()


def test_an_author_sees_their_own_draft_and_the_dashboard_shows_status_and_views(
    author_client, author
):
    draft = make_post(author, "My draft", status="draft")
    published = make_post(author, "My hit")
    Post.objects.filter(pk=published.pk).update(view_count=42)

    assert author_client.get(draft.get_absolute_url()).status_code == 200
    dashboard = author_client.get(reverse("blog:dashboard")).content.decode()

    assert "My draft" in dashboard and "Draft" in dashboard
    assert "<td>42</td>" in dashboard


def test_an_unknown_slug_is_not_found(client):
    assert client.get(reverse("blog:post_detail", args=["no-such-post"])).status_code == 404
    assert client.get(reverse("blog:author_detail", args=["nobody"])).status_code == 404


def test_deleting_asks_for_confirmation_then_deletes_on_post(author_client, author):
    post = make_post(author, "Doomed")
    url = reverse("blog:post_delete", args=[post.slug])

    confirm = author_client.get(url)
    assert "Delete “Doomed”?" in confirm.content.decode()
    assert Post.objects.filter(pk=post.pk).exists()

    assert author_client.post(url).status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()


def test_a_post_without_a_csrf_token_is_refused(author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)

    response = client.post(reverse("blog:post_create"), {"title": "Sneaky", "action": "save"})

    assert response.status_code == 403
    assert not Post.objects.exists()


def test_the_author_page_lists_only_that_authors_published_posts(client, author):
    other = make_user("grace")
    make_post(author, "Ada's post")
    make_post(other, "Grace's post")
    make_post(author, "Ada's draft", status="draft")

    page = client.get(reverse("blog:author_detail", args=["ada"])).content.decode()

    assert "Ada&#x27;s post" in page
    assert "Grace" not in page and "draft" not in page
