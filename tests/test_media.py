"""Uploaded covers are served by the site itself (SERVE_MEDIA, on by default) with DEBUG off, as
in production; export files in the same MEDIA_ROOT are not."""

import pytest
from django.test import override_settings


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def put(root, name: str, content: bytes) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return "/media/" + name


@override_settings(DEBUG=False)
def test_a_cover_image_is_served_from_media_url_with_debug_off(client, media_root):
    url = put(media_root, "covers/7/harbour-thumb.webp", b"RIFF....WEBP")

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content) == b"RIFF....WEBP"


@override_settings(DEBUG=False)
def test_an_export_file_is_never_served_from_media_url_only_from_its_owner_checked_view(
    client, media_root
):
    url = put(media_root, "reports/exports/unguessable/stats-2026-01-01.csv", b"post_id,title\n")

    assert client.get(url).status_code == 404
    assert client.get("/media/covers/../reports/exports/unguessable/stats.csv").status_code == 404
