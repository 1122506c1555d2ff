"""The on-disk cache: a corpus read, segmented and indexed once, opened at once afterwards.

One folder per corpus in the user's cache directory (`Settings.cache_dir`: $CITEBOT_CACHE_DIR, else
$XDG_CACHE_HOME/citebot, else ~/.cache/citebot), never inside the corpus or the installed package:

    manifest.json      each corpus file: size, mtime, ctime, content key (hash of its bytes and metadata)
    files/<key>        the file's documents, sentences and vocabulary (marshal)
    index/             the tantivy index, each entry tagged with the key of its file

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
    Problem,
    Progress,
    bundled_corpus_path,
    cited_prefix,
    corpus_files,
    display_path,
    finish,
    load_corpus,
    load_file,
    read_metadata,
    text_key,
    vocabulary_of,
)
from .files import LockTimeout, atomic_write, exclusive_lock
from .index import Index, IndexDamaged, add_documents, schema
from .model import METADATA, Source
from .settings import Settings

FORMAT = 7  # bump when the layout of what is stored changes
CHUNK = 2000  # documents per stored chunk
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

    def read_payload(self, key: str) -> dict | None:
        """A file's cached documents. Stored as a header and then chunks of documents, read one at
        a time, so a large file never needs its whole cache in memory twice."""
        try:
            with os.fdopen(os.open(self.files / key, os.O_RDONLY | _NOFOLLOW), "rb") as fh:
                _check_digest(fh)
                payload = marshal.load(fh)
                if not isinstance(payload, dict) or payload.get("build") != build_id():
                    raise ValueError("unexpected contents")
                payload["docs"] = [doc for _ in range(payload.pop("chunks")) for doc in marshal.load(fh)]
                _check_payload(payload)
            return payload
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError) as exc:
            self.notices.append(f"a cached file ({key[:12]}…) was unreadable ({exc or type(exc).__name__}); "
                                "reading its source again")
            return None

    def write_payload(self, key: str, payload: dict) -> None:
        docs = payload["docs"]
        chunks = [docs[i : i + CHUNK] for i in range(0, len(docs), CHUNK)]
        header = {k: v for k, v in payload.items() if k != "docs"} | {"chunks": len(chunks)}
        parts = (marshal.dumps(part) for part in (header, *chunks))  # one chunk in memory at a time
        atomic_write(self.files / key, _with_digest(parts))


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # a link planted in the cache is never followed


def _read_no_links(path: Path) -> bytes:
    with os.fdopen(os.open(path, os.O_RDONLY | _NOFOLLOW), "rb") as fh:
        return fh.read()


def clean_leftovers(folder: Path) -> None:
    """Temporary files a killed writer left behind (called with the lock held: no writer is live)."""
    for leftover in (*folder.glob(".*.tmp"), *folder.glob("files/.*.tmp")):
        with contextlib.suppress(OSError):
            leftover.unlink()


DIGEST = 32  # bytes of BLAKE2b at the end of every cached file: what was written is what is read


def _with_digest(parts):
    digest = hashlib.blake2b(digest_size=DIGEST)
    for part in parts:
        digest.update(part)
        yield part
    yield digest.digest()


def _check_digest(fh) -> None:
    """Raise ValueError unless the file's last DIGEST bytes are the digest of the rest; leave the
    file positioned at its start. One streaming pass, so a large file is never held twice."""
    size = os.fstat(fh.fileno()).st_size
    if size < DIGEST:
        raise ValueError("truncated")
    digest, left = hashlib.blake2b(digest_size=DIGEST), size - DIGEST
    while left:
        block = fh.read(min(left, 1 << 20))
        if not block:
            raise ValueError("truncated")
        digest.update(block)
        left -= len(block)
    if fh.read(DIGEST) != digest.digest():
        raise ValueError("its checksum does not match: damaged")
    fh.seek(0)


def _check_payload(payload: dict) -> None:
    """Raise ValueError unless the payload has the shape `_payload` gives it."""
    docs = payload.get("docs")
    if not isinstance(docs, list) or not isinstance(payload.get("problems"), list) \
            or not isinstance(payload.get("vocabulary"), list) or not isinstance(payload.get("text_keys"), list) \
            or len(payload["text_keys"]) != len(docs):
        raise ValueError("unexpected structure")
    for doc in docs:
        if not isinstance(doc, tuple) or len(doc) != 5 or not isinstance(doc[0], tuple) or len(doc[0]) != len(METADATA) \
                or not isinstance(doc[1], str) or not isinstance(doc[2], bytes):
            raise ValueError("unexpected structure")


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


def _payload(documents: list[Document], problems: list[Problem], vocabulary: set[str] | None) -> dict:
    docs = []
    for doc in documents:
        src = doc.source
        packed, names, heading_rows = doc.packed()
        docs.append((src.metadata(), doc.text, packed, names, heading_rows))
    return {
        "build": build_id(),
        "docs": docs,
        "problems": [(p.line, p.message) for p in problems],
        "vocabulary": sorted(vocabulary if vocabulary is not None else vocabulary_of(documents)),
        "text_keys": [text_key(doc.text) for doc in documents],
    }


def _documents(payload: dict, shown: str, file: str) -> list[Document]:
    out = []
    for metadata, text, packed, names, heading_rows in payload["docs"]:
        source = Source.from_metadata(shown, dict(zip(METADATA, metadata)), file)
        out.append(Document(source, text, packed=packed, names=names, heading_rows=heading_rows))
    return out


def open_corpus(root: str | os.PathLike[str] | None, settings: Settings, progress: Progress | None = None,
                waiting: Callable[[str], None] | None = None, follow_links: bool = False
                ) -> tuple[Corpus, Index, dict]:
    """The corpus and its index, from the cache where it is current, updating what is not.

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
            return _open_locked(store, root, progress, follow_links)
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


def _open_locked(store: Store, root: Path, progress: Progress | None, follow_links: bool = False
                 ) -> tuple[Corpus, Index, dict]:
    corpus = Corpus(root)
    metadata = read_metadata(root, corpus.problems)
    manifest = store.manifest()
    known: dict = manifest.get("files", {})
    files = corpus_files(root, corpus.problems, follow_links)
    entries: dict[str, dict] = {}
    payloads: dict[str, dict] = {}
    stats = {"files": len(files), "read": 0, "indexed": 0, "removed": 0}
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
            if old and (old["size"], old["mtime"], old["ctime"], old["meta"]) == \
                    (info.st_size, info.st_mtime_ns, info.st_ctime_ns, meta_json):
                key = old["key"]
            else:
                key = _content_key(path, rel, meta)
        except OSError as exc:
            corpus.problems.append(Problem(display_path(path), None, f"cannot be read ({exc.strerror}); skipped"))
            continue
        payload = store.read_payload(key)
        if payload is None:
            problems: list[Problem] = []
            words: set[str] = set()
            documents = load_file(path, meta, problems, progress, words)
            payload = _payload(documents, problems, words or None)
            del documents, words  # the payload holds what is needed; let the rest go before the next file
            store.write_payload(key, payload)
            stats["read"] += 1
        payloads[rel] = payload
        entries[rel] = {"size": info.st_size, "mtime": info.st_mtime_ns, "ctime": info.st_ctime_ns, "meta": meta_json,
                        "key": key}

    groups: list[tuple[str, int, int]] = []
    vocabulary: set[str] = set()
    text_keys: list[str] = []
    prefix = cited_prefix(root)
    for rel, payload in payloads.items():
        shown = display_path(root / rel)
        documents = _documents(payload, shown, prefix + rel)
        corpus.problems.extend(Problem(shown, line, message) for line, message in payload["problems"])
        groups.append((entries[rel]["key"], len(corpus.documents), len(documents)))
        corpus.documents.extend(documents)
        vocabulary.update(payload["vocabulary"])
        text_keys.extend(payload["text_keys"])
    finish(corpus, metadata, text_keys)

    indexed = set(manifest.get("indexed", [])) if manifest else set()
    wanted = {key for key, _, _ in groups}
    if indexed != wanted or not (store.index_dir / "meta.json").is_file():
        _update_index(store, corpus, groups, indexed, wanted, progress, stats)
    new_manifest = {"build": build_id(), "root": str(store.root),
                    "files": entries, "indexed": sorted(wanted)}
    if new_manifest != manifest:
        store.write_manifest(new_manifest)
    try:
        index = Index(corpus, path=store.index_dir, groups=groups, vocabulary=vocabulary)
    except (ValueError, OSError, IndexDamaged) as exc:
        store.notices.append(f"the search index could not be opened ({exc}); rebuilding it")
        shutil.rmtree(store.index_dir, ignore_errors=True)
        _update_index(store, corpus, groups, set(), wanted, progress, stats)
        index = Index(corpus, path=store.index_dir, groups=groups, vocabulary=vocabulary)
    corpus.problems.extend(Problem(str(store.dir), None, notice) for notice in store.notices)
    return corpus, index, stats


def rebuild_index(root: str | os.PathLike[str] | None, settings: Settings, progress: Progress | None = None,
                  waiting: Callable[[str], None] | None = None, follow_links: bool = False
                  ) -> tuple[Corpus, Index, dict]:
    """The corpus again, with its search index built afresh (one found damaged while answering)."""
    store = Store(Path(root) if root is not None else bundled_corpus_path(), settings)
    with store.locked(waiting):
        shutil.rmtree(store.index_dir, ignore_errors=True)
    return open_corpus(root, settings, progress, waiting, follow_links)


def _update_index(store: Store, corpus: Corpus, groups, indexed: set[str], wanted: set[str],
                  progress: Progress | None, stats: dict) -> None:
    """Delete the entries of files gone or changed, add those of files new or changed."""
    if not indexed:  # no manifest says what the index holds: start it afresh
        shutil.rmtree(store.index_dir, ignore_errors=True)
    try:
        index = tantivy.Index(schema(), path=str(_ensure_dir(store.index_dir)), reuse=True)
        index.reload()
        if indexed and index.searcher().num_docs == 0:
            raise ValueError("the index is empty")
    except (ValueError, OSError) as exc:
        store.notices.append(f"the search index could not be opened ({exc}); rebuilding it")
        shutil.rmtree(store.index_dir, ignore_errors=True)
        index = tantivy.Index(schema(), path=str(_ensure_dir(store.index_dir)), reuse=False)
        indexed = set()
    stale, missing = indexed - wanted, wanted - indexed
    if not stale and not missing:
        return
    writer = index.writer(heap_size=128_000_000, num_threads=min(os.cpu_count() or 1, 4))
    for key in stale:
        writer.delete_documents_by_term("file", key)
        stats["removed"] += 1
    for n, (key, first, count) in enumerate(groups):
        if key in missing:
            if progress:
                progress("indexing", n, len(groups))
            writer.delete_documents_by_term("file", key)  # entries a crash left behind: never twice
            add_documents(writer, key, corpus.documents[first : first + count])
            stats["indexed"] += 1
    writer.commit()
    writer.wait_merging_threads()


def _ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path

