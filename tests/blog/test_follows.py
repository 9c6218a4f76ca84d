import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from blog.models import Follow
from blog.notifications import unsubscribe_url

pytestmark = pytest.mark.django_db


def test_a_verified_reader_follows_and_unfollows_an_author(client, author, reader):
    client.force_login(reader)

    client.post(reverse("blog:follow", args=[author.username]))
    client.post(reverse("blog:follow", args=[author.username]))
    assert Follow.objects.filter(follower=reader, author=author).count() == 1
    assert (
        "Unfollow"
        in client.get(reverse("blog:author_detail", args=[author.username])).content.decode()
    )

    client.post(reverse("blog:unfollow", args=[author.username]))
    assert not Follow.objects.exists()


def test_unverified_readers_and_authors_themselves_cannot_follow(client, author, unverified):
    client.force_login(unverified)
    response = client.post(reverse("blog:follow", args=[author.username]), follow=True)
    assert "Verify your email address to follow authors." in response.content.decode()

    client.force_login(author)
    response = client.post(reverse("blog:follow", args=[author.username]), follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()


def test_following_needs_a_post_request(client, author, reader):
    client.force_login(reader)
    assert client.get(reverse("blog:follow", args=[author.username])).status_code == 405
    assert not Follow.objects.exists()


def test_the_unsubscribe_link_shows_a_button_and_unsubscribes_on_post(author, reader):
    Follow.start(follower=reader, author=author)
    path = unsubscribe_url(follower_id=reader.pk, author_id=author.pk).removeprefix(
        settings.SITE_URL
    )
    anonymous = Client()

    page = anonymous.get(path).content.decode()
    assert "Stop emails from ada?" in page
    assert Follow.objects.exists()

    done = anonymous.post(path).content.decode()
    assert "Unsubscribed" in done
    assert not Follow.objects.exists()


def test_a_tampered_unsubscribe_link_is_refused(author, reader):
    Follow.start(follower=reader, author=author)
    path = unsubscribe_url(follower_id=reader.pk, author_id=author.pk).removeprefix(
        settings.SITE_URL
    )

    response = Client().post(path[:-3] + "xyz/")

    assert response.status_code == 400
    assert Follow.objects.exists()
