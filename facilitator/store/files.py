"""Low-level file helpers: private permissions, atomic replace, fsync."""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"

#: The largest file the store reads whole (a session file, a journal, the index, the action log). A session of
#: 2,000 contributions of 1,000 characters each makes a session file and a journal of 2.3 and 2.4 MB; of 20,000
#: characters each (the most one contribution holds), 41 MB each (measured). A larger file is not one the app
#: wrote (a disk error, a program writing into the folder, a copy gone wrong): it is refused before it is read,
#: as a damaged file, since reading a file of gigabytes whole would take all the memory there is.
MAX_FILE_BYTES = 256 * 1024 * 1024


def size_text(size: int) -> str:
    """A file's size in a few characters, as file managers count it (a GB of 1024 MB): "16.0 GB", "256 MB"."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{size} bytes"


class FileTooLargeError(OSError):
    """A file far larger than the app ever writes, refused before it is read (see MAX_FILE_BYTES)."""

    def __init__(self, path: Path | str, size: int, limit: int = MAX_FILE_BYTES):
        self.reason = (
            f"it is {size_text(size)}, far more than the app ever writes in one file ({size_text(limit)} at most)"
        )
        super().__init__(errno.EFBIG, self.reason, str(path))


class NotAFileError(OSError):
    """Something at a file's path that is not a regular file (a pipe, a device): never read, so never waited on."""

    def __init__(self, path: Path | str):
        self.reason = "it is not a regular file (a pipe or a device)"
        super().__init__(errno.EINVAL, self.reason, str(path))


def _without_waiting(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)  # (a pipe opens at once, with nothing in it)


def read_whole(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, as Path.read_bytes() gives them, but FileTooLargeError for a file of more than ``limit``
    bytes (its size looked at before anything is read, and never more than ``limit`` and a little read) and
    NotAFileError for a pipe or a device (opened without waiting for a writer)."""
    with io.open(path, "rb", buffering=0, opener=_without_waiting) as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            raise NotAFileError(path)
        if st.st_size > limit:
            raise FileTooLargeError(path, st.st_size, limit)
        data = f.read(st.st_size + 1)  # the whole file, unless it grew since: then read on, up to the limit
        if len(data) <= st.st_size:
            more = f.read(1) if data else b""
            if not more:
                return data
            data += more
        parts, total = [data], len(data)
        while total <= limit:
            chunk = f.read(min(1 << 20, limit + 1 - total))
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)
            total += len(chunk)
        raise FileTooLargeError(path, total, limit)


def ensure_private_dir(path: Path) -> None:
    """Create the folder (and any missing parents) if needed and make it 0700, whatever the umask.

    Each missing parent is made 0700 too (``mkdir(parents=True)`` would give parents the umask's default,
    world-writable under umask 0); parents that already exist are left as they are.
    """
    path = Path(path)
    missing = []
    at = path
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile (by another process): its mode is its maker's
        if (folder.stat().st_mode & 0o777) != DIR_MODE:
            os.chmod(folder, DIR_MODE)
    if (path.stat().st_mode & 0o777) != DIR_MODE:
        os.chmod(path, DIR_MODE)


def readable_again(path: Path) -> bool:
    """A file of ours that permissions keep us from reading or writing (chmod 000 by hand, a copy from another
    account's backup) made 0600 again, as the app writes its files; False if it is not ours or cannot be changed."""
    try:
        if os.stat(path).st_uid != os.getuid():
            return False
        os.chmod(path, FILE_MODE)
    except (OSError, AttributeError):  # (AttributeError: no getuid on this system)
        return False
    return True


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_private(path: Path, flags: int) -> int:
    """os.open with mode 0600 enforced even when the umask or an older file says otherwise."""
    fd = os.open(path, flags, FILE_MODE)
    try:
        if (os.fstat(fd).st_mode & 0o777) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")


def atomic_write(path: Path, data: bytes | Iterable[bytes], sync: bool = True, sync_dir: bool = True) -> None:
    """Write a whole file so that a crash leaves either the old or the new content, never a mix.

    ``data``: the bytes, or pieces of them in turn (a long file need not be in memory all at once).

    Temp file in the same folder, write, fsync, rename over, fsync the folder. On failure the
    temp file is removed and the old file is untouched. ``sync=False`` (bulk imports only) skips
    the fsyncs: still atomic against a crash of the app, not against a power cut. ``sync_dir=False``
    leaves out the folder's fsync: after a power cut the rename may be undone (the old file is back,
    whole), which is fine for files whose changes are also in a journal.
    """
    tmp = temp_path(path)
    fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        try:
            for piece in (data,) if isinstance(data, bytes) else data:
                write_all(fd, piece)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    if sync and sync_dir:
        fsync_dir(path.parent)


def write_chosen(path: Path, data: bytes | Iterable[bytes]) -> None:
    """A file the user named (``--out``), written as atomic_write writes; through a symbolic link, the file it
    points to (the link is kept); and into something that is not a file as it is (``/dev/stdout``, a named pipe):
    replaced by a temporary file renamed over it, such a thing would be gone (as root, ``--out /dev/null`` replaced
    the device with a file). OSError if it cannot be written."""
    try:
        mode = os.stat(path).st_mode  # (through any link)
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            for piece in (data,) if isinstance(data, bytes) else data:
                write_all(fd, piece)
        finally:
            os.close(fd)
        return
    atomic_write(Path(os.path.realpath(path)), data)


def remove_stray_temp_files(folder: Path) -> list[Path]:
    removed = []
    if not folder.is_dir():
        return removed
    for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
    return removed
