"""Loading a corpus: a folder of .txt/.md files and/or .jsonl(.gz) files, with their metadata.

Metadata comes from a `sources.toml` beside the files (a table per file name), from front matter
at the top of a .txt/.md file (`---` lines around `key: value` lines), or from a .jsonl line's own
fields. Files are only read, never changed. A problem with one file (empty, not UTF-8, broken
metadata, a bad .jsonl line) is reported with its file and line, and the rest still loads.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import itertools
import json
import os
import re
import stat
import tomllib
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from .files import detach_worker
from .model import METADATA, Source
from .segment import REASONS, Heading, Sentence, segment
from .text import terms, words

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
READABLE_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES
METADATA_FILE = "sources.toml"
_FRONT_MATTER_KEY = re.compile(r"[A-Za-z_][\w-]*")


class CorpusError(Exception):
    """The corpus cannot be used at all (no such folder, nothing usable in it)."""


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class Place(NamedTuple):
    """Where a corpus file holds a document's text as it is: bytes start to end of the file, the
    whole of it (a text file) or one line whose JSON "text" it is (a .jsonl file). A .jsonl.gz
    file has no such place: its bytes are compressed."""

    start: int
    end: int
    json_line: bool


class Document:
    """A source's text, its sentences and headings.

    Sentences may come packed (seven 32-bit integers a sentence, as the on-disk cache stores them):
    a large corpus then costs 28 bytes a sentence, and Sentence objects are made only for the
    documents a question actually reaches."""

    __slots__ = ("source", "text", "place", "_sentences", "_headings", "_packed", "_names", "_heading_rows",
                 "_terms", "_ints")

    def __init__(self, source: Source, text: str, sentences: Sequence[Sentence] | None = None,
                 headings: list[Heading] | None = None, *, packed: bytes | None = None,
                 names: list[str] | None = None, heading_rows: Sequence[tuple] | None = None,
                 place: Place | None = None) -> None:
        self.source = source
        self.text = text
        self.place = place  # where its file holds the text as it is (the cache then keeps no copy of it)
        self._sentences = sentences
        self._headings = headings
        self._packed = packed
        # Tuples, not lists, of strings and numbers: the garbage collector stops tracking them, and
        # thousands of documents are kept while in use (every full collection would visit them).
        self._names = tuple(names) if names is not None else None
        self._heading_rows = tuple(map(tuple, heading_rows)) if heading_rows is not None else None
        self._terms: dict[int, tuple[str, ...]] | None = None
        self._ints: array | None = None  # the packed sentences as integers, made when first read

    def terms_of(self, index: int, text: str) -> tuple[str, ...]:
        """The stemmed words of sentence `index` (whose text is `text`), read once while the
        document is in use: questions often reach the same sentences. A tuple of strings, which
        the garbage collector stops tracking: thousands are kept, and a list would lengthen every
        full collection (a stall of the question that happens to trigger it)."""
        if self._terms is None:
            self._terms = {}
        found = self._terms.get(index)
        if found is None:
            found = self._terms[index] = tuple(terms(text))
        return found

    def span(self, index: int) -> tuple[int, int, str]:
        """Sentence `index`'s start, end and heading, read without making a Sentence of it: the
        ranker reads these of a few hundred sentences a question."""
        if self._packed is None:
            sentence = self.sentences[index]
            return sentence.start, sentence.end, sentence.heading
        ints = self._table()
        if not 0 <= index < len(ints) // _FIELDS:
            raise IndexError(index)
        base = index * _FIELDS
        heading = ints[base + 5]
        return ints[base], ints[base + 1], self._names[heading] if heading >= 0 and self._names else ""

    def sentence_count(self) -> int:
        if self._packed is None:
            return len(self.sentences)
        return len(self._table()) // _FIELDS

    def _table(self) -> array:
        if self._ints is None:
            self._ints = array("i", self._packed or b"")
        return self._ints

    @property
    def sentences(self) -> Sequence[Sentence]:
        if self._sentences is None:
            self._sentences = PackedSentences(self._table(), self._names or ())
        return self._sentences

    @property
    def headings(self) -> list[Heading]:
        if self._headings is None:
            self._headings = [Heading(*row) for row in self._heading_rows or ()]
        return self._headings

    def packed(self) -> tuple[bytes, list[str], list[tuple]]:
        """Sentences packed, the heading names they refer to, and headings as tuples: for the cache."""
        if self._packed is None:
            self._packed, names = pack(self.sentences)
            self._names = tuple(names)
        if self._heading_rows is None:
            self._heading_rows = heading_rows_of(self.headings)
        return self._packed, list(self._names or ()), list(self._heading_rows)

    def quotable(self):
        """(index, start, end, heading) of each sentence that may be quoted."""
        if self._packed is None:
            yield from quotable_of(self.sentences)
            return
        ints, names = self._table(), self._names or ()
        starts, ends, headings = ints[0::_FIELDS], ints[1::_FIELDS], ints[5::_FIELDS]
        for i, reason in enumerate(ints[6::_FIELDS]):
            if reason < 0:
                heading = headings[i]
                yield i, starts[i], ends[i], names[heading] if heading >= 0 else ""


_FIELDS = 7  # start, end, line_start, line_end, block, heading name (-1: none), reason (-1: quotable)


def quotable_of(sentences: Sequence[Sentence]) -> Iterator[tuple[int, int, int, str]]:
    """(index, start, end, heading) of each of some sentences that may be quoted."""
    for i, s in enumerate(sentences):
        if s.boilerplate is None:
            yield i, s.start, s.end, s.heading


def pack(sentences: Sequence[Sentence]) -> tuple[bytes, list[str]]:
    names: dict[str, int] = {}
    ints = array("i")
    for s in sentences:
        heading = names.setdefault(s.heading, len(names)) if s.heading else -1
        reason = REASONS.index(s.boilerplate) if s.boilerplate else -1
        ints.extend((s.start, s.end, s.line_start, s.line_end, s.block, heading, reason))
    return ints.tobytes(), list(names)


def heading_rows_of(headings: Sequence[Heading]) -> tuple[tuple[int, int, int, str], ...]:
    """Headings as (start, end, line, text) rows: as the cache and the segmenting workers keep them."""
    return tuple((h.start, h.end, h.line, h.text) for h in headings)


class PackedSentences(Sequence[Sentence]):
    """A document's sentences as packed, each made a Sentence only when asked for: a question
    reads one or two sentences of most documents it reaches."""

    __slots__ = ("_ints", "_names")

    def __init__(self, ints: array, names: Sequence[str]) -> None:
        self._ints = ints
        self._names = names

    def __len__(self) -> int:
        return len(self._ints) // _FIELDS

    def _at(self, base: int) -> Sentence:
        start, end, line_start, line_end, block, heading, reason = self._ints[base : base + _FIELDS]
        return Sentence(start, end, line_start, line_end, self._names[heading] if heading >= 0 else "", block,
                        REASONS[reason] if reason >= 0 else None)

    def __iter__(self) -> Iterator[Sentence]:
        return map(self._at, range(0, len(self._ints), _FIELDS))

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._at(i * _FIELDS)


@dataclass
class Corpus:
    """A corpus's documents (a list, or read from the cache when asked for: bot.shelf), the
    problems met reading it, and the documents that repeat another's text."""

    root: Path
    documents: Sequence[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: Sequence[tuple[Source, Source]] = field(default_factory=list)  # (a copy, the one it copies)


def bundled_corpus_path() -> Path:
    """The corpus shipped with citebot: inside the installed package, or corpus/ in a checkout."""
    packaged = Path(__file__).resolve().parent / "corpus"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "corpus"


def cited_prefix(root: Path) -> str:
    """What citations put before a file's path inside the corpus folder: "corpus/" for the bundled
    corpus, wherever citebot is installed or started from; nothing for any other folder."""
    try:
        bundled = root.resolve() == bundled_corpus_path().resolve()
    except OSError:
        bundled = False
    return "corpus/" if bundled else ""


def display_path(path: Path) -> str:
    """A path that opens the file from the current directory: relative below it, else absolute."""
    absolute = Path(os.path.abspath(path))  # not resolve(): a symlink loop must not raise here
    try:
        return str(absolute.relative_to(os.path.abspath(os.getcwd())))
    except ValueError:
        return str(absolute)


Progress = Callable[[str, int, int], None]  # (stage, done, total)
HandOver = Callable[[int, list["Document"]], None]  # (place in the file of the first, documents)


def load_corpus(root: str | os.PathLike[str] | None = None, progress: Progress | None = None,
                follow_links: bool = False) -> Corpus:
    """The documents of a corpus folder (default: the bundled corpus), with the problems met."""
    root = Path(root) if root is not None else bundled_corpus_path()
    if not root.exists():
        raise CorpusError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise CorpusError(f"not a folder: {root}")
    problems: list[Problem] = []
    metadata = read_metadata(root, problems)
    files = corpus_files(root, problems, follow_links)
    prefix = cited_prefix(root)
    loaded: list[Document] = []
    for done, path in enumerate(files):
        if progress:
            progress("reading", done, len(files))
        rel = path.relative_to(root).as_posix()
        documents = load_file(path, metadata.pop(rel, {}), problems, progress)
        for doc in documents:
            doc.source = replace(doc.source, file=prefix + rel)
        loaded.extend(documents)
    corpus = Corpus(root, loaded, problems)
    report_unused_metadata(corpus, metadata)
    make_ids_unique(corpus, loaded)
    corpus.duplicates = duplicates_of(loaded)
    report_duplicates(corpus)
    if not loaded:
        raise CorpusError(no_usable_document(root, problems))
    return corpus


def report_unused_metadata(corpus: Corpus, unused_metadata: dict) -> None:
    """Metadata in sources.toml that names no file of the corpus."""
    for rel in unused_metadata:
        corpus.problems.append(Problem(display_path(corpus.root / METADATA_FILE), None,
                                       f"names {rel!r}, which is not in the corpus"))


def load_file(path: Path, meta: dict[str, str], problems: list[Problem], progress: Progress | None = None,
              vocabulary: set[str] | None = None, hand_over: HandOver | None = None) -> list[Document]:
    """The documents of one corpus file: a text file is one document, a .jsonl file one a line.
    A large file's words are gathered into `vocabulary` (when given) while it is segmented, and
    its documents handed to `hand_over` (when given) a part at a time, as they are made."""
    if path.name.lower().endswith(JSONL_SUFFIXES):
        return _load_jsonl(path, problems, progress, vocabulary, hand_over)
    doc = _load_text_file(path, meta, problems)
    return [doc] if doc is not None else []


def corpus_files(root: Path, problems: list[Problem] | None = None, follow_links: bool = False) -> list[Path]:
    """The corpus's readable files, in a stable order. Only regular files are read (a FIFO or a
    device named *.txt would hang or never end); links that lead out of the corpus folder are
    skipped unless `follow_links`; folders are walked without recursion, however deep."""
    problems = problems if problems is not None else []
    top = root.resolve()
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
            info = folder.stat()
        except OSError as exc:
            problems.append(Problem(display_path(folder), None, f"folder cannot be read ({exc.strerror}); skipped"))
            continue
        if (info.st_dev, info.st_ino) in seen:  # a link loop, when links are followed
            continue
        seen.add((info.st_dev, info.st_ino))
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_link = entry.is_symlink()
                if is_link and not follow_links and not _inside(path, top):
                    if entry.is_dir() or entry.name.lower().endswith(READABLE_SUFFIXES):
                        problems.append(Problem(display_path(path), None, "a link to outside the corpus folder; "
                                                "skipped (--follow-links reads it)"))
                    continue
                if entry.is_dir(follow_symlinks=follow_links or not is_link):
                    subfolders.append(path)
                    continue
                if not entry.name.lower().endswith(READABLE_SUFFIXES):
                    if entry.name != METADATA_FILE and entry.is_file():
                        kind = Path(entry.name).suffix.lower() or "a file without an extension"
                        problems.append(Problem(display_path(path), None, f"not a kind of file citebot reads ({kind}; "
                                                f"it reads {', '.join(READABLE_SUFFIXES)}); skipped"))
                    continue
                if not stat.S_ISREG(entry.stat(follow_symlinks=True).st_mode):
                    problems.append(Problem(display_path(path), None, "not a regular file (a pipe, device or "
                                            "socket); skipped"))
                    continue
            except OSError as exc:
                problems.append(Problem(display_path(path), None, f"cannot be read ({exc.strerror}); skipped"))
                continue
            found.append(path)
        stack.extend(reversed(subfolders))
    return found


def _inside(path: Path, top: Path) -> bool:
    try:
        path.resolve().relative_to(top)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def read_metadata(root: Path, problems: list[Problem]) -> dict[str, dict]:
    path = root / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.append(Problem(display_path(path), int(line.group(1)) if line else None, f"metadata ignored: {exc}"))
        return {}
    out = {}
    for name, table in data.items():
        if isinstance(table, dict):
            out[name] = _bounded({k: str(v) for k, v in table.items() if k in METADATA and v is not None},
                                 display_path(path), None, problems)
        else:
            problems.append(Problem(display_path(path), None, f"{name!r} is not a table; ignored"))
    return out


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_TEXT_FILE_BYTES:
            problems.append(Problem(shown, None, f"larger than {MAX_TEXT_FILE_BYTES >> 20} MB; skipped"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, None, f"cannot be read ({exc.strerror}); skipped"))
        return None
    if not raw.strip():
        problems.append(Problem(shown, None, "empty; skipped"))
        return None
    if b"\x00" in raw:
        problems.append(Problem(shown, None, "binary, not text; skipped"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, "not UTF-8 text; skipped"))
        return None


def _front_matter(text: str, shown: str, problems: list[Problem]) -> tuple[dict[str, str], int]:
    """Metadata from front matter, and the offset where the body starts (0 when there is none)."""
    if not re.match(r"---[ \t]*\r?\n", text):
        return {}, 0
    close = re.search(r"^---[ \t]*$", text[3:], re.MULTILINE)
    if close is None:
        problems.append(Problem(shown, 1, "front matter is not closed by a '---' line; metadata ignored"))
        return {}, 0
    end = 3 + close.end()
    meta: dict[str, str] = {}
    for number, line in enumerate(text[:end].splitlines()[1:-1], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")  # by hand, not a regex: linear in a line of any length
        key, value = key.strip(), value.strip()
        if not colon or _FRONT_MATTER_KEY.fullmatch(key) is None:
            problems.append(Problem(shown, number, f"front matter line is not 'key: value': {line.strip()[:60]!r}; ignored"))
            continue
        key = key.lower()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key in METADATA and value:
            meta[key] = value
    return meta, end


_FENCE = re.compile(r"\ufeff?---[ \t]*(\r?\n|\r|$)")


def _load_text_file(path: Path, meta: dict[str, str], problems: list[Problem]) -> Document | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    shown = display_path(path)
    front, body = _front_matter(text, shown, problems)
    meta = _bounded({**meta, **front}, shown, None, problems)
    # Front matter is blanked (newlines kept) so that offsets and lines stay those of the file.
    visible = re.sub(r"[^\r\n]", " ", text[:body]) + text[body:]
    # A front matter fence left open: its lines are no title either, so the file names the source.
    unclosed = body == 0 and _FENCE.match(text) is not None
    title = meta.get("title") or (None if unclosed else _first_line(visible)) or path.stem
    return _document(meta.get("id") or path.stem, title, meta, shown, text, visible,
                     Place(0, len(text.encode("utf-8")), False))


def _bounded_lines(stream, shown: str, problems: list[Problem], measure: bool = False):
    """(line, its length in UTF-8 bytes when `measure`, else 0) for the lines of a stream, never
    holding more than MAX_RECORD_CHARS of one line (a longer line is reported and skipped: None in
    its place) nor reading past MAX_FILE_CHARS in all (a decompression bomb is cut there, and
    reported)."""
    read = 0
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_CHARS + 1)
        if not line:
            return
        number += 1
        read += len(line)
        size = len(line.encode("utf-8")) if measure else 0
        if len(line) > MAX_RECORD_CHARS and not line.endswith("\n"):
            while True:  # the rest of the overlong line, read and dropped a piece at a time
                rest = stream.readline(MAX_RECORD_CHARS)
                read += len(rest)
                size += len(rest.encode("utf-8")) if measure else 0
                if not rest or rest.endswith("\n") or read > MAX_FILE_CHARS:
                    break
            problems.append(Problem(shown, number, f"line longer than {MAX_RECORD_CHARS:,} characters; skipped"))
            line = None
        yield line, size
        if read > MAX_FILE_CHARS:
            problems.append(Problem(shown, number, f"more than {MAX_FILE_CHARS:,} characters; the rest was not read"))
            return


Record = tuple[str, str, dict[str, str], str, "Place | None"]  # (id, title, metadata, text, place)


def _load_jsonl(path: Path, problems: list[Problem], progress: Progress | None = None,
                vocabulary: set[str] | None = None, hand_over: HandOver | None = None) -> list[Document]:
    shown = display_path(path)
    compressed = path.name.lower().endswith(".gz")
    try:
        # What start method suits its workers (_start_method), known before the file is read.
        size = path.stat().st_size * (4 if compressed else 1)
    except OSError:
        size = 0
    docs = _segment_records(_records(path, shown, compressed, problems), shown, progress, vocabulary, hand_over,
                            size)
    if not docs and not any(p.path == shown for p in problems):
        problems.append(Problem(shown, None, "no documents in it; skipped"))
    return docs


def _records(path: Path, shown: str, compressed: bool, problems: list[Problem]) -> Iterator[Record]:
    """The records of a .jsonl file, one at a time as its lines are read; each line that cannot be
    one is reported and skipped."""
    opener = gzip.open if compressed else open
    end = 0  # bytes of the file read so far (a plain file's lines are then places of their texts)
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as stream:
            for number, (line, size) in enumerate(_bounded_lines(stream, shown, problems, not compressed), start=1):
                start, end = end, end + size
                if line is None or not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(Problem(shown, number, f"not valid JSON ({exc.msg}); line skipped"))
                    continue
                if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
                    problems.append(Problem(shown, number, "no \"text\" string; line skipped"))
                    continue
                meta = _bounded({k: str(record[k]) for k in METADATA if record.get(k) not in (None, "")},
                                shown, number, problems)
                text = record["text"]
                title = meta.get("title") or _first_line(text) or f"{path.name} line {number}"
                yield (meta.get("id") or f"{path.name}:{number}", title, meta, text,
                       None if compressed else Place(start, end, True))
    except (OSError, EOFError, UnicodeDecodeError, zlib.error, gzip.BadGzipFile) as exc:
        problems.append(Problem(shown, None, f"cannot be read to the end ({exc}); kept what was read"))


PARALLEL_FROM = 4000  # documents in one file from which segmenting is spread over the machine's cores
PART_CHARS = 1_000_000  # characters of text a segmenting worker is handed at once, about
FORK_BELOW = 64_000_000  # characters: below, forked workers (quickest); above, fresh ones (leanest)
FRESH_WORKERS = False  # set by the citebot program itself (bot/cli.py): see _start_method


def _start_method(size: int) -> str | None:
    """How segmenting workers start, for a file of about `size` characters; None: no workers.

    Forked workers start quickest, but copy this process: for a big file, fresh workers (a fork
    server) cost only what they segment. Fresh workers import the program's main module again, as
    Python's multiprocessing does; so only the citebot program, whose main module is safe to
    import, starts them. A user's script that opens a corpus without an
    `if __name__ == "__main__":` guard would run again in each of them and wait there, for ever, on
    the cache lock that this process holds: it gets forked workers, or none where fork is missing."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if FRESH_WORKERS and size >= FORK_BELOW and "forkserver" in methods:
        return "forkserver"
    if "fork" in methods:
        return "fork"
    return "spawn" if FRESH_WORKERS else None


def _segment_records(records: Iterable[Record], shown: str, progress: Progress | None,
                     vocabulary: set[str] | None = None, hand_over: HandOver | None = None,
                     size: int = 0) -> list[Document]:
    """Documents for records; a large file (of about `size` characters) is segmented in parallel,
    its parts handed to the workers as they are read, so that reading, segmenting and what
    `hand_over` does with the documents (indexing them) go on at once."""
    workers = min(os.cpu_count() or 1, 8)
    stream = iter(records)
    first = list(itertools.islice(stream, PARALLEL_FROM))
    method = _start_method(size) if len(first) >= PARALLEL_FROM else None
    docs: list[Document] = []
    if method is None or workers < 2:
        everything = first + list(stream)
        for i, (source_id, title, meta, text, place) in enumerate(everything):
            if progress and i % 500 == 0:
                progress("reading", i, len(everything))
            docs.append(_document(source_id, title, meta, shown, text, text, place))
        return docs
    import multiprocessing  # only a large corpus pays for these
    from concurrent.futures import ProcessPoolExecutor

    pending: collections.deque = collections.deque()  # (a part's records, its future), in the file's order
    read = 0

    def collect(wait: bool) -> None:
        while pending and (wait or pending[0][1].done()):
            part, future = pending.popleft()
            part_rows, part_words = future.result()
            if vocabulary is not None:
                vocabulary.update(part_words)
            done = len(docs)
            for (source_id, title, meta, text, place), (packed, names, heading_rows) in zip(part, part_rows):
                docs.append(Document(_source(source_id, title, meta, shown), text, packed=packed, names=names,
                                     heading_rows=heading_rows, place=place))
            if hand_over is not None:
                hand_over(done, docs[done:])
            if progress:
                progress("reading", len(docs), read)

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=detach_worker,
                             initargs=(os.getpid() if method == "fork" else None,)) as pool:

        def submit(part: list[Record]) -> None:  # a worker is handed each record's title, author and text
            pending.append((part, pool.submit(_segment_rows, [(r[1], r[2].get("author"), r[3]) for r in part])))

        part: list[Record] = []
        held = 0
        for record in itertools.chain(first, stream):
            part.append(record)
            read += 1
            held += len(record[3])
            if held >= PART_CHARS:
                submit(part)
                part, held = [], 0
                collect(wait=False)
        if part:
            submit(part)
        collect(wait=True)
    return docs


def vocabulary_of(documents: Sequence[Document]) -> set[str]:
    """The words of the quotable text of some documents, with their headings and titles. Gathered
    a document at a time: a chunk of thousands of documents never becomes one list of every word."""
    vocabulary: set[str] = set()
    for doc in documents:
        vocabulary.update(_words_of(doc.source.title, doc.text, doc.quotable()))
    return vocabulary


def _words_of(title: str, text: str, quotable: Iterable[tuple[int, int, int, str]]) -> list[str]:
    """The words of a document's title, of its quotable sentences (Document.quotable's rows) and
    of their headings."""
    parts, headings = [title], set()
    for _, start, end, heading in quotable:
        parts.append(text[start:end])
        headings.add(heading)
    parts.extend(headings)
    return words("\n".join(parts))


def _segment_rows(part: list[tuple[str, str | None, str]]) -> tuple[list[tuple[bytes, list[str], tuple[tuple, ...]]], set[str]]:
    """Segment a chunk of documents (in a worker process): their rows, and the chunk's vocabulary.
    A document at a time: only its packed rows are kept, never a chunk's Sentence objects."""
    out, vocabulary = [], set()
    for title, author, text in part:
        seg = segment(text, title, author)
        packed, names = pack(seg.sentences)
        out.append((packed, names, heading_rows_of(seg.headings)))
        vocabulary.update(_words_of(title, text, quotable_of(seg.sentences)))
    return out, vocabulary


def _source(source_id: str, title: str, meta: dict[str, str], shown: str) -> Source:
    return Source.from_metadata(shown, meta | {"id": source_id, "title": title})


def _document(source_id: str, title: str, meta: dict[str, str], shown: str, text: str, visible: str,
              place: Place | None = None) -> Document:
    source = _source(source_id, title, meta, shown)
    seg = segment(visible, title, source.author)
    return Document(source, text, seg.sentences, seg.headings, place=place)


MAX_FIELD_CHARS = {"title": 300, "author": 300, "publisher": 300, "date": 100, "id": 300, "kind": 300}
MAX_OTHER_FIELD_CHARS = 2000  # url, disclosure
MAX_RECORD_CHARS = 16_000_000  # one line of a .jsonl file
MAX_FILE_CHARS = 1 << 30  # characters read from one file (a .jsonl.gz may decompress to far more)
MAX_TEXT_FILE_BYTES = 256 << 20


def _bounded(meta: dict[str, str], shown: str, line: int | None, problems: list[Problem]) -> dict[str, str]:
    """Metadata with every field cut to its bound; each cut is reported."""
    out = {}
    for key, value in meta.items():
        limit = MAX_FIELD_CHARS.get(key, MAX_OTHER_FIELD_CHARS)
        if len(value) > limit:
            problems.append(Problem(shown, line, f"{key} longer than {limit:,} characters; cut there"))
            value = value[:limit] + "…"
        out[key] = value
    return out


def _first_line(text: str) -> str:
    """The first line that says something: a line of only "---" or "***" (a front matter fence left
    open, a rule) is no title."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if any(ch.isalnum() for ch in line):
            return line[:120]
    return ""


def no_usable_document(root: Path, problems: list[Problem]) -> str:
    message = f"no usable document in {root} (looked for {', '.join(READABLE_SUFFIXES)} files)"
    if problems:
        message += "; " + "; ".join(str(p) for p in problems[:10])
    return message


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:20]


def repeated_texts(keys: Iterable[str]) -> list[tuple[int, int]]:
    """(place, place of the first) of every document whose text key an earlier document has: the
    one rule for a corpus read afresh and for the cache's summary (bot.store)."""
    first: dict[str, int] = {}
    pairs = []
    for i, key in enumerate(keys):
        if key in first:
            pairs.append((i, first[key]))
        else:
            first[key] = i
    return pairs


def duplicates_of(documents: list[Document]) -> list[tuple[Source, Source]]:
    """Every document whose text an earlier document already has, with that earlier one (both
    stay; their quotes are merged into one that names both sources)."""
    return [(documents[i].source, documents[j].source)
            for i, j in repeated_texts(text_key(doc.text) for doc in documents)]


def report_duplicates(corpus: Corpus) -> None:
    """The documents that repeat another's text, reported in one line: a corpus with thousands of
    copies says so once (`citebot index --duplicates` lists them)."""
    if corpus.duplicates:
        copy, original = corpus.duplicates[0]
        more = len(corpus.duplicates) - 1
        others = (f", and {more:,} more document{'s repeat' if more != 1 else ' repeats'} another's text "
                  "(citebot index --duplicates lists them)") if more else ""
        corpus.problems.append(Problem(copy.path, None, f"same text as {original.path} ({original.id}){others}; "
                                       "quotes of the same text are shown as one, naming every source"))


def renamed_message(new: str) -> str:
    sid = new.rpartition("~")[0]
    return f"source id {sid!r} is used twice; this one is {new!r}"


def renamed_ids(ids: Iterable[str]) -> list[tuple[int, str]]:
    """(place, new id) of every document whose id an earlier one has: it is known by the id and its
    place ("a~7"). The one rule for a corpus read afresh and for the cache's summary (bot.store)."""
    seen: set[str] = set()
    renamed = []
    for i, sid in enumerate(ids):
        if sid in seen:
            renamed.append((i, f"{sid}~{i}"))
        seen.add(sid)
    return renamed


def make_ids_unique(corpus: Corpus, documents: list[Document]) -> None:
    for i, new in renamed_ids(doc.source.id for doc in documents):
        doc = documents[i]
        corpus.problems.append(Problem(doc.source.path, None, renamed_message(new)))
        doc.source = replace(doc.source, id=new)
