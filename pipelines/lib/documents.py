"""Reading seed documents: listing, decoding, sidecar metadata and rejection reasons.

Everything here is a plain function of bytes and paths so that the ingest asset stays thin and the
rules for what counts as a readable document are unit-tested directly. A document that cannot be
read is never dropped silently: it becomes a `Rejection` with a reason code and a detail that names
the cause, and the run goes on with the others.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.lib.vocab import EARLIEST_EVENT_DATE, LATEST_DATE

SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class ReadLimits:
    """Limits that protect the pipeline from scraper debris; news articles are a few kB."""

    max_bytes: int = 5_000_000
    max_line_chars: int = 200_000


# A sidecar holds a date, a URL and a language code: a few hundred bytes.
MAX_SIDECAR_BYTES = 64_000


@dataclass(frozen=True)
class Sidecar:
    """The optional `<file name>.meta.json` next to a document."""

    published: dt.date | None = None
    source_url: str | None = None
    language: str | None = None
    sha256: str | None = field(default=None, compare=False)  # of the bytes parsed: what a later run compares


@dataclass(frozen=True)
class Rejection:
    """A file that did not become a document (or a sidecar that was ignored)."""

    source_path: str
    sha256: str | None
    reason: str
    detail: str


@dataclass(frozen=True)
class RawDocument:
    """A decoded document before any extraction. `text` is None for a document the previous run
    read with the same bytes (`seeds.read_seeds`): its extraction is cached, and the text is read
    again only if it is not (`seeds.load_text`)."""

    source_path: str
    sha256: str
    text: str | None
    encoding: str
    n_bytes: int
    sidecar: Sidecar = field(default_factory=Sidecar)

    @property
    def doc_id(self) -> str:
        return doc_id_for(self.sha256)


def doc_id_for(sha256: str) -> str:
    """A stable id from the content hash: renaming a file keeps its id, editing it changes it."""
    return sha256[:16]


def list_seed_files(seeds_dir: Path) -> list[str]:
    """Relative paths (POSIX form, sorted) of every candidate document under `seeds_dir`.

    Hidden files and folders and `.meta.json` sidecars are skipped; every other file is a
    candidate, so that a stray image or an empty file is reported rather than ignored.
    """
    found: list[str] = []
    for root, dirs, files in os.walk(seeds_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folder = Path(root).relative_to(seeds_dir).as_posix()  # once per folder: a Path per file costs 30 us
        prefix = "" if folder == "." else folder + "/"
        found.extend(prefix + name for name in files if not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX))
    return sorted(found)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF")


def decode_text(data: bytes) -> tuple[str, str] | tuple[None, str]:
    """Decode document bytes; return (text, encoding) or (None, why).

    Byte-order marks decide first (UTF-8, UTF-16); then strict UTF-8; then the single-byte
    encodings seen in scraped East-European news (cp1251 for Cyrillic, cp1250/latin-1 for Latin
    scripts), accepted only when the result looks like prose in that script. Anything else is
    refused rather than published as mojibake.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16, whose BOM starts it
        return _strict(data, "utf-32", "utf-32")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", "utf-16")
    if b"\x00" in data or data.startswith(_BINARY_SIGNATURES):
        return None, "binary"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1251", "cp1250", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text, encoding):
            return text, encoding
    return None, "encoding"


def _strict(data: bytes, codec: str, label: str) -> tuple[str, str] | tuple[None, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None, "encoding"
    # A NUL in decoded text means binary data behind a BOM-like start (a UTF-16 BOM on an image).
    return (None, "binary") if "\x00" in text else (text, label)


_WORD = re.compile(r"[^\W\d_]+")


def _plausible(text: str, encoding: str) -> bool:
    """Does a single-byte decoding look like prose rather than mojibake?

    Prose has word structure, no control characters, and scripts that do not mix inside a word:
    Cyrillic decoded as cp1251 gives whole Cyrillic words, while Latin text wrongly decoded as
    cp1251 gives words like "Zьrich"; Cyrillic wrongly decoded as cp1250 gives long words made
    only of accented letters, while real Polish or German has a few diacritics in Latin words.
    """
    if any(ord(c) < 32 and c not in "\t\n\r\f" or 0x7F <= ord(c) < 0xA0 for c in text):
        return False
    words = _WORD.findall(text)
    if not words or sum(map(len, words)) / len(words) > 15:
        return False
    foreign = [w for w in words if not w.isascii()]
    if not foreign:
        return True
    mixed = sum(1 for w in foreign if any(c.isascii() for c in w))
    if encoding == "cp1251":
        cyrillic = [w for w in foreign if all("\u0400" <= c <= "\u04ff" for c in w if not c.isascii())]
        return len(cyrillic) == len(foreign) and mixed <= 0.2 * len(foreign)
    pure_long = sum(1 for w in foreign if len(w) >= 4 and not any(c.isascii() for c in w))
    return pure_long <= 0.3 * len(foreign)


def normalise_newlines(text: str) -> str:
    """CRLF and CR become LF, so that offsets mean the same thing whatever the source platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(seeds_dir: Path, rel_path: str, limits: ReadLimits = ReadLimits()) -> RawDocument | Rejection:
    """Read and decode one seed file; a `Rejection` names the file and the cause when it fails.

    `rel_path` is the name as listed (a legacy 8-bit name holds lone surrogates); the document
    and any rejection carry its `display_path`."""
    name = display_path(rel_path)
    path = seeds_dir / rel_path
    link = _link_problem(seeds_dir, path)
    if link:
        return Rejection(name, None, *link)
    try:
        data = read_regular_file(path, limits.max_bytes)
    except FileTooLarge as exc:
        return Rejection(name, None, "too_large", f"{exc.size} bytes is over the limit of {limits.max_bytes:,} bytes")
    except OSError as exc:
        return Rejection(name, None, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
    digest = sha256_hex(data)
    text, encoding = decode_text(data)
    if text is None:
        detail = {"binary": "contains NUL bytes or a binary file signature",
                  "encoding": "not valid UTF-8, UTF-16 or a recognisable single-byte encoding"}[encoding]
        return Rejection(name, digest, encoding, detail)
    text = normalise_newlines(text)
    if not text.strip():
        return Rejection(name, digest, "empty", f"{len(data)} bytes with no visible text")
    longest = max(len(line) for line in text.split("\n"))
    if longest > limits.max_line_chars:
        return Rejection(name, digest, "line_too_long",
                         f"a line of {longest:,} characters is over the limit of {limits.max_line_chars:,}")
    return RawDocument(name, digest, text, encoding, len(data))


def display_path(rel_path: str) -> str:
    """The path as published and shown: itself when it is valid Unicode. A file name in a legacy
    8-bit encoding (from an old zip, say) reaches Python with lone surrogates, which no Parquet
    file can hold; its undecodable bytes are shown as `\\xNN` escapes instead, while the file is
    still read under its real name."""
    try:
        rel_path.encode("utf-8")
        return rel_path
    except UnicodeEncodeError:
        return os.fsencode(rel_path).decode("utf-8", "backslashreplace")


class FileTooLarge(OSError):
    """A file over the size limit; `size` says how large, as a phrase ("52,428,800" or "more than 5,000,000")."""

    def __init__(self, size: str):
        super().__init__(f"{size} bytes")
        self.size = size


_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; never blocks, never reads more than the limit.

    Opened without blocking (a named pipe would otherwise wait forever for a writer) and checked on
    the open descriptor, so a file swapped after the check cannot slip through; read at most
    `max_bytes + 1` bytes, so a file that grows after `stat` is still caught (FileTooLarge).
    Other kinds of file raise OSError naming the kind."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise OSError(errno.EINVAL, f"{kind}, not a regular file", str(path))
        if st.st_size > max_bytes:
            raise FileTooLarge(f"{st.st_size:,}")
        chunks, left = [], max_bytes + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise FileTooLarge(f"more than {max_bytes:,}")
    return data


def _link_problem(seeds_dir: Path, path: Path) -> tuple[str, str] | None:
    """(reason, detail) when `path` is a symbolic link that must not be read: one pointing outside
    the seeds folder (it may point anywhere), or one that cannot be resolved (a loop)."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: "Symlink loop" before Python 3.13
        return "unreadable", f"symbolic link that cannot be resolved: {exc}"
    if target.is_relative_to(seeds_dir.resolve()):
        return None
    return "outside_seeds", f"symbolic link to {target}, outside the seeds folder"


def read_sidecar(seeds_dir: Path, rel_path: str) -> Sidecar | Rejection | None:
    """Parse `<file name>.meta.json` if it exists; a broken sidecar is a rejection, not a crash."""
    path = seeds_dir / (rel_path + SIDECAR_SUFFIX)
    sidecar_rel = display_path(rel_path + SIDECAR_SUFFIX)
    if not path.exists() and not path.is_symlink():
        return None
    link = _link_problem(seeds_dir, path)
    if link:
        return Rejection(sidecar_rel, None, "sidecar", link[1])
    try:
        data = read_regular_file(path, MAX_SIDECAR_BYTES)
    except FileTooLarge as exc:
        return Rejection(sidecar_rel, None, "sidecar", f"{exc.size} bytes; a sidecar may hold {MAX_SIDECAR_BYTES:,}")
    except OSError as exc:
        return Rejection(sidecar_rel, None, "sidecar", f"unreadable: {exc.strerror or exc}")
    digest = sha256_hex(data)
    try:
        meta = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Rejection(sidecar_rel, digest, "sidecar", f"not valid JSON: {exc}")
    if not isinstance(meta, dict):
        return Rejection(sidecar_rel, digest, "sidecar", "JSON is not an object")
    return _sidecar_from(meta, sidecar_rel, digest)


def _sidecar_from(meta: dict, sidecar_rel: str, digest: str) -> Sidecar | Rejection:
    published = meta.get("published")
    if published is not None:
        try:
            published = dt.date.fromisoformat(str(published))
        except ValueError:
            return Rejection(sidecar_rel, digest, "sidecar", f"'published' is not a valid YYYY-MM-DD date: {published!r}")
        if not EARLIEST_EVENT_DATE <= published <= LATEST_DATE:
            return Rejection(sidecar_rel, digest, "sidecar",
                             f"'published' {published} is outside {EARLIEST_EVENT_DATE}..{LATEST_DATE}")
    url, language = meta.get("source_url"), meta.get("language")
    if url is not None and not isinstance(url, str):
        return Rejection(sidecar_rel, digest, "sidecar", "'source_url' is not a string")
    code = _LANGUAGE_TAG.fullmatch(language) if isinstance(language, str) else None
    if language is not None and code is None:
        return Rejection(sidecar_rel, digest, "sidecar", f"'language' is not a language code: {language!r}")
    return Sidecar(published, url, code.group(1).lower() if code else None, digest)


# A language tag ("en", "uk", "en-GB", "zh_Hant_TW"): its primary subtag is what `documents.language`
# holds (ISO 639, two or three letters); anything else in a sidecar would fail that table's schema.
_LANGUAGE_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


def title_of(text: str) -> str:
    """The first non-empty line, stripped: the guidelines make it the document's title."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""
