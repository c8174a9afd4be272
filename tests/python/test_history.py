"""livepix.History: undo for every pixel write, whoever makes it.

The tracker write-protects the image's buffer and copies a chunk on its
first write, so NumPy in any thread, ctypes and memoryview writes are all
seen; a step keeps only the pages that changed.
"""

import ctypes
import threading
import warnings

import numpy as np
import pytest

import livepix
from conftest import DTYPES, pattern

MiB = 1 << 20


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5])
def test_undo_and_redo_are_bit_exact(dtype, channels):
    img = livepix.Image.from_array(pattern((61, 97, channels), dtype))
    a = np.asarray(img)
    before = a.copy()
    h = livepix.History(img)
    a[10:20, 5:50] = pattern(a[10:20, 5:50].shape, dtype)[::-1] + 1
    if np.dtype(dtype).kind == "f":
        a[(0,) * a.ndim] = np.nan  # NaN payloads survive too
    after = a.copy()
    assert h.commit("edit")
    assert h.undo()
    assert np.asarray(img).tobytes() == before.tobytes()
    assert h.redo()
    assert np.asarray(img).tobytes() == after.tobytes()


def test_writes_through_a_view_and_a_channel_subset():
    img = livepix.Image.from_array(pattern((64, 64, 4), "uint16"))
    before = np.asarray(img).copy()
    h = livepix.History(img)
    view = np.asarray(img.view(8, 8, 16, 16))
    view[..., 1] = 65535
    assert h.commit("green square")
    assert np.asarray(img)[8:24, 8:24, 1].min() == 65535
    h.undo()
    assert np.array_equal(np.asarray(img), before)


def test_a_unit_that_changes_nothing_adds_no_step():
    img = livepix.Image.from_array(pattern((128, 128, 3), "float32"))
    h = livepix.History(img)
    assert not h.commit("nothing")
    a = np.asarray(img)
    a[:] = a.copy()  # rewriting the same values is no change
    assert h.open_writes
    assert not h.commit("same values")
    assert h.entries == []


def test_entries_are_labelled_oldest_first_with_their_memory():
    img = livepix.Image(256, 256, 4, "uint8")
    h = livepix.History(img)
    a = np.asarray(img)
    a[0] = 1
    h.commit("a[0] = 1")
    a[-1] = 2
    h.commit("a[-1] = 2")
    labels = [str(e) for e in h.entries]
    assert labels == ["a[0] = 1", "a[-1] = 2"]
    assert all(0 < e.bytes <= 8192 for e in h.entries)
    assert "a[0] = 1" in repr(h.entries[0])
    assert h.position == 2


def test_modified_follows_the_pixels_both_ways():
    img = livepix.Image(64, 64, 1, "uint8")
    h = livepix.History(img)
    assert not h.modified
    np.asarray(img)[3] = 9
    h.commit("row")
    assert h.modified
    h.undo()
    assert not h.modified
    h.redo()
    assert h.modified


def test_numpy_threads_are_tracked():
    img = livepix.Image(512, 512, 4, "uint8")
    a = np.asarray(img)
    a[:] = 200
    h = livepix.History(img)

    def blacken(i):
        a[i * 8:(i + 1) * 8] = 0

    threads = [threading.Thread(target=blacken, args=(i,)) for i in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert a.max() == 0
    assert h.commit("threads")
    h.undo()
    assert np.asarray(img).min() == 200


def test_ctypes_and_memoryview_writes_are_tracked():
    img = livepix.Image(100, 100, 4, "uint8")
    h = livepix.History(img)
    address = img.__array_interface__["data"][0]
    ctypes.memset(address + 4096 * 3, 7, 100)
    memoryview(np.asarray(img)[0]).cast("B")[0] = 9
    assert h.commit("ctypes")
    raw = np.asarray(img).reshape(-1)
    assert raw[0] == 9
    h.undo()
    assert np.asarray(img).max() == 0


def test_readinto_fails_cleanly_with_oserror():
    img = livepix.Image(64, 4, 4, "uint8")
    h = livepix.History(img)
    row = memoryview(np.asarray(img)[1]).cast("B")
    # A real file: the kernel's read() writes into the protected buffer.
    with open(__file__, "rb", buffering=0) as f:
        with pytest.raises(OSError) as raised:
            f.readinto(row)
    assert raised.value.errno == 14  # EFAULT: "Bad address"
    assert np.asarray(img).max() == 0
    assert not h.commit("nothing happened")
    # The documented way: read into bytes, then assign.
    with open(__file__, "rb") as f:
        np.asarray(img)[1] = np.frombuffer(f.read(256), np.uint8).reshape(64, 4)
    assert h.commit("read a row")


def test_memory_per_step_follows_the_change_on_a_1gib_image():
    img = livepix.Image(16384, 16384, 4, "uint8")  # 1 GiB, pages untouched
    h = livepix.History(img)
    a = np.asarray(img)
    assert not h.commit("nothing")
    a[8000] = 255
    assert h.commit("one row")
    assert 0 < h.entries[-1].bytes <= 2 * MiB
    a[8000] = 255
    assert not h.commit("same row again")
    assert len(h.entries) == 1


def test_too_large_a_step_warns_and_drops_the_history():
    img = livepix.Image(512, 512, 4, "uint8")
    h = livepix.History(img)
    a = np.asarray(img)
    a[0] = 1
    h.commit("small")
    livepix.set_undo_limit(64 * 1024)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            a[:] = 3
            assert not h.commit("fill")
        assert any('"fill" cannot be undone' in str(w.message) for w in caught)
        assert h.entries == []
    finally:
        livepix.set_undo_limit(1 << 30)


def test_history_keeps_its_image_alive():
    before = livepix._live_buffers()
    h = livepix.History(livepix.Image(32, 32, 1, "uint8"))
    assert livepix._live_buffers() == before + 1
    del h
    assert livepix._live_buffers() == before
