import struct
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.export_archive import ExportArchiveError, UnsafeArchiveError, export_files, read_export
from wa_pipeline.whatsapp.importer import import_exports

CHAT = "16/11/26, 09:15 - Wanjiku Kamau: Please send 20 loaves\n16/11/26, 09:16 - Wanjiku Kamau: IMG-1.jpg (file attached)\n"
JPEG = b"\xff\xd8\xff\xe0" + b"fake jpeg body " * 20


def write_zip(path: Path, members: dict[str, bytes], *, mode: int = 0o100644) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 16, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return path


def test_txt_export(tmp_path):
    path = tmp_path / "WhatsApp Chat with Mama Mboga Bakery.txt"
    path.write_bytes(b"\xef\xbb\xbf" + CHAT.encode())
    archive = read_export(path)
    assert archive.chat_name == "Mama Mboga Bakery"
    assert archive.text == CHAT
    assert archive.source_name == path.name
    assert archive.media == {}


def test_utf16_with_bom_is_decoded(tmp_path):
    path = tmp_path / "WhatsApp Chat with Juma Hardware.txt"
    path.write_bytes(CHAT.encode("utf-16"))
    assert read_export(path).text == CHAT


def test_invalid_utf8_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "WhatsApp Chat with Juma Hardware.txt"
    path.write_bytes(CHAT.encode() + b"\xff\xfe\xfa")
    with pytest.raises(ExportArchiveError, match="WhatsApp Chat with Juma Hardware.txt: not valid UTF-8"):
        read_export(path)


def test_android_zip_with_media(tmp_path):
    path = write_zip(
        tmp_path / "WhatsApp Chat with Mama Mboga Bakery.zip",
        {"WhatsApp Chat with Mama Mboga Bakery.txt": CHAT.encode(), "IMG-1.jpg": JPEG},
    )
    archive = read_export(path)
    assert archive.chat_name == "Mama Mboga Bakery"
    assert archive.text == CHAT
    assert archive.source_name == "WhatsApp Chat with Mama Mboga Bakery.zip/WhatsApp Chat with Mama Mboga Bakery.txt"
    assert set(archive.media) == {"IMG-1.jpg"}
    assert archive.media["IMG-1.jpg"]() == JPEG


def test_ios_zip_takes_the_chat_name_from_the_zip(tmp_path):
    path = write_zip(tmp_path / "WhatsApp Chat - Juma Hardware.zip", {"_chat.txt": CHAT.encode(), "IMG-1.jpg": JPEG})
    archive = read_export(path)
    assert archive.chat_name == "Juma Hardware"
    assert archive.source_name == "WhatsApp Chat - Juma Hardware.zip/_chat.txt"


def test_zip_without_chat_text_or_not_a_zip(tmp_path):
    no_text = write_zip(tmp_path / "WhatsApp Chat with X.zip", {"IMG-1.jpg": JPEG})
    with pytest.raises(ExportArchiveError, match="no chat text"):
        read_export(no_text)
    garbage = tmp_path / "WhatsApp Chat with Y.zip"
    garbage.write_bytes(b"this is not a zip at all")
    with pytest.raises(ExportArchiveError, match="not a zip"):
        read_export(garbage)


def _traversal(tmp_path):
    return write_zip(tmp_path / "WhatsApp Chat with A.zip", {"_chat.txt": CHAT.encode(), "../../escaped.jpg": JPEG})


def _absolute(tmp_path):
    return write_zip(tmp_path / "WhatsApp Chat with A.zip", {"_chat.txt": CHAT.encode(), "/tmp/abs.jpg": JPEG})


def _windows_absolute(tmp_path):
    return write_zip(tmp_path / "WhatsApp Chat with A.zip", {"_chat.txt": CHAT.encode(), "C:\\evil\\IMG-1.jpg": JPEG})


def _symlink(tmp_path):
    path = write_zip(tmp_path / "WhatsApp Chat with A.zip", {"_chat.txt": CHAT.encode()})
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("IMG-1.jpg", date_time=(2026, 11, 16, 9, 0, 0))
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    return path


def _bomb(tmp_path):
    return write_zip(
        tmp_path / "WhatsApp Chat with A.zip", {"_chat.txt": CHAT.encode(), "IMG-1.jpg": bytes(10 * 1024**2)}
    )


def _too_many(tmp_path):
    members = {"_chat.txt": CHAT.encode()} | {f"IMG-{i}.jpg": b"x" for i in range(5_000)}
    return write_zip(tmp_path / "WhatsApp Chat with A.zip", members)


ATTACKS = {
    "path traversal": (_traversal, r"path traversal"),
    "absolute path": (_absolute, r"absolute path"),
    "windows absolute path": (_windows_absolute, r"absolute path"),
    "symlink": (_symlink, r"symbolic link"),
    "zip bomb": (_bomb, r"zip bomb"),
    "too many members": (_too_many, r"5001 members"),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_hostile_zips_are_refused_and_nothing_lands(tmp_path, attack):
    build, reason = ATTACKS[attack]
    path = build(tmp_path)
    with pytest.raises(UnsafeArchiveError, match=reason):
        read_export(path)

    store = SqliteLandingStore(tmp_path / "data" / "landing.sqlite3")
    dead_letters = DeadLetterQueue(tmp_path / "data" / "landing.sqlite3")
    media_root = tmp_path / "data" / "media"
    summary = import_exports(
        [path], store=store, media_store=MediaStore(media_root), dead_letters=dead_letters, tz=ZoneInfo("UTC")
    )
    assert (summary.files, summary.added, summary.media_linked) == (0, 0, 0)
    assert store.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    [letter] = dead_letters.list()
    assert (letter.stage, letter.item_key) == ("import", str(path))
    assert summary.errors == [letter.reason]
    assert not (tmp_path.parent / "escaped.jpg").exists()


def test_member_larger_than_its_header_claims_is_not_read_past_the_claim(tmp_path):
    path = write_zip(tmp_path / "WhatsApp Chat with A.zip", {"_chat.txt": CHAT.encode(), "IMG-1.jpg": JPEG})
    data = bytearray(path.read_bytes())
    # Shrink the claimed uncompressed size of IMG-1.jpg in the central directory to 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    assert data[central + 46 : central + 46 + 9] == b"IMG-1.jpg"
    data[central + 24 : central + 28] = struct.pack("<I", 10)
    path.write_bytes(bytes(data))
    archive = read_export(path)
    with pytest.raises(ExportArchiveError) as caught:
        archive.media["IMG-1.jpg"]()
    assert "IMG-1.jpg" in str(caught.value)


def test_a_zip_written_by_python_without_file_type_bits_imports(tmp_path):
    # `ZipFile.writestr(name, data)` records mode 0o600: permission bits, no "regular file" type bits.
    path = tmp_path / "WhatsApp Chat with Mama Mboga Bakery.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("WhatsApp Chat with Mama Mboga Bakery.txt", CHAT)
        archive.writestr("IMG-1.jpg", JPEG)
    assert {info.external_attr >> 16 for info in zipfile.ZipFile(path).infolist()} == {0o600}
    store = SqliteLandingStore(tmp_path / "data" / "landing.sqlite3")
    summary = import_exports(
        [path],
        store=store,
        media_store=MediaStore(tmp_path / "data" / "media"),
        dead_letters=DeadLetterQueue(tmp_path / "data" / "landing.sqlite3"),
        tz=ZoneInfo("UTC"),
    )
    assert (summary.files, summary.added, summary.media_linked, summary.errors) == (1, 2, 1, [])


@pytest.mark.parametrize("file_type", [0o010000, 0o020000, 0o060000], ids=["fifo", "character device", "block device"])
def test_members_of_another_file_type_are_still_refused(tmp_path, file_type):
    path = write_zip(tmp_path / "WhatsApp Chat with A.zip", {"_chat.txt": CHAT.encode(), "IMG-1.jpg": JPEG})
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("odd", date_time=(2026, 11, 16, 9, 0, 0))
        info.external_attr = (file_type | 0o644) << 16
        archive.writestr(info, b"x")
    with pytest.raises(UnsafeArchiveError, match="not a regular file"):
        read_export(path)


def _import(tmp_path: Path, *paths: Path):
    store = SqliteLandingStore(tmp_path / "data" / "landing.sqlite3")
    summary = import_exports(
        list(paths),
        store=store,
        media_store=MediaStore(tmp_path / "data" / "media"),
        dead_letters=DeadLetterQueue(tmp_path / "data" / "landing.sqlite3"),
        tz=ZoneInfo("UTC"),
    )
    return summary, store


def _unzip(zipped: Path, folder: Path) -> Path:
    """The zip unzipped as macOS's Archive Utility does on opening it: a folder named as the zip, beside it."""
    folder.mkdir()
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(folder)
    return folder


def test_an_ios_export_unzipped_into_its_folder_is_the_same_chat_as_its_zip(tmp_path):
    zipped = write_zip(tmp_path / "WhatsApp Chat - Juma Hardware.zip", {"_chat.txt": CHAT.encode(), "IMG-1.jpg": JPEG})
    folder = _unzip(zipped, tmp_path / "WhatsApp Chat - Juma Hardware")
    archive = read_export(folder / "_chat.txt")
    # The folder says which chat it is, as the zip's name did ("_chat" would make every iOS chat one chat).
    assert archive.chat_name == "Juma Hardware"
    assert archive.source_name == "WhatsApp Chat - Juma Hardware/_chat.txt"
    assert set(archive.media) == {"IMG-1.jpg"}
    assert archive.media["IMG-1.jpg"]() == JPEG

    first, store = _import(tmp_path, folder / "_chat.txt")
    assert (first.files, first.added, first.media_linked, first.errors) == (1, 2, 1, [])
    [photo] = [m for m in store.iter_messages() if m.media is not None]
    assert photo.media.sha256 is not None and photo.media.bytes == len(JPEG)
    # Its messages are the zip's: importing the zip afterwards adds nothing.
    again, _ = _import(tmp_path, zipped)
    assert (again.added, again.already_present) == (0, 2)


def test_an_android_export_unzipped_into_its_folder_links_its_media(tmp_path):
    zipped = write_zip(
        tmp_path / "WhatsApp Chat with Mama Mboga Bakery.zip",
        {"WhatsApp Chat with Mama Mboga Bakery.txt": CHAT.encode(), "IMG-1.jpg": JPEG},
    )
    folder = _unzip(zipped, tmp_path / "WhatsApp Chat with Mama Mboga Bakery")
    archive = read_export(folder / "WhatsApp Chat with Mama Mboga Bakery.txt")
    assert (archive.chat_name, set(archive.media)) == ("Mama Mboga Bakery", {"IMG-1.jpg"})
    summary, _ = _import(tmp_path, folder / "WhatsApp Chat with Mama Mboga Bakery.txt")
    assert (summary.files, summary.added, summary.media_linked, summary.errors) == (1, 2, 1, [])


def test_a_chat_text_saved_alone_does_not_take_the_files_beside_it(tmp_path):
    # Android's "without media" .txt saved to Downloads, beside a photo of another chat with the same name.
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / "WhatsApp Chat with Mama Mboga Bakery.txt").write_text(CHAT, encoding="utf-8")
    (downloads / "IMG-1.jpg").write_bytes(JPEG)
    archive = read_export(downloads / "WhatsApp Chat with Mama Mboga Bakery.txt")
    assert (archive.chat_name, archive.media) == ("Mama Mboga Bakery", {})
    summary, _ = _import(tmp_path, downloads / "WhatsApp Chat with Mama Mboga Bakery.txt")
    assert (summary.added, summary.media_linked, summary.errors) == (2, 0, [])


def test_a_link_beside_an_unzipped_chat_is_never_followed(tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(JPEG)
    folder = tmp_path / "WhatsApp Chat - Juma Hardware"
    folder.mkdir()
    (folder / "_chat.txt").write_text(CHAT, encoding="utf-8")
    (folder / "IMG-1.jpg").symlink_to(outside)
    assert read_export(folder / "_chat.txt").media == {}
    summary, store = _import(tmp_path, folder / "_chat.txt")
    assert (summary.added, summary.media_linked, summary.errors) == (2, 0, [])
    [named] = [m for m in store.iter_messages() if m.media is not None]
    assert (named.media.filename, named.media.sha256) == ("IMG-1.jpg", None)


def test_importing_a_folder_reads_each_unzipped_export_and_never_a_chat_s_own_documents(tmp_path):
    parent = tmp_path / "exports"
    parent.mkdir()
    ios = parent / "WhatsApp Chat - Juma Hardware"
    ios.mkdir()
    (ios / "_chat.txt").write_text(CHAT, encoding="utf-8")
    # A .txt a customer sent, in the export beside the chat text: a document of the chat, not a chat.
    (ios / "00000007-price list.txt").write_text("cement 750\n", encoding="utf-8")
    android = parent / "WhatsApp Chat with Mama Mboga Bakery"
    android.mkdir()
    (android / "WhatsApp Chat with Mama Mboga Bakery.txt").write_text(CHAT, encoding="utf-8")
    (parent / "WhatsApp Chat with Duka.zip").write_bytes(b"")
    (parent / "notes").mkdir()
    (parent / "notes" / "todo.txt").write_text("not an export\n", encoding="utf-8")
    assert export_files(parent) == [
        ios / "_chat.txt",
        parent / "WhatsApp Chat with Duka.zip",
        android / "WhatsApp Chat with Mama Mboga Bakery.txt",
    ]
    assert export_files(ios) == [ios / "_chat.txt"]
    # A folder of loose exports reads as before: each .txt and .zip in it.
    assert export_files(parent / "notes") == [parent / "notes" / "todo.txt"]
