"""Nothing a writer types can run script in a reader's browser."""

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Post
from tests.xss import PAYLOADS, dangers


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_in_the_title_or_body_of_a_rendered_post(author_client, payload):
    response = author_client.post(
        reverse("blog:post_create"),
        {
            "title": f"Title {payload}"[:200],
            "body": f"Before\n\n{payload}\n\nafter",
            "action": "publish",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()

    preview = author_client.post(
        reverse("blog:post_edit", args=[post.slug]),
        {"title": post.title, "body": post.body, "action": "preview"},
    ).content.decode()

    assert dangers(Client().get(post.get_absolute_url()).content.decode()) == []
    assert dangers(Client().get(reverse("blog:post_list")).content.decode()) == []
    # The editing form itself is ours; what the writer typed shows in the preview below it.
    assert dangers(preview, after='aria-label="Preview"') == []


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(PAYLOADS) >= 30
