"""The on-disk cache: a corpus read, segmented and indexed once, opened at once afterwards.

One folder per corpus in the user's cache directory (`Settings.cache_dir`: $CITEBOT_CACHE_DIR, else
$XDG_CACHE_HOME/citebot, else ~/.cache/citebot), never inside the corpus or the installed package:

    manifest.json      each corpus file: size, mtime, ctime, content key (hash of its bytes and metadata)
    files/<key>        the file's shelf: its documents, sentences and vocabulary, each document
                       readable on its own (bot.shelf)
    summary            what all the files make together: the vocabulary, ids given twice, repeated texts
    index/             the tantivy index, each entry tagged with the key of its file

Opening a cached corpus reads the manifest, the summary and the index's own small files, never the
documents: a question reads the few its search hits name. So a warm start takes the same time at
any corpus size.

A file whose size, mtime and ctime are unchanged is trusted; otherwise its bytes are hashed, and only a
file whose content changed is read and indexed again (a removed file's entries are deleted). Writers
take a lock, so two processes starting at once do the work once; files are written to a temporary
name and renamed. A cache that cannot be read (truncated, corrupt) is rebuilt, and the rebuild is
reported, not raised. So is a cache built by other code: the manifest and every stored file carry the
build id (`build_id()`), a digest of the modules that read, segment and index a document and of the
index engine's and stemmer's versions, so an upgrade never serves the old code's reading of a corpus.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import marshal
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import Stemmer
import tantivy

from . import __version__
from .corpus import (
    Corpus,
    CorpusError,
    Document,
    HandOver,
    Problem,
    Progress,
    bundled_corpus_path,
    cited_prefix,
    corpus_files,
    display_path,
    load_corpus,
    load_file,
    no_usable_document,
    read_metadata,
    renamed_ids,
    renamed_message,
    repeated_texts,
    report_duplicates,
    report_unused_metadata,
    text_key,
    vocabulary_of,
)
from .files import LockTimeout, atomic_write, exclusive_lock
from .index import Index, IndexDamaged, add_documents, schema
from .model import METADATA
from .settings import Settings
from .shelf import Group, Pairs, Shelf, ShelfDamaged, ShelvedDocuments, shelf_parts, signature

FORMAT = 8  # bump when the layout of what is stored changes
_RELATIVE_IMPORT = re.compile(r"^[ \t]*from \.(\w*) import \(?([\w, \t]+)", re.MULTILINE)
_DATA_FILE = re.compile(r"""with_name\(["']([\w.-]+)["']\)""")  # a data file beside the module, read by it


PACKAGE = Path(__file__).parent


def modules_behind(package: Path = PACKAGE, name: str = "store") -> list[Path]:
    """This module and every module of the package it imports, directly or through another, with
    the data files they read (boilerplate.toml): the code and data that decide what a cache holds
    (reading, segmenting, boilerplate, tokenizing, the index schema). Found by reading their
    imports, so a module added later is counted without a list to keep up to date."""
    seen, data, todo = set(), set(), [name]
    while todo:
        module = todo.pop()
        path = package / f"{module}.py"
        if module in seen or not path.is_file():
            continue
        seen.add(module)
        source = path.read_text(encoding="utf-8")
        data.update(_DATA_FILE.findall(source))
        for origin, names in _RELATIVE_IMPORT.findall(source):
            todo.extend([origin] if origin else [n.strip() for n in names.split(",") if n.strip()])
    files = [package / f"{module}.py" for module in seen | {"__init__"}]
    return sorted(files + [package / name for name in data if (package / name).is_file()])


@functools.cache
def build_id(package: Path = PACKAGE) -> str:
    """What built a cache: the stored layout, citebot's version, the index engine's and stemmer's
    versions, and the bytes of every module and data file that reads, segments or indexes a document. A cache
    built by anything else is rebuilt, so an upgrade never keeps an old reading of the corpus."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
    # The index engine's version (with its index format) and the stemmer's, as the libraries report
    # them (importlib.metadata would add a tenth of a second to every start).
    digest.update(f"{getattr(tantivy, '__version__', '')}\0{Stemmer.version()}\0".encode())
    for path in modules_behind(package):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


class Store:
    """The cache folder of one corpus."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root.resolve()
        self.settings = settings
        name = hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
        self.dir = settings.cache_dir / f"corpus-{name}"
        self.files = self.dir / "files"
        self.index_dir = self.dir / "index"
        self.manifest_path = self.dir / "manifest.json"
        self.summary_path = self.dir / "summary"
        self.notices: list[str] = []

    @contextlib.contextmanager
    def locked(self, waiting: Callable[[str], None] | None = None):
        """The corpus's cache to ourselves; CorpusError after waiting the settings' lock_timeout seconds."""
        try:
            with exclusive_lock(self.dir / "lock", f"indexing {self.root}", self.settings.lock_timeout, waiting):
                yield
        except LockTimeout as exc:
            raise CorpusError(str(exc)) from None

    def manifest(self) -> dict:
        try:
            data = json.loads(_read_no_links(self.manifest_path).decode("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self.notices.append(f"the index cache's manifest could not be read ({exc}); rebuilding")
            return {}
        if not isinstance(data, dict) or data.get("build") != build_id():
            if data:
                self.notices.append("the index cache was built by another version of citebot (or of its "
                                    "index engine); rebuilding")
                self.discard()
            return {}
        digest = data.pop("digest", None)
        if digest != _digest_of(data) or not _valid_manifest(data):
            self.notices.append("the index cache's manifest is damaged; rebuilding")
            return {}
        return data

    def discard(self) -> None:
        """Forget every cached file and the index (called with the lock held)."""
        shutil.rmtree(self.files, ignore_errors=True)
        shutil.rmtree(self.index_dir, ignore_errors=True)

    def write_manifest(self, data: dict) -> None:
        data = data | {"digest": _digest_of(data)}
        atomic_write(self.manifest_path, json.dumps(data, indent=1).encode("utf-8"))

    def open_shelf(self, key: str, source: Path, verify: bool = False) -> Shelf | None:
        """A file's shelf (its footer checked; with `verify`, every part of it, and every text it
        says its corpus file `source` holds), or None when there is none or it is damaged (then it
        is removed, and the file is to be read again)."""
        try:
            shelf = Shelf(self.files / key, build_id())
            if verify:
                shelf.verify(source)
            return shelf
        except FileNotFoundError:
            return None
        except (OSError, ShelfDamaged) as exc:
            why = str(exc) if isinstance(exc, ShelfDamaged) else f"a cached file ({key[:12]}…) is unreadable ({exc})"
            self.notices.append(f"{why}; reading its source again")
            with contextlib.suppress(OSError):
                (self.files / key).unlink()
            return None

    def forget_others(self, keys: set[str]) -> None:
        """Remove the shelves of files that are no longer in the corpus, or no longer so (an edited
        file's old shelf): a corpus edited a hundred times keeps one shelf a file, not a hundred."""
        with contextlib.suppress(OSError):
            for path in self.files.iterdir():
                if _is_key(path.name) and path.name not in keys:
                    with contextlib.suppress(OSError):
                        path.unlink()

    def write_shelf(self, key: str, documents: list[Document], problems: list[Problem],
                    vocabulary: set[str] | None) -> None:
        atomic_write(self.files / key, shelf_parts(
            build_id(), documents, [(p.line, p.message) for p in problems],
            vocabulary if vocabulary is not None else vocabulary_of(documents),
            [text_key(doc.text) for doc in documents]))

    def summary(self, groups: list[Group]) -> dict:
        """What is learnt from all the files together: the corpus's vocabulary, the documents whose
        id an earlier one has, and the documents that repeat an earlier one's text. Read from
        `summary` when it was made from these very files; otherwise made from their shelves, and kept."""
        wanted = [(g.key, g.count) for g in groups]
        try:
            raw = _read_no_links(self.summary_path)
            data = marshal.loads(raw[:-DIGEST]) if raw[-DIGEST:] == hashlib.blake2b(
                raw[:-DIGEST], digest_size=DIGEST).digest() else None
            if isinstance(data, dict) and data.get("build") == build_id() and data.get("groups") == wanted:
                return data
        except (OSError, ValueError, EOFError, TypeError):
            pass
        vocabulary: set[str] = set()
        ids: list[str] = []
        text_keys: list[str] = []
        for group in groups:
            shelf = Shelf(self.files / group.key, build_id())
            try:
                vocabulary.update(shelf.section("vocabulary"))
                sources, keys = shelf.section("sources"), shelf.section("text_keys")
                if len(sources) != len(keys):
                    raise ValueError("unexpected structure")
                ids.extend(metadata[METADATA.index("id")] for metadata in sources)
                text_keys.extend(keys)
            finally:
                shelf.close()
        data = {"build": build_id(), "groups": wanted, "vocabulary": sorted(vocabulary),
                "renamed": renamed_ids(ids), "duplicates": repeated_texts(text_keys)}
        encoded = marshal.dumps(data)
        atomic_write(self.summary_path, encoded + hashlib.blake2b(encoded, digest_size=DIGEST).digest())
        return data


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # a link planted in the cache is never followed


def _read_no_links(path: Path) -> bytes:
    with os.fdopen(os.open(path, os.O_RDONLY | _NOFOLLOW), "rb") as fh:
        return fh.read()


def clean_leftovers(folder: Path) -> None:
    """Temporary files a killed writer left behind (called with the lock held: no writer is live)."""
    for leftover in (*folder.glob(".*.tmp"), *folder.glob("files/.*.tmp")):
        with contextlib.suppress(OSError):
            leftover.unlink()


DIGEST = 32  # bytes of BLAKE2b at the end of the summary: what was written is what is read


def _digest_of(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def _valid_manifest(data: dict) -> bool:
    files, indexed = data.get("files"), data.get("indexed")
    if not isinstance(files, dict) or not isinstance(indexed, list) or not all(_is_key(k) for k in indexed):
        return False
    for entry in files.values():
        if not isinstance(entry, dict) or not isinstance(entry.get("size"), int) \
                or not isinstance(entry.get("mtime"), int) or not isinstance(entry.get("ctime"), int) \
                or not isinstance(entry.get("meta"), str) \
                or not _is_key(entry.get("key")):
            return False
    return True


def _is_key(key) -> bool:
    """A content key as _content_key makes it: 32 hex digits (never a path)."""
    return isinstance(key, str) and len(key) == 32 and all(c in "0123456789abcdef" for c in key)


def _content_key(path: Path, rel: str, meta: dict) -> str:
    """The file's bytes, its name (ids and titles fall back to it) and its metadata, hashed."""
    digest = hashlib.sha256(rel.encode("utf-8", "surrogateescape") + b"\0")
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    digest.update(json.dumps(meta, sort_keys=True).encode())
    return digest.hexdigest()[:32]


def open_corpus(root: str | os.PathLike[str] | None, settings: Settings, progress: Progress | None = None,
                waiting: Callable[[str], None] | None = None, follow_links: bool = False, *, verify: bool = False
                ) -> tuple[Corpus, Index, dict]:
    """The corpus and its index, from the cache where it is current, updating what is not. The
    documents are not read: a question reads those it reaches (bot.shelf). With `verify`, every
    cached file is read and checked whole first (after damage was found while answering).

    Returns (corpus, index, stats) where stats counts the files read and indexed this time."""
    root = Path(root) if root is not None else bundled_corpus_path()
    if not root.exists():
        raise CorpusError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise CorpusError(f"not a folder: {root}")
    store = Store(root, settings)
    try:
        if store.dir.is_symlink() or store.dir.parent.is_symlink():
            raise OSError(f"{store.dir} is a link; citebot never follows links in its cache")
        with store.locked(waiting):
            clean_leftovers(store.dir)
            return _open_locked(store, root, progress, follow_links, verify)
    except OSError as exc:  # the cache folder is a file, read-only, full or otherwise unusable
        return _without_cache(root, progress, follow_links, f"the index cache ({store.dir}) cannot be used "
                              f"({exc.strerror or exc}); answering without a cache this time")


def _without_cache(root: Path, progress: Progress | None, follow_links: bool, why: str
                   ) -> tuple[Corpus, Index, dict]:
    corpus = load_corpus(root, progress, follow_links=follow_links)
    corpus.problems.append(Problem(str(root), None, why))
    stats = {"files": len(corpus.documents), "read": len(corpus.documents), "indexed": len(corpus.documents),
             "removed": 0}
    return corpus, Index(corpus, progress), stats


def _open_locked(store: Store, root: Path, progress: Progress | None, follow_links: bool = False,
                 verify: bool = False) -> tuple[Corpus, Index, dict]:
    problems: list[Problem] = []
    metadata = read_metadata(root, problems)
    manifest = store.manifest()
    known: dict = manifest.get("files", {})
    files = corpus_files(root, problems, follow_links)
    entries: dict[str, dict] = {}
    groups: list[Group] = []
    fresh: dict[str, list[Document]] = {}  # the documents of the files read this time, to be indexed
    shelves: list[Shelf] = []
    stats = {"files": len(files), "read": 0, "indexed": 0, "removed": 0}
    prefix = cited_prefix(root)
    # A large file's documents are indexed as its segmenting workers hand them back, while they
    # segment the rest: the build takes about the longer of the two, not their sum.
    writing = _IndexWriting(store, set(manifest.get("indexed", [])) if manifest else set(), stats)
    for n, path in enumerate(files):
        if progress:
            progress("checking", n, len(files))
        rel = path.relative_to(root).as_posix()
        meta = metadata.pop(rel, {})
        old = known.get(rel)
        meta_json = json.dumps(meta, sort_keys=True)
        try:
            info = path.stat()
            # The change time too: cp -p, rsync -t and tar restore a file's mtime after writing it,
            # but no one can restore its ctime, so an edit of the same size is still seen.
            if old and (old["size"], old["mtime"], old["ctime"], old["meta"]) == (*signature(info), meta_json):
                key = old["key"]
            else:
                key = _content_key(path, rel, meta)
        except OSError as exc:
            problems.append(Problem(display_path(path), None, f"cannot be read ({exc.strerror}); skipped"))
            continue
        shelf = store.open_shelf(key, path, verify)
        if shelf is None:
            file_problems: list[Problem] = []
            words: set[str] = set()
            documents = load_file(path, meta, file_problems, progress, words, writing.adder(key))
            store.write_shelf(key, documents, file_problems, words or None)
            fresh[key] = documents
            stats["read"] += 1
            shelf = Shelf(store.files / key, build_id())
        shown = display_path(root / rel)
        problems.extend(Problem(shown, line, message) for line, message in shelf.problems)
        groups.append(Group(key, groups[-1].first + groups[-1].count if groups else 0, shelf.count, shown, prefix + rel,
                            path, signature(info)))
        if len(shelves) < ShelvedDocuments.OPEN:  # kept open: a cache removed while in use still reads
            shelves.append(shelf)
        else:
            shelf.close()
        entries[rel] = {"size": info.st_size, "mtime": info.st_mtime_ns, "ctime": info.st_ctime_ns, "meta": meta_json,
                        "key": key}

    summary = store.summary(groups)
    shelved = ShelvedDocuments(store.files, build_id(), groups, dict(summary["renamed"]), shelves)
    corpus = Corpus(root, shelved, problems, Pairs(shelved, summary["duplicates"]))
    report_unused_metadata(corpus, metadata)
    for i, new in summary["renamed"]:
        problems.append(Problem(shelved.group_of(i).shown, None, renamed_message(new)))
    report_duplicates(corpus)
    if not shelved:
        raise CorpusError(no_usable_document(root, problems))

    wanted = {g.key for g in groups}
    if writing.opened or writing.indexed != wanted or not (store.index_dir / "meta.json").is_file():
        writing.finish(shelved, groups, fresh, wanted, progress)
    new_manifest = {"build": build_id(), "root": str(store.root),
                    "files": entries, "indexed": sorted(wanted)}
    if new_manifest != manifest:
        store.write_manifest(new_manifest)
        store.forget_others(wanted)
    spans = [(g.key, g.first, g.count) for g in groups]
    vocabulary = summary["vocabulary"]  # sorted: spelling correction sees the same order at every start
    try:
        index = Index(corpus, path=store.index_dir, groups=spans, vocabulary=vocabulary)
    except (ValueError, OSError, IndexDamaged) as exc:
        store.notices.append(f"the search index could not be opened ({exc}); rebuilding it")
        shutil.rmtree(store.index_dir, ignore_errors=True)
        _IndexWriting(store, set(), stats).finish(shelved, groups, fresh, wanted, progress)
        index = Index(corpus, path=store.index_dir, groups=spans, vocabulary=vocabulary)
    problems.extend(Problem(str(store.dir), None, notice) for notice in store.notices)
    return corpus, index, stats


def rebuild_index(root: str | os.PathLike[str] | None, settings: Settings, progress: Progress | None = None,
                  waiting: Callable[[str], None] | None = None, follow_links: bool = False
                  ) -> tuple[Corpus, Index, dict]:
    """The corpus again, with its search index built afresh and every cached file checked whole
    (damage found while answering: a cached file or the index)."""
    store = Store(Path(root) if root is not None else bundled_corpus_path(), settings)
    with store.locked(waiting):
        shutil.rmtree(store.index_dir, ignore_errors=True)
    return open_corpus(root, settings, progress, waiting, follow_links, verify=True)


class _IndexWriting:
    """The changes one opening makes to the search index, committed at once by `finish`: the
    entries of files gone or changed deleted, those of files new or changed added (the documents
    just read, some while their file was still being read, or those on their shelves). `indexed`
    is what the manifest says the index holds. The index is opened at the first change."""

    def __init__(self, store: Store, indexed: set[str], stats: dict) -> None:
        self.store, self.indexed, self.stats = store, indexed, stats
        self._writer: tantivy.IndexWriter | None = None
        self.added: dict[str, int] = {}  # documents of a file added so far, by its key

    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            store = self.store
            if not self.indexed:  # no manifest says what the index holds: start it afresh
                shutil.rmtree(store.index_dir, ignore_errors=True)
            try:
                index = tantivy.Index(schema(), path=str(_ensure_dir(store.index_dir)), reuse=True)
                index.reload()
                if self.indexed and index.searcher().num_docs == 0:
                    raise ValueError("the index is empty")
            except (ValueError, OSError) as exc:
                store.notices.append(f"the search index could not be opened ({exc}); rebuilding it")
                shutil.rmtree(store.index_dir, ignore_errors=True)
                index = tantivy.Index(schema(), path=str(_ensure_dir(store.index_dir)), reuse=False)
                self.indexed = set()
            self._writer = index.writer(heap_size=128_000_000, num_threads=min(os.cpu_count() or 1, 4))
        return self._writer

    def adder(self, key: str) -> HandOver:
        """What adds a file's documents from the `first` on, as its reader hands them over."""
        def add(first: int, documents: list[Document]) -> None:
            writer = self.writer()
            if first == 0:
                writer.delete_documents_by_term("file", key)  # entries a crash left behind: never twice
            add_documents(writer, key, documents, first)
            self.added[key] = first + len(documents)
        return add

    @property
    def opened(self) -> bool:
        return self._writer is not None

    def finish(self, documents: ShelvedDocuments, groups: list[Group], fresh: dict[str, list[Document]],
               wanted: set[str], progress: Progress | None) -> None:
        """Commit what the index lacks, and let go of the writer (and of its lock on the index)."""
        writer = self.writer()
        try:
            stale, missing = self.indexed - wanted, wanted - self.indexed
            if not stale and not missing:
                return  # the index holds these very files (what was added again is dropped)
            for key in stale:
                writer.delete_documents_by_term("file", key)
                self.stats["removed"] += 1
            for n, group in enumerate(groups):
                if group.key not in missing:
                    continue
                if self.added.get(group.key) != group.count:
                    if progress:
                        progress("indexing", n, len(groups))
                    self.adder(group.key)(0, fresh.get(group.key) or documents[group.first : group.first + group.count])
                self.stats["indexed"] += 1
            writer.commit()
            writer.wait_merging_threads()
        finally:
            self._writer = None


def _ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path

