"""livepix.open refuses what is not a regular file, before reading a byte.

A FIFO with no writer blocks open() forever and /dev/zero never ends, so a
regression here would hang: every call runs under faulthandler's watchdog,
which ends the process with a traceback (a failed test, not a hung suite).
"""

import faulthandler
import os
import socket
import stat
from pathlib import Path

import pytest

import livepix

WATCHDOG_SECONDS = 10


@pytest.fixture
def watchdog():
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def first_block_device():
    for entry in sorted(Path("/dev").iterdir()):
        try:
            if stat.S_ISBLK(entry.stat().st_mode):
                return entry
        except OSError:
            continue
    return None


def refusal(path):
    with pytest.raises(livepix.ImageError) as info:
        livepix.open(path)
    error = info.value
    assert isinstance(error, OSError)
    assert error.filename == str(path)
    return error


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_character_devices_are_refused(device, watchdog):
    error = refusal(device)
    assert str(error) == f"{device}: not a regular file: character device"


def test_fifo_is_refused(tmp_path, watchdog):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    error = refusal(fifo)
    assert str(error) == f"{fifo}: not a regular file: FIFO (named pipe)"


def test_unix_socket_is_refused(tmp_path, watchdog):
    path = tmp_path / "listening.png"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(1)
        error = refusal(path)
    assert str(error) == f"{path}: not a regular file: socket"


def test_symlink_to_a_device_is_refused(tmp_path, watchdog):
    link = tmp_path / "zero.png"
    link.symlink_to("/dev/zero")
    error = refusal(link)
    assert str(error) == f"{link}: not a regular file: character device"


def test_block_device_is_refused(watchdog):
    device = first_block_device()
    if device is None:
        pytest.skip("no block device in /dev")
    error = refusal(device)
    assert str(error) == f"{device}: not a regular file: block device"


def test_directory_is_refused(tmp_path, watchdog):
    error = refusal(tmp_path)
    assert str(error) == f"{tmp_path}: this is a folder, not an image"
    assert error.errno == 21  # EISDIR, like open() on a folder


def test_path_forms_all_take_the_same_check(tmp_path, watchdog):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    for form in (fifo, str(fifo), os.fsencode(fifo)):
        with pytest.raises(livepix.ImageError, match="not a regular file: FIFO"):
            livepix.open(form)


def test_a_regular_file_next_to_them_still_opens(tmp_path, watchdog):
    os.mkfifo(tmp_path / "pipe.png")
    path = tmp_path / "fine.png"
    livepix.Image(4, 3, 3).save(path)
    assert livepix.open(path).shape == (3, 4, 3)
