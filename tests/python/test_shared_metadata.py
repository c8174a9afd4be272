"""Descriptive state (channel names, path, metadata, readonly) belongs to the
image, shared by every handle of it.

In the app, ``viewer.image`` hands out a new Python object each time it is
read, each holding a handle to the document's image: ``copy.copy(img)`` makes
the same kind of second handle here. A view, a channel view and a deep copy
are new images: they start with a copy of the state and keep their own.
"""

import copy
import pickle
import threading

import numpy as np
import pytest

import livepix


@pytest.fixture
def handles():
    img = livepix.Image(6, 4, 4, "uint16")
    return img, copy.copy(img)


def test_two_handles_see_each_others_metadata(handles):
    a, b = handles
    a.metadata["Artist"] = "Ada"
    b.metadata["Orientation"] = 6
    assert dict(b.metadata) == {"Artist": "Ada", "Orientation": 6}
    assert dict(a.metadata) == {"Artist": "Ada", "Orientation": 6}
    del b.metadata["Artist"]
    assert "Artist" not in a.metadata
    b.metadata = {"Software": "livepix"}
    assert dict(a.metadata) == {"Software": "livepix"}


def test_a_mapping_taken_earlier_sees_later_changes(handles):
    a, b = handles
    mapping = a.metadata
    b.metadata["Title"] = "late"
    assert mapping["Title"] == "late"


def test_two_handles_see_each_others_channel_names_path_and_readonly(handles, tmp_path):
    a, b = handles
    b.channel_names = ["red", "green", "blue", "alpha"]
    assert a.channel_names == ["red", "green", "blue", "alpha"]
    a.path = tmp_path / "named.png"
    assert b.path == str(tmp_path / "named.png")
    b.readonly = True
    assert a.readonly
    assert not np.asarray(a).flags.writeable
    b.readonly = False
    assert np.asarray(a).flags.writeable


def test_saving_through_one_handle_updates_the_path_of_all(handles, tmp_path):
    a, b = handles
    target = tmp_path / "saved.tif"
    a.save(target)
    assert b.path == str(target)


def test_what_one_handle_sets_is_what_another_saves(handles, tmp_path):
    a, b = handles
    np.asarray(a)[:] = 1000
    a.metadata["Artist"] = "set through a"
    a.channel_names = ["R", "G", "B", "coverage"]
    target = tmp_path / "roundtrip.exr"
    b.save(target)
    back = livepix.open(target)
    assert back.metadata["Artist"] == "set through a"
    assert back.channel_names == ["R", "G", "B", "coverage"]


def test_a_view_does_not_change_its_parent(handles):
    parent, _ = handles
    parent.metadata["Artist"] = "parent"
    crop = parent.view(1, 1, 3, 2)
    assert crop.metadata["Artist"] == "parent"  # starts with a copy
    crop.metadata["Artist"] = "crop"
    crop.channel_names = ["w", "x", "y", "z"]
    crop.readonly = True
    assert parent.metadata["Artist"] == "parent"
    assert parent.channel_names == ["R", "G", "B", "A"]
    assert not parent.readonly
    parent.metadata["Later"] = 1
    assert "Later" not in crop.metadata


def test_a_channel_view_starts_with_its_channels_names():
    parent = livepix.Image(3, 3, 4)
    parent.channel_names = ["r", "g", "b", "a"]
    parent.metadata["Artist"] = "parent"
    alpha = parent.channel_view(3)
    assert alpha.channel_names == ["a"]
    assert alpha.metadata["Artist"] == "parent"
    alpha.channel_names = ["coverage"]
    alpha.metadata["Artist"] = "alpha"
    assert parent.channel_names == ["r", "g", "b", "a"]
    assert parent.metadata["Artist"] == "parent"


def test_copies_and_pickles_are_independent(handles):
    a, _ = handles
    a.metadata["Artist"] = "original"
    a.readonly = True
    deep = a.copy()
    restored = pickle.loads(pickle.dumps(a))
    assert not deep.readonly  # a deep copy is new pixels of your own
    deep.metadata["Artist"] = "deep"
    restored.metadata["Artist"] = "restored"
    assert a.metadata["Artist"] == "original"
    assert copy.deepcopy(a).metadata["Artist"] == "original"


def test_handles_on_two_threads(handles):
    # The app reads the state on the GUI thread while a script writes it;
    # each read is a whole snapshot (the core copies under a lock).
    a, b = handles
    stop = threading.Event()
    names_seen = []

    def writer():
        i = 0
        while not stop.is_set():
            b.channel_names = [f"R{i}", f"G{i}", f"B{i}", f"A{i}"]
            b.metadata["Counter"] = i
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(2000):
            names = a.channel_names
            names_seen.append(len({name[1:] for name in names}) == 1)
            a.metadata.get("Counter")
    finally:
        stop.set()
        thread.join()
    assert all(names_seen)
