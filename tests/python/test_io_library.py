"""The image I/O library (liblivepix_io, OpenImageIO behind it) is loaded on
the first load or save, not by `import livepix` (issue 9, start-up); when it
cannot be loaded, the error names it and the reason."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import livepix


def run_python(code, env=None):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_import_does_not_map_openimageio_but_the_first_load_does(tmp_path):
    path = tmp_path / "small.png"
    livepix.Image(4, 3, 3, "uint8").save(path)
    done = run_python(f"""
        def mapped(name):
            with open("/proc/self/maps") as maps:
                return any(name in line for line in maps)
        import numpy, livepix
        assert not mapped("libOpenImageIO"), "import livepix mapped OpenImageIO"
        assert not mapped("liblivepix_io"), "import livepix mapped liblivepix_io"
        image = livepix.open({str(path)!r})
        assert image.width == 4
        assert mapped("libOpenImageIO") and mapped("liblivepix_io")
        print("ok")
        """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_missing_io_library_is_a_clear_error(tmp_path):
    """liblivepix_core copied alone into a folder (as if liblivepix_io had
    not been installed beside it): import works, a load names the library."""
    core = Path(livepix._livepix.__file__).resolve().parent.parent.parent / "lib"
    sonames = sorted(core.glob("liblivepix_core.so.*"))
    if not sonames:
        pytest.skip(f"no liblivepix_core in {core}")
    for folder in ("/usr/lib", "/usr/local/lib", "/usr/lib/x86_64-linux-gnu"):
        if list(Path(folder).glob("liblivepix_io.so*")):
            pytest.skip(f"an installed liblivepix_io in {folder} would be found by its soname")
    alone = tmp_path / "lib"
    alone.mkdir()
    for soname in sonames:
        shutil.copy2(soname, alone / soname.name)
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    env = dict(os.environ, LD_LIBRARY_PATH=str(alone))
    done = run_python(f"""
        import livepix
        try:
            livepix.open({str(picture)!r})
        except livepix.ImageError as error:
            print(error)
        else:
            print("no error")
        print(livepix.Image(2, 2, 1, "uint8").width)
        """, env)
    assert done.returncode == 0, done.stderr
    message, width = done.stdout.strip().splitlines()
    assert str(picture) in message and "liblivepix_io.so" in message, message
    assert "cannot be loaded" in message, message
    assert width == "2"
