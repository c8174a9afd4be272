"""Image.metadata: the file attributes of an image as a mutable mapping."""

from collections.abc import MutableMapping

from ._livepix import Image

# OpenImageIO type names whose text form converts back to a Python number.
_INT_TYPES = {"int", "uint", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"}
_FLOAT_TYPES = {"float", "double", "half"}


def _to_python(type_name, text):
    try:
        if type_name in _INT_TYPES:
            return int(text)
        if type_name in _FLOAT_TYPES:
            return float(text)
    except ValueError:
        pass
    return text


class Metadata(MutableMapping):
    """Live mapping over an image's attributes (name -> value).

    The attributes belong to the image, not to one Python object: every handle
    of it (``viewer.image`` read twice, the document the app saves, a pickled
    and restored copy excepted) sees a change at once, so
    ``viewer.image.metadata["Artist"] = "x"`` followed by File > Save writes
    it. ``img.view(...)``, ``img.channel_view(...)`` and ``img.copy()`` start
    with a copy of the attributes and keep their own from then on.

    Values are ``int``, ``float`` or ``str``; other OpenImageIO types (vectors,
    matrices, rationals) appear as their text form, e.g. ``"72/1"``. Setting a
    key stores an int as "int", a float as "float" and anything else as a
    string, and Image.save writes it back into the file where the format has
    a place for it.
    """

    __slots__ = ("_image",)

    def __init__(self, image):
        self._image = image

    def _entries(self):
        return self._image._metadata_entries()

    def __getitem__(self, name):
        for entry_name, type_name, text in self._entries():
            if entry_name == name:
                return _to_python(type_name, text)
        raise KeyError(name)

    def __setitem__(self, name, value):
        if not isinstance(name, str):
            raise TypeError(f"metadata names are str, not {type(name).__name__}")
        if isinstance(value, bool):
            self._image._set_metadata(name, str(int(value)), "int")
        elif isinstance(value, int):
            self._image._set_metadata(name, str(value), "int")
        elif isinstance(value, float):
            self._image._set_metadata(name, repr(value), "float")
        else:
            self._image._set_metadata(name, str(value), "string")

    def __delitem__(self, name):
        if name not in self:
            raise KeyError(name)
        self._image._remove_metadata(name)

    def __contains__(self, name):
        return any(entry[0] == name for entry in self._entries())

    def __iter__(self):
        return iter([entry[0] for entry in self._entries()])

    def __len__(self):
        return len(self._entries())

    def types(self):
        """{name: OpenImageIO type name} for every attribute."""
        return {name: type_name for name, type_name, _ in self._entries()}

    def __repr__(self):
        return f"livepix.Metadata({dict(self)!r})"


def _get_metadata(image):
    return Metadata(image)


def _set_metadata(image, values):
    for name in list(Metadata(image)):
        image._remove_metadata(name)
    mapping = Metadata(image)
    for name, value in dict(values).items():
        mapping[name] = value


Image.metadata = property(
    _get_metadata,
    _set_metadata,
    doc="The file's attributes as a mutable mapping (see livepix.Metadata). Assign a dict to replace them all.",
)
