"""Cover images: the upload is stored as sent; a media job makes the sizes the pages show."""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from blog.models import Post

MAX_COVER_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# name -> (width, height, crop); crop=False keeps the aspect ratio within the box.
SIZES = {
    "thumb": (160, 160, True),
    "card": (640, 360, True),
    "full": (1600, 1600, False),
}
SIZE_FIELDS = tuple(f"cover_{name}" for name in SIZES)


class CoverImageError(Exception):
    """The stored upload cannot become a cover; the message is shown to the author."""


def replace_cover(*, post: Post, upload: UploadedFile) -> None:
    """Store a new cover and queue its sizes; the previous files go once this commits."""
    from blog.tasks import process_cover_image

    old_files = [name for name in _file_names(post) if name]
    with transaction.atomic():
        post.cover.save(upload.name, upload, save=False)
        for field in SIZE_FIELDS:
            setattr(post, field, "")
        post.cover_error = ""
        post.save(update_fields=["cover", *SIZE_FIELDS, "cover_error", "updated_at"])
        process_cover_image.configure(lock=f"cover:{post.pk}").defer(post_id=post.pk)
        transaction.on_commit(lambda: _delete_files(old_files))


def delete_post(*, post: Post) -> None:
    files = [name for name in _file_names(post) if name]
    with transaction.atomic():
        post.delete()
        transaction.on_commit(lambda: _delete_files(files))


def process_cover(*, post_id: int) -> None:
    """Make the three sizes of the post's current cover, without EXIF metadata."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.cover:
        return
    source = post.cover.name
    try:
        sizes = _render_sizes(source)
    except CoverImageError as exc:
        Post.objects.filter(pk=post_id, cover=source).update(cover_error=str(exc)[:300])
        raise
    stem = PurePosixPath(source).stem
    names = {
        f"cover_{size}": _store(f"covers/{post_id}/{stem}-{size}.webp", data)
        for size, data in sizes.items()
    }
    # The author may have uploaded another cover meanwhile: then these sizes are already stale.
    if not Post.objects.filter(pk=post_id, cover=source).update(**names, cover_error=""):
        _delete_files(names.values())


def _render_sizes(name: str) -> dict[str, bytes]:
    try:
        with default_storage.open(name) as handle, Image.open(handle) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise CoverImageError(f"{image.format} images are not accepted as covers.")
            if too_many_pixels(*image.size):
                raise Image.DecompressionBombError(f"{image.size} pixels")
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGBA" if _has_alpha(image) else "RGB")
    except Image.DecompressionBombError as exc:
        raise CoverImageError("The image has too many pixels to be processed safely.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CoverImageError(f"The file could not be read as an image ({exc}).") from exc
    return {size: _encode(upright, *box) for size, box in SIZES.items()}


def too_many_pixels(width: int, height: int) -> bool:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a cover never needs so many.
    return width * height > (Image.MAX_IMAGE_PIXELS or 0) > 0


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _encode(image: Image.Image, width: int, height: int, crop: bool) -> bytes:
    if crop:
        resized = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    else:
        resized = image.copy()
        resized.thumbnail((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Re-encoding without `exif=` drops the camera metadata (location, device) of the upload.
    resized.save(out, "WEBP", quality=82)
    return out.getvalue()


def _store(name: str, data: bytes) -> str:
    # A re-run of the job overwrites its own earlier output instead of piling up copies.
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def _file_names(post: Post) -> list[str]:
    return [post.cover.name, *(getattr(post, field).name for field in SIZE_FIELDS)]


def _delete_files(names) -> None:
    for name in names:
        default_storage.delete(name)
