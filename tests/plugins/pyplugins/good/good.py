"""A Python plugin that loads (tests/plugins/run_list_plugins.cmake)."""
import livepix


@livepix.filter("Py Good", params=[{"name": "gain", "type": "float", "min": 0, "max": 4, "default": 1}])
def good(array, gain):
    array *= gain
