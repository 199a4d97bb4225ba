"""Checking and cleaning the files attached to a report: receipts and photos.

A file is judged by its content, never by its name or the type the browser claims. Photos (and
image receipts) are opened with Pillow, checked, and drawn again into a fresh image that carries
no metadata at all (no EXIF, GPS, XMP, ICC or text chunks). PDF receipts are kept as sent, once
they look like a PDF and nothing else. Whatever fails raises ``FileRefused`` with a message for
the person, before anything is stored.
"""

import io
import os
import unicodedata
import uuid
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from meetandcode.kernel.exceptions import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone camera, far less than a bomb
MAX_FILES_PER_KIND = 20

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; we refuse from the warning on.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

IMAGE_FORMATS = {
    # Pillow's format -> (content type, file extension)
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
HTML_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<svg", b"<iframe")


class FileRefused(DomainError):
    """The file is not what it may be; the message says what the person can do."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str

    def server_name(self) -> str:
        """A name of the server's own: nothing of the uploader's file name reaches the disk."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def clean_photo(upload) -> CleanFile:
    """A JPEG, PNG or WebP photo, re-encoded in its own format without any metadata."""
    data = _read(upload)
    if _image_kind(data) is None:
        raise FileRefused(
            _("“%(name)s” is not a photo: upload a JPEG, PNG or WebP image.")
            % {"name": display_name(upload.name)}
        )
    return _reencode(data, upload.name)


def clean_receipt(upload) -> CleanFile:
    """A PDF (kept as sent) or an image (re-encoded like a photo)."""
    data = _read(upload)
    if data.startswith(b"%PDF-"):
        head = data[:1024].lower()
        if any(marker in head for marker in HTML_MARKERS):
            raise FileRefused(
                _(
                    "“%(name)s” is not a plain PDF (it contains web page code). Save or scan the "
                    "receipt again as a PDF and upload that."
                )
                % {"name": display_name(upload.name)}
            )
        return CleanFile(content=data, content_type="application/pdf", extension="pdf")
    if _image_kind(data) is None:
        raise FileRefused(
            _(
                "“%(name)s” is not a receipt we can take: upload a PDF, or a JPEG, PNG or WebP "
                "image of it."
            )
            % {"name": display_name(upload.name)}
        )
    return _reencode(data, upload.name)


def display_name(name: str | None) -> str:
    """The uploader's file name, only for showing: no folders, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    base, ext = os.path.splitext(name)
    return (base[: 190 - len(ext[:10])] + ext[:10]) or "file"


def _read(upload) -> bytes:
    if upload.size > MAX_BYTES:
        raise FileRefused(
            _("“%(name)s” is %(size)s MB; files may be up to 10 MB. Make it smaller and try again.")
            % {"name": display_name(upload.name), "size": f"{upload.size / 1024 / 1024:.1f}"}
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # the size the client gave was wrong
        raise FileRefused(_("The file is larger than 10 MB."))
    if not data:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": display_name(upload.name)})
    return data


def _image_kind(data: bytes) -> str | None:
    """The image format the first bytes announce (the magic numbers), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _reencode(data: bytes, name: str) -> CleanFile:
    shown = display_name(name)
    broken = FileRefused(
        _(
            "“%(name)s” could not be read as an image. Open it on your device, save it again as "
            "JPEG, PNG or WebP, and upload that."
        )
        % {"name": shown}
    )
    too_big = FileRefused(
        _("“%(name)s” has too many pixels (at most 40 megapixels). Make it smaller and try again.")
        % {"name": shown}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                # Many phone cameras write JPEGs with a second, preview picture (MPO): a JPEG.
                kind = "JPEG" if probe.format == "MPO" else probe.format
                _check_pixels(probe, too_big, kind)
                probe.verify()
            # verify() leaves the image unusable: open it again to decode the pixels.
            with Image.open(io.BytesIO(data)) as image:
                _check_pixels(image, too_big, kind)
                image.load()
                pixels = _plain_pixels(image, kind)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except FileRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise broken from None
    if kind not in IMAGE_FORMATS or kind != _image_kind(data):
        raise broken
    content_type, extension = IMAGE_FORMATS[kind]
    out = io.BytesIO()
    if kind == "JPEG":
        pixels.save(out, "JPEG", quality=88, optimize=True)
    elif kind == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=85)
    return CleanFile(content=out.getvalue(), content_type=content_type, extension=extension)


def _check_pixels(image, refused: FileRefused, kind: str) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise refused
    if kind != "JPEG" and getattr(image, "n_frames", 1) > 1:
        # An animation is many images: a photo is one. (A JPEG's extra frames are previews.)
        raise FileRefused(_("Upload a single photo, not an animation."))


def _plain_pixels(image, kind: str):
    """Only the pixels, upright, in a brand-new image: none of the original's metadata (EXIF,
    GPS, XMP, ICC profile, comments, text chunks) can travel along."""
    from PIL import ImageOps

    upright = ImageOps.exif_transpose(image)  # the photo keeps its orientation without EXIF
    has_alpha = "A" in upright.mode or "transparency" in upright.info
    mode = "RGBA" if has_alpha and kind != "JPEG" else "RGB"
    if upright.mode == "L" and not has_alpha:
        mode = "L"
    converted = upright.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


# --- The library's files (events.models.Resource, uploaded in the admin) --------------------

ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_FORMATS = {"docx", "pptx", "odt"}


def library_file_problem(upload) -> str | None:
    """Why the library file's content does not match its extension, or None when it does.

    PDF and images by their magic bytes (no web page code in a PDF); DOCX, PPTX and ODT are zip
    containers: refused when they hold too many entries, unpack to too much (a zip bomb) or name
    a path outside themselves."""
    import zipfile

    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if extension == "pdf":
        if not head.startswith(b"%PDF") or any(m in head.lower() for m in HTML_MARKERS):
            return _("The file is not a plain PDF.")
        return None
    if extension in {"png", "jpg", "jpeg"}:
        if _image_kind(head) != ("PNG" if extension == "png" else "JPEG"):
            return _("The file is not a %(kind)s image.") % {"kind": extension.upper()}
        try:
            with Image.open(upload) as image:  # reads the header only: no pixels decoded
                too_many = image.width * image.height > MAX_PIXELS
        except (OSError, ValueError, Image.DecompressionBombError):
            too_many = True
        finally:
            upload.seek(0)
        if too_many:
            return _("The image is broken or has too many pixels (at most 40 megapixels).")
        return None
    if extension in ZIP_FORMATS:
        try:
            with zipfile.ZipFile(upload) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return _("The file is not a %(kind)s document.") % {"kind": extension.upper()}
        finally:
            upload.seek(0)
        if len(entries) > ZIP_MAX_ENTRIES:
            return _("The document holds too many parts to be a real %(kind)s file.") % {
                "kind": extension.upper()
            }
        if sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED:
            return _("The document unpacks to more than 100 MB: it is refused.")
        if any(e.filename.startswith("/") or ".." in e.filename.split("/") for e in entries):
            return _("The document names files outside itself: it is refused.")
        return None
    return _("Files of this type are not accepted.")
