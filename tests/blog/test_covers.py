import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from procrastinate.contrib.django.models import ProcrastinateJob

from blog.models import Post
from tests.blog.conftest import make_post


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _jpeg_with_exif(size=(2400, 1600)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0132] = "2024:01:01 10:00:00"  # DateTime
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _upload(client, post: Post, name: str, data: bytes, content_type: str = "image/jpeg"):
    return client.post(
        reverse("blog:post_edit", args=[post.slug]),
        {
            "title": post.title,
            "body": post.body,
            "action": "save",
            "cover_upload": SimpleUploadedFile(name, data, content_type=content_type),
        },
    )


def test_an_uploaded_cover_gets_three_sizes_without_exif_from_the_worker(
    run_worker, media_root, author, author_client
):
    post = make_post(author, "With a cover")
    client = author_client

    assert _upload(client, post, "photo.jpg", _jpeg_with_exif()).status_code == 302
    post.refresh_from_db()
    assert post.cover and not post.cover_ready
    assert "cover-placeholder" in client.get(post.get_absolute_url()).content.decode()

    run_worker(queues=["media"])

    post.refresh_from_db()
    sizes = {}
    for field in ("cover_thumb", "cover_card", "cover_full"):
        with Image.open(media_root / getattr(post, field).name) as image:
            sizes[field] = image.size
            assert not image.getexif()
    assert sizes == {
        "cover_thumb": (160, 160),
        "cover_card": (640, 360),
        "cover_full": (1600, 1067),
    }
    page = client.get(post.get_absolute_url()).content.decode()
    assert post.cover_full.url in page and "cover-placeholder" not in page


def test_replacing_a_cover_makes_new_sizes_and_removes_the_old_files(
    run_worker, media_root, author, author_client
):
    post = make_post(author, "Changing cover")
    client = author_client
    _upload(client, post, "first.jpg", _jpeg_with_exif((800, 600)))
    run_worker(queues=["media"])
    post.refresh_from_db()
    old = [
        media_root / f.name
        for f in (post.cover, post.cover_thumb, post.cover_card, post.cover_full)
    ]

    _upload(client, post, "second.jpg", _jpeg_with_exif((1200, 900)))
    run_worker(queues=["media"])

    post.refresh_from_db()
    assert not any(path.exists() for path in old)
    assert "second" in post.cover.name
    with Image.open(media_root / post.cover_full.name) as image:
        assert image.size == (1200, 900)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("notes.png", b"just some text, renamed\n" * 20, "Upload a valid image"),
        (
            "broken.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40,
            "Upload a valid image",
        ),
    ],
)
def test_a_file_that_is_not_a_good_image_gets_a_form_error_and_no_job(
    author_client, author, media_root, name, data, error
):
    post = make_post(author, "No cover")

    response = _upload(author_client, post, name, data, "image/png")

    assert response.status_code == 200
    assert error in response.content.decode()
    post.refresh_from_db()
    assert not post.cover
    assert not ProcrastinateJob.objects.filter(task_name="process_cover_image").exists()


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("side", "error"),
    [
        # Pillow only warns up to twice its limit and refuses beyond; both are refused here.
        (120, "The image has too many pixels"),
        (150, "Upload a valid image"),
    ],
)
def test_a_decompression_bomb_is_refused_by_the_form(
    author_client, author, media_root, monkeypatch, side, error
):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)
    post = make_post(author, "Bomb")

    response = _upload(author_client, post, "bomb.jpg", _jpeg_with_exif((side, side)))

    assert error in response.content.decode()
    post.refresh_from_db()
    assert not post.cover


def test_a_cover_that_breaks_in_the_worker_fails_its_job_with_a_reason_the_author_sees(
    run_worker, media_root, author, author_client
):
    post = make_post(author, "Truncated")
    client = author_client
    _upload(client, post, "cut.jpg", _jpeg_with_exif((800, 600)))
    post.refresh_from_db()
    full = (media_root / post.cover.name).read_bytes()
    (media_root / post.cover.name).write_bytes(full[: len(full) // 3])

    run_worker(queues=["media"], allow_failed=True)

    post.refresh_from_db()
    assert ProcrastinateJob.objects.get(task_name="process_cover_image").status == "failed"
    assert "could not be read as an image" in post.cover_error
    dashboard = client.get(reverse("blog:dashboard")).content.decode()
    assert "failed" in dashboard
    assert client.get(post.get_absolute_url()).status_code == 200
