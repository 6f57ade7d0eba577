"""Reading seed documents: listing, decoding, sidecar metadata and rejection reasons.

Everything here is a plain function of bytes and paths so that the ingest asset stays thin and the
rules for what counts as a readable document are unit-tested directly. A document that cannot be
read is never dropped silently: it becomes a `Rejection` with a reason code and a detail that names
the cause, and the run goes on with the others.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.lib.vocab import EARLIEST_EVENT_DATE, LATEST_DATE

SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class ReadLimits:
    """Limits that protect the pipeline from scraper debris; news articles are a few kB."""

    max_bytes: int = 5_000_000
    max_line_chars: int = 200_000


@dataclass(frozen=True)
class Sidecar:
    """The optional `<file name>.meta.json` next to a document."""

    published: dt.date | None = None
    source_url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Rejection:
    """A file that did not become a document (or a sidecar that was ignored)."""

    source_path: str
    sha256: str | None
    reason: str
    detail: str


@dataclass(frozen=True)
class RawDocument:
    """A decoded document before any extraction."""

    source_path: str
    sha256: str
    text: str
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
        for name in files:
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                continue
            found.append(Path(root, name).relative_to(seeds_dir).as_posix())
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
        return data.decode(codec), label
    except UnicodeDecodeError:
        return None, "encoding"


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
    """Read and decode one seed file; a `Rejection` names the file and the cause when it fails."""
    path = seeds_dir / rel_path
    outside = _outside_reason(seeds_dir, path)
    if outside:
        return Rejection(rel_path, None, "outside_seeds", outside)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return Rejection(rel_path, None, "too_large",
                             f"{size:,} bytes is over the limit of {limits.max_bytes:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        return Rejection(rel_path, None, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
    digest = sha256_hex(data)
    text, encoding = decode_text(data)
    if text is None:
        detail = {"binary": "contains NUL bytes or a binary file signature",
                  "encoding": "not valid UTF-8, UTF-16 or a recognisable single-byte encoding"}[encoding]
        return Rejection(rel_path, digest, encoding, detail)
    text = normalise_newlines(text)
    if not text.strip():
        return Rejection(rel_path, digest, "empty", f"{len(data)} bytes with no visible text")
    longest = max(len(line) for line in text.split("\n"))
    if longest > limits.max_line_chars:
        return Rejection(rel_path, digest, "line_too_long",
                         f"a line of {longest:,} characters is over the limit of {limits.max_line_chars:,}")
    return RawDocument(rel_path, digest, text, encoding, len(data))


def _outside_reason(seeds_dir: Path, path: Path) -> str | None:
    """A symbolic link may point anywhere; only targets inside the seeds folder are read."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if target.is_relative_to(seeds_dir.resolve()):
        return None
    return f"symbolic link to {target}, outside the seeds folder"


def read_sidecar(seeds_dir: Path, rel_path: str) -> Sidecar | Rejection | None:
    """Parse `<file name>.meta.json` if it exists; a broken sidecar is a rejection, not a crash."""
    sidecar_rel = rel_path + SIDECAR_SUFFIX
    path = seeds_dir / sidecar_rel
    if not path.exists() and not path.is_symlink():
        return None
    if _outside_reason(seeds_dir, path):
        return Rejection(sidecar_rel, None, "sidecar", "symbolic link outside the seeds folder")
    try:
        data = path.read_bytes()
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
    if language is not None and not (isinstance(language, str) and 2 <= len(language) <= 8):
        return Rejection(sidecar_rel, digest, "sidecar", f"'language' is not a language code: {language!r}")
    return Sidecar(published, url, language.lower() if language else None)


def title_of(text: str) -> str:
    """The first non-empty line, stripped: the guidelines make it the document's title."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""
