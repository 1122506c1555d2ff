"""A corpus file's documents on disk, read one document at a time: what the cache keeps of each file.

Opening a cached corpus reads nothing of its documents; a question reads only the documents its
search hits name, each from its own place in its file. So a warm start costs the same at any corpus
size, and memory holds the documents in use, not the corpus.

One shelf file per corpus file:

    records      each document: (metadata, text, packed sentences, heading names, heading rows), marshal;
                 where the corpus file holds the text as it is (a text file, a line of a plain .jsonl
                 file), the record holds its place there and a digest of it instead: no second copy
    table        for each record: where it starts and ends, and an 8-byte BLAKE2b digest of it
    sources      every document's metadata, in one list (to list or name the sources without their text)
    vocabulary   the words of the file's quotable text (spelling correction)
    text_keys    a digest of each document's text (documents that repeat another's text)
    footer       what is where, with a digest of each section; then its length, then its own digest

Nothing read is trusted: the footer's digest is checked when the shelf is opened, a section's when it
is read, a record's each time it is read, a text read from its corpus file against the record's
digest of it. What fails raises ShelfDamaged (SourceChanged: the corpus file is no longer what was
read), and the answering code reads the file again rather than quote from what it no longer says.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import marshal
import os
import stat
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from .corpus import Document, Place, display_path
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


class SourceChanged(ShelfDamaged):
    """A document's corpus file no longer holds the text that was read from it: edited, replaced
    or removed since."""

    def __init__(self, key: str, shown: str) -> None:
        IndexDamaged.__init__(self, f"{shown} changed since it was read")
        self.key = key


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
        text: str | tuple = doc.text
        if doc.place is not None:  # the corpus file holds it: only where, and a digest to check it by
            text = (*doc.place, _digest(doc.text.encode("utf-8"), 16))
        record = marshal.dumps((metadata, text, packed, names, heading_rows))
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


class _Open:
    """A file held open by its descriptor, closed with its holder."""

    _fd = -1

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


class Shelf(_Open):
    """One shelf file, open for reading. Its footer is read and checked at once; the rest when asked."""

    def __init__(self, path: Path, build: str) -> None:
        self.key = key = path.name  # a shelf is named by its file's content key
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
                and len(record[0]) == len(METADATA) and isinstance(record[2], bytes)
                and (isinstance(record[1], str) or _is_place(record[1]))):
            raise ShelfDamaged(self.key, "unexpected structure")
        return record

    def verify(self, source: Path | None = None) -> None:
        """Read every section and record, checking each (a damage found while answering); with the
        corpus file `source`, also every text the records say it holds."""
        for name in SECTIONS:
            self.section(name)
        reader = None
        for i in range(self.count):
            text = self.record(i)[1]
            if source is not None and not isinstance(text, str):
                reader = reader or SourceFile(source, self.key)
                reader.text(text)


def _is_place(value) -> bool:
    return (isinstance(value, tuple) and len(value) == 4 and isinstance(value[0], int) and isinstance(value[1], int)
            and 0 <= value[0] <= value[1] and isinstance(value[2], bool) and isinstance(value[3], bytes))


class SourceFile(_Open):
    """A corpus file open for reading the texts the shelf does not keep, each checked against the
    digest of what was read there at the start: SourceChanged when it no longer is that text."""

    def __init__(self, path: Path, key: str) -> None:
        self.key, self.shown = key, display_path(path)
        try:
            # never blocks: a file replaced by a pipe is not waited on
            self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            if not stat.S_ISREG(os.fstat(self._fd).st_mode):
                raise OSError("not a regular file")
        except OSError:
            self.close()
            raise SourceChanged(key, self.shown) from None

    def text(self, place: tuple) -> str:
        start, end, json_line, digest = place
        try:
            text = os.pread(self._fd, end - start, start).decode("utf-8")
            if json_line:
                text = json.loads(text)["text"]
            if isinstance(text, str) and _digest(text.encode("utf-8"), 16) == digest:
                return text
        except (OSError, ValueError, KeyError, TypeError):  # unreadable, not UTF-8 or not JSON any more
            pass
        raise SourceChanged(self.key, self.shown)


def _loads(key: str, data: bytes):
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError) as exc:
        raise ShelfDamaged(key, f"unreadable: {exc}") from None


class Group:
    """The documents of one corpus file, as a corpus's documents from `first` on."""

    __slots__ = ("key", "first", "count", "shown", "file", "path", "signature")

    def __init__(self, key: str, first: int, count: int, shown: str, file: str, path: Path,
                 signature: tuple[int, int, int]) -> None:
        self.key, self.first, self.count, self.shown, self.file = key, first, count, shown, file
        self.path = path  # the corpus file, where texts not kept on the shelf are read
        self.signature = signature  # its size, modification and change times when it was read


def signature(info: os.stat_result) -> tuple[int, int, int]:
    """What tells a file edited since (cp -p and rsync -t restore a modification time, never a change time)."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


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
        self._files: OrderedDict[str, SourceFile] = OrderedDict()  # corpus files open, the last OPEN read
        self._unchanged: set[str] = set()  # files found as they were read, since the last `recheck`
        # The chat answers in a worker thread while its own thread may open a source: one reader at
        # a time, or one could close a shelf that the other is reading.
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return self._length

    def group_of(self, i: int) -> Group:
        return self.groups[bisect.bisect_right(self._firsts, i) - 1]

    def shelf(self, key: str) -> Shelf:
        """The shelf of a file, opened if need be (the caller holds the lock)."""
        return self._kept_open(self._open, key, self._open_shelf)

    def _open_shelf(self, key: str) -> Shelf:
        try:
            return Shelf(self.folder / key, self.build)
        except OSError as exc:
            raise ShelfDamaged(key, exc.strerror or str(exc)) from None

    def _kept_open(self, files: OrderedDict, key: str, opening: Callable[[str], _Open]):
        """The file open under `key` in `files`, opened if need be; the least recently used of more
        than OPEN is closed."""
        found = files.get(key)
        if found is None:
            found = files[key] = opening(key)
            if len(files) > self.OPEN:
                files.popitem(last=False)[1].close()
        else:
            files.move_to_end(key)
        return found

    def recheck(self) -> None:
        """Look again at every corpus file (its size and times) when next a document of it is read,
        kept or not: called before each question, so that each question sees every edit made before it."""
        with self._lock:
            self._unchanged.clear()

    def _check(self, group: Group) -> None:
        """SourceChanged if the group's corpus file is no longer the file that was read."""
        if group.key in self._unchanged:
            return
        try:
            same = signature(os.stat(group.path)) == group.signature
        except OSError:
            same = False
        if not same:
            raise SourceChanged(group.key, group.shown)
        self._unchanged.add(group.key)

    def _text(self, group: Group, place: tuple) -> str:
        """A text the shelf does not keep, read from its corpus file (kept open, the last OPEN)."""
        return self._kept_open(self._files, group.key, lambda key: SourceFile(group.path, key)).text(place)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._length))]
        with self._lock:
            if i < 0:
                i += self._length
            if not 0 <= i < self._length:
                raise IndexError(i)
            group = self.group_of(i)
            self._check(group)  # a document in use is kept, and quoted from, while its file is unchanged
            doc = self._kept.get(i)
            if doc is not None:
                self._kept.move_to_end(i)
                return doc
            metadata, text, packed, names, heading_rows = self.shelf(group.key).record(i - group.first)
            place = None
            if not isinstance(text, str):
                place, text = Place(*text[:3]), self._text(group, text)
            doc = Document(self._source(i, group, metadata), text, packed=packed, names=names,
                           heading_rows=heading_rows, place=place)
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


def recheck(documents: Sequence[Document]) -> None:
    """Before a question: corpus files edited since they were read are seen (bot.answer reads them again)."""
    if isinstance(documents, ShelvedDocuments):
        documents.recheck()


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
