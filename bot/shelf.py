"""A corpus file's documents on disk, read one document at a time: what the cache keeps of each file.

Opening a cached corpus reads nothing of its documents; a question reads only the documents its
search hits name, each from its own place in its file. So a warm start costs the same at any corpus
size, and memory holds the documents in use, not the corpus.

One shelf file per corpus file:

    records      each document: (metadata, text, packed sentences, heading names, heading rows), marshal
    table        for each record: where it starts and ends, and an 8-byte BLAKE2b digest of it
    sources      every document's metadata, in one list (to list or name the sources without their text)
    vocabulary   the words of the file's quotable text (spelling correction)
    text_keys    a digest of each document's text (documents that repeat another's text)
    footer       what is where, with a digest of each section; then its length, then its own digest

Nothing read is trusted: the footer's digest is checked when the shelf is opened, a section's when it
is read, a record's each time it is read. What fails raises ShelfDamaged, and the answering code
rebuilds the file's cache rather than quote from it.
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
import os
import struct
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from .corpus import Document
from .index import IndexDamaged
from .model import METADATA, Source

MAGIC = b"citebot shelf\0"
_TAIL = struct.Struct("<Q32s")  # the footer's length and its digest, at the very end of the file
_ENTRY = struct.Struct("<QQ8s")  # a record's start, its end, its digest
SECTIONS = ("table", "sources", "vocabulary", "text_keys")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # a link planted in the cache is never followed


class ShelfDamaged(IndexDamaged):
    """A shelf file that is not what was written: truncated, edited, or built by other code."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(f"a cached file ({key[:12]}…) is damaged ({why})")


def _digest(data: bytes, size: int = 32) -> bytes:
    return hashlib.blake2b(data, digest_size=size).digest()


def shelf_parts(build: str, documents: Iterable[Document], problems: list[tuple[int | None, str]],
                vocabulary: Iterable[str], text_keys: list[str]) -> Iterator[bytes]:
    """The bytes of a shelf file, a part at a time (a large file is never held whole)."""
    yield MAGIC
    position = len(MAGIC)
    table, sources, ids = bytearray(), [], []
    for doc in documents:
        packed, names, heading_rows = doc.packed()
        metadata = doc.source.metadata()
        record = marshal.dumps((metadata, doc.text, packed, names, heading_rows))
        table += _ENTRY.pack(position, position + len(record), _digest(record, 8))
        sources.append(metadata)
        ids.append(doc.source.id)
        yield record
        position += len(record)
    footer: dict = {"build": build, "count": len(sources), "problems": problems, "sections": {}}
    for name, data in (("table", bytes(table)), ("sources", marshal.dumps(sources)),
                       ("vocabulary", marshal.dumps(sorted(vocabulary))), ("text_keys", marshal.dumps(text_keys))):
        footer["sections"][name] = (position, len(data), _digest(data))
        yield data
        position += len(data)
    encoded = marshal.dumps(footer)
    yield encoded
    yield _TAIL.pack(len(encoded), _digest(encoded))


class Shelf:
    """One shelf file, open for reading. Its footer is read and checked at once; the rest when asked."""

    def __init__(self, path: Path, build: str) -> None:
        self.key = key = path.name  # a shelf is named by its file's content key
        self._fd = -1
        self._fd = os.open(path, os.O_RDONLY | _NOFOLLOW)  # FileNotFoundError: no shelf yet
        try:
            self.size = os.fstat(self._fd).st_size
            if self.size < len(MAGIC) + _TAIL.size or self._read(0, len(MAGIC)) != MAGIC:
                raise ShelfDamaged(key, "truncated")
            length, digest = _TAIL.unpack(self._read(self.size - _TAIL.size, _TAIL.size))
            start = self.size - _TAIL.size - length
            if start < len(MAGIC):
                raise ShelfDamaged(key, "truncated")
            encoded = self._read(start, length)
            if _digest(encoded) != digest:
                raise ShelfDamaged(key, "its footer's checksum does not match")
            footer = _loads(key, encoded)
            if not isinstance(footer, dict) or footer.get("build") != build:
                raise ShelfDamaged(key, "built by other code")
            self.count: int = footer["count"]
            self.problems: list[tuple[int | None, str]] = [(line, message) for line, message in footer["problems"]]
            self._sections: dict[str, tuple[int, int, bytes]] = footer["sections"]
            if not isinstance(self.count, int) or set(self._sections) != set(SECTIONS) or any(
                    not 0 <= offset <= offset + size <= start for offset, size, _ in self._sections.values()) \
                    or self._sections["table"][1] != self.count * _ENTRY.size:
                raise ShelfDamaged(key, "unexpected structure")
            self._records_end = min(offset for offset, _, _ in self._sections.values())
        except (KeyError, TypeError, ValueError, struct.error) as exc:
            self.close()
            raise ShelfDamaged(key, f"unexpected structure: {exc}") from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()

    def _read(self, offset: int, size: int) -> bytes:
        data = os.pread(self._fd, size, offset)
        if len(data) != size:
            raise ShelfDamaged(self.key, "truncated")
        return data

    def section(self, name: str):
        offset, size, digest = self._sections[name]
        data = self._read(offset, size)
        if _digest(data) != digest:
            raise ShelfDamaged(self.key, f"its {name} checksum does not match")
        return data if name == "table" else _loads(self.key, data)

    def record(self, i: int) -> tuple:
        if not 0 <= i < self.count:
            raise ShelfDamaged(self.key, "a document past its end")
        table = self._sections["table"][0]
        start, end, digest = _ENTRY.unpack(self._read(table + i * _ENTRY.size, _ENTRY.size))
        if not len(MAGIC) <= start <= end <= self._records_end:
            raise ShelfDamaged(self.key, "a record out of place")
        data = self._read(start, end - start)
        if _digest(data, 8) != digest:
            raise ShelfDamaged(self.key, "a record's checksum does not match")
        record = _loads(self.key, data)
        if not (isinstance(record, tuple) and len(record) == 5 and isinstance(record[0], tuple)
                and len(record[0]) == len(METADATA) and isinstance(record[1], str) and isinstance(record[2], bytes)):
            raise ShelfDamaged(self.key, "unexpected structure")
        return record

    def verify(self) -> None:
        """Read every section and record, checking each (a damage found while answering)."""
        for name in SECTIONS:
            self.section(name)
        for i in range(self.count):
            self.record(i)


def _loads(key: str, data: bytes):
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError) as exc:
        raise ShelfDamaged(key, f"unreadable: {exc}") from None


class Group:
    """The documents of one corpus file, as a corpus's documents from `first` on."""

    __slots__ = ("key", "first", "count", "shown", "file")

    def __init__(self, key: str, first: int, count: int, shown: str, file: str) -> None:
        self.key, self.first, self.count, self.shown, self.file = key, first, count, shown, file


class ShelvedDocuments(Sequence[Document]):
    """A cached corpus's documents, read from their shelves when asked for, and kept while in use
    (the last KEEP documents read; the last OPEN shelves stay open). Safe to read from several threads."""

    KEEP = 4096
    OPEN = 64

    def __init__(self, folder: Path, build: str, groups: list[Group], renamed: dict[int, str],
                 shelves: Sequence[Shelf] = ()) -> None:
        self.folder = folder
        self.build = build
        self.groups = groups
        self.renamed = renamed  # documents whose id another document has: the id each is known by
        self._firsts = [g.first for g in groups]
        self._length = groups[-1].first + groups[-1].count if groups else 0
        self._kept: OrderedDict[int, Document] = OrderedDict()
        self._open: OrderedDict[str, Shelf] = OrderedDict((shelf.key, shelf) for shelf in shelves[: self.OPEN])
        # The chat answers in a worker thread while its own thread may open a source: one reader at
        # a time, or one could close a shelf that the other is reading.
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return self._length

    def group_of(self, i: int) -> Group:
        return self.groups[bisect.bisect_right(self._firsts, i) - 1]

    def shelf(self, key: str) -> Shelf:
        """The shelf of a file, opened if need be (the caller holds the lock)."""
        shelf = self._open.get(key)
        if shelf is None:
            try:
                shelf = Shelf(self.folder / key, self.build)
            except OSError as exc:
                raise ShelfDamaged(key, exc.strerror or str(exc)) from None
            self._open[key] = shelf
            if len(self._open) > self.OPEN:
                self._open.popitem(last=False)[1].close()
        else:
            self._open.move_to_end(key)
        return shelf

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._length))]
        with self._lock:
            doc = self._kept.get(i)  # the common case first: a document in use
            if doc is not None:
                self._kept.move_to_end(i)
                return doc
            if i < 0:
                i += self._length
            if not 0 <= i < self._length:
                raise IndexError(i)
            group = self.group_of(i)
            metadata, text, packed, names, heading_rows = self.shelf(group.key).record(i - group.first)
            doc = Document(self._source(i, group, metadata), text, packed=packed, names=names,
                           heading_rows=heading_rows)
            self._kept[i] = doc
            if len(self._kept) > self.KEEP:
                self._kept.popitem(last=False)
            return doc

    def __iter__(self) -> Iterator[Document]:
        for i in range(self._length):
            yield self[i]

    def _source(self, i: int, group: Group, metadata: tuple) -> Source:
        source = Source.from_metadata(group.shown, dict(zip(METADATA, metadata)), group.file)
        return replace(source, id=self.renamed[i]) if i in self.renamed else source

    def sources(self) -> Iterator[Source]:
        """Every document's source, in order, without reading any document's text."""
        for group in self.groups:
            with self._lock:
                rows = self.shelf(group.key).section("sources")
            if not isinstance(rows, list) or len(rows) != group.count:
                raise ShelfDamaged(group.key, "unexpected structure")
            for n, metadata in enumerate(rows):
                yield self._source(group.first + n, group, metadata)

    def source(self, i: int) -> Source:
        with self._lock:
            if i in self._kept:
                return self._kept[i].source
            group = self.group_of(i)
            return self._source(i, group, self.shelf(group.key).record(i - group.first)[0])


def sources_of(documents: Sequence[Document]) -> Iterator[Source]:
    """The sources of a corpus's documents, in order: read without their text where they are shelved."""
    if isinstance(documents, ShelvedDocuments):
        return documents.sources()
    return (doc.source for doc in documents)


class Pairs(Sequence[tuple[Source, Source]]):
    """Pairs of documents named by their places (a copy, the one it copies), as pairs of sources."""

    def __init__(self, documents: ShelvedDocuments, places: list[tuple[int, int]]) -> None:
        self.documents = documents
        self.places = places

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self.places)))]
        a, b = self.places[i]
        return self.documents.source(a), self.documents.source(b)
